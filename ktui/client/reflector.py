"""The Reflector: list, then watch from the list's resourceVersion, forever.

As client-go's: a stream that ends is resumed from the last resourceVersion seen (events
or bookmarks); 410 Gone — an HTTP answer or an in-stream ERROR — means that version was
compacted, so it lists again; network and server errors back off exponentially with
jitter. It never stops on its own: every change of state is reported to `on_state`, so a
UI can say "reconnecting…" instead of silently showing stale data.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import enum
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from .errors import ApiError, ClientError, Gone
from .pages import freeze_heap, paused_gc
from .resource import PAGE_SIZE, ResourceClient
from .watch import BOOKMARK, ERROR, WatchEvent

log = logging.getLogger(__name__)


class WatchState(str, enum.Enum):
    LISTING = "listing"  # first list in progress
    SYNCED = "synced"  # a list completed; the cache holds the whole set
    WATCHING = "watching"  # a watch stream is open
    RELISTING = "relisting"  # the resourceVersion expired (410): listing again
    RECONNECTING = "reconnecting"  # an error; waiting before trying again
    STOPPED = "stopped"


StateCallback = Callable[[WatchState, str], None]


class ReflectorSink(Protocol):
    """Where a Reflector delivers. A sink may also have `decode_page(body, table)`,
    answering (the page without its items, the items in the form its `replace` takes):
    the Informer's makes them cache entries as each page arrives."""

    def replace(self, items: list[Any], resource_version: str) -> None: ...
    def apply(self, events: list[WatchEvent]) -> None: ...


def decode_page(body: bytes, table: bool = False) -> tuple[dict[str, Any], list[Any]]:
    with paused_gc():
        page = orjson.loads(body)
    return page, page.pop("rows" if table else "items", None) or []


@dataclass
class Backoff:
    """Exponential back-off with full jitter, reset after a success."""

    initial: float = 0.8
    maximum: float = 30.0
    factor: float = 2.0
    jitter: float = 1.0
    rng: random.Random | None = None
    _next: float = 0.0

    def reset(self) -> None:
        self._next = 0.0

    def next(self) -> float:
        self._next = self.initial if not self._next else min(self._next * self.factor, self.maximum)
        rng = self.rng or random
        return self._next * (1 + self.jitter * rng.random()) / (1 + self.jitter / 2)


class Reflector:
    def __init__(
        self,
        resource: ResourceClient,
        sink: ReflectorSink,
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        label_selector: str | None = None,
        field_selector: str | None = None,
        table: bool = False,
        page_size: int = PAGE_SIZE,
        on_state: StateCallback | None = None,
        backoff: Backoff | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        timeout_seconds: int | None = None,
        first_list: concurrent.futures.Future[Any] | None = None,
    ) -> None:
        self.resource = resource
        self.sink = sink
        self.scope = {
            "namespace": namespace,
            "all_namespaces": all_namespaces,
            "label_selector": label_selector,
            "field_selector": field_selector,
        }
        self.table = table
        self.page_size = page_size
        self.on_state = on_state
        self.backoff = backoff or Backoff()
        self.sleep = sleep
        self.timeout_seconds = timeout_seconds
        self.resource_version = ""
        self.state = WatchState.STOPPED
        self.columns: list[dict[str, Any]] = []  # Table mode: columnDefinitions
        self.lists = 0  # how many full lists ran (1 + relists)
        self.watches = 0  # how many watch streams were opened
        # A LIST of this reflector's scope already under way (ktui.first_list: started
        # before the app was imported), taken instead of the first LIST when it succeeds.
        # Its result has `columns`, `rows` (in the form the sink's replace takes) and
        # `resource_version`.
        self.first_list = first_list

    def _set(self, state: WatchState, reason: str = "") -> None:
        self.state = state
        if reason:
            log.info("%s: %s (%s)", self.resource, state.value, reason)
        if self.on_state is not None:
            self.on_state(state, reason)

    async def run(self) -> None:
        """List and watch until cancelled. Run again after a cancel, it resumes from the
        resourceVersion it had reached (and relists if that has expired meanwhile)."""
        need_list, reason = not self.resource_version, ""
        try:
            while True:
                try:
                    if need_list:
                        await self._list(reason)
                        need_list = False
                    await self._watch()
                except Gone as error:
                    need_list, reason = True, error.message
                    self._set(WatchState.RELISTING, reason)
                except (ClientError, orjson.JSONDecodeError, KeyError) as error:
                    # KeyError/JSONDecodeError: a garbled stream; treat it like a broken one.
                    delay = self.backoff.next()
                    self._set(WatchState.RECONNECTING, f"{_describe(error)}; retry in {delay:.1f}s")
                    await self.sleep(delay)
        finally:
            self._set(WatchState.STOPPED)

    async def _list(self, reason: str) -> None:
        if self.lists == 0:
            self._set(WatchState.LISTING)
        if self.first_list is not None:
            first, self.first_list = self.first_list, None
            try:
                listed = await asyncio.wrap_future(first)
            except Exception as error:  # listed again below; its errors are reported
                log.info("%s: the first list failed (%s); listing", self.resource, error)
            else:
                self.columns = listed.columns or self.columns
                self._listed(listed.rows, listed.resource_version, reason)
                return
        decode = getattr(self.sink, "decode_page", decode_page)
        # A sink with `preview(items)` is shown the first page of a first list while
        # the rest comes (a table's first rows at once; the complete set by `replace`).
        preview = getattr(self.sink, "preview", None) if self.lists == 0 else None
        items: list[Any] = []
        rv = ""
        paged = False  # a list of several pages: big, kept frozen (pages.freeze_heap)
        pages = self.resource.raw_pages(**self.scope, limit=self.page_size, table=self.table)
        async with contextlib.aclosing(pages):
            async for body in pages:
                with paused_gc():
                    page, batch = decode(body, self.table)
                    meta = page.get("metadata") or {}
                    paged = paged or bool(meta.get("continue"))
                    if paged:
                        freeze_heap()
                if self.table:
                    self.columns = page.get("columnDefinitions") or self.columns
                items.extend(batch)
                rv = rv or meta.get("resourceVersion") or ""
                if preview is not None and meta.get("continue"):
                    preview(list(items))
                preview = None
        self._listed(items, rv, reason)

    def _listed(self, items: list[Any], rv: str, reason: str) -> None:
        self.sink.replace(items, rv)
        self.resource_version = rv
        self.lists += 1
        self.backoff.reset()
        self._set(WatchState.SYNCED, reason)

    async def _watch(self) -> None:
        self.watches += 1
        received = False
        stream = self.resource.watch(
            **self.scope,
            resource_version=self.resource_version,
            table=self.table,
            timeout_seconds=self.timeout_seconds,
        )
        self._set(WatchState.WATCHING)
        async for batch in stream:
            events = self._accept(batch)
            if events:
                self.sink.apply(events)
            if not received:
                received = True
                self.backoff.reset()
        if not received:
            # A stream that closes at once, with nothing in it, must not become a hot loop.
            await self.sleep(self.backoff.next())

    def _accept(self, batch: list[WatchEvent]) -> list[WatchEvent]:
        """Advance the resourceVersion; stop at an ERROR event (raised for run())."""
        out: list[WatchEvent] = []
        for event in batch:
            if event.type == ERROR:
                if out:
                    self.sink.apply(out)
                raise (
                    event.error
                    if event.object.get("kind") == "Status"
                    else ApiError(500, {"message": f"watch ERROR event: {event.object!r:.200}"})
                )
            if self.table and event.type != BOOKMARK:
                rv = event.object.get("metadata", {}).get("resourceVersion", "")
                for row in event.object.get("rows") or []:
                    out.append(WatchEvent(event.type, row))
                    rv = (row.get("object") or {}).get("metadata", {}).get("resourceVersion") or rv
            else:
                rv = event.resource_version
                if event.type != BOOKMARK:
                    out.append(event)
            if rv:
                self.resource_version = rv
        return out


def _describe(error: BaseException) -> str:
    return str(error) or type(error).__name__
