"""Ages as kubectl prints them (apimachinery `duration.HumanDuration`): "45s", "5m12s",
"3h", "2d4h", "1y30d". The same rules as the engine's printers, written again here because
ktui never imports the engine.

Tables render ages at paint time, so parsing a timestamp is cached: a view of 50,000 pods
repaints the same few dozen visible timestamps every second.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

_MINUTE = 60
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR


def human_duration(seconds: float) -> str:
    """duration.HumanDuration: about two significant figures, whole units truncated."""
    secs = int(seconds)  # Go truncates toward zero
    # Up to a second in the future is clock skew ("0s"); more is nonsense.
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 2 * _MINUTE:
        return f"{secs}s"
    minutes = secs // _MINUTE
    if minutes < 10:
        s = secs % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 3 * 60:
        return f"{minutes}m"
    hours = secs // _HOUR
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if hours < 24 * 8:
        h = hours % 24
        return f"{days}d" if h == 0 else f"{days}d{h}h"
    if days < 365 * 2:
        return f"{days}d"
    years = days // 365
    if days < 365 * 8:
        dy = days % 365
        return f"{years}y" if dy == 0 else f"{years}y{dy}d"
    return f"{years}y"


@lru_cache(maxsize=8192)
def parse_time(value: str) -> float | None:
    """An RFC 3339 timestamp (metav1.Time or MicroTime) as epoch seconds; None if invalid."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def age(timestamp: str | None, now: float) -> str:
    """The age of a timestamp at `now` (epoch seconds); "<unknown>" when it is not set."""
    then = parse_time(timestamp) if isinstance(timestamp, str) else None
    if then is None:
        return "<unknown>"
    return human_duration(now - then)
