"""The JSONPath subset CRD additionalPrinterColumns use (client-go util/jsonpath).

Supported: `.field`, `['field']`, escaped dots (`.a\\.b`), `[n]` and negative indexes,
`[*]` / `.*`, slices `[a:b]`, unions `[0,2]`, recursive descent `..field`, and filters
`[?(@.type=="Ready")]` with ==, !=, <, >, <=, >= or a bare `@.path` existence test.
Missing keys yield no result (the server sets AllowMissingKeys); errors yield None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class JSONPathError(ValueError):
    pass


@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Wildcard:
    pass


@dataclass(frozen=True)
class Recursive:
    name: str | None  # None: every descendant


@dataclass(frozen=True)
class Index:
    indexes: tuple[int, ...]


@dataclass(frozen=True)
class Slice:
    start: int | None
    stop: int | None
    step: int | None


@dataclass(frozen=True)
class Filter:
    left: tuple[Any, ...] | Any  # a path (tuple of steps) or a literal
    op: str | None
    right: tuple[Any, ...] | Any


_TERMINATORS = set(".[]{},$@ \t\n")
_FILTER = re.compile(r"^(.*?)\s*(==|!=|>=|<=|>|<)\s*(.*)$", re.S)
MISSING = _MISSING = object()  # "no result", unlike a JSON null


def _read_name(text: str, i: int) -> tuple[str, int]:
    out = []
    while i < len(text) and text[i] not in _TERMINATORS:
        if text[i] == "\\" and i + 1 < len(text):
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out), i


def _literal(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise JSONPathError(f"unrecognized literal {text!r}") from None


def _operand(text: str) -> Any:
    text = text.strip()
    if text.startswith("@"):
        return parse(text[1:])
    return _literal(text)


def _bracket(body: str) -> Any:
    body = body.strip()
    if body == "*":
        return Wildcard()
    if body.startswith("?(") and body.endswith(")"):
        expr = body[2:-1]
        match = _FILTER.match(expr)
        if match is None:
            return Filter(_operand(expr), None, None)
        return Filter(_operand(match[1]), match[2], _operand(match[3]))
    if len(body) >= 2 and body[0] == body[-1] and body[0] in "'\"":
        return Field(body[1:-1])
    if ":" in body:
        parts = [p.strip() for p in body.split(":")]
        if len(parts) > 3:
            raise JSONPathError(f"bad slice [{body}]")
        nums = [int(p) if p else None for p in parts] + [None] * (3 - len(parts))
        return Slice(nums[0], nums[1], nums[2])
    try:
        return Index(tuple(int(p) for p in body.split(",")))
    except ValueError:
        raise JSONPathError(f"bad index [{body}]") from None


def parse(expression: str) -> tuple[Any, ...]:
    """Compile a path like `.status.conditions[?(@.type=="Ready")].status`."""
    text = expression.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    text = text.removeprefix("$")
    steps: list[Any] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if text.startswith("..", i):
            name, i = _read_name(text, i + 2)
            steps.append(Recursive(name or None))
        elif ch == ".":
            name, i = _read_name(text, i + 1)
            if name == "*":
                steps.append(Wildcard())
            elif name:
                steps.append(Field(name))
        elif ch == "[":
            depth, j = 0, i
            while j < len(text):  # find the matching bracket, parentheses may nest
                if text[j] in "[(":
                    depth += 1
                elif text[j] in "])":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= len(text):
                raise JSONPathError(f"unclosed [ in {expression!r}")
            steps.append(_bracket(text[i + 1 : j]))
            i = j + 1
        else:
            name, i2 = _read_name(text, i)
            if i2 == i:
                raise JSONPathError(f"unexpected {ch!r} in {expression!r}")
            steps.append(Field(name))
            i = i2
    return tuple(steps)


def _descend(value: Any) -> list[Any]:
    out = [value]
    if isinstance(value, Mapping):
        for key in sorted(value):
            out.extend(_descend(value[key]))
    elif isinstance(value, list):
        for item in value:
            out.extend(_descend(item))
    return out


def _compare(left: Any, op: str, right: Any) -> bool:
    def kind(v: Any) -> str:
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, int):
            return "int"
        if isinstance(v, float):
            return "float"
        if isinstance(v, str):
            return "string"
        return "other"

    if kind(left) != kind(right) or kind(left) == "other":
        raise JSONPathError("incompatible types for comparison")
    if op == "==":
        return bool(left == right)
    if op == "!=":
        return bool(left != right)
    if kind(left) == "bool":
        raise JSONPathError("invalid type for comparison")
    return bool(
        {"<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]
    )


def _side(item: Any, operand: Any) -> Any:
    if isinstance(operand, tuple):
        found = evaluate(operand, item)
        return found[0] if found else _MISSING
    return operand


def _step(step: Any, value: Any) -> list[Any]:
    if isinstance(step, Field):
        if isinstance(value, Mapping) and step.name in value:
            return [value[step.name]]
        return []
    if isinstance(step, Wildcard):
        if isinstance(value, Mapping):
            return [value[k] for k in sorted(value)]
        return list(value) if isinstance(value, list) else []
    if isinstance(step, Recursive):
        nodes = _descend(value)
        if step.name is None:
            return nodes
        return [n[step.name] for n in nodes if isinstance(n, Mapping) and step.name in n]
    if not isinstance(value, list):
        return []
    if isinstance(step, Index):
        out = []
        for index in step.indexes:
            if -len(value) <= index < len(value):
                out.append(value[index])
        return out
    if isinstance(step, Slice):
        return value[step.start : step.stop : step.step]
    if isinstance(step, Filter):
        out = []
        for item in value:
            left = _side(item, step.left)
            if step.op is None:
                if left is not _MISSING:
                    out.append(item)
                continue
            right = _side(item, step.right)
            if left is _MISSING or right is _MISSING:
                continue
            if _compare(left, step.op, right):
                out.append(item)
        return out
    raise JSONPathError(f"unsupported step {step!r}")


def evaluate(path: tuple[Any, ...], data: Any) -> list[Any]:
    """Every value the path reaches in `data`, in document order."""
    values = [data]
    for step in path:
        values = [found for value in values for found in _step(step, value)]
    return values


def first(path: tuple[Any, ...], data: Any) -> Any:
    """The first match; MISSING when nothing matches or the path cannot be evaluated
    (a JSON null that is there is returned as None)."""
    try:
        found = evaluate(path, data)
    except JSONPathError:
        return MISSING
    return found[0] if found else MISSING
