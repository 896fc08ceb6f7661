"""How Go and apimachinery print values in `kubectl describe`: %v of JSON values, ages
(duration.HumanDuration), RFC 1123 timestamps in local time, labels and selectors."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from ktui.model.ages import human_duration

# metav1.Time's zero value, as Go formats it.
_ZERO = datetime(1, 1, 1, tzinfo=timezone.utc)
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def go_float(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64), which %v uses: shortest digits, and the
    exponent form once the exponent is below -4 or at least 6 (1e+06)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    neg = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    point = len(digits) + int(exponent)  # where the decimal point falls in `digits`
    exp = point - 1
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{neg}{mantissa}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    if point <= 0:
        return f"{neg}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{neg}{digits}{'0' * (point - len(digits))}"
    return f"{neg}{digits[:point]}.{digits[point:]}"


def go_v(value: Any) -> str:
    """fmt's %v of a value decoded from JSON (unstructured content)."""
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, list):
        return "[" + " ".join(go_v(v) for v in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_v(value[k])}" for k in sorted(value)) + "]"
    return str(value)


def parse_time(text: Any) -> datetime | None:
    """An RFC 3339 timestamp (with or without fractions), or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def rfc1123z(text: Any) -> str:
    """time.RFC1123Z in the local zone, as kubectl prints every timestamp in describe."""
    moment = parse_time(text)
    local = _ZERO if moment is None else moment.astimezone()
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return (
        f"{_DAYS[local.weekday()]}, {local.day:02d} {_MONTHS[local.month - 1]} {local.year:04d} "
        f"{local.hour:02d}:{local.minute:02d}:{local.second:02d} {sign}{hours:02d}{mins:02d}"
    )


def since(text: Any, now: datetime | None = None) -> str:
    """translateTimestampSince: the age of a timestamp, or <unknown> when it is unset."""
    moment = parse_time(text)
    if moment is None:
        return "<unknown>"
    now = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return human_duration((now - moment).total_seconds())


def format_labels(labels: dict[str, Any] | None) -> str:
    """labels.FormatLabels: `a=1,b=2`, or <none>."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def selector_string(selector: dict[str, Any] | None) -> str:
    """metav1.LabelSelectorAsSelector(s).String(): requirements sorted by key."""
    if not selector:
        return ""
    terms: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        terms.append((key, f"{key}={value}"))
    for expression in selector.get("matchExpressions") or []:
        key = expression.get("key", "")
        operator = expression.get("operator", "")
        values = ",".join(sorted(set(expression.get("values") or [])))
        text = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(operator, f"{key} {operator.lower()} ({values})")
        terms.append((key, text))
    terms.sort(key=lambda t: t[0])
    return ",".join(text for _, text in terms)


def format_label_selector(selector: dict[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: the selector, or <none> when it selects everything."""
    return selector_string(selector) or "<none>"


def print_bool(value: Any) -> str:
    return "True" if value else "False"


def go_bool(value: Any) -> str:
    return "true" if value else "false"


def int_or_string(value: Any) -> str:
    """intstr.IntOrString.String(); a nil pointer prints as <nil>."""
    if value is None:
        return "<nil>"
    return go_v(value)


def controller_of(obj: dict[str, Any]) -> dict[str, Any] | None:
    """metav1.GetControllerOf: the owner reference marked controller."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def printed_controller(obj: dict[str, Any]) -> str:
    ref = controller_of(obj)
    return f"{ref.get('kind', '')}/{ref.get('name', '')}" if ref else ""
