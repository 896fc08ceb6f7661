"""A stateful model test: the store behaves like a dict plus its full history.

The model keeps the live state after every revision (states[r]) and the event that produced
revision r (events[r]); hypothesis drives random creates, updates, deletes, compactions and
reopens, checking current reads, reads and paginated ranges at past revisions, Compacted
below the compact revision, and watch replay against the model.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from engine.store import (
    AlreadyExists,
    Compacted,
    Conflict,
    EventType,
    FutureRevision,
    NotFound,
    Store,
)

from .conftest import collect_until_progress, kv_tuple

KV = tuple[str, bytes, int, int, int]  # key, value, create_revision, mod_revision, version
ModelEvent = tuple[EventType, str, bytes | None, int, KV | None]  # type, key, value, rev, prev

KEYS = ["/a/1", "/a/2", "/a/10", "/ab", "/b/1", "/b/é", "/b/\U0001f600", "/b/z/deep"]
PREFIXES = ["", "/", "/a/", "/a", "/b/", "/b/z/", "/c/"]

keys = st.sampled_from(KEYS)
prefixes = st.sampled_from(PREFIXES)
values = st.binary(max_size=16)


class StoreModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="store-model-"))
        self.path = str(self.dir / "db")
        self.store = Store(self.path)
        self.rev = 0
        self.compact_rev = 0
        self.live: dict[str, KV] = {}
        self.states: list[dict[str, KV]] = [{}]
        self.events: list[ModelEvent | None] = [None]

    def teardown(self) -> None:
        try:
            self.store.close()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ----------------------------------------------------------------------------

    def _commit(self, event: ModelEvent) -> None:
        self.rev += 1
        self.states.append(dict(self.live))
        self.events.append(event)
        assert self.store.revision == self.rev

    def _unchanged(self) -> None:
        assert self.store.revision == self.rev

    def _expected_range(self, prefix: str, revision: int) -> list[KV]:
        state = self.states[revision]
        return [state[k] for k in sorted(state) if k.startswith(prefix)]

    # -- writes -----------------------------------------------------------------------------

    @rule(key=keys, value=values)
    def create(self, key: str, value: bytes) -> None:
        if key in self.live:
            with pytest.raises(AlreadyExists):
                self.store.create(key, value)
            self._unchanged()
            return
        kv = self.store.create(key, value)
        new: KV = (key, value, self.rev + 1, self.rev + 1, 1)
        assert kv_tuple(kv) == new
        self.live[key] = new
        self._commit((EventType.PUT, key, value, self.rev + 1, None))

    @rule(key=keys, value=values, stale=st.booleans())
    def update(self, key: str, value: bytes, stale: bool) -> None:
        cur = self.live.get(key)
        if cur is None:
            with pytest.raises(NotFound):
                self.store.update(key, value, expected_revision=self.rev)
            self._unchanged()
            return
        if stale:
            with pytest.raises(Conflict):
                self.store.update(key, value, expected_revision=cur[3] - 1)
            self._unchanged()
            return
        kv = self.store.update(key, value, expected_revision=cur[3])
        new: KV = (key, value, cur[2], self.rev + 1, cur[4] + 1)
        assert kv_tuple(kv) == new
        self.live[key] = new
        self._commit((EventType.PUT, key, value, self.rev + 1, cur))

    @rule(key=keys, mode=st.sampled_from(["unconditional", "cas", "stale"]))
    def delete(self, key: str, mode: str) -> None:
        cur = self.live.get(key)
        if cur is None:
            with pytest.raises(NotFound):
                self.store.delete(key)
            self._unchanged()
            return
        if mode == "stale":
            with pytest.raises(Conflict):
                self.store.delete(key, expected_revision=cur[3] + 1)
            self._unchanged()
            return
        expected = cur[3] if mode == "cas" else None
        ev = self.store.delete(key, expected_revision=expected)
        assert (ev.type, ev.key, ev.value, ev.revision) == (
            EventType.DELETE,
            key,
            None,
            self.rev + 1,
        )
        assert ev.prev is not None and kv_tuple(ev.prev) == cur
        del self.live[key]
        self._commit((EventType.DELETE, key, None, self.rev + 1, cur))

    @precondition(lambda self: self.rev > self.compact_rev)
    @rule(data=st.data())
    def compact(self, data: st.DataObject) -> None:
        c = data.draw(st.integers(self.compact_rev + 1, self.rev), label="compact to")
        self.store.compact(c)
        self.compact_rev = c

    @precondition(lambda self: self.compact_rev > 1)
    @rule(data=st.data())
    def compact_backwards(self, data: st.DataObject) -> None:
        c = data.draw(st.integers(1, self.compact_rev - 1), label="compact back to")
        with pytest.raises(Compacted):
            self.store.compact(c)

    @rule()
    def reopen(self) -> None:
        self.store.close()
        self.store = Store(self.path)

    # -- reads ------------------------------------------------------------------------------

    @precondition(lambda self: self.rev >= 1)
    @rule(data=st.data(), prefix=prefixes, limit=st.integers(0, 3))
    def range_at_past_revision(self, data: st.DataObject, prefix: str, limit: int) -> None:
        r = data.draw(st.integers(max(self.compact_rev, 1), self.rev), label="revision")
        first = self.store.range(prefix, limit=limit, revision=r)
        assert first.revision == r
        items = list(first.items)
        page = first
        while page.more:
            assert limit > 0 and len(page.items) == limit
            page = self.store.range(
                prefix, start=page.items[-1].key + "\x00", limit=limit, revision=r
            )
            items.extend(page.items)
        assert [kv_tuple(kv) for kv in items] == self._expected_range(prefix, r)

    @precondition(lambda self: self.rev >= 1)
    @rule(data=st.data(), key=keys)
    def get_at_past_revision(self, data: st.DataObject, key: str) -> None:
        r = data.draw(st.integers(max(self.compact_rev, 1), self.rev), label="revision")
        expected = self.states[r].get(key)
        if expected is None:
            with pytest.raises(NotFound):
                self.store.get(key, revision=r)
        else:
            assert kv_tuple(self.store.get(key, revision=r)) == expected

    @precondition(lambda self: self.compact_rev > 1)
    @rule(data=st.data(), key=keys, prefix=prefixes)
    def read_below_compaction(self, data: st.DataObject, key: str, prefix: str) -> None:
        r = data.draw(st.integers(1, self.compact_rev - 1), label="revision")
        with pytest.raises(Compacted):
            self.store.get(key, revision=r)
        with pytest.raises(Compacted):
            self.store.range(prefix, revision=r)
        with pytest.raises(Compacted):
            self.store.watch(prefix, after_revision=r - 1)

    @rule(key=keys, prefix=prefixes)
    def read_future(self, key: str, prefix: str) -> None:
        with pytest.raises(FutureRevision):
            self.store.get(key, revision=self.rev + 1)
        with pytest.raises(FutureRevision):
            self.store.range(prefix, revision=self.rev + 1)

    @rule(data=st.data(), prefix=prefixes)
    def watch_replay(self, data: st.DataObject, prefix: str) -> None:
        after = data.draw(st.integers(self.compact_rev, self.rev), label="after_revision")
        w = self.store.watch(prefix, after_revision=after)
        try:
            got, progress = collect_until_progress(w)
        finally:
            w.close()
        assert progress.revision == self.rev
        expected = [
            e for e in self.events[after + 1 :] if e is not None and e[1].startswith(prefix)
        ]
        actual = [
            (e.type, e.key, e.value, e.revision, None if e.prev is None else kv_tuple(e.prev))
            for e in got
        ]
        assert actual == expected

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def current_state_matches(self) -> None:
        assert self.store.revision == self.rev
        assert self.store.compact_revision == self.compact_rev
        for key in KEYS:
            if key in self.live:
                assert kv_tuple(self.store.get(key)) == self.live[key]
            else:
                with pytest.raises(NotFound):
                    self.store.get(key)
        res = self.store.range("/")
        assert res.revision == self.rev
        assert [kv_tuple(kv) for kv in res.items] == self._expected_range("/", self.rev)


StoreModel.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
test_store_model = StoreModel.TestCase
