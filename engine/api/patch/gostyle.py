"""Render decoded JSON the way Go's fmt does, so our error texts match kube-apiserver's.

Strategic-merge errors embed values with `%v` (`map: map[image:x] does not contain declared
merge key: name`) and type names with `reflect.TypeOf` (`expected a []interface {}, but
received a string`). kubectl prints these messages verbatim, so we reproduce them.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def go_value(value: Any) -> str:
    """`fmt.Sprintf("%v", value)` for a value decoded from JSON."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        # Go prints maps with their keys sorted.
        items = " ".join(f"{k}:{go_value(value[k])}" for k in sorted(value))
        return f"map[{items}]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(v) for v in value) + "]"
    return str(value)


def go_string_verb(value: Any) -> str:
    """`fmt.Sprintf("%s", value)`: strings as-is, anything else as Go's `%!s(type=value)`."""
    if isinstance(value, str):
        return value
    if value is None:
        return "%!s(<nil>)"
    return f"%!s({go_type(value)}={go_value(value)})"


def go_type(value: Any) -> str:
    """The Go type name a value decoded by apimachinery has (`reflect.TypeOf(v).String()`)."""
    if value is None:
        return "%!s(<nil>)"  # reflect.TypeOf(nil) is a nil Type, which %s prints like this
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"  # apimachinery decodes integral numbers as int64
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    return type(value).__name__


def go_json_kind(value: Any) -> str:
    """The JSON kind encoding/json names in `cannot unmarshal <kind> into Go value ...`."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "null"


def go_float(f: float) -> str:
    """`%v` of a float64: the shortest digits, `%e` style below 1e-4 and from 1e+06 on (%g)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    sign, digit_tuple, exp = Decimal(repr(f)).normalize().as_tuple()
    assert isinstance(exp, int)
    digits = "".join(map(str, digit_tuple))
    nd = len(digits)
    dp = nd + exp  # position of the decimal point relative to the digits
    x = dp - 1
    prefix = "-" if sign else ""
    if x < -4 or x >= 6:
        mantissa = digits[0] + ("." + digits[1:] if nd > 1 else "")
        return f"{prefix}{mantissa}e{'+' if x >= 0 else '-'}{abs(x):02d}"
    if dp <= 0:
        return f"{prefix}0.{'0' * -dp}{digits}"
    if dp >= nd:
        return prefix + digits + "0" * (dp - nd)
    return f"{prefix}{digits[:dp]}.{digits[dp:]}"
