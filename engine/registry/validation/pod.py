"""Pod spec validation: the checks users meet most, with upstream's paths and messages."""

from __future__ import annotations

import re
from typing import Any

from ..field_errors import (
    FieldError,
    duplicate,
    forbidden,
    invalid,
    not_supported,
    required,
)
from .names import is_dns1123_label, is_dns1123_subdomain

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
PROTOCOLS = ("SCTP", "TCP", "UDP")
PORT_RANGE = "must be between 1 and 65535, inclusive"

POD_UPDATE_FORBIDDEN = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
    "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
    "(allow it to be set to 1 if it was previously negative)"
)


def port_name_errors(name: str) -> list[str]:
    """validation.IsValidPortName (an IANA_SVC_NAME)."""
    errs = []
    if len(name) > 15:
        errs.append("must be no more than 15 characters")
    if not re.fullmatch(r"[-a-z0-9]+", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if not re.search(r"[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if name.startswith("-") or name.endswith("-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_port_number(value: Any, field: str) -> list[FieldError]:
    if not _is_int(value) or not 1 <= value <= 65535:
        return [invalid(field, value, PORT_RANGE)]
    return []


def _validate_container(c: Any, path: str, names: set[str]) -> list[FieldError]:
    if not isinstance(c, dict):
        return [invalid(path, c, "must be an object")]
    errs: list[FieldError] = []
    name = c.get("name")
    if not name:
        errs.append(required(f"{path}.name", ""))
    elif not isinstance(name, str):
        errs.append(invalid(f"{path}.name", name, "must be a string"))
    else:
        errs.extend(invalid(f"{path}.name", name, m) for m in is_dns1123_label(name))
        if name in names:
            errs.append(duplicate(f"{path}.name", name))
        names.add(name)
    image = c.get("image")
    if not isinstance(image, str) or not image.strip():
        errs.append(required(f"{path}.image", ""))
    policy = c.get("imagePullPolicy")
    if policy is not None and policy not in PULL_POLICIES:
        errs.append(not_supported(f"{path}.imagePullPolicy", policy, PULL_POLICIES))
    ports = c.get("ports") or ()
    if not isinstance(ports, list | tuple):
        errs.append(invalid(f"{path}.ports", ports, "must be a list"))
        ports = ()
    for i, port in enumerate(ports):
        ppath = f"{path}.ports[{i}]"
        if not isinstance(port, dict):
            errs.append(invalid(ppath, port, "must be an object"))
            continue
        if "containerPort" not in port:
            errs.append(required(f"{ppath}.containerPort", ""))
        else:
            errs.extend(validate_port_number(port["containerPort"], f"{ppath}.containerPort"))
        if "hostPort" in port and port["hostPort"] != 0:
            errs.extend(validate_port_number(port["hostPort"], f"{ppath}.hostPort"))
        protocol = port.get("protocol", "TCP")
        if protocol not in PROTOCOLS:
            errs.append(not_supported(f"{ppath}.protocol", protocol, PROTOCOLS))
        pname = port.get("name")
        if pname:
            errs.extend(invalid(f"{ppath}.name", pname, m) for m in port_name_errors(str(pname)))
    env_vars = c.get("env") or ()
    if not isinstance(env_vars, list | tuple):
        errs.append(invalid(f"{path}.env", env_vars, "must be a list"))
        env_vars = ()
    for i, env in enumerate(env_vars):
        if not isinstance(env, dict) or not env.get("name"):
            errs.append(required(f"{path}.env[{i}].name", ""))
    return errs


def validate_pod_spec(
    spec: Any, path: str, *, restart_policies: tuple[str, ...] = RESTART_POLICIES
) -> list[FieldError]:
    if not isinstance(spec, dict):
        return [required(path, "")]
    errs: list[FieldError] = []
    names: set[str] = set()
    containers = spec.get("containers")
    if not containers:
        errs.append(required(f"{path}.containers", ""))
    elif not isinstance(containers, list):
        errs.append(invalid(f"{path}.containers", containers, "must be a list"))
    else:
        for i, c in enumerate(containers):
            errs.extend(_validate_container(c, f"{path}.containers[{i}]", names))
    for i, c in enumerate(spec.get("initContainers") or ()):
        errs.extend(_validate_container(c, f"{path}.initContainers[{i}]", names))
    restart = spec.get("restartPolicy")
    if restart is not None and restart not in restart_policies:
        errs.append(not_supported(f"{path}.restartPolicy", restart, restart_policies))
    dns = spec.get("dnsPolicy")
    if dns is not None and dns not in DNS_POLICIES:
        errs.append(not_supported(f"{path}.dnsPolicy", dns, DNS_POLICIES))
    grace = spec.get("terminationGracePeriodSeconds")
    if grace is not None and (not _is_int(grace) or grace < 0):
        errs.append(
            invalid(
                f"{path}.terminationGracePeriodSeconds", grace, "must be greater than or equal to 0"
            )
        )
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and (not _is_int(deadline) or deadline <= 0):
        errs.append(
            invalid(
                f"{path}.activeDeadlineSeconds",
                deadline,
                "must be between 1 and 2147483647, inclusive",
            )
        )
    node = spec.get("nodeName")
    if node:
        errs.extend(invalid(f"{path}.nodeName", node, m) for m in is_dns1123_subdomain(str(node)))
    volumes: set[str] = set()
    for i, volume in enumerate(spec.get("volumes") or ()):
        vname = volume.get("name") if isinstance(volume, dict) else None
        if not vname:
            errs.append(required(f"{path}.volumes[{i}].name", ""))
            continue
        errs.extend(
            invalid(f"{path}.volumes[{i}].name", vname, m) for m in is_dns1123_label(str(vname))
        )
        if vname in volumes:
            errs.append(duplicate(f"{path}.volumes[{i}].name", vname))
        volumes.add(vname)
    return errs


def _strip_mutable(spec: dict[str, Any]) -> dict[str, Any]:
    """The pod spec without what an update may change (images, deadline, tolerations...)."""
    out = dict(spec)
    for key in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
        out.pop(key, None)
    for key in ("containers", "initContainers"):
        out[key] = [
            {k: v for k, v in c.items() if k != "image"} if isinstance(c, dict) else c
            for c in spec.get(key) or ()
        ]
    return out


def validate_pod_update(new_spec: Any, old_spec: Any) -> list[FieldError]:
    if not isinstance(new_spec, dict) or not isinstance(old_spec, dict):
        return []
    errs: list[FieldError] = []
    for key in ("containers", "initContainers"):
        new_list, old_list = new_spec.get(key) or [], old_spec.get(key) or []
        # A list of another shape (fuzzers send `containers: true`) is a change too.
        if not isinstance(new_list, list) or len(new_list) != len(old_list):
            errs.append(forbidden("spec", POD_UPDATE_FORBIDDEN))
            return errs
    new_cmp = _strip_mutable(new_spec)
    old_cmp = _strip_mutable(old_spec)
    if new_cmp != old_cmp:
        errs.append(forbidden("spec", POD_UPDATE_FORBIDDEN))
    return errs
