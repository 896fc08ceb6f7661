"""Watches: store events → ADDED / MODIFIED / DELETED / BOOKMARK / ERROR.

A watch without a resourceVersion (or "0") first sends the current objects as synthetic
ADDED events, then every change after that snapshot, with no gap. With a selector, an
object that stops matching goes out as DELETED (its previous state at the new
resourceVersion) and one that starts matching as ADDED, as the watch cache does.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from engine.api.status import StatusError
from engine.registry.types import Obj, ResourceType
from engine.store import Compacted, Event, EventType, FutureRevision, Watch, WatchClosed

from .context import StorageContext
from .errors import too_large_rv, too_old
from .options import ListOptions, parse_rv
from .selection import Filter
from .views import api_object, kv_object

log = logging.getLogger(__name__)

ADDED, MODIFIED, DELETED, BOOKMARK, ERROR = "ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"
INITIAL_EVENTS_END = "k8s.io/initial-events-end"
RV_WAIT_SECONDS = 3.0


@dataclass(slots=True)
class WatchEvent:
    """One event of a watch. `value` is stored bytes (no resourceVersion) when no decoding
    was needed; otherwise `obj` holds the decoded API object."""

    type: str
    revision: int
    value: bytes | None = None
    obj: Obj | None = None
    error: StatusError | None = None
    initial_end: bool = False

    def object(self, rt: ResourceType) -> Obj:
        if self.obj is None and self.value is not None:
            self.obj = api_object(rt, self.value, self.revision)
        return self.obj or {}


class WatchEnded(Exception):
    """The stream is over (store closed, watcher too slow): the client re-watches."""


class Watcher:
    """A watch on one kind (a namespace or all), with selectors."""

    def __init__(
        self, ctx: StorageContext, rt: ResourceType, namespace: str, opts: ListOptions
    ) -> None:
        self.ctx = ctx
        self.rt = rt
        self.opts = opts
        self.filter = Filter(rt, opts.label_selector, opts.field_selector)
        ns = namespace or (self.filter.namespace if rt.namespaced else "") or ""
        self.prefix = rt.prefix(ns)
        if self.filter.name is not None and (ns or not rt.namespaced):
            self.prefix = rt.key(ns, self.filter.name)  # a single object (a prefix of it, filtered)
        self.bookmarks = opts.allow_bookmarks
        self.last_revision = 0
        self._bookmarked = -1
        self._watch: Watch | None = None

    # -- start ----------------------------------------------------------------------------

    async def open(self) -> list[WatchEvent]:
        """Start watching; returns the initial events (synthetic ADDED, or one ERROR)."""
        opts, store = self.opts, self.ctx.store
        rv = opts.resource_version
        initial = opts.send_initial_events
        synthetic = initial if initial is not None else rv in ("", "0")
        try:
            if synthetic:
                if rv and rv != "0":
                    await self._wait(parse_rv(rv))
                snapshot = store.range(self.prefix)
                events = [e for e in (self._added(kv) for kv in snapshot.items) if e is not None]
                self._watch = store.watch(self.prefix, after_revision=snapshot.revision)
                self.last_revision = snapshot.revision
                if initial:
                    events.append(WatchEvent(BOOKMARK, snapshot.revision, initial_end=True))
                return events
            after = parse_rv(rv)
            await self._wait(after)
            self._watch = store.watch(self.prefix, after_revision=after)
            self.last_revision = after
            return []
        except Compacted as exc:
            return [WatchEvent(ERROR, 0, error=too_old(exc.requested, exc.compact_revision))]
        except FutureRevision as exc:
            return [WatchEvent(ERROR, 0, error=too_large_rv(exc.requested, exc.current))]
        except StatusError as exc:
            return [WatchEvent(ERROR, 0, error=exc)]

    async def _wait(self, revision: int) -> None:
        store = self.ctx.store
        if revision <= store.revision:
            return
        deadline = self.ctx.clock.monotonic() + RV_WAIT_SECONDS
        while store.revision < revision:
            if self.ctx.clock.monotonic() >= deadline:
                raise FutureRevision(revision, store.revision)
            await asyncio.sleep(0.01)

    def _added(self, kv: object) -> WatchEvent | None:
        from engine.store import KeyValue

        assert isinstance(kv, KeyValue)
        if self.filter.empty and self.rt.conversion is None:
            return WatchEvent(ADDED, kv.mod_revision, kv.value)
        obj = kv_object(self.rt, kv)
        if not self.filter.matches(obj):
            return None
        return WatchEvent(ADDED, kv.mod_revision, obj=obj)

    # -- changes --------------------------------------------------------------------------

    async def next(self) -> list[WatchEvent]:
        """The next events (at least one, possibly none after filtering: call again)."""
        if self._watch is None:
            raise WatchEnded("not open")
        try:
            batch = await self._watch.aget()
        except Compacted as exc:
            return [WatchEvent(ERROR, 0, error=too_old(exc.requested, exc.compact_revision))]
        except WatchClosed as exc:
            raise WatchEnded(exc.reason) from None
        out: list[WatchEvent] = []
        for event in batch:
            translated = self._translate(event)
            if translated is not None:
                out.append(translated)
        return out

    def _translate(self, event: Event) -> WatchEvent | None:
        rt, filt = self.rt, self.filter
        if event.type is EventType.PROGRESS:
            # One bookmark per resourceVersion reached: a quiet watch is not re-told.
            if not self.bookmarks or event.revision < self.last_revision:
                return None
            if event.revision == self._bookmarked:
                return None
            self.last_revision = self._bookmarked = event.revision
            return WatchEvent(BOOKMARK, event.revision)
        self.last_revision = event.revision
        prev = event.prev
        if event.type is EventType.DELETE:
            if prev is None:
                return None
            if filt.empty and rt.conversion is None:
                return WatchEvent(DELETED, event.revision, prev.value)
            old = api_object(rt, prev.value, event.revision)
            return WatchEvent(DELETED, event.revision, obj=old) if filt.matches(old) else None
        assert event.value is not None
        if filt.empty and rt.conversion is None:
            return WatchEvent(MODIFIED if prev is not None else ADDED, event.revision, event.value)
        new = api_object(rt, event.value, event.revision)
        matches_now = filt.matches(new)
        matched = False
        old_obj: Obj | None = None
        if prev is not None and not filt.empty:
            old_obj = api_object(rt, prev.value, event.revision)
            matched = filt.matches(old_obj)
        elif prev is not None:
            matched = True
        if matches_now:
            return WatchEvent(MODIFIED if matched else ADDED, event.revision, obj=new)
        if matched and old_obj is not None:
            return WatchEvent(DELETED, event.revision, obj=old_obj)
        return None

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None

    def request_progress(self) -> None:
        if self._watch is not None:
            self._watch.request_progress()
