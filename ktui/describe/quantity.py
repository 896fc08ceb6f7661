"""resource.Quantity as kubectl prints it: parsed from the API's text, summed and compared
exactly, and shown in canonical form (`2000m` is `2`, `1024Mi` is `1Gi`)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT = "DecimalSI", "BinarySI", "DecimalExponent"
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {v: k for k, v in _DECIMAL.items()}
_BINARY_SUFFIX = {v: k for k, v in _BINARY.items()} | {0: ""}
_SYNTAX = re.compile(r"^([+-]?)(\d*)(?:\.(\d*))?(.*)$")
_NANO = Fraction(1, 10**9)
_INT64 = 2**63


@dataclass(frozen=True)
class Quantity:
    value: Fraction
    format: str = DECIMAL_SI
    text: str = ""  # the original spelling, kept when Go would keep it (already canonical)

    @classmethod
    def parse(cls, raw: Any) -> Quantity:
        """Go's ParseQuantity; anything unreadable counts as zero rather than failing."""
        if isinstance(raw, bool) or raw is None:
            return cls(Fraction(0))
        if isinstance(raw, int):
            raw = str(raw)
        elif isinstance(raw, float):
            raw = repr(raw)
        match = _SYNTAX.match(str(raw).strip())
        if not match or not (match.group(2) or match.group(3)):
            return cls(Fraction(0))
        sign, whole, frac, suffix = (
            match.group(1),
            match.group(2),
            match.group(3) or "",
            match.group(4),
        )
        number = Fraction(int((whole + frac) or "0"), 10 ** len(frac))
        if suffix in _BINARY:
            fmt, scale, base = BINARY_SI, Fraction(2) ** _BINARY[suffix], 2
            exponent = _BINARY[suffix]
        elif suffix in _DECIMAL:
            fmt, exponent, base = DECIMAL_SI, _DECIMAL[suffix], 10
            scale = Fraction(10) ** exponent
        elif suffix[:1] in ("e", "E") and re.fullmatch(r"[+-]?\d+", suffix[1:]):
            fmt, exponent, base = DECIMAL_EXPONENT, int(suffix[1:]), 10
            scale = Fraction(10) ** exponent
        else:
            return cls(Fraction(0))
        value = number * scale
        if value and value.denominator != 1:
            # Go rounds anything finer than a nano up to the next nano.
            value = Fraction(math.ceil(value / _NANO)) * _NANO
        if sign == "-":
            value = -value
        if fmt == BINARY_SI and 0 < abs(value) < 1:
            fmt = DECIMAL_SI
        digits = whole + frac
        keep = ""
        if base == 10 and (exponent - len(frac)) % 3 == 0 and digits:
            if not digits.endswith("000") and digits[0] != "0" and int(digits) < _INT64:
                keep = str(raw).strip()
        elif base == 2 and not frac and digits and int(digits) & 7:
            keep = str(raw).strip()
        return cls(value, fmt, keep)

    def __add__(self, other: Quantity) -> Quantity:
        fmt = other.format if self.value == 0 else self.format
        return Quantity(self.value + other.value, fmt)

    def __str__(self) -> str:
        return self.text or canonical(self.value, self.format)

    def value_ceil(self) -> int:
        """Value(): rounded up to a whole number."""
        return math.ceil(self.value)

    def milli_value(self) -> int:
        """MilliValue(): thousandths, rounded up."""
        return math.ceil(self.value * 1000)


ZERO = Quantity(Fraction(0))
ZERO_BINARY = Quantity(Fraction(0), BINARY_SI)


def canonical(value: Fraction, fmt: str) -> str:
    if value == 0:
        return "0"
    if fmt == BINARY_SI:
        if -1024 < value < 1024 or value.denominator != 1:
            fmt = DECIMAL_SI
        else:
            number, exponent = int(value), 0
            while exponent < 6 and number % 1024 == 0:
                number //= 1024
                exponent += 1
            return f"{number}{_BINARY_SUFFIX[exponent * 10]}"
    # Decimal: the mantissa of the largest exponent that is a multiple of three.
    exponent = -9
    mantissa = value * 10**9
    mantissa = math.ceil(mantissa) if mantissa > 0 else math.floor(mantissa)
    while mantissa and mantissa % 10 == 0:
        mantissa //= 10
        exponent += 1
    shift = exponent % 3
    mantissa *= 10**shift
    exponent -= shift
    if fmt == DECIMAL_SI and exponent in _DECIMAL_SUFFIX:
        return f"{mantissa}{_DECIMAL_SUFFIX[exponent]}"
    return f"{mantissa}" if exponent == 0 else f"{mantissa}e{exponent}"


def resource_list(raw: Any) -> dict[str, Quantity]:
    """A ResourceList (name -> quantity) from JSON."""
    if not isinstance(raw, dict):
        return {}
    return {str(name): Quantity.parse(value) for name, value in raw.items()}


def add_into(total: dict[str, Quantity], more: dict[str, Quantity]) -> None:
    for name, quantity in more.items():
        total[name] = total[name] + quantity if name in total else quantity


def max_into(total: dict[str, Quantity], more: dict[str, Quantity]) -> None:
    for name, quantity in more.items():
        if name not in total or quantity.value > total[name].value:
            total[name] = quantity
