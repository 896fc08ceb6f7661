"""Custom resources: the columns of a CRD version's additionalPrinterColumns.

As apiextensions-apiserver's tableconvertor: NAME first, then one column per printer
column (AGE, a `date` column, when the CRD declares none), each cell the first value its
JSONPath finds, converted by the column type; `date` cells print as an age.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..humanize import human_duration, parse_time
from .columns import NAME, Column
from .docs import doc
from .helpers import Obj, meta
from .jsonpath import MISSING, JSONPathError, first, parse
from .registry import Printer

DEFAULT_CRD_COLUMNS: tuple[Mapping[str, Any], ...] = (
    {
        "name": "Age",
        "type": "date",
        "description": doc("ObjectMeta.creationTimestamp"),
        "jsonPath": ".metadata.creationTimestamp",
    },
)


def go_float(value: float) -> str:
    """fmt's %v for a float64: shortest digits, exponent form below 1e-4 or from 1e+06."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    exp10 = len(digits) + int(exponent) - 1  # position of the first digit
    if exp10 < -4 or exp10 >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if exp10 < 0:
        return f"{sign}0.{'0' * (-exp10 - 1)}{digits}"
    whole, frac = digits[: exp10 + 1].ljust(exp10 + 1, "0"), digits[exp10 + 1 :]
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def go_json(value: Any) -> str:
    """encoding/json.Marshal: sorted keys, no spaces, <, > and & escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for ch, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def as_text(value: Any) -> str | None:
    """jsonpath PrintResults of one value, for `string` columns."""
    if value is None:  # text/template's printableValue of an invalid value
        return "<no value>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return value
    return go_json(value)


def cell_for(column_type: str, value: Any, now: float) -> Any:
    """cellForJSONValue, with `string` handled as above."""
    if column_type == "string":
        return as_text(value)
    if value is None:
        return None
    if column_type == "integer":
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return int(value)
        return None
    if column_type == "number":
        if isinstance(value, bool):
            return None
        return float(value) if isinstance(value, (int, float)) else None
    if column_type == "boolean":
        return value if isinstance(value, bool) else None
    if column_type == "date" and isinstance(value, str):
        if value in ("", "null"):
            return "<unknown>"
        then = parse_time(value) if "T" in value else None
        return "<invalid>" if then is None else human_duration(now - then)
    return None


def crd_printer(printer_columns: Sequence[Mapping[str, Any]] | None) -> Printer:
    """A Printer for a CRD version's additionalPrinterColumns (None or [] for defaults)."""
    specs = tuple(printer_columns or DEFAULT_CRD_COLUMNS)
    columns = [NAME]
    paths = []
    for spec in specs:
        json_path = spec.get("jsonPath", "")
        try:
            paths.append(parse(json_path))
        except JSONPathError:
            paths.append(None)  # upstream falls back to a default table; show nothing
        description = spec.get("description") or (
            f"Custom resource definition column (in JSONPath format): {json_path}"
        )
        columns.append(
            Column(
                spec.get("name", ""),
                spec.get("type", "string"),
                description,
                spec.get("format", ""),
                int(spec.get("priority", 0) or 0),
            )
        )
    types = [spec.get("type", "string") for spec in specs]

    def cells(obj: Obj, now: float) -> list[Any]:
        row: list[Any] = [meta(obj, "name", "")]
        for path, kind in zip(paths, types, strict=True):
            value = first(path, obj) if path is not None else MISSING
            # no result is an empty cell; a null that is there prints as "<no value>"
            row.append(None if value is MISSING else cell_for(kind, value, now))
        return row

    return Printer(tuple(columns), cells)
