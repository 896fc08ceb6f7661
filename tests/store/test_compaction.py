"""Compaction and space reuse (docs/store.md: Model, compact, map growth)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine.clock import FakeClock
from engine.store import Compacted, KeyValue, NotFound, Store

from .conftest import StoreFactory, data_file_bytes, kv_tuple


def test_lease_churn_with_compaction_keeps_latest_values(store: Store) -> None:
    leases = [f"/registry/leases/kube-node-lease/node-{n}" for n in range(10)]
    current: dict[str, KeyValue] = {k: store.create(k, b"renew-0") for k in leases}
    snapshots: dict[int, list[tuple[str, bytes, int, int, int]]] = {}
    for renew in range(1, 41):
        for k in leases:
            current[k] = store.update(k, f"renew-{renew}".encode(), current[k].mod_revision)
        if renew % 10 == 0:
            rev = store.revision
            snapshots[rev] = [kv_tuple(kv) for kv in store.range("/registry/leases/").items]
            store.compact(rev - 5)
            assert store.compact_revision == rev - 5
    for k in leases:
        kv = store.get(k)
        assert kv_tuple(kv) == kv_tuple(current[k])
        assert kv.value == b"renew-40" and kv.version == 41
    assert [kv_tuple(kv) for kv in store.range("/registry/leases/").items] == sorted(
        kv_tuple(kv) for kv in current.values()
    )
    last_compact = store.compact_revision
    with pytest.raises(Compacted):
        store.get(leases[0], revision=last_compact - 1)
    with pytest.raises(Compacted):
        store.range("/registry/leases/", revision=last_compact - 1)
    # Snapshots taken at or above the compact revision are still exact.
    for rev, items in snapshots.items():
        if rev >= last_compact:
            assert [
                kv_tuple(kv) for kv in store.range("/registry/leases/", revision=rev).items
            ] == (items)
    # Reading exactly at the compact revision sees the values current at that revision.
    at_c = store.range("/registry/leases/", revision=last_compact).items
    assert all(kv.mod_revision <= last_compact for kv in at_c)
    assert len(at_c) == len(leases)


def test_compaction_drops_tombstones_but_not_live_keys(store: Store) -> None:
    for i in range(6):
        store.create(f"/p/{i}", b"v")  # 1..6
    store.delete("/p/1")  # 7
    store.delete("/p/4")  # 8
    store.create("/p/9", b"v")  # 9
    store.compact(9)
    assert [kv.key for kv in store.range("/p/").items] == ["/p/0", "/p/2", "/p/3", "/p/5", "/p/9"]
    assert [kv.key for kv in store.range("/p/", revision=9).items] == [
        "/p/0",
        "/p/2",
        "/p/3",
        "/p/5",
        "/p/9",
    ]
    with pytest.raises(NotFound):
        store.get("/p/1")
    with pytest.raises(NotFound):
        store.get("/p/4", revision=9)
    again = store.create("/p/1", b"again")
    assert (again.create_revision, again.mod_revision, again.version) == (10, 10, 1)
    # The unchanged keys keep their original metadata through compaction.
    assert kv_tuple(store.get("/p/0")) == ("/p/0", b"v", 1, 1, 1)


def test_compact_to_current_revision_keeps_current_state(store: Store) -> None:
    a = store.create("/a", b"1")
    a = store.update("/a", b"2", a.mod_revision)
    b = store.create("/b", b"1")
    store.compact(store.revision)
    assert store.compact_revision == 3
    assert kv_tuple(store.get("/a")) == kv_tuple(a)
    assert kv_tuple(store.get("/b", revision=3)) == kv_tuple(b)
    with pytest.raises(Compacted):
        store.get("/a", revision=2)
    # Writes keep working, with CAS against the surviving mod_revision.
    a = store.update("/a", b"3", expected_revision=a.mod_revision)
    assert (a.mod_revision, a.version) == (4, 3)


def test_compacting_backwards_is_compacted(store: Store) -> None:
    for i in range(5):
        store.create(f"/k{i}", b"v")
    store.compact(4)
    with pytest.raises(Compacted):
        store.compact(2)
    assert store.compact_revision == 4
    assert store.get("/k0", revision=4).value == b"v"


def test_data_file_does_not_grow_under_steady_churn_with_compaction(
    store: Store, store_path: str
) -> None:
    keys = [f"/registry/leases/ns/lease-{i:02d}" for i in range(50)]
    revs = {k: store.create(k, b"\x00" * 4096).mod_revision for k in keys}

    def renew(args: tuple[str, int]) -> tuple[str, int]:
        key, rnd = args
        value = bytes([rnd % 256]) * 4096
        return key, store.update(key, value, expected_revision=revs[key]).mod_revision

    sizes: dict[int, int] = {}
    with ThreadPoolExecutor(8) as pool:
        for rnd in range(1, 21):
            revs.update(pool.map(renew, [(k, rnd) for k in keys]))
            store.compact(store.revision)
            sizes[rnd] = data_file_bytes(store_path)
    # Sanity: rounds 6-20 rewrite far more value bytes than the slack allowed below, so a
    # store that never reuses freed pages cannot pass.
    assert sizes[5] * 0.5 < 15 * 50 * 4096, sizes
    assert sizes[20] <= sizes[5] * 1.5, f"data file keeps growing: {sizes}"
    for k in keys:
        kv = store.get(k)
        assert kv.value == bytes([20]) * 4096 and kv.version == 21


def test_map_grows_when_full(make_store: StoreFactory, store_path: str) -> None:
    store = make_store(map_size=1 << 20)  # 1 MiB; we write ~3 MiB of live data
    value = b"x" * 8192
    for i in range(400):
        store.create(f"/big/{i:03d}", value)
    assert store.revision == 400
    assert len(store.range("/big/").items) == 400
    store.close()
    store = make_store(map_size=1 << 20)
    assert store.revision == 400
    assert store.get("/big/399").value == value
    assert store.create("/big/next", value).mod_revision == 401


async def _renew_all(store: Store, revs: dict[str, int], rounds: int) -> None:
    """`rounds` renewals of every key, each round one concurrent burst (group commit)."""
    for rnd in range(rounds):
        kvs = await asyncio.gather(
            *(store.aupdate(k, f"{rnd}".encode(), expected_revision=r) for k, r in revs.items())
        )
        revs.update((kv.key, kv.mod_revision) for kv in kvs)


def _write_until(store: Store, done: Callable[[], bool], attempts: int = 50) -> bool:
    """Keep the writer busy with small writes until `done()` (background work needs a tick)."""
    for i in range(attempts):
        if done():
            return True
        store.create(f"/tick/{store.revision}-{i}", b"t")
    return done()


def test_background_compaction_keeps_five_minutes_and_ten_thousand_revisions(
    make_store: StoreFactory,
) -> None:
    clock = FakeClock()
    store = make_store(clock=clock)  # the default CompactionPolicy
    revs = {f"/registry/leases/ns/node-{i:02d}": 0 for i in range(50)}
    revs.update((k, store.create(k, b"0").mod_revision) for k in list(revs))
    asyncio.run(_renew_all(store, revs, 203))  # > 10,000 revisions, all "at once"
    assert store.revision > 10_100

    # Nothing is older than 5 minutes yet: history must stay complete.
    clock.advance(20)
    _write_until(store, lambda: False, attempts=3)
    at_20s = store.revision
    assert store.compact_revision == 0
    assert store.get("/registry/leases/ns/node-00", revision=1).value == b"0"

    # 7 minutes later, the old history may go, but never the last 10,000 revisions.
    clock.advance(400)
    assert _write_until(store, lambda: store.compact_revision > 0), "no background compaction"
    floor = store.compact_revision
    assert floor <= store.revision - 10_000
    with pytest.raises(Compacted):
        store.get("/registry/leases/ns/node-00", revision=floor - 1)
    recent = store.revision - 10_000
    assert store.range("/registry/leases/", revision=recent).revision == recent

    # A burst of 10,100 revisions now: the last 5 minutes protect all of it.
    asyncio.run(_renew_all(store, revs, 202))
    clock.advance(20)
    _write_until(store, lambda: False, attempts=5)
    assert store.compact_revision <= at_20s + 1, "compacted history younger than 5 minutes"
    for k, r in revs.items():
        assert store.get(k).mod_revision == r


def test_reads_during_map_growth(make_store: StoreFactory) -> None:
    """Readers keep working (and see consistent data) while the writer grows the map."""
    store = make_store(map_size=1 << 20)
    store.create("/anchor", b"a")
    stop = threading.Event()
    problems: list[BaseException] = []

    def reader() -> None:
        try:
            while not stop.is_set():
                assert store.get("/anchor", revision=1).value == b"a"
                res = store.range("/big/", revision=store.revision)
                assert all(kv.value == b"x" * 8192 for kv in res.items)
                assert [kv.key for kv in res.items] == sorted(kv.key for kv in res.items)
                # Pause between reads: this checks correctness, not reader/writer fairness
                # (a tight read loop can stall the map growth's abort inside py-lmdb).
                stop.wait(0.002)
        except BaseException as exc:
            problems.append(exc)

    threads = [threading.Thread(target=reader, daemon=True) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for i in range(400):
            store.create(f"/big/{i:03d}", b"x" * 8192)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not problems, problems
    assert len(store.range("/big/").items) == 400
