"""Live Table rows of one resource view, delivered to the UI in batches.

A TableFeed runs one Reflector in Table mode per namespace of the view (or one for all
namespaces): list, then watch, resume, relist on 410, back off on errors. Rows arrive as
server-printed Table rows — the columns kubectl shows. Nothing is sent to the UI per
event: changes are gathered and handed over at most every `interval` seconds (the
measurements in reference/textual-performance.md: per-event delivery costs 3× the CPU).

Several namespaces at once are several reflectors into one feed; each one's relist only
replaces the rows it owns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ktui import first_list
from ktui.client import Column, Reflector, ResourceClient, TableRow, WatchEvent, WatchState
from ktui.client.pages import paused_gc
from ktui.client.reflector import decode_page
from ktui.client.tables import KEPT_METADATA, decode_lean_table, lean_row

__all__ = ["KEPT_METADATA", "FeedBatch", "TableFeed", "lean_row", "row_key"]

log = logging.getLogger(__name__)

Change = tuple[str, TableRow]

# Table rows are small (cells + metadata): bigger pages than a list of whole objects
# mean fewer round trips before the first complete view.
TABLE_PAGE_SIZE = first_list.PAGE_SIZE  # 2000


@dataclass
class FeedBatch:
    """What the UI applies in one go."""

    columns: list[Column] | None = None  # set when the columns are (re)defined
    reset: list[TableRow] | None = None  # the whole set of rows, replacing what is shown
    changes: list[Change] = field(default_factory=list)
    state: WatchState | None = None  # the latest state of the feed, if it changed
    reason: str = ""  # why (an error message while reconnecting)

    def __bool__(self) -> bool:
        return bool(
            self.columns is not None or self.reset is not None or self.changes or self.state
        )


class _Scope:
    """The sink of one reflector: the rows of one namespace (or all)."""

    def __init__(self, feed: TableFeed, key: str) -> None:
        self.feed = feed
        self.key = key
        self._held: dict[str, tuple[str, str]] | None = {}
        self._listed: list[TableRow] = []

    @property
    def rows(self) -> dict[str, tuple[str, str]]:
        """key -> (namespace, name) of what it holds. After a list, made when first needed
        (an event, a relist): not on the way to the first paint (40 ms at 50,000 rows)."""
        if self._held is None:
            self._held, self._listed = held_rows(self._listed), []
        return self._held

    def hold(self, listed: list[TableRow]) -> None:
        self._held, self._listed = None, listed

    def decode_page(self, body: bytes, table: bool) -> tuple[dict[str, Any], list[TableRow]]:
        """Each page becomes lean rows as it arrives, so the raw rows of a 50,000-row list
        are never all held at once."""
        if table:
            return decode_lean_table(body)
        page, rows = decode_page(body, table)
        return page, [lean_row(row) for row in rows]

    def preview(self, items: list[TableRow]) -> None:
        """The first page of a first list that goes on: shown while the rest arrives."""
        self.feed._preview(self, items)

    def replace(self, items: list[TableRow], resource_version: str) -> None:
        self.feed._replace(self, items)

    def apply(self, events: list[WatchEvent]) -> None:
        changes = []
        for event in events:
            row = lean_row(event.object)
            key = row_key(row)
            if event.type == "DELETED":
                self.rows.pop(key, None)
            else:
                self.rows[key] = (row.namespace, row.name)
            changes.append((event.type, row))
        self.feed._change(changes)


def row_key(row: TableRow) -> str:
    return row.uid or f"{row.namespace}/{row.name}"


_EMPTY: dict[str, Any] = {}


def held_rows(rows: list[TableRow]) -> dict[str, tuple[str, str]]:
    """key -> (namespace, name) of each row, in one tight pass (50,000 rows of a list)."""
    held: dict[str, tuple[str, str]] = {}
    with paused_gc():
        for row in rows:
            meta = row.object.get("metadata") or _EMPTY
            namespace, name = meta.get("namespace") or "", meta.get("name") or ""
            held[meta.get("uid") or f"{namespace}/{name}"] = (namespace, name)
    return held


class TableFeed:
    """Start with `start()`; `deliver(batch)` is called on the event loop, batched."""

    def __init__(
        self,
        resource: ResourceClient,
        deliver: Callable[[FeedBatch], None],
        *,
        namespaces: list[str] | None = None,  # None: all namespaces (cluster-scoped kinds too)
        label_selector: str = "",
        field_selector: str = "",
        interval: float = 0.08,
        page_size: int = TABLE_PAGE_SIZE,
    ) -> None:
        self.resource = resource
        self.deliver = deliver
        self.namespaces = namespaces
        self.label_selector = label_selector or None
        self.field_selector = field_selector or None
        self.interval = interval
        self.page_size = page_size
        self.columns: list[Column] = []
        self._pending = FeedBatch()
        self._initial: dict[str, list[TableRow]] = {}  # scopes listed before the first reset
        self._reset_done = False
        self._tasks: list[asyncio.Task[None]] = []
        self._flusher: asyncio.TimerHandle | None = None
        self._reflectors: list[Reflector] = []
        self._states: dict[str, WatchState] = {}

    # -- running ----------------------------------------------------------------------

    def start(self) -> None:
        """List and watch; after `stop()`, resumes where it was (relisting if expired)."""
        if not self._reflectors:
            self._reflectors = [self._reflector(key, where) for key, where in self._scopes()]
        for reflector in self._reflectors:
            key = reflector.sink.key  # type: ignore[attr-defined]
            self._tasks.append(asyncio.create_task(reflector.run(), name=f"feed {key}"))

    def _scopes(self) -> list[tuple[str, dict[str, Any]]]:
        if not self.resource.resource.namespaced:
            return [("", {})]
        if self.namespaces is None:
            return [("", {"all_namespaces": True})]
        return [(ns, {"namespace": ns}) for ns in self.namespaces]

    def _reflector(self, key: str, where: dict[str, Any]) -> Reflector:
        path = self.resource.path(
            None, where.get("namespace"), all_namespaces=bool(where.get("all_namespaces"))
        )
        started = first_list.claim(path, self.label_selector, self.field_selector, self.page_size)
        return Reflector(
            self.resource,
            _Scope(self, key),
            table=True,
            page_size=self.page_size,
            label_selector=self.label_selector,
            field_selector=self.field_selector,
            on_state=lambda state, reason: self._state(key, state, reason),
            first_list=started,  # the command line may have started this very LIST
            **where,
        )

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None

    @property
    def synced(self) -> bool:
        return self._reset_done

    # -- from the reflectors ------------------------------------------------------------

    def _columns_from(self, scope: _Scope) -> None:
        for reflector in self._reflectors:
            if reflector.sink is scope and reflector.columns and not self.columns:
                self.columns = [Column.from_dict(c) for c in reflector.columns]
                self._pending.columns = self.columns

    def _preview(self, scope: _Scope, rows: list[TableRow]) -> None:
        if self._reset_done:
            return
        self._columns_from(scope)
        shown = [row for key, part in self._initial.items() if key != scope.key for row in part]
        self._pending.reset = shown + rows
        self._flush_now()

    def _replace(self, scope: _Scope, rows: list[TableRow]) -> None:
        self._columns_from(scope)
        if not self._reset_done:
            # The first complete view appears at once, with every scope listed.
            self._initial[scope.key] = rows
            scope.hold(rows)
            if len(self._initial) == len(self._reflectors):
                self._pending.reset = [row for part in self._initial.values() for row in part]
                self._pending.changes.clear()
                self._initial.clear()
                self._reset_done = True
                self._flush_now()
            return
        # A relist: rows that vanished meanwhile are deleted, the rest upserted.
        held = held_rows(rows)
        gone = [(key, where) for key, where in scope.rows.items() if key not in held]
        scope._held = held
        changes: list[Change] = [
            ("DELETED", TableRow([], {"metadata": _metadata_of(key, *where)}))
            for key, where in gone
        ]
        changes.extend(("MODIFIED", row) for row in rows)
        self._change(changes)

    def _change(self, changes: list[Change]) -> None:
        if not self._reset_done:
            return  # folded into the first reset by the relist that completes it
        self._pending.changes.extend(changes)
        self._schedule()

    def _state(self, key: str, state: WatchState, reason: str) -> None:
        self._states[key] = state
        worst = _worst(self._states.values())
        self._pending.state, self._pending.reason = worst, reason
        self._schedule()

    # -- delivery -----------------------------------------------------------------------

    def _schedule(self) -> None:
        if self._flusher is None:
            loop = asyncio.get_running_loop()
            self._flusher = loop.call_later(self.interval, self._flush_now)

    def _flush_now(self) -> None:
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        batch, self._pending = self._pending, FeedBatch()
        if batch:
            try:
                self.deliver(batch)
            except Exception:  # a UI bug must not kill the feed
                log.exception("delivering a feed batch failed")


_ORDER = [
    WatchState.RECONNECTING,
    WatchState.RELISTING,
    WatchState.LISTING,
    WatchState.SYNCED,
    WatchState.WATCHING,
    WatchState.STOPPED,
]


def _worst(states: Any) -> WatchState:
    return min(states, key=_ORDER.index)


def _metadata_of(key: str, namespace: str, name: str) -> dict[str, str]:
    """Enough metadata to find the row (by uid, or namespace/name for rows without one)."""
    metadata = {"namespace": namespace, "name": name}
    if key != f"{namespace}/{name}":
        metadata["uid"] = key
    return metadata
