"""A container's environment and command line, resolved as kubelet resolves them.

Order (kubelet's makeEnvironmentVariables): `envFrom` sources first, then `env` in order;
a value may refer to variables defined before it as `$(NAME)`, and `command`/`args` are
expanded with the final environment. A missing ConfigMap, Secret or key that is not
optional is a `CreateContainerConfigError` (the container waits with that reason).
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Awaitable, Callable
from typing import Any

from engine.api.admission.quantity import QuantityError, parse_quantity
from engine.registry.types import Obj

# (kind, namespace, name) -> the object, or None when it does not exist.
Getter = Callable[[str, str, str], Awaitable[Obj | None]]

_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_SUBSCRIPT = re.compile(r"^metadata\.(labels|annotations)\['(.+)'\]$")


class ContainerConfigError(Exception):
    """Why the container cannot be created (its waiting message)."""


def expand(text: str, env: dict[str, str]) -> str:
    """`$(NAME)` → its value when defined (else left as written); `$$` → `$`."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch != "$" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
        elif nxt == "(":
            end = text.find(")", i + 2)
            if end < 0:
                out.append("$(")
                i += 2
                continue
            name = text[i + 2 : end]
            out.append(env.get(name, f"$({name})"))
            i = end + 1
        else:
            out.append("$" + nxt)
            i += 2
    return "".join(out)


def command_line(container: Obj, env: dict[str, str]) -> list[str]:
    """command + args with $(VAR) expanded; [] when the container has no command."""
    command = [str(c) for c in container.get("command") or ()]
    args = [str(a) for a in container.get("args") or ()]
    if not command:
        return []
    return [expand(part, env) for part in command + args]


async def container_env(pod: Obj, container: Obj, get: Getter, allocatable: Obj) -> dict[str, str]:
    """The variables the container's process gets from its spec (in spec order)."""
    namespace = pod["metadata"].get("namespace", "default")
    env: dict[str, str] = {}
    for source in container.get("envFrom") or ():
        prefix = str(source.get("prefix") or "")
        for key, value in (await _env_from(namespace, source, get)).items():
            if _ENV_NAME.match(prefix + key):
                env[prefix + key] = value
    for var in container.get("env") or ():
        name = var.get("name")
        if not name:
            continue
        if "valueFrom" in var and var["valueFrom"]:
            value = await _value_from(pod, container, var["valueFrom"], get, allocatable)
            if value is None:  # an optional reference that is missing: no variable
                continue
        else:
            value = expand(str(var.get("value") or ""), env)
        env[name] = value
    return env


async def _env_from(namespace: str, source: Obj, get: Getter) -> dict[str, str]:
    for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
        ref = source.get(field)
        if not ref:
            continue
        obj = await get(kind, namespace, ref.get("name", ""))
        if obj is None:
            if ref.get("optional"):
                return {}
            raise ContainerConfigError(f'{kind.lower()} "{ref.get("name", "")}" not found')
        return _data(obj)
    return {}


def _data(obj: Obj) -> dict[str, str]:
    if obj.get("kind") == "Secret":
        return {
            k: base64.b64decode(v).decode("utf-8", "replace")
            for k, v in (obj.get("data") or {}).items()
        }
    return {str(k): str(v) for k, v in (obj.get("data") or {}).items()}


async def _value_from(
    pod: Obj, container: Obj, source: Obj, get: Getter, allocatable: Obj
) -> str | None:
    if "fieldRef" in source:
        return field_value(pod, str((source["fieldRef"] or {}).get("fieldPath", "")))
    if "resourceFieldRef" in source:
        return resource_value(pod, container, source["resourceFieldRef"] or {}, allocatable)
    namespace = pod["metadata"].get("namespace", "default")
    for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
        ref = source.get(field)
        if not ref:
            continue
        name, key = ref.get("name", ""), ref.get("key", "")
        obj = await get(kind, namespace, name)
        if obj is None:
            if ref.get("optional"):
                return None
            raise ContainerConfigError(f'{kind.lower()} "{name}" not found')
        data = _data(obj)
        if key not in data:
            if ref.get("optional"):
                return None
            raise ContainerConfigError(f"couldn't find key {key} in {kind} {namespace}/{name}")
        return data[key]
    return ""


def field_value(pod: Obj, path: str) -> str:
    meta, spec, status = pod.get("metadata") or {}, pod.get("spec") or {}, pod.get("status") or {}
    match = _SUBSCRIPT.match(path)
    if match:
        return str((meta.get(match.group(1)) or {}).get(match.group(2), ""))
    simple: dict[str, Any] = {
        "metadata.name": meta.get("name"),
        "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"),
        "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName"),
        "status.hostIP": status.get("hostIP"),
        "status.podIP": status.get("podIP"),
        "status.hostIPs": ",".join(a.get("ip", "") for a in status.get("hostIPs") or ()),
        "status.podIPs": ",".join(a.get("ip", "") for a in status.get("podIPs") or ()),
    }
    if path in ("metadata.labels", "metadata.annotations"):
        items = meta.get(path.split(".")[1]) or {}
        return "\n".join(f'{k}="{v}"' for k, v in sorted(items.items()))
    if path not in simple:
        raise ContainerConfigError(f"unsupported fieldPath: {path}")
    return str(simple[path] or "")


def resource_value(pod: Obj, container: Obj, ref: Obj, allocatable: Obj) -> str:
    """limits.* / requests.* of a container, in units of the divisor, rounded up;
    a limit that is not set is the node's allocatable (as kubelet does)."""
    name = ref.get("containerName") or container.get("name")
    target = next(
        (c for c in (pod.get("spec") or {}).get("containers") or () if c.get("name") == name),
        container,
    )
    resource = str(ref.get("resource", ""))
    kind, _, what = resource.partition(".")
    resources = (target.get("resources") or {}).get(kind) or {}
    raw = resources.get(what)
    if raw is None and kind == "limits":
        raw = allocatable.get(what)
    try:
        value = parse_quantity(raw if raw is not None else "0")
        divisor = parse_quantity(ref.get("divisor") or "1")
    except QuantityError:
        raise ContainerConfigError(f"invalid quantity in resourceFieldRef {resource}") from None
    if divisor.is_zero():
        divisor = parse_quantity("1")
    if what == "cpu":
        return str(math.ceil(value.milli_value() / divisor.milli_value()))
    return str(math.ceil(value.value / divisor.value))
