"""Field errors as apimachinery's `field.Error`: the causes of a 422 Invalid.

`str(error)` is what kube-apiserver prints (`spec.replicas: Invalid value: -1: must be
greater than or equal to 0`); `cause()` is the StatusCause kubectl lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from engine.api.selectors.validation import go_quote

NOT_FOUND = "Not found"
REQUIRED = "Required value"
DUPLICATE = "Duplicate value"
INVALID = "Invalid value"
NOT_SUPPORTED = "Unsupported value"
FORBIDDEN = "Forbidden"
TOO_LONG = "Too long"
TOO_MANY = "Too many"
INTERNAL = "Internal error"

_REASONS = {
    NOT_FOUND: "FieldValueNotFound",
    REQUIRED: "FieldValueRequired",
    DUPLICATE: "FieldValueDuplicate",
    INVALID: "FieldValueInvalid",
    NOT_SUPPORTED: "FieldValueNotSupported",
    FORBIDDEN: "FieldValueForbidden",
    TOO_LONG: "FieldValueTooLong",
    TOO_MANY: "FieldValueTooMany",
    INTERNAL: "InternalError",
}
# These types print no value, only the detail.
_VALUELESS = frozenset({REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL})


class GoText(str):
    """A bad value already formatted the way Go prints it (`map[string]string{...}`)."""


def go_value(value: Any) -> str:
    """How Go's field.Error shows a bad value: %q for strings, %v for scalars."""
    if isinstance(value, GoText):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return go_quote(value)
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return str(value)
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    except (TypeError, orjson.JSONEncodeError):  # e.g. nested deeper than orjson allows
        return "<value too deeply nested to print>"


@dataclass(frozen=True, slots=True)
class FieldError:
    type: str
    field: str
    value: Any = None
    detail: str = ""

    def body(self) -> str:
        """field.Error.ErrorBody(): the message without the field path."""
        text = self.type if self.type in _VALUELESS else f"{self.type}: {go_value(self.value)}"
        return f"{text}: {self.detail}" if self.detail else text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}" if self.field else self.body()

    def cause(self) -> dict[str, str]:
        return {"reason": _REASONS[self.type], "message": self.body(), "field": self.field}


def required(field: str, detail: str = "") -> FieldError:
    return FieldError(REQUIRED, field, None, detail)


def invalid(field: str, value: Any, detail: str) -> FieldError:
    return FieldError(INVALID, field, value, detail)


def forbidden(field: str, detail: str) -> FieldError:
    return FieldError(FORBIDDEN, field, None, detail)


def duplicate(field: str, value: Any) -> FieldError:
    return FieldError(DUPLICATE, field, value)


def not_found(field: str, value: Any) -> FieldError:
    return FieldError(NOT_FOUND, field, value)


def not_supported(field: str, value: Any, supported: Iterable[str]) -> FieldError:
    values = ", ".join(go_quote(v) for v in supported)
    return FieldError(NOT_SUPPORTED, field, value, f"supported values: {values}" if values else "")


def too_long(field: str, max_length: int) -> FieldError:
    return FieldError(TOO_LONG, field, None, f"may not be more than {max_length} bytes")


def too_many(field: str, actual: int, max_items: int) -> FieldError:
    return FieldError(TOO_MANY, field, actual, f"must have at most {max_items} items")


def immutable(field: str, value: Any) -> FieldError:
    return invalid(field, value, "field is immutable")


def aggregate(errors: Iterable[FieldError]) -> str:
    """utilerrors.Aggregate: one message alone, several deduplicated in brackets."""
    unique = list(dict.fromkeys(str(e) for e in errors))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"
