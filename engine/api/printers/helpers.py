"""Small readers and formatters the printers share (upstream's printers.go helpers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from ..humanize import human_duration
from ..humanize import parse_time as _parse_time

Obj = Mapping[str, Any]


@lru_cache(maxsize=16384)
def _parse_text(value: str) -> float | None:
    return _parse_time(value)


def parse_time(value: object) -> float | None:
    """humanize.parse_time, memoized: a table repeats the same timestamps row after row."""
    if type(value) is str:
        return _parse_text(value)
    return _parse_time(value)


@lru_cache(maxsize=16384)
def duration(seconds: float) -> str:
    """humanize.human_duration, memoized: rows of one table share `now` and often times."""
    return human_duration(seconds)


def since(timestamp: object, now: float) -> str:
    """humanize.since with the memoized parse_time."""
    then = parse_time(timestamp)
    if then is None:
        return "<unknown>"
    return duration(now - then)


def get(obj: Any, *path: str | int, default: Any = None) -> Any:
    """obj[path[0]][path[1]]... with `default` for anything missing or null."""
    for key in path:
        if type(obj) is dict and type(key) is str:  # the common case, without ABC checks
            obj = obj.get(key)
        elif isinstance(key, int):
            if (
                not isinstance(obj, Sequence)
                or isinstance(obj, str)
                or not -len(obj) <= key < len(obj)
            ):
                return default
            obj = obj[key]
        else:
            if not isinstance(obj, Mapping):
                return default
            obj = obj.get(key)
        if obj is None:
            return default
    return obj


def meta(obj: Obj, key: str, default: Any = None) -> Any:
    return get(obj, "metadata", key, default=default)


def as_int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    return default


def layout_containers(containers: Sequence[Obj] | None) -> tuple[str, str]:
    """layoutContainerCells: names and images, comma-joined."""
    containers = containers or []
    names = ",".join(str(c.get("name", "")) for c in containers)
    images = ",".join(str(c.get("image", "")) for c in containers)
    return names, images


def bool_ptr(value: Any) -> str:
    """printBoolPtr: "True"/"False", "<unset>" when the field is absent."""
    if value is None:
        return "<unset>"
    return "True" if value else "False"


def int_or_string(value: Any) -> str:
    """intstr.IntOrString.String()."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return str(int(value))
    return str(value)


def quantity(value: Any) -> str:
    """resource.Quantity.String(); stored quantities are already canonical, zero is "0"."""
    if value is None or value == "":
        return "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def list_with_more(items: Sequence[str], total: int, limit: int = 3, unset: str = "<unset>") -> str:
    """listWithMoreString: the first `limit` items, then " + N more..."."""
    text = ",".join(items[:limit])
    if total > limit:
        return f"{text} + {total - limit} more..."
    return text or unset


def join_host_port(host: str, port: int | str) -> str:
    """net.JoinHostPort: IPv6 literals get brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def group_of(api_version: str) -> str:
    """The group of an apiVersion ("apps/v1" -> "apps", "v1" -> "")."""
    return api_version.split("/", 1)[0] if "/" in api_version else ""


def controller_of(obj: Obj) -> Obj | None:
    """metav1.GetControllerOf: the owner reference with controller: true."""
    for ref in meta(obj, "ownerReferences", []) or []:
        if ref.get("controller"):
            return ref
    return None
