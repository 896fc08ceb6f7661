"""Containers as kubectl describes them (describeContainers): image and ports, command,
state, resources, probes, environment and mounts; shared by pods and pod templates."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .format import go_v, print_bool, rfc1123z
from .quantity import ZERO, ZERO_BINARY, Quantity, resource_list
from .writer import LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter

EnvResolver = Callable[[dict[str, Any]], str]


def describe_containers(
    label: str,
    containers: list[dict[str, Any]],
    statuses: list[dict[str, Any]] | None,
    resolver: EnvResolver | None,
    w: PrefixWriter,
    space: str,
) -> None:
    by_name = {s.get("name"): s for s in statuses or [] if isinstance(s, dict)}
    w.write(LEVEL_0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    for container in containers:
        status = by_name.get(container.get("name"))
        _basic_info(container, status, space, w)
        _command(container, w)
        if status is not None:
            _state(status, w)
        describe_resources(container.get("resources"), w, LEVEL_2)
        _probes(container, w)
        if container.get("envFrom"):
            _env_from(container, w)
        _env(container, resolver, w)
        _mounts(container, w)


def _basic_info(
    container: dict[str, Any], status: dict[str, Any] | None, space: str, w: PrefixWriter
) -> None:
    name_indent = " " if space else ""
    w.write(LEVEL_1, f"{name_indent}{container.get('name', '')}:\n")
    if status is not None:
        w.write(LEVEL_2, f"Container ID:\t{status.get('containerID', '')}\n")
    w.write(LEVEL_2, f"Image:\t{container.get('image', '')}\n")
    if status is not None:
        w.write(LEVEL_2, f"Image ID:\t{status.get('imageID', '')}\n")
    ports = container.get("ports") or []
    text = ", ".join(f"{p.get('containerPort', 0)}/{p.get('protocol', '')}" for p in ports)
    if "," in text:
        w.write(LEVEL_2, f"Ports:\t{text}\n")
    else:
        w.write(LEVEL_2, f"Port:\t{text or '<none>'}\n")
    hosts = ", ".join(f"{p.get('hostPort', 0)}/{p.get('protocol', '')}" for p in ports)
    if "," in hosts:
        w.write(LEVEL_2, f"Host Ports:\t{hosts}\n")
    else:
        w.write(LEVEL_2, f"Host Port:\t{hosts or '<none>'}\n")
    seccomp = (container.get("securityContext") or {}).get("seccompProfile")
    if isinstance(seccomp, dict):
        w.write(LEVEL_2, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
        if seccomp.get("type") == "Localhost":
            w.write(LEVEL_3, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")


def _command(container: dict[str, Any], w: PrefixWriter) -> None:
    for title, key in (("Command", "command"), ("Args", "args")):
        if container.get(key):
            w.write(LEVEL_2, f"{title}:\n")
            for part in container[key]:
                for line in str(part).split("\n"):
                    w.write(LEVEL_3, f"{line}\n")


def describe_resources(resources: Any, w: PrefixWriter, level: int) -> None:
    if not isinstance(resources, dict):
        return
    for title, key in (("Limits", "limits"), ("Requests", "requests")):
        values = resource_list(resources.get(key))
        if values:
            w.write(level, f"{title}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{values[name]}\n")


def _state(status: dict[str, Any], w: PrefixWriter) -> None:
    describe_status("State", status.get("state") or {}, w)
    last = status.get("lastState") or {}
    if last.get("terminated"):
        describe_status("Last State", last, w)
    w.write(LEVEL_2, f"Ready:\t{print_bool(status.get('ready'))}\n")
    w.write(LEVEL_2, f"Restart Count:\t{status.get('restartCount', 0)}\n")


def describe_status(name: str, state: dict[str, Any], w: PrefixWriter) -> None:
    if state.get("running") is not None:
        w.write(LEVEL_2, f"{name}:\tRunning\n")
        w.write(LEVEL_3, f"Started:\t{rfc1123z((state['running'] or {}).get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(LEVEL_2, f"{name}:\tWaiting\n")
        if (state["waiting"] or {}).get("reason"):
            w.write(LEVEL_3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        done = state["terminated"] or {}
        w.write(LEVEL_2, f"{name}:\tTerminated\n")
        if done.get("reason"):
            w.write(LEVEL_3, f"Reason:\t{done['reason']}\n")
        if done.get("message"):
            w.write(LEVEL_3, f"Message:\t{done['message']}\n")
        w.write(LEVEL_3, f"Exit Code:\t{done.get('exitCode', 0)}\n")
        if (done.get("signal") or 0) > 0:
            w.write(LEVEL_3, f"Signal:\t{done['signal']}\n")
        w.write(LEVEL_3, f"Started:\t{rfc1123z(done.get('startedAt'))}\n")
        w.write(LEVEL_3, f"Finished:\t{rfc1123z(done.get('finishedAt'))}\n")
    else:
        w.write(LEVEL_2, f"{name}:\tWaiting\n")


def _probes(container: dict[str, Any], w: PrefixWriter) -> None:
    for title, key in (
        ("Liveness", "livenessProbe"),
        ("Readiness", "readinessProbe"),
        ("Startup", "startupProbe"),
    ):
        if isinstance(container.get(key), dict):
            w.write(LEVEL_2, f"{title}:\t{describe_probe(container[key])}\n")


def describe_probe(probe: dict[str, Any]) -> str:
    attrs = (
        f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 0)}s "
        f"period={probe.get('periodSeconds', 0)}s #success={probe.get('successThreshold', 0)} "
        f"#failure={probe.get('failureThreshold', 0)}"
    )
    if isinstance(probe.get("exec"), dict):
        return f"exec {go_v(probe['exec'].get('command') or [])} {attrs}"
    if isinstance(probe.get("httpGet"), dict):
        get = probe["httpGet"]
        host, port = get.get("host", ""), go_v(get.get("port", ""))
        if port:
            host = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        path = get.get("path", "")
        if path and not path.startswith("/") and host:
            path = "/" + path
        scheme = str(get.get("scheme", "")).lower()
        url = (f"{scheme}:" if scheme else "") + (f"//{host}" if host or scheme else "") + path
        return f"http-get {url} {attrs}"
    if isinstance(probe.get("tcpSocket"), dict):
        sock = probe["tcpSocket"]
        return f"tcp-socket {sock.get('host', '')}:{go_v(sock.get('port', ''))} {attrs}"
    if isinstance(probe.get("grpc"), dict):
        grpc = probe["grpc"]
        return f"grpc <pod>:{grpc.get('port', 0)} {grpc.get('service') or ''} {attrs}"
    return f"unknown {attrs}"


def _env_from(container: dict[str, Any], w: PrefixWriter) -> None:
    w.write(LEVEL_2, "Environment Variables from:\n")
    for source in container.get("envFrom") or []:
        kind, name, optional = "", "", False
        if isinstance(source.get("configMapRef"), dict):
            ref = source["configMapRef"]
            kind, name, optional = "ConfigMap", ref.get("name", ""), bool(ref.get("optional"))
        elif isinstance(source.get("secretRef"), dict):
            ref = source["secretRef"]
            kind, name, optional = "Secret", ref.get("name", ""), bool(ref.get("optional"))
        flag = "true" if optional else "false"
        if source.get("prefix"):
            w.write(LEVEL_3, f"{name}\t{kind} with prefix '{source['prefix']}'\tOptional: {flag}\n")
        else:
            w.write(LEVEL_3, f"{name}\t{kind}\tOptional: {flag}\n")


def _env(container: dict[str, Any], resolver: EnvResolver | None, w: PrefixWriter) -> None:
    env = container.get("env") or []
    w.write(LEVEL_2, f"Environment:{'' if env else chr(9) + '<none>'}\n")
    for var in env:
        name = var.get("name", "")
        source = var.get("valueFrom")
        if not isinstance(source, dict):
            for i, line in enumerate(str(var.get("value", "")).split("\n")):
                w.write(LEVEL_3, f"{name}:\t{line}\n" if i == 0 else f"\t{line}\n")
            continue
        if isinstance(source.get("fieldRef"), dict):
            ref = source["fieldRef"]
            value = resolver(var) if resolver else ""
            w.write(
                LEVEL_3,
                f"{name}:\t{value} ({ref.get('apiVersion', '')}:{ref.get('fieldPath', '')})\n",
            )
        elif isinstance(source.get("resourceFieldRef"), dict):
            ref = source["resourceFieldRef"]
            value = container_resource_value(ref, container)
            resource = ref.get("resource", "")
            if value == "0" and resource in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(LEVEL_3, f"{name}:\t{value} ({resource})\n")
        elif isinstance(source.get("secretKeyRef"), dict):
            ref = source["secretKeyRef"]
            flag = "true" if ref.get("optional") else "false"
            w.write(
                LEVEL_3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' in secret "
                f"'{ref.get('name', '')}'>\tOptional: {flag}\n",
            )
        elif isinstance(source.get("configMapKeyRef"), dict):
            ref = source["configMapKeyRef"]
            flag = "true" if ref.get("optional") else "false"
            w.write(
                LEVEL_3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' of config map "
                f"'{ref.get('name', '')}'>\tOptional: {flag}\n",
            )


def container_resource_value(ref: dict[str, Any], container: dict[str, Any]) -> str:
    """resourcehelper.ExtractContainerResourceValue for the env of a container."""
    divisor = Quantity.parse(ref.get("divisor")) if ref.get("divisor") else Quantity.parse("1")
    if divisor.value == 0:
        divisor = Quantity.parse("1")
    where, _, name = str(ref.get("resource", "")).partition(".")
    if where not in ("limits", "requests"):
        return ""
    values = resource_list((container.get("resources") or {}).get(where))
    if name == "cpu":
        amount = values.get("cpu", ZERO)
        return str(math.ceil(amount.milli_value() / max(divisor.milli_value(), 1)))
    if name in ("memory", "ephemeral-storage") or name.startswith("hugepages-"):
        amount = values.get(name, ZERO_BINARY)
        return str(math.ceil(amount.value_ceil() / max(divisor.value_ceil(), 1)))
    return ""


def _mounts(container: dict[str, Any], w: PrefixWriter) -> None:
    mounts = container.get("volumeMounts") or []
    none = "" if mounts else "\t<none>"
    w.write(LEVEL_2, f"Mounts:{none}\n")
    for mount in sorted(mounts, key=lambda m: m.get("mountPath", "")):
        flags = ["ro" if mount.get("readOnly") else "rw"]
        if mount.get("subPath"):
            flags.append(f'path="{mount["subPath"]}"')
        w.write(
            LEVEL_3,
            f"{mount.get('mountPath', '')} from {mount.get('name', '')} ({','.join(flags)})\n",
        )
    devices = container.get("volumeDevices") or []
    if devices:
        w.write(LEVEL_2, f"Devices:{none}\n")
        for device in sorted(devices, key=lambda d: d.get("devicePath", "")):
            w.write(LEVEL_3, f"{device.get('devicePath', '')} from {device.get('name', '')}\n")
