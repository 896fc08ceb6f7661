"""After a commit: update the in-memory state, fan out to watches, answer the callers.

This runs on its own thread, in commit order, so that the writer can start the next
batch's transaction (and its fsync, which releases the GIL) while the last batch is
being announced. A write is acknowledged only after the in-memory state shows it, so a
caller always reads its own writes.
"""

from __future__ import annotations

import logging
import queue
import threading

from .completion import Target, settle
from .current import CurrentState
from .records import Event
from .watch import WatchHub

log = logging.getLogger(__name__)

_STOP = object()

Outcomes = list[tuple[Target, object]]


class Announcer:
    def __init__(self, current: CurrentState, hub: WatchHub) -> None:
        self._current = current
        self._hub = hub
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="store-announcer", daemon=True)
        self._thread.start()

    def announce(self, events: list[Event], revision: int, outcomes: Outcomes) -> None:
        self._queue.put((events, revision, outcomes))

    def answer(self, outcomes: Outcomes) -> None:
        """Answer callers whose writes committed nothing (kept in order with the rest)."""
        self._queue.put(((), 0, outcomes))

    def close(self) -> None:
        """Announce everything queued, then stop."""
        self._queue.put(_STOP)
        self._thread.join()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            events, revision, outcomes = item  # type: ignore[misc]
            try:
                if events:
                    self._current.apply(events, revision)
                    self._hub.publish(events)
            except Exception:  # never leave callers waiting
                log.exception("announcing revision %d failed", revision)
            settle(outcomes)
