"""The Informer: a Reflector feeding an Indexer, and change notifications for the UI.

Changes are coalesced per key until the consumer drains them (the TUI every 50–100 ms):
ADDED then MODIFIED is still ADDED, ADDED then DELETED is nothing, and so on, so a burst of
thousands of updates costs the UI one redraw per object at most.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import orjson

from .indexer import Entry, Indexer, IndexFunc, object_key
from .pages import (
    CUT_MARK,
    NotSplit,
    cut_managed_fields,
    elements,
    paused_gc,
    split_list,
    unmark,
)
from .reflector import Reflector, StateCallback, WatchState
from .resource import PAGE_SIZE, ResourceClient
from .watch import ADDED, DELETED, MODIFIED, WatchEvent

# (pending type, new type) → coalesced type; None drops the pending change.
_MERGE: dict[tuple[str, str], str | None] = {
    (ADDED, MODIFIED): ADDED,
    (ADDED, DELETED): None,
    (MODIFIED, MODIFIED): MODIFIED,
    (MODIFIED, DELETED): DELETED,
    (DELETED, ADDED): MODIFIED,
}


class Notification:
    """A change to one key. `raw` is the newest object (the last one for DELETED)."""

    __slots__ = ("type", "key", "raw")

    def __init__(self, type: str, key: str, raw: bytes) -> None:
        self.type = type
        self.key = key
        self.raw = raw

    @property
    def object(self) -> dict[str, Any]:
        return orjson.loads(self.raw)

    def __repr__(self) -> str:
        return f"Notification({self.type}, {self.key})"


def strip_managed_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """client-go's favourite transform: managedFields are often half of an object's bytes
    and no list view shows them (a YAML view fetches the object whole)."""
    meta = obj.get("metadata")
    if meta and "managedFields" in meta:
        del meta["managedFields"]
    return obj


class Informer:
    def __init__(
        self,
        resource: ResourceClient,
        *,
        namespace: str | None = None,
        all_namespaces: bool = False,
        label_selector: str | None = None,
        field_selector: str | None = None,
        indexers: dict[str, IndexFunc] | None = None,
        table: bool = False,
        page_size: int = PAGE_SIZE,
        on_state: StateCallback | None = None,
        on_change: Callable[[], None] | None = None,
        transform: Callable[[dict[str, Any]], dict[str, Any]] | None = strip_managed_fields,
        **reflector_options: Any,
    ) -> None:
        self.store = Indexer(indexers)
        self._transform = transform
        self._pending: dict[str, Notification] = {}
        self._changed = asyncio.Event()
        self._synced = asyncio.Event()
        self._on_state = on_state
        self._on_change = on_change
        self.state = WatchState.STOPPED
        self.reason = ""
        self.reflector = Reflector(
            resource,
            self,
            namespace=namespace,
            all_namespaces=all_namespaces,
            label_selector=label_selector,
            field_selector=field_selector,
            table=table,
            page_size=page_size,
            on_state=self._state,
            **reflector_options,
        )
        self._task: asyncio.Task[None] | None = None

    # -- lifecycle ----------------------------------------------------------------------

    def start(self) -> asyncio.Task[None]:
        if self._task is None:
            self._task = asyncio.create_task(self.reflector.run(), name=f"informer {self}")
        return self._task

    async def wait_synced(self) -> None:
        await self._synced.wait()

    @property
    def has_synced(self) -> bool:
        return self._synced.is_set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def __aenter__(self) -> Informer:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _state(self, state: WatchState, reason: str) -> None:
        self.state, self.reason = state, reason
        if state is WatchState.SYNCED:
            self._synced.set()
        if self._on_state is not None:
            self._on_state(state, reason)

    @property
    def columns(self) -> list[dict[str, Any]]:
        """Table mode: the server's column definitions."""
        return self.reflector.columns

    # -- reading ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.store)

    def get(self, key: str) -> dict[str, Any] | None:
        return self.store.get(key)

    def list(self) -> list[dict[str, Any]]:
        return [orjson.loads(raw) for _, raw in self.store.items()]

    def by_index(self, index: str, value: str) -> list[dict[str, Any]]:
        return self.store.by_index(index, value)

    def drain(self) -> list[Notification]:
        """The changes since the last drain, oldest first, one per key."""
        out = list(self._pending.values())
        self._pending.clear()
        self._changed.clear()
        return out

    async def changes(self) -> list[Notification]:
        """Wait until something changed, then drain."""
        await self._changed.wait()
        return self.drain()

    # -- ReflectorSink ------------------------------------------------------------------

    def _notify(self, type: str, key: str, raw: bytes) -> None:
        pending = self._pending.get(key)
        if pending is not None:
            merged = _MERGE.get((pending.type, type), type)
            del self._pending[key]  # re-insert: order follows the latest change
            if merged is None:
                return
            type = merged
        self._pending[key] = Notification(type, key, raw)

    def decode_page(self, body: bytes, table: bool = False) -> tuple[dict[str, Any], list[Any]]:
        """One LIST page: the document without its items, and the items ready to store
        (the Reflector's list path; see pages.py for why it looks like this)."""
        field = "rows" if table else "items"
        transform = self._transform
        with paused_gc():
            if transform is None or transform is strip_managed_fields:
                cut, cuts = body, 0
                if transform is not None and not table:
                    cut, cuts = cut_managed_fields(body)
                split = split_list(cut, field)
                if split is not None:
                    page, spans = split
                    try:
                        return page, self._entries(spans, cuts)
                    except NotSplit:
                        pass
            return self._decode_whole(body, field, table)

    def _entries(self, spans: list[bytes], cuts: int) -> list[tuple[str, Entry]]:
        """Each item decoded from its own bytes and stored as those bytes (without the
        managedFields mark): nothing encoded again."""
        keyed = self.store.keyed_entry
        strip = self._transform is strip_managed_fields
        out = []
        marks = 0
        for span, obj in elements(spans):
            if not isinstance(obj, dict):
                raise NotSplit
            raw: bytes | None = span
            meta = obj.get("metadata") if strip else None
            if meta and "managedFields" in meta:
                if meta.pop("managedFields") == CUT_MARK:
                    marks += 1
                    raw = unmark(span)
                else:
                    raw = None  # left whole by the cut: encode the object without it
            out.append(keyed(obj, raw))
        if marks != cuts:
            raise NotSplit  # a mark outside items' metadata: the cut changed an object
        return out

    def _decode_whole(
        self, body: bytes, field: str, table: bool
    ) -> tuple[dict[str, Any], list[Any]]:
        cuts = 0
        if self._transform is strip_managed_fields and not table:
            cut, cuts = cut_managed_fields(body)
        page = orjson.loads(cut if cuts else body)
        items = page.pop(field, None) or []
        if cuts and _cut_count(items) != cuts:
            # A managedFields key outside items' metadata (a CRD's own field): the cut
            # changed an object, so decode the bytes as they came.
            page = orjson.loads(body)
            items = page.pop(field, None) or []
        prepare = self._prepare
        prepared = [prepare(obj) for obj in items]
        # Free the decoded trees before the collector is back: it would walk them all.
        del items
        return page, prepared

    def _prepare(self, obj: dict[str, Any]) -> tuple[str, Entry]:
        transform = self._transform
        if transform is strip_managed_fields:
            meta = obj.get("metadata")
            if meta and "managedFields" in meta:
                del meta["managedFields"]
        elif transform is not None:
            obj = transform(obj)
        return self.store.keyed_entry(obj)

    def replace(self, items: list[Any], resource_version: str) -> None:
        """A full list (objects, or what `decode_page` made of them): add and update what
        changed, delete what disappeared."""
        store = self.store
        notify = self._notify
        pairs = [self._prepare(item) if isinstance(item, dict) else item for item in items]
        if not len(store):  # the first list
            store.load(pairs)
            for key, entry in pairs:
                notify(ADDED, key, entry.raw)
            self._signal()
            return
        seen: set[str] = set()
        for key, entry in pairs:
            seen.add(key)
            if entry.rv and store.rv(key) == entry.rv:
                continue
            old = store.insert(key, entry)
            notify(MODIFIED if old is not None else ADDED, key, entry.raw)
        for key in [k for k in store if k not in seen]:
            raw = store.delete(key)
            if raw is not None:
                notify(DELETED, key, raw)
        self._signal()

    def apply(self, events: list[WatchEvent]) -> None:
        store = self.store
        for event in events:
            obj = event.object
            if event.type == DELETED:
                key = object_key(obj)
                raw = store.delete(key)
                self._notify(DELETED, key, raw if raw is not None else orjson.dumps(obj))
            else:
                key, entry = self._prepare(obj)
                old = store.insert(key, entry)
                self._notify(MODIFIED if old is not None else ADDED, key, entry.raw)
        self._signal()

    def _signal(self) -> None:
        if self._pending:
            self._changed.set()
            if self._on_change is not None:
                self._on_change()


def _cut_count(items: list[dict[str, Any]]) -> int:
    """How many items' metadata hold the mark `cut_managed_fields` leaves."""
    found = 0
    for obj in items:
        meta = obj.get("metadata")
        if meta and meta.get("managedFields") == CUT_MARK:
            found += 1
    return found
