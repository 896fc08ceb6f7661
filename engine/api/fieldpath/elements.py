"""Path elements of a field set, in the string form FieldsV1 uses for its keys.

structured-merge-diff names a step into a value four ways:

    f:<name>          a field of a struct or a key of a map
    k:{"name":"web"}  an item of an associative list, by its key fields (sorted by name)
    v:"value"         an item of a set (a list of scalars)
    i:<n>             an item of a list by index (only for lists nothing better fits)

We keep elements as those strings: they are hashable, canonical (we always build them the
same way) and are exactly what FieldsV1 serializes. Their *order* is not the string order:
upstream sorts fields < keys < values < indexes, numbers numerically (so
`k:{"containerPort":80}` precedes `k:{"containerPort":8080}`); `sort_key` reproduces it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import orjson

# Go's encoding/json escapes these inside strings; FieldsV1 keys are produced by it.
_GO_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))
_GO_ESCAPES += (("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def go_json(value: Any, *, sort_keys: bool = True) -> str:
    """Compact JSON as Go's encoding/json writes it (map keys sorted, HTML escaped)."""
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0).decode()
    for raw, escaped in _GO_ESCAPES:
        if raw in text:
            text = text.replace(raw, escaped)
    return text


def field(name: str) -> str:
    return "f:" + name


def key(fields: dict[str, Any]) -> str:
    return "k:" + go_json(dict(sorted(fields.items())))


def value(item: Any) -> str:
    return "v:" + go_json(item)


def index(i: int) -> str:
    return "i:" + str(i)


def canonical(element: str) -> str:
    """The canonical spelling of an element read from a client's managedFields."""
    if element.startswith(("k:", "v:")):
        try:
            decoded = orjson.loads(element[2:])
        except orjson.JSONDecodeError:
            return element
        return key(decoded) if element[0] == "k" and isinstance(decoded, dict) else value(decoded)
    return element


def _value_rank(v: Any) -> tuple[Any, ...]:
    """value.Compare: numbers (numerically) < strings < bools < lists < maps < null."""
    if isinstance(v, bool):
        return (2, v)
    if isinstance(v, (int, float)):
        return (0, v)
    if isinstance(v, str):
        return (1, v)
    if isinstance(v, list):
        return (3, len(v), tuple(_value_rank(i) for i in v))
    if isinstance(v, dict):
        return (4, go_json(v))
    return (5,)


@lru_cache(maxsize=16384)
def sort_key(element: str) -> tuple[Any, ...]:
    kind, body = element[:2], element[2:]
    if kind == "f:":
        return (0, body)
    if kind == "k:":
        try:
            fields = orjson.loads(body)
        except orjson.JSONDecodeError:
            return (1, 0, ((body, (5,)),))
        if not isinstance(fields, dict):
            return (1, 0, ((body, (5,)),))
        items = sorted(fields.items())
        return (1, len(items), tuple((name, _value_rank(v)) for name, v in items))
    if kind == "v:":
        try:
            return (2, _value_rank(orjson.loads(body)))
        except orjson.JSONDecodeError:
            return (2, (5,))
    if kind == "i:":
        return (3, int(body) if body.isdigit() else 0)
    return (4, element)


def _go_value(v: Any) -> str:
    """value.ToString: strings quoted, the rest as Go prints them."""
    if isinstance(v, str):
        return orjson.dumps(v).decode()
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return str(v)
    return go_json(v)


@lru_cache(maxsize=4096)
def display(element: str) -> str:
    """PathElement.String(): `.spec`, `[name="web"]`, `[="x"]`, `[0]` (for conflict messages)."""
    kind, body = element[:2], element[2:]
    if kind == "f:":
        return "." + body
    if kind in ("k:", "v:"):
        try:
            decoded = orjson.loads(body)
        except orjson.JSONDecodeError:
            return "{{invalid path element}}"
        if kind == "v:":
            return f"[={_go_value(decoded)}]"
        if isinstance(decoded, dict):
            inner = ",".join(f"{n}={_go_value(v)}" for n, v in sorted(decoded.items()))
            return f"[{inner}]"
    if kind == "i:":
        return f"[{body}]"
    return "{{invalid path element}}"


def path_string(path: tuple[str, ...]) -> str:
    return "".join(display(e) for e in path)
