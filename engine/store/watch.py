"""Watches: history replayed on demand, then committed events fanned out live.

A watch from a past revision starts *unsynced* (as in etcd): each time its consumer asks,
it reads the next chunk of history from the log, so a long replay never sits in memory.
Once it has read up to the last published revision it joins the hub, atomically, and
from then on the writer's `WatchHub.publish` hands it every committed batch. Each synced
watch buffers events until its consumer takes them (a thread with `get`, asyncio with
`aget`); one that lets more than its limit pile up is ended ("too slow"), so memory never
grows without bound, and the consumer re-watches from `watch.revision`. Waking is
batched: one `call_soon_threadsafe` per event loop per publish.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable

from .errors import StoreError, WatchClosed
from .records import Event, progress_event

_AsyncWaiter = tuple[asyncio.AbstractEventLoop, "asyncio.Future[None]"]
_Waiter = threading.Event | _AsyncWaiter
# Reads history (after, through] under a prefix, at most `limit` events:
# returns (events, the last revision examined, whether it reached `through`).
History = Callable[[bytes, int, int, int], tuple[list[Event], int, bool]]

CLOSED_BY_OWNER = "closed"
TOO_SLOW = "too slow"
STORE_CLOSED = "store closed"
HISTORY_CHUNK = 1_000
SYNC_ATTEMPTS = 3


class Watch:
    """One subscription to a key prefix. Create it with `Store.watch`."""

    def __init__(
        self, hub: WatchHub, prefix: str, after: int, limit: int, history: History | None
    ) -> None:
        self.prefix = prefix
        self.revision = after  # the last revision handed to the consumer
        self._hub = hub
        self._raw_prefix = prefix.encode()
        self._floor = after  # events at or below it were asked not to be sent
        self._limit = limit
        self._history = history  # None once synced
        self._scanned = after  # history examined up to here
        self._pending: list[Event] = []
        self._closed: str | None = None
        self._error: StoreError | None = None
        self._waiter: _Waiter | None = None
        self._progress_wanted = False

    # -- called by the hub with its lock held ------------------------------------------

    def _push(self, events: list[Event]) -> _Waiter | None:
        if self._closed is not None:
            return None
        if events[0].revision <= self._floor:
            events = [e for e in events if e.revision > self._floor]
            if not events:
                return None
        self._pending.extend(events)
        if len(self._pending) > self._limit:
            self._end(TOO_SLOW)
        waiter, self._waiter = self._waiter, None
        return waiter

    def _end(self, reason: str, error: StoreError | None = None) -> _Waiter | None:
        if self._closed is None:
            self._closed = reason
            self._error = error
            self._pending = []
        waiter, self._waiter = self._waiter, None
        return waiter

    def _take(self) -> list[Event]:
        events, self._pending = self._pending, []
        if events:
            self.revision = events[-1].revision
            return events
        if self._closed is not None:
            raise self._error or WatchClosed(self._closed)
        return events

    # -- catching up with history -------------------------------------------------------

    def _catch_up(self) -> list[Event]:
        """The next chunk of history; joins the hub once history is exhausted."""
        history = self._history
        assert history is not None
        for attempt in range(SYNC_ATTEMPTS + 1):
            last_try = attempt == SYNC_ATTEMPTS
            if last_try:
                self._hub.lock.acquire()  # nothing can be published while we finish
            try:
                through = self._hub.revision
                try:
                    events, self._scanned, done = history(
                        self._raw_prefix, self._scanned, through, HISTORY_CHUNK
                    )
                except StoreError as err:  # compacted under us
                    self._hub.fail(self, err, locked=last_try)
                    raise
                if not done:
                    return self._deliver(events)
                if last_try:
                    self._hub.join(self, locked=True)
                    return self._deliver(events)
                if self._hub.join_if_current(self, self._scanned):
                    return self._deliver(events)
                if events:  # more was published meanwhile; hand these out first
                    return self._deliver(events)
            finally:
                if last_try:
                    self._hub.lock.release()
        raise AssertionError("unreachable")

    def _deliver(self, events: list[Event]) -> list[Event]:
        if events:
            self.revision = events[-1].revision
        return events

    # -- the consumer's side ------------------------------------------------------------

    def get(self, timeout: float | None = None) -> list[Event]:
        """The next events (at least one), or [] after `timeout` seconds."""
        if self._history is not None and self._closed is None:
            events = self._catch_up()
            if events:
                return events
        with self._hub.lock:
            if self._pending or self._closed is not None:
                return self._take()
            ready = threading.Event()
            self._waiter = ready
        ready.wait(timeout)
        with self._hub.lock:
            if self._waiter is ready:
                self._waiter = None
            return self._take()

    async def aget(self) -> list[Event]:
        """The next events (at least one), awaited on the running event loop."""
        if self._history is not None and self._closed is None:
            events = self._catch_up()
            if events:
                return events
        while True:
            with self._hub.lock:
                if self._pending or self._closed is not None:
                    return self._take()
                loop = asyncio.get_running_loop()
                future: asyncio.Future[None] = loop.create_future()
                self._waiter = (loop, future)
            try:
                await future
            finally:
                with self._hub.lock:
                    if self._waiter is not None and self._waiter[1] is future:
                        self._waiter = None

    def __aiter__(self) -> Watch:
        return self

    async def __anext__(self) -> list[Event]:
        try:
            return await self.aget()
        except WatchClosed as closed:
            if closed.reason == CLOSED_BY_OWNER:
                raise StopAsyncIteration from None
            raise

    def request_progress(self) -> None:
        """Queue a PROGRESS event: every change up to its revision has been delivered."""
        self._hub.progress([self])

    @property
    def closed(self) -> bool:
        return self._closed is not None

    def close(self) -> None:
        self._hub.unregister(self, CLOSED_BY_OWNER)

    def __enter__(self) -> Watch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WatchHub:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.revision = 0  # the last revision published to watches
        self._by_prefix: dict[str, set[Watch]] = {}
        self._unsynced: set[Watch] = set()

    # -- membership ---------------------------------------------------------------------

    def add_unsynced(self, watch: Watch) -> None:
        with self.lock:
            self._unsynced.add(watch)

    def join(self, watch: Watch, *, locked: bool = False) -> int:
        """Make `watch` live; returns the last published revision (later ones arrive live)."""
        if not locked:
            with self.lock:
                return self.join(watch, locked=True)
        self._unsynced.discard(watch)
        watch._history = None
        if watch._closed is None:
            self._by_prefix.setdefault(watch.prefix, set()).add(watch)
            if watch._progress_wanted:
                watch._progress_wanted = False
                watch._pending.append(progress_event(self.revision))
        return self.revision

    def join_if_current(self, watch: Watch, scanned: int) -> bool:
        with self.lock:
            if self.revision != scanned:
                return False
            self.join(watch, locked=True)
            return True

    def fail(self, watch: Watch, error: StoreError, *, locked: bool = False) -> None:
        if not locked:
            with self.lock:
                self.fail(watch, error, locked=True)
            return
        self._discard(watch)
        watch._end(str(error), error)

    def unregister(self, watch: Watch, reason: str) -> None:
        with self.lock:
            self._discard(watch)
            waiter = watch._end(reason)
        _wake([waiter] if waiter else [])

    def _discard(self, watch: Watch) -> None:
        self._unsynced.discard(watch)
        watches = self._by_prefix.get(watch.prefix)
        if watches is not None:
            watches.discard(watch)
            if not watches:
                del self._by_prefix[watch.prefix]

    # -- delivery -----------------------------------------------------------------------

    def publish(self, events: list[Event]) -> None:
        """Fan a committed batch out to the watches of every matching prefix."""
        if not events:
            return
        waiters: list[_Waiter] = []
        slow: list[Watch] = []
        with self.lock:
            self.revision = events[-1].revision
            for prefix, watches in self._by_prefix.items():
                matched = events if not prefix else [e for e in events if e.key.startswith(prefix)]
                if not matched:
                    continue
                for watch in watches:
                    waiter = watch._push(matched)
                    if waiter is not None:
                        waiters.append(waiter)
                    if watch._closed is not None:
                        slow.append(watch)
            for watch in slow:
                self._discard(watch)
        _wake(waiters)

    def progress(self, watches: list[Watch] | None = None) -> None:
        waiters: list[_Waiter] = []
        with self.lock:
            if watches is None:
                watches = [w for group in self._by_prefix.values() for w in group]
                watches.extend(self._unsynced)
            event = progress_event(self.revision)
            for watch in watches:
                if watch._closed is not None:
                    continue
                if watch._history is not None:  # sent once it has caught up
                    watch._progress_wanted = True
                    continue
                watch._pending.append(event)
                waiter, watch._waiter = watch._waiter, None
                if waiter is not None:
                    waiters.append(waiter)
        _wake(waiters)

    def close_all(self, reason: str = STORE_CLOSED) -> None:
        with self.lock:
            watches = [w for group in self._by_prefix.values() for w in group]
            watches.extend(self._unsynced)
            self._by_prefix.clear()
            self._unsynced.clear()
            waiters = [w for w in (watch._end(reason) for watch in watches) if w]
        _wake(waiters)


def _resolve(futures: list[asyncio.Future[None]]) -> None:
    for future in futures:
        if not future.done():
            future.set_result(None)


def _wake(waiters: list[_Waiter]) -> None:
    by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
    for waiter in waiters:
        if isinstance(waiter, threading.Event):
            waiter.set()
        else:
            loop, future = waiter
            by_loop.setdefault(loop, []).append(future)
    for loop, futures in by_loop.items():
        call: Callable[[list[asyncio.Future[None]]], None] = _resolve
        # A closed loop has nobody waiting any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(call, futures)
