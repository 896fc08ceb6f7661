"""resource.Quantity: parse, compare, add and print Kubernetes quantities exactly.

A quantity is a Fraction (exact: "0.1" + "0.2" == "300m") plus the format its text used
(DecimalSI "500m" / "1G", BinarySI "1Gi", DecimalExponent "1e3"), because String()
prints in that format: "1024Mi" reads back as "1Gi", "1000m" as "1", "0.5" as "500m".
As upstream, values finer than a nano are rounded up (away from zero) on parse.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {exp: suffix for suffix, exp in _DECIMAL.items()}
_BINARY_SUFFIX = {exp // 10: suffix for suffix, exp in _BINARY.items()}
# <sign><digits>[.<digits>]<suffix>; the suffix is an SI/binary suffix or e<int> / E<int>.
_PATTERN = re.compile(r"^([+-]?)(\d+\.?\d*|\.\d+)([a-zA-Z]*|[eE][+-]?\d+)$")
_NANO = Fraction(1, 10**9)


class QuantityError(ValueError):
    """The text is not a quantity (upstream: ErrFormatWrong / ErrSuffix)."""


@dataclass(frozen=True, slots=True)
class Quantity:
    value: Fraction
    format: str = DECIMAL_SI

    # -- arithmetic and comparison (on values) -----------------------------------------
    # The left side's format wins, except that a zero takes the other's (Quantity.Add):
    # a quota's "0" used plus a pod's "128Mi" reads "128Mi".

    def __add__(self, other: Quantity) -> Quantity:
        fmt = other.format if self.value == 0 else self.format
        return Quantity(self.value + other.value, fmt)

    def __sub__(self, other: Quantity) -> Quantity:
        fmt = other.format if self.value == 0 else self.format
        return Quantity(self.value - other.value, fmt)

    def __neg__(self) -> Quantity:
        return Quantity(-self.value, self.format)

    def __lt__(self, other: Quantity) -> bool:
        return self.value < other.value

    def __le__(self, other: Quantity) -> bool:
        return self.value <= other.value

    def __gt__(self, other: Quantity) -> bool:
        return self.value > other.value

    def __ge__(self, other: Quantity) -> bool:
        return self.value >= other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Quantity) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)

    def is_zero(self) -> bool:
        return self.value == 0

    def value_int(self) -> int:
        """Quantity.Value(): rounded up to an integer."""
        return math.ceil(self.value)

    def milli_value(self) -> int:
        """Quantity.MilliValue(): thousandths, rounded up."""
        return math.ceil(self.value * 1000)

    def __str__(self) -> str:
        return format_quantity(self.value, self.format)

    def __repr__(self) -> str:
        return f"Quantity({self})"


ZERO = Quantity(Fraction(0))


def parse_quantity(text: Any) -> Quantity:
    """ParseQuantity; JSON numbers (YAML `cpu: 1`) are accepted as upstream's unmarshal does."""
    if isinstance(text, bool):
        raise QuantityError("quantities must match the regular expression")
    if isinstance(text, int):
        return Quantity(Fraction(text))
    if isinstance(text, float):
        text = repr(text)
    if not isinstance(text, str):
        raise QuantityError("quantities must match the regular expression")
    match = _PATTERN.match(text.strip())
    if match is None or not text.strip():
        raise QuantityError("quantities must match the regular expression")
    sign, number, suffix = match.groups()
    if suffix in _BINARY:
        value, fmt = Fraction(number) * 2 ** _BINARY[suffix], BINARY_SI
    elif suffix in _DECIMAL:
        value, fmt = Fraction(number) * Fraction(10) ** _DECIMAL[suffix], DECIMAL_SI
    elif suffix[:1] in ("e", "E") and len(suffix) > 1:
        value, fmt = Fraction(number) * Fraction(10) ** int(suffix[1:]), DECIMAL_EXPONENT
    else:
        raise QuantityError("unable to parse quantity's suffix")
    # Upstream keeps nano precision at most, rounding up (away from zero).
    nanos = value / _NANO
    value = Fraction(math.ceil(nanos)) * _NANO
    if sign == "-":
        value = -value
    if value == 0:
        fmt = DECIMAL_SI if fmt == DECIMAL_EXPONENT else fmt
    return Quantity(value, fmt)


def quantity_or_none(text: Any) -> Quantity | None:
    try:
        return parse_quantity(text)
    except QuantityError:
        return None


def format_quantity(value: Fraction, fmt: str = DECIMAL_SI) -> str:
    """Quantity.String() (CanonicalizeBytes)."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    if fmt == BINARY_SI:
        # Small or fractional binary quantities print as decimal, so nothing rounds.
        if magnitude < 1024 or magnitude.denominator != 1:
            fmt = DECIMAL_SI
        else:
            number, power = magnitude.numerator, 0
            while number % 1024 == 0 and power < 6:
                number //= 1024
                power += 1
            return f"{sign}{number}{_BINARY_SUFFIX[power] if power else ''}"
    number = magnitude / _NANO
    # parse rounded to nanos; arithmetic keeps that, but be safe with anything finer.
    mantissa, exponent = math.ceil(number), -9
    while mantissa % 1000 == 0 and exponent < 18:
        mantissa //= 1000
        exponent += 3
    if fmt == DECIMAL_EXPONENT:
        return f"{sign}{mantissa}" + (f"e{exponent}" if exponent else "")
    return f"{sign}{mantissa}{_DECIMAL_SUFFIX[exponent]}"
