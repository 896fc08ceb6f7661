"""Crash back-off per container, as kubelet's flowcontrol.Backoff (10 s doubling to 5 min).

The first restart is immediate; a container that exits again within its back-off waits
(CrashLoopBackOff) until `duration` has passed since it finished. An entry that has not
been used for twice the maximum is forgotten (a container that ran for a long while
starts over at the initial delay).
"""

from __future__ import annotations

from engine.clock import Clock


class Backoff:
    def __init__(self, initial: float, maximum: float, clock: Clock) -> None:
        self.initial = initial
        self.maximum = maximum
        self.clock = clock
        self._entries: dict[str, tuple[float, float]] = {}  # key → (duration, last update)

    def _live(self, key: str, event_time: float) -> tuple[float, float] | None:
        entry = self._entries.get(key)
        if entry is None or event_time - entry[1] > 2 * self.maximum:
            return None
        return entry

    def remaining(self, key: str, finished: float) -> float:
        """Seconds still to wait before restarting a container that finished then."""
        entry = self._live(key, finished)
        if entry is None:
            return 0.0
        return max(0.0, entry[0] - (self.clock.monotonic() - finished))

    def duration(self, key: str) -> float:
        entry = self._entries.get(key)
        return entry[0] if entry else 0.0

    def next(self, key: str, finished: float) -> None:
        entry = self._live(key, finished)
        duration = self.initial if entry is None else min(entry[0] * 2, self.maximum)
        self._entries[key] = (duration, finished)

    def forget(self, prefix: str) -> None:
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]


def human_seconds(seconds: float) -> str:
    """Go's Duration.String() for whole seconds: 10s, 2m40s, 5m0s."""
    total = int(round(seconds))
    if total < 60:
        return f"{seconds:g}s" if seconds < 1 else f"{total}s"
    return f"{total // 60}m{total % 60}s"
