"""Rows kept in a sorted, filtered order that each change updates in place.

Rows live in slots (a list per field, a key → slot map). The order is a list of
(sort value, slot) entries kept sorted, so a changed row moves with two bisects instead of
a re-sort; the filtered view is a sorted subsequence of it (the very same list when no
filter is set). Deleted rows leave tombstones, compacted once they outnumber the living.
What a row sorts by and the text the filter searches come from the subclass (RowModel).
"""

from __future__ import annotations

import gc
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from ktui.client.tables import TableRow

from .row_filter import Filter, Labels
from .row_layout import row_key, row_keys

Entry = tuple[Any, int]  # (sort value, slot)
COMPACT_AFTER = 1024  # tombstones; and only once they outnumber the living rows


class RowStore:
    sort_reverse = False  # the view is read from its end

    def __init__(self) -> None:
        self._filter = Filter()
        self._sort_fn: Callable[[TableRow], Any] = row_key
        self._clear()

    # --- what subclasses decide ------------------------------------------------------------

    def _texts(self, rows: list[TableRow]) -> list[str]:
        """The lowercased text the filter searches, for each row."""
        return [row_key(r).lower() for r in rows]

    def _changed(self, *, keep_place: bool) -> None:
        """After every reset, apply, filter and sort (keep_place: rows changed, the view
        did not)."""

    def _forget(self, key: str) -> None:
        """A row is gone."""

    def _remapped(self, remap: dict[int, int]) -> None:
        """Slots were renumbered (old → new) by a compaction."""

    # --- rows -------------------------------------------------------------------------------

    def _clear(self) -> None:
        self._rows: list[TableRow | None] = []
        self._keys: list[str | None] = []
        self._search: list[str] = []
        self._version: list[int] = []  # bumped by every change of the slot's row
        self._sortval: list[Any] = []
        self._slot_of: dict[str, int] = {}
        self._order: list[Entry] = []
        self._view: list[Entry] = [] if self._filter.active else self._order
        self._tombstones = 0
        self._tick = 0

    def reset(self, rows: Iterable[TableRow]) -> None:
        """Replace every row (a fresh LIST); of a duplicated key the last row wins."""
        with _gc_paused():
            self._clear()
            kept = list(rows)
            keys = row_keys(kept)
            slot_of = dict(zip(keys, range(len(keys)), strict=True))
            if len(slot_of) != len(keys):
                by_key = dict(zip(keys, kept, strict=True))
                kept, keys = list(by_key.values()), list(by_key)
                slot_of = dict(zip(keys, range(len(keys)), strict=True))
            self._rows, self._keys, self._slot_of = kept, keys, slot_of  # type: ignore[assignment]
            self._version = [0] * len(kept)
            self._search = self._texts(kept)
            self._resort()

    def apply(self, changes: Iterable[tuple[str, TableRow]]) -> None:
        """Watch events ("ADDED" | "MODIFIED" | "DELETED", row). A few hundred changes move
        one entry each (two bisects); a big batch is merged in one pass. Either way the
        view keeps its order and filter."""
        changes = changes if isinstance(changes, list) else list(changes)
        texts = iter(self._texts([row for kind, row in changes if kind != "DELETED"]))
        if len(changes) > max(64, len(self._order) // 64):
            with _gc_paused():
                self._apply_merged(changes, texts)
        else:
            for kind, row in changes:
                key = row_key(row)
                slot = self._slot_of.get(key)
                if kind == "DELETED":
                    if slot is not None:
                        self._remove(slot, key)
                elif slot is None:
                    self._insert(row, key, next(texts))
                else:
                    self._update(slot, row, next(texts))
        if self._tombstones > COMPACT_AFTER and self._tombstones > len(self._slot_of):
            self._compact()
        self._changed(keep_place=True)

    def _insert(self, row: TableRow, key: str, text: str) -> None:
        slot = self._new_slot(row, key, text)
        entry = (self._sort_fn(row), slot)
        self._sortval[slot] = entry[0]
        insort(self._order, entry)
        if self._view is not self._order and self._passes(slot):
            insort(self._view, entry)

    def _update(self, slot: int, row: TableRow, text: str) -> None:
        old = (self._sortval[slot], slot)
        self._store(slot, row, text)
        new = (self._sort_fn(row), slot)
        self._sortval[slot] = new[0]
        if new != old:
            _discard(self._order, old)
            insort(self._order, new)
        if self._view is not self._order:
            _discard(self._view, old)
            if self._passes(slot):
                insort(self._view, new)

    def _remove(self, slot: int, key: str) -> None:
        entry = (self._sortval[slot], slot)
        _discard(self._order, entry)
        if self._view is not self._order:
            _discard(self._view, entry)
        self._bury(slot, key)

    def _apply_merged(self, changes: list[tuple[str, TableRow]], texts: Iterator[str]) -> None:
        """Store every change, then drop the changed entries and merge their new ones in:
        O(n) for the whole batch instead of a list move per change."""
        dirty: set[int] = set()
        for kind, row in changes:
            key = row_key(row)
            slot = self._slot_of.get(key)
            if kind == "DELETED":
                if slot is not None:
                    self._bury(slot, key)
                    dirty.add(slot)
            elif slot is None:
                dirty.add(self._new_slot(row, key, next(texts)))
            else:
                self._store(slot, row, next(texts))
                dirty.add(slot)
        rows, sortval, value = self._rows, self._sortval, self._sort_fn
        fresh: list[Entry] = []
        for slot in dirty:
            row = rows[slot]
            if row is not None:
                sortval[slot] = value(row)
                fresh.append((sortval[slot], slot))
        fresh.sort()
        filtered = self._view is not self._order
        self._order = _merged([e for e in self._order if e[1] not in dirty], fresh)
        if filtered:
            kept = [e for e in self._view if e[1] not in dirty]
            self._view = _merged(kept, [e for e in fresh if self._passes(e[1])])
        else:
            self._view = self._order

    def _new_slot(self, row: TableRow, key: str, text: str) -> int:
        slot = len(self._rows)
        self._rows.append(row)
        self._keys.append(key)
        self._search.append(text)
        self._sortval.append(None)
        self._tick += 1
        self._version.append(self._tick)
        self._slot_of[key] = slot
        return slot

    def _store(self, slot: int, row: TableRow, text: str) -> None:
        self._rows[slot] = row
        self._search[slot] = text
        self._tick += 1
        self._version[slot] = self._tick

    def _bury(self, slot: int, key: str) -> None:
        """Leave a tombstone: slots never move between compactions."""
        del self._slot_of[key]
        self._forget(key)
        self._rows[slot] = None
        self._keys[slot] = None
        self._search[slot] = ""
        self._tombstones += 1

    def _compact(self) -> None:
        """Drop the tombstones. Slots are renumbered in order, so the lists stay sorted."""
        live = [s for s, row in enumerate(self._rows) if row is not None]
        remap = {old: new for new, old in enumerate(live)}
        self._rows = [self._rows[s] for s in live]
        self._keys = [self._keys[s] for s in live]
        self._search = [self._search[s] for s in live]
        self._version = [self._version[s] for s in live]
        self._sortval = [self._sortval[s] for s in live]
        self._slot_of = {k: i for i, k in enumerate(self._keys) if k is not None}
        filtered = self._view is not self._order
        self._order = [(v, remap[s]) for v, s in self._order]
        self._view = [(v, remap[s]) for v, s in self._view] if filtered else self._order
        self._tombstones = 0
        self._remapped(remap)

    @property
    def tombstones(self) -> int:
        return self._tombstones

    # --- filter and order ---------------------------------------------------------------------

    @property
    def filter(self) -> Filter:
        return self._filter

    def set_filter(self, text: str) -> Filter:
        new = Filter.parse(text)
        old, self._filter = self._filter, new
        if not new.active:
            self._view = self._order
        else:
            # Typing more of a substring only needs to look at what the last keystroke kept.
            base = self._view if new.narrows(old) else self._order
            self._view = new.select(base, self._search, self._labels)
        self._changed(keep_place=False)
        return new

    def _passes(self, slot: int) -> bool:
        return self._filter.matches(self._search[slot], self._labels(slot))

    def _labels(self, slot: int) -> Labels | None:
        row = self._rows[slot]
        return None if row is None else (row.object.get("metadata") or {}).get("labels")

    def _resort(self) -> None:
        value = self._sort_fn
        rows = self._rows
        if self._tombstones:
            self._sortval = vals = [value(r) if r is not None else None for r in rows]
        else:
            self._sortval = vals = list(map(value, rows))
        slots = range(len(rows))
        if self._tombstones:
            slots = [s for s in slots if rows[s] is not None]  # type: ignore[assignment]
        # Sorting slots by value compares plain values (fast paths for str) and, being
        # stable over ascending slots, gives exactly the (value, slot) order of the entries.
        self._order = [(vals[s], s) for s in sorted(slots, key=vals.__getitem__)]
        if self._filter.active:
            self._view = self._filter.select(self._order, self._search, self._labels)
        else:
            self._view = self._order
        self._changed(keep_place=False)

    # --- positions ----------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._slot_of)

    @property
    def visible_count(self) -> int:
        return len(self._view)

    def slot_at(self, position: int) -> int | None:
        view = self._view
        if 0 <= position < len(view):
            return view[-1 - position if self.sort_reverse else position][1]
        return None

    def row_at(self, position: int) -> TableRow | None:
        slot = self.slot_at(position)
        return None if slot is None else self._rows[slot]

    def position_of(self, key: str) -> int | None:
        """Where a row (by key) is displayed; None when it is absent or filtered out."""
        slot = self._slot_of.get(key)
        if slot is None:
            return None
        entry = (self._sortval[slot], slot)
        view = self._view
        i = bisect_left(view, entry)
        if i == len(view) or view[i] != entry:
            return None
        return len(view) - 1 - i if self.sort_reverse else i


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading 50,000 rows allocates hundreds of thousands of objects, and every few
    thousand the cyclic collector walks all the rows already held: pausing it takes
    15-25% off a reset."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _merged(entries: list[Entry], more: list[Entry]) -> list[Entry]:
    """Two sorted lists as one: timsort finds the two runs and merges them in O(n)."""
    entries.extend(more)
    entries.sort()
    return entries


def _discard(entries: list[Entry], entry: Entry) -> None:
    i = bisect_left(entries, entry)
    if i < len(entries) and entries[i] == entry:
        del entries[i]
