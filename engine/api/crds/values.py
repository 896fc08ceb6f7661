"""Validating a custom resource's values against its structural schema.

What kube-openapi's schema validator checks for apiextensions-apiserver (type, nullable,
required, enum, minimum/maximum, minLength/maxLength, pattern, minItems/maxItems,
min/maxProperties, multipleOf, uniqueItems, format, allOf...), worded as
`kubeOpenAPIResultToFieldErrors` turns its results into field errors, e.g.
``spec.replicas: Invalid value: 20: spec.replicas in body should be less than or equal
to 10``. Paths: ``spec.items[0].name``; messages repeat the path followed by "in body".
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from engine.registry.field_errors import (
    FieldError,
    invalid,
    not_supported,
    required,
    too_long,
    too_many,
)

from .formats import FORMATS

Schema = dict[str, Any]
_ROOT_SKIP = frozenset({"apiVersion", "kind", "metadata"})


def type_name(value: Any) -> str:
    """The JSON type kube-openapi reports for a value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _matches_type(declared: str, value: Any) -> bool:
    actual = type_name(value)
    if declared == "number":
        return actual in ("number", "integer")
    return declared == actual


def _go_number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _key(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def validate_object(schema: Schema | None, obj: Any) -> list[FieldError]:
    """Errors of a whole custom resource (apiVersion, kind and metadata are the server's)."""
    if not schema or not isinstance(obj, dict):
        return []
    body = {k: v for k, v in obj.items() if k not in _ROOT_SKIP}
    root = {
        **schema,
        "properties": {
            k: v for k, v in (schema.get("properties") or {}).items() if k not in _ROOT_SKIP
        },
    }
    root["required"] = [r for r in schema.get("required") or [] if r not in _ROOT_SKIP]
    errors: list[FieldError] = []
    _Validator(errors).value(root, body, "")
    return errors


class _Validator:
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors

    def fail(self, error: FieldError) -> None:
        self.errors.append(error)

    def value(self, schema: Schema, value: Any, path: str) -> None:
        if not isinstance(schema, dict):
            return
        for sub in schema.get("allOf") or ():
            self.value(sub, value, path)
        if value is None:
            declared = schema.get("type")
            if declared and not schema.get("nullable"):
                self.fail(
                    invalid(path, "null", f'{path} in body must be of type {declared}: "null"')
                )
            return
        if schema.get("x-kubernetes-int-or-string") and (
            not isinstance(value, (int, str)) or isinstance(value, bool)
        ):
            actual = type_name(value)
            message = f'{path} in body must be of type integer,string: "{actual}"'
            self.fail(invalid(path, actual, message))
            return
        declared = schema.get("type")
        if isinstance(declared, str) and declared and not _matches_type(declared, value):
            actual = type_name(value)
            self.fail(
                invalid(path, actual, f'{path} in body must be of type {declared}: "{actual}"')
            )
            return
        self.enum(schema, value, path)
        if isinstance(value, dict):
            self.object(schema, value, path)
        elif isinstance(value, list):
            self.array(schema, value, path)
        elif isinstance(value, str):
            self.string(schema, value, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.number(schema, value, path)

    def enum(self, schema: Schema, value: Any, path: str) -> None:
        allowed = schema.get("enum")
        if not isinstance(allowed, list) or value in allowed:
            return
        names = [a if isinstance(a, str) else json.dumps(a) for a in allowed]
        self.fail(not_supported(path, value, names))

    def object(self, schema: Schema, obj: dict[str, Any], path: str) -> None:
        properties = schema.get("properties") or {}
        for name in schema.get("required") or ():
            if name not in obj:
                self.fail(required(_key(path, name), ""))
        count = len(obj)
        if isinstance(schema.get("maxProperties"), int) and count > schema["maxProperties"]:
            self.fail(too_many(path, count, schema["maxProperties"]))
        if isinstance(schema.get("minProperties"), int) and count < schema["minProperties"]:
            self.fail(
                invalid(
                    path,
                    count,
                    f"{path} in body should have at least {schema['minProperties']} properties",
                )
            )
        extra = schema.get("additionalProperties")
        for key, child in obj.items():
            child_schema = properties.get(key)
            if child_schema is None and isinstance(extra, dict):
                child_schema = extra
            if child_schema is not None:
                self.value(child_schema, child, _key(path, key))

    def array(self, schema: Schema, items: list[Any], path: str) -> None:
        count = len(items)
        if isinstance(schema.get("maxItems"), int) and count > schema["maxItems"]:
            self.fail(too_many(path, count, schema["maxItems"]))
        if isinstance(schema.get("minItems"), int) and count < schema["minItems"]:
            self.fail(
                invalid(
                    path, items, f"{path} in body should have at least {schema['minItems']} items"
                )
            )
        if (
            schema.get("uniqueItems")
            and len({json.dumps(i, sort_keys=True) for i in items}) < count
        ):
            self.fail(invalid(path, items, f"{path} in body shouldn't contain duplicates"))
        item_schema = schema.get("items")
        if isinstance(item_schema, dict):
            for index, item in enumerate(items):
                self.value(item_schema, item, f"{path}[{index}]")

    def string(self, schema: Schema, value: str, path: str) -> None:
        length = len(value)
        max_length = schema.get("maxLength")
        if isinstance(max_length, int) and length > max_length:
            self.fail(too_long(path, max_length))
        min_length = schema.get("minLength")
        if isinstance(min_length, int) and length < min_length:
            self.fail(
                invalid(path, value, f"{path} in body should be at least {min_length} chars long")
            )
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not _search(pattern, value):
            self.fail(invalid(path, value, f"{path} in body should match '{pattern}'"))
        fmt = schema.get("format")
        check: Callable[[str], bool] | None = FORMATS.get(fmt) if isinstance(fmt, str) else None
        if check is not None and not check(value):
            self.fail(invalid(path, value, f'{path} in body must be of type {fmt}: "{value}"'))

    def number(self, schema: Schema, value: float, path: str) -> None:
        maximum = schema.get("maximum")
        if isinstance(maximum, (int, float)):
            if schema.get("exclusiveMaximum") and value >= maximum:
                self.fail(
                    invalid(
                        path, value, f"{path} in body should be less than {_go_number(maximum)}"
                    )
                )
            elif value > maximum:
                self.fail(
                    invalid(
                        path,
                        value,
                        f"{path} in body should be less than or equal to {_go_number(maximum)}",
                    )
                )
        minimum = schema.get("minimum")
        if isinstance(minimum, (int, float)):
            if schema.get("exclusiveMinimum") and value <= minimum:
                self.fail(
                    invalid(
                        path, value, f"{path} in body should be greater than {_go_number(minimum)}"
                    )
                )
            elif value < minimum:
                self.fail(
                    invalid(
                        path,
                        value,
                        f"{path} in body should be greater than or equal to {_go_number(minimum)}",
                    )
                )
        factor = schema.get("multipleOf")
        if isinstance(factor, (int, float)) and factor > 0:
            ratio = value / factor
            if not math.isclose(ratio, round(ratio)):
                self.fail(
                    invalid(
                        path, value, f"{path} in body should be a multiple of {_go_number(factor)}"
                    )
                )


_patterns: dict[str, re.Pattern[str] | None] = {}


def _search(pattern: str, value: str) -> bool:
    """ECMA-ish regex search (Go's RE2 accepts most of what Python does for CRDs)."""
    compiled = _patterns.get(pattern, ...)
    if compiled is ...:
        try:
            compiled = re.compile(pattern)
        except re.error:
            compiled = None
        _patterns[pattern] = compiled
    return compiled is None or compiled.search(value) is not None
