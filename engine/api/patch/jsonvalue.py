"""Copying and comparing decoded JSON values (dicts, lists, str, int, float, bool, None)."""

from __future__ import annotations

import copy
from typing import Any

import orjson

# Refuse (and so deep-copy the slow way) what orjson would otherwise turn into strings.
_EXACT = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def deep_copy(value: Any) -> Any:
    """An independent copy, so a patch result never shares containers with its input.

    orjson's C round trip is several times faster than a Python walk for object-sized
    documents; values it cannot encode (huge ints, non-str keys) take the slow path.
    """
    if not isinstance(value, (dict, list)):
        return value
    try:
        return orjson.loads(orjson.dumps(value, option=_EXACT))
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return copy.deepcopy(value)


def json_equal(a: Any, b: Any) -> bool:
    """Structural JSON equality: numbers by value, but `true` is not `1` as it is in Python."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict):
        if not isinstance(b, dict) or len(a) != len(b):
            return False
        return all(k in b and json_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return False
        return all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (int, float)):
        return isinstance(b, (int, float)) and a == b
    return type(a) is type(b) and a == b


def go_equal(a: Any, b: Any) -> bool:
    """Go's `==` on two decoded scalars: the dynamic types must match (int64 is not float64)."""
    return type(a) is type(b) and a == b


def scalar_key(value: Any) -> tuple[type, Any]:
    """A hashable key with Go's map-key identity (so 1, 1.0 and true stay distinct)."""
    return (type(value), value)
