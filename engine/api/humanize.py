"""Durations and timestamps as kubectl shows them (apimachinery util/duration).

`human_duration` is what AGE columns print: "45s", "5m10s", "3h", "2d4h", "1y30d".
Time is always passed in (`now`, epoch seconds) so tables are deterministic in tests.
"""

from __future__ import annotations

from datetime import datetime, timezone

_NS = 1_000_000_000
_MINUTE = 60 * _NS
_HOUR = 60 * _MINUTE


def _go_int(value: float) -> int:
    """Go's float-to-int conversion truncates toward zero."""
    return int(value)


def human_duration(seconds: float) -> str:
    """duration.HumanDuration: ~2-3 significant figures."""
    ns = _go_int(seconds * _NS)
    secs = _go_int(ns / _NS)
    # Up to two seconds in the future is clock skew, "now"; more is nonsense.
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60 * 2:
        return f"{secs}s"
    minutes = ns // _MINUTE
    if minutes < 10:
        s = (ns // _NS) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = ns // _HOUR
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if dy == 0 else f"{years}y{dy}d"
    return f"{hours // 24 // 365}y"


def short_human_duration(seconds: float) -> str:
    """duration.ShortHumanDuration: one unit only ("5m", "3h", "12d")."""
    secs = _go_int(seconds)
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 60:
        return f"{secs}s"
    minutes = _go_int(seconds / 60)
    if minutes < 60:
        return f"{minutes}m"
    hours = _go_int(seconds / 3600)
    if hours < 24:
        return f"{hours}h"
    if hours < 24 * 365:
        return f"{hours // 24}d"
    return f"{_go_int(seconds / 3600 / 24 / 365)}y"


def parse_time(value: object) -> float | None:
    """An RFC 3339 timestamp (metav1.Time or MicroTime) as epoch seconds; None if unset."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def since(timestamp: object, now: float) -> str:
    """translateTimestampSince: the age of a timestamp, "<unknown>" when it is not set."""
    then = parse_time(timestamp)
    if then is None:
        return "<unknown>"
    return human_duration(now - then)


def duration_between(start: object, end: object) -> str:
    """HumanDuration(end - start) for two timestamps; "" if either is missing."""
    a, b = parse_time(start), parse_time(end)
    if a is None or b is None:
        return ""
    return human_duration(b - a)


def rfc3339(timestamp: object) -> str:
    """Time.UTC().Format(time.RFC3339); the zero time when unset, as Go prints it."""
    then = parse_time(timestamp)
    if then is None:
        return "0001-01-01T00:00:00Z"
    return datetime.fromtimestamp(int(then), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
