"""Ranges, pagination and reads at a revision (docs/store.md: range, get, Compacted)."""

from __future__ import annotations

import pytest

from engine.store import Compacted, FutureRevision, KeyValue, NotFound, RangeResult, Store

from .conftest import StoreFactory, kv_tuple


def _keys(result: RangeResult) -> list[str]:
    return [kv.key for kv in result.items]


def _fill(store: Store, prefix: str, n: int) -> None:
    for i in range(n):
        store.create(f"{prefix}{i:02d}", f"v{i}".encode())


def _all_pages(
    store: Store, prefix: str, limit: int, revision: int | None = None
) -> list[KeyValue]:
    """Walk every page the documented way and return the concatenated items."""
    first = store.range(prefix, limit=limit, revision=revision)
    items = list(first.items)
    res = first
    while res.more:
        assert res.items, "more=True on an empty page"
        res = store.range(
            prefix, start=res.items[-1].key + "\x00", limit=limit, revision=first.revision
        )
        assert res.revision == first.revision
        items.extend(res.items)
    return items


def test_range_is_sorted_and_prefix_filtered(store: Store) -> None:
    for key in ["/r/pods/b", "/r/pods/a", "/r/podsx/z", "/r/pod", "/r/pods/c/1", "/s/pods/a"]:
        store.create(key, key.encode())
    res = store.range("/r/pods/")
    assert _keys(res) == ["/r/pods/a", "/r/pods/b", "/r/pods/c/1"]
    assert [kv.value for kv in res.items] == [b"/r/pods/a", b"/r/pods/b", b"/r/pods/c/1"]
    assert res.more is False
    assert res.revision == store.revision == 6
    # A prefix is a plain string prefix, as in etcd.
    assert _keys(store.range("/r/pods")) == ["/r/pods/a", "/r/pods/b", "/r/pods/c/1", "/r/podsx/z"]
    assert _keys(store.range("/r/")) == [
        "/r/pod",
        "/r/pods/a",
        "/r/pods/b",
        "/r/pods/c/1",
        "/r/podsx/z",
    ]
    assert _keys(store.range("/nothing/")) == []


def test_range_items_carry_metadata(store: Store) -> None:
    a = store.create("/p/a", b"1")
    store.create("/p/b", b"1")
    a2 = store.update("/p/a", b"2", expected_revision=a.mod_revision)
    res = store.range("/p/")
    assert [kv_tuple(kv) for kv in res.items] == [("/p/a", b"2", 1, 3, 2), ("/p/b", b"1", 2, 2, 1)]
    assert kv_tuple(res.items[0]) == kv_tuple(a2)


def test_range_excludes_deleted_keys(store: Store) -> None:
    _fill(store, "/p/", 5)
    store.delete("/p/02")
    assert _keys(store.range("/p/")) == ["/p/00", "/p/01", "/p/03", "/p/04"]


def test_range_start_and_limit(store: Store) -> None:
    _fill(store, "/p/", 10)
    store.create("/q/00", b"outside")
    res = store.range("/p/", start="/p/03", limit=4)
    assert _keys(res) == ["/p/03", "/p/04", "/p/05", "/p/06"]  # start is inclusive
    assert res.more is True
    res = store.range("/p/", start="/p/055", limit=0)  # start need not exist; 0 = no limit
    assert _keys(res) == ["/p/06", "/p/07", "/p/08", "/p/09"]
    assert res.more is False
    res = store.range("/p/", start="/p/06", limit=4)  # exactly the remaining keys
    assert _keys(res) == ["/p/06", "/p/07", "/p/08", "/p/09"]
    assert res.more is False
    res = store.range("/p/", start="/p/09\x00", limit=4)
    assert _keys(res) == []
    assert res.more is False
    # A start before the prefix starts at the prefix; one past it yields nothing.
    assert _keys(store.range("/p/", start="/a", limit=2)) == ["/p/00", "/p/01"]
    assert _keys(store.range("/p/", start="/q/", limit=2)) == []
    # The same at a past revision (served from history rather than the current state).
    store.create("/p/10", b"later")
    assert _keys(store.range("/p/", start="/a", limit=2, revision=11)) == ["/p/00", "/p/01"]
    assert _keys(store.range("/p/", start="/p/08", revision=11)) == ["/p/08", "/p/09"]
    assert _keys(store.range("/p/", start="/q/", revision=11)) == []


@pytest.mark.parametrize("limit", [1, 3, 7, 30])
def test_pagination_returns_everything_once(store: Store, limit: int) -> None:
    _fill(store, "/p/", 30)
    store.create("/p", b"not under /p/")
    store.create("/p0", b"not under /p/")
    store.create("/q/00", b"outside")
    items = _all_pages(store, "/p/", limit)
    assert [kv.key for kv in items] == [f"/p/{i:02d}" for i in range(30)]


def test_pagination_is_a_consistent_snapshot_under_concurrent_changes(store: Store) -> None:
    _fill(store, "/p/", 30)
    _fill(store, "/q/", 5)
    snapshot = store.range("/p/")
    expected = [kv_tuple(kv) for kv in snapshot.items]

    first = store.range("/p/", limit=7)
    assert first.revision == snapshot.revision
    pages = [first]
    step = 0
    while pages[-1].more:
        # Between pages: delete keys not yet read and already read, update keys not yet read,
        # create keys that would sort into later pages, touch other prefixes.
        step += 1
        store.delete(f"/p/{(7 * step + 3) % 30:02d}")
        upd = f"/p/{(7 * step + 5) % 30:02d}"
        cur = store.get(upd)
        store.update(upd, b"CHANGED", expected_revision=cur.mod_revision)
        store.create(f"/p/{7 * step + 1:02d}x", b"NEW")
        store.create(f"/p/zz{step}", b"NEW")
        store.create(f"/q/new{step}", b"NEW")
        if step < 5:
            store.delete(f"/q/{step % 5:02d}")
        nxt = store.range(
            "/p/", start=pages[-1].items[-1].key + "\x00", limit=7, revision=first.revision
        )
        assert nxt.revision == first.revision
        pages.append(nxt)
    got = [kv_tuple(kv) for page in pages for kv in page.items]
    assert got == expected
    assert store.revision > first.revision
    # The present differs from the snapshot, so the test did observe history.
    assert [kv_tuple(kv) for kv in store.range("/p/").items] != expected


def test_get_at_revision_returns_historical_value(store: Store) -> None:
    v1 = store.create("/k", b"v1")  # 1
    store.create("/other", b"x")  # 2
    v2 = store.update("/k", b"v2", expected_revision=1)  # 3
    store.delete("/k")  # 4
    v3 = store.create("/k", b"v3")  # 5
    assert kv_tuple(store.get("/k", revision=1)) == kv_tuple(v1)
    assert kv_tuple(store.get("/k", revision=2)) == kv_tuple(v1)
    assert kv_tuple(store.get("/k", revision=3)) == kv_tuple(v2)
    with pytest.raises(NotFound):
        store.get("/k", revision=4)
    assert kv_tuple(store.get("/k", revision=5)) == kv_tuple(v3)
    assert kv_tuple(store.get("/k", revision=store.revision)) == kv_tuple(v3)
    with pytest.raises(NotFound):
        store.get("/other", revision=1)  # not yet created


def test_range_at_revision(store: Store) -> None:
    store.create("/p/a", b"a1")  # 1
    store.create("/p/b", b"b1")  # 2
    store.update("/p/a", b"a2", expected_revision=1)  # 3
    store.delete("/p/b")  # 4
    store.create("/p/c", b"c1")  # 5
    expect = {
        1: [("/p/a", b"a1", 1, 1, 1)],
        2: [("/p/a", b"a1", 1, 1, 1), ("/p/b", b"b1", 2, 2, 1)],
        3: [("/p/a", b"a2", 1, 3, 2), ("/p/b", b"b1", 2, 2, 1)],
        4: [("/p/a", b"a2", 1, 3, 2)],
        5: [("/p/a", b"a2", 1, 3, 2), ("/p/c", b"c1", 5, 5, 1)],
    }
    for rev, items in expect.items():
        res = store.range("/p/", revision=rev)
        assert res.revision == rev
        assert [kv_tuple(kv) for kv in res.items] == items, rev
        assert [kv_tuple(kv) for kv in _all_pages(store, "/p/", 1, revision=rev)] == items


def test_future_revision(store: Store) -> None:
    with pytest.raises(FutureRevision):
        store.get("/k", revision=1)
    store.create("/k", b"v")
    with pytest.raises(FutureRevision):
        store.get("/k", revision=2)
    with pytest.raises(FutureRevision):
        store.range("/", revision=2)
    with pytest.raises(FutureRevision):
        store.range("/", limit=1, start="/k", revision=100)


def test_reads_below_compact_revision_are_compacted(store: Store) -> None:
    store.create("/k", b"v1")  # 1
    store.update("/k", b"v2", expected_revision=1)  # 2
    store.create("/j", b"j1")  # 3
    store.update("/k", b"v3", expected_revision=2)  # 4
    store.compact(3)
    assert store.compact_revision == 3
    for rev in (1, 2):
        with pytest.raises(Compacted):
            store.get("/k", revision=rev)
        with pytest.raises(Compacted):
            store.get("/j", revision=rev)
        with pytest.raises(Compacted):
            store.range("/", revision=rev)
    # At and above the compact revision, reads still work.
    assert kv_tuple(store.get("/k", revision=3)) == ("/k", b"v2", 1, 2, 2)
    assert [kv_tuple(kv) for kv in store.range("/", revision=3).items] == [
        ("/j", b"j1", 3, 3, 1),
        ("/k", b"v2", 1, 2, 2),
    ]
    assert kv_tuple(store.get("/k")) == ("/k", b"v3", 1, 4, 3)


def test_pagination_fails_with_compacted_when_snapshot_is_compacted(store: Store) -> None:
    _fill(store, "/p/", 10)
    first = store.range("/p/", limit=3)
    for i in range(3):
        store.update(f"/p/{i:02d}", b"x", expected_revision=i + 1)
    store.compact(store.revision)
    with pytest.raises(Compacted):
        store.range("/p/", start=first.items[-1].key + "\x00", limit=3, revision=first.revision)


def test_compaction_survives_reopen(make_store: StoreFactory) -> None:
    s = make_store()
    s.create("/k", b"v1")  # 1
    s.update("/k", b"v2", expected_revision=1)  # 2
    s.update("/k", b"v3", expected_revision=2)  # 3
    s.compact(2)
    s.close()
    s = make_store()
    assert s.compact_revision >= 2
    with pytest.raises(Compacted):
        s.get("/k", revision=1)
    assert s.get("/k", revision=2).value == b"v2"
    assert s.get("/k").value == b"v3"


def test_prefix_range_includes_every_code_point(store: Store) -> None:
    """Keys are arbitrary str: a range at the current revision and one at a past revision
    (the same data) agree, whatever follows the prefix."""
    keys = ["/p/a", "/p/\U0001f600", "/p/\U0010ffff", "/p/\U0010ffffz"]
    for key in keys:
        store.create(key, b"v")
    store.create("/q", b"v")
    at = store.revision
    assert _keys(store.range("/p/")) == keys
    store.create("/x", b"v")  # now revision `at` is read from history
    assert _keys(store.range("/p/", revision=at)) == keys
