"""The test harness plus what a user reads in toasts, and a bounded wait for the UI."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from ..harness import Harness


class RecordingHarness(Harness):
    """Harness that keeps every notification (severity, message) it shows."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.messages: list[tuple[str, str]] = []

    def notify(self, message, *, severity="information", **kwargs) -> None:  # type: ignore[override]
        self.messages.append((severity, str(message)))
        super().notify(message, severity=severity, **kwargs)

    def said(self, text: str, severity: str | None = None) -> bool:
        return any(text in m and severity in (None, s) for s, m in self.messages)


async def until(pilot: Pilot, condition: Callable[[], object], what: str = "") -> None:
    """Let the app run until `condition()` holds; fails (not hangs) if it never does."""
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what or condition}")
