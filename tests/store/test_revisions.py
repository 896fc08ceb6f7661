"""Revisions, compare-and-swap, typed errors and reopen (docs/store.md: Model, API)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine.store import (
    AlreadyExists,
    Compacted,
    Conflict,
    EventType,
    FutureRevision,
    InvalidKey,
    KeyValue,
    NotFound,
    Store,
    StoreError,
    WatchClosed,
)

from .conftest import StoreFactory, kv_tuple


def test_new_store_starts_at_revision_zero(store: Store) -> None:
    assert store.revision == 0
    assert store.range("/").items == []
    with pytest.raises(NotFound):
        store.get("/registry/pods/default/a")


def test_every_write_takes_the_next_global_revision(store: Store) -> None:
    a = store.create("/registry/pods/default/a", b"a1")
    assert kv_tuple(a) == ("/registry/pods/default/a", b"a1", 1, 1, 1)
    b = store.create("/registry/configmaps/default/b", b"b1")
    assert kv_tuple(b) == ("/registry/configmaps/default/b", b"b1", 2, 2, 1)
    a2 = store.update("/registry/pods/default/a", b"a2", expected_revision=1)
    assert kv_tuple(a2) == ("/registry/pods/default/a", b"a2", 1, 3, 2)
    a3 = store.update("/registry/pods/default/a", b"a3", expected_revision=3)
    assert kv_tuple(a3) == ("/registry/pods/default/a", b"a3", 1, 4, 3)
    ev = store.delete("/registry/configmaps/default/b", expected_revision=2)
    assert ev.type == EventType.DELETE
    assert ev.revision == 5
    assert ev.key == "/registry/configmaps/default/b"
    assert ev.value is None
    assert ev.prev is not None
    assert kv_tuple(ev.prev) == kv_tuple(b)
    assert store.revision == 5
    assert kv_tuple(store.get("/registry/pods/default/a")) == kv_tuple(a3)
    with pytest.raises(NotFound):
        store.get("/registry/configmaps/default/b")


def test_delete_without_expected_revision_is_unconditional(store: Store) -> None:
    store.create("/k", b"1")
    store.update("/k", b"2", expected_revision=1)
    ev = store.delete("/k")
    assert ev.revision == 3
    assert ev.prev is not None and ev.prev.value == b"2" and ev.prev.mod_revision == 2
    with pytest.raises(NotFound):
        store.get("/k")


def test_values_are_bytes_end_to_end(store: Store) -> None:
    payload = bytes(range(256)) * 17 + b"\x00"
    store.create("/registry/secrets/ns/s", payload)
    got = store.get("/registry/secrets/ns/s").value
    assert isinstance(got, bytes)
    assert got == payload


def test_failed_writes_take_no_revision(store: Store) -> None:
    store.create("/a", b"1")  # rev 1
    store.create("/b", b"1")  # rev 2
    failures: list[type[StoreError]] = []
    attempts = [
        lambda: store.create("/a", b"dup"),
        lambda: store.update("/a", b"x", expected_revision=2),
        lambda: store.update("/missing", b"x", expected_revision=1),
        lambda: store.delete("/a", expected_revision=2),
        lambda: store.delete("/missing"),
    ]
    for attempt in attempts:
        with pytest.raises(StoreError) as info:
            attempt()
        failures.append(type(info.value))
        assert store.revision == 2
    assert failures == [AlreadyExists, Conflict, NotFound, Conflict, NotFound]
    # Nothing changed and the next write takes revision 3, not 3 + failures.
    assert kv_tuple(store.get("/a")) == ("/a", b"1", 1, 1, 1)
    assert kv_tuple(store.get("/b")) == ("/b", b"1", 2, 2, 1)
    assert store.create("/c", b"1").mod_revision == 3


def test_update_with_stale_revision_conflicts_and_changes_nothing(store: Store) -> None:
    v1 = store.create("/k", b"v1")
    v2 = store.update("/k", b"v2", expected_revision=v1.mod_revision)
    with pytest.raises(Conflict):
        store.update("/k", b"v3", expected_revision=v1.mod_revision)
    with pytest.raises(Conflict):
        store.update("/k", b"v3", expected_revision=v2.mod_revision + 1)
    assert kv_tuple(store.get("/k")) == kv_tuple(v2)
    assert store.revision == v2.mod_revision


def test_delete_with_stale_revision_conflicts_and_changes_nothing(store: Store) -> None:
    v1 = store.create("/k", b"v1")
    v2 = store.update("/k", b"v2", expected_revision=v1.mod_revision)
    with pytest.raises(Conflict):
        store.delete("/k", expected_revision=v1.mod_revision)
    assert kv_tuple(store.get("/k")) == kv_tuple(v2)
    ev = store.delete("/k", expected_revision=v2.mod_revision)
    assert ev.revision == v2.mod_revision + 1


def test_create_existing_is_already_exists(store: Store) -> None:
    first = store.create("/k", b"v1")
    with pytest.raises(AlreadyExists):
        store.create("/k", b"other")
    assert kv_tuple(store.get("/k")) == kv_tuple(first)


def test_update_or_delete_missing_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.update("/nope", b"v", expected_revision=0)
    with pytest.raises(NotFound):
        store.delete("/nope", expected_revision=0)
    with pytest.raises(NotFound):
        store.delete("/nope")
    # A deleted key is missing too.
    kv = store.create("/gone", b"v")
    store.delete("/gone", expected_revision=kv.mod_revision)
    with pytest.raises(NotFound):
        store.update("/gone", b"v2", expected_revision=kv.mod_revision)
    with pytest.raises(NotFound):
        store.delete("/gone")
    assert store.revision == 2


def test_create_after_delete_starts_a_new_generation(store: Store) -> None:
    v1 = store.create("/k", b"gen1")
    store.update("/k", b"gen1b", expected_revision=v1.mod_revision)
    store.delete("/k")
    store.create("/other", b"x")
    again = store.create("/k", b"gen2")
    assert again.version == 1
    assert again.create_revision == again.mod_revision == store.revision == 5
    assert kv_tuple(store.get("/k")) == ("/k", b"gen2", 5, 5, 1)
    # The old generation's revision does not satisfy CAS on the new one.
    with pytest.raises(Conflict):
        store.update("/k", b"x", expected_revision=v1.mod_revision)
    nxt = store.update("/k", b"gen2b", expected_revision=5)
    assert (nxt.create_revision, nxt.mod_revision, nxt.version) == (5, 6, 2)


def test_concurrent_writers_get_unique_contiguous_revisions(store: Store) -> None:
    """Group commit: many threads writing at once still get one revision per write."""
    n_threads, per_thread = 8, 25

    def writer(t: int) -> list[KeyValue]:
        out = []
        for i in range(per_thread):
            kv = store.create(f"/c/{t}/{i}", f"{t}-{i}".encode())
            # Read-your-writes: once acknowledged, the write is visible to every read.
            assert store.revision >= kv.mod_revision
            assert kv_tuple(store.get(kv.key)) == kv_tuple(kv)
            assert store.range(f"/c/{t}/").revision >= kv.mod_revision
            out.append(kv)
        return out

    with ThreadPoolExecutor(n_threads) as pool:
        results = [kv for kvs in pool.map(writer, range(n_threads)) for kv in kvs]
    revs = sorted(kv.mod_revision for kv in results)
    assert revs == list(range(1, n_threads * per_thread + 1))
    assert store.revision == n_threads * per_thread
    for kv in results:
        assert kv_tuple(store.get(kv.key)) == kv_tuple(kv)


def test_concurrent_cas_exactly_one_winner_per_round(store: Store) -> None:
    """Several threads CAS the same key from the same expected revision: one wins per round;
    losers get Conflict, take no revision and do not disturb the winner in the same batch."""
    kv = store.create("/lease", b"0")
    n_threads = 6
    for rnd in range(10):
        barrier = threading.Barrier(n_threads)
        expected = kv.mod_revision
        rev_before = store.revision

        def attempt(
            t: int, expected: int = expected, barrier: threading.Barrier = barrier, rnd: int = rnd
        ) -> KeyValue | None:
            barrier.wait()
            try:
                return store.update("/lease", f"{rnd}-{t}".encode(), expected_revision=expected)
            except Conflict:
                return None

        with ThreadPoolExecutor(n_threads) as pool:
            outcomes = list(pool.map(attempt, range(n_threads)))
        winners = [o for o in outcomes if o is not None]
        assert len(winners) == 1, outcomes
        kv = winners[0]
        assert kv.mod_revision == rev_before + 1
        assert store.revision == rev_before + 1
        assert kv_tuple(store.get("/lease")) == kv_tuple(kv)
        assert kv.version == rnd + 2


def test_revision_and_data_survive_reopen(make_store: StoreFactory, store_path: str) -> None:
    s = make_store()
    a = s.create("/a", b"1")
    s.create("/b", b"1")
    a2 = s.update("/a", b"2", expected_revision=a.mod_revision)
    s.delete("/b")
    assert s.revision == 4
    s.close()

    s2 = make_store()
    assert s2.revision == 4
    assert kv_tuple(s2.get("/a")) == kv_tuple(a2)
    with pytest.raises(NotFound):
        s2.get("/b")
    # History survives too: /b is readable at revision 2.
    assert s2.get("/b", revision=2).value == b"1"
    assert s2.get("/a", revision=1).value == b"1"
    c = s2.create("/c", b"1")
    assert c.mod_revision == 5
    nxt = s2.update("/a", b"3", expected_revision=a2.mod_revision)
    assert (nxt.create_revision, nxt.mod_revision, nxt.version) == (1, 6, 3)


async def test_async_write_api(store: Store) -> None:
    kv = await store.acreate("/a", b"1")
    assert kv_tuple(kv) == ("/a", b"1", 1, 1, 1)
    with pytest.raises(AlreadyExists):
        await store.acreate("/a", b"x")
    kv2 = await store.aupdate("/a", b"2", expected_revision=1)
    assert kv_tuple(kv2) == ("/a", b"2", 1, 2, 2)
    with pytest.raises(Conflict):
        await store.aupdate("/a", b"3", expected_revision=1)
    with pytest.raises(Conflict):
        await store.adelete("/a", expected_revision=1)
    ev = await store.adelete("/a", expected_revision=2)
    assert ev.type == EventType.DELETE and ev.revision == 3
    assert ev.prev is not None and kv_tuple(ev.prev) == kv_tuple(kv2)
    with pytest.raises(NotFound):
        await store.aupdate("/a", b"4", expected_revision=3)
    with pytest.raises(NotFound):
        await store.adelete("/a")
    assert store.revision == 3


# -- typed errors -----------------------------------------------------------------------


def test_error_hierarchy() -> None:
    for exc in (
        NotFound,
        AlreadyExists,
        Conflict,
        Compacted,
        FutureRevision,
        WatchClosed,
        InvalidKey,
    ):
        assert issubclass(exc, StoreError)
    assert issubclass(StoreError, Exception)


MAX_KEY = "/" + "k" * 510  # 511 bytes: the largest valid key


@pytest.mark.parametrize(
    "key",
    ["", "/" + "k" * 511, "é" * 256],  # empty; 512 ASCII bytes; 256 chars = 512 UTF-8 bytes
    ids=["empty", "512-bytes", "512-utf8-bytes"],
)
def test_invalid_key_on_create(store: Store, key: str) -> None:
    with pytest.raises(InvalidKey):
        store.create(key, b"v")
    assert store.revision == 0


def test_largest_key_is_valid(store: Store) -> None:
    assert len(MAX_KEY.encode()) == 511
    kv = store.create(MAX_KEY, b"v")
    assert store.get(MAX_KEY).value == b"v"
    store.update(MAX_KEY, b"w", expected_revision=kv.mod_revision)
    assert [i.key for i in store.range("/").items] == [MAX_KEY]
    store.delete(MAX_KEY)
    assert store.revision == 3


@pytest.mark.parametrize("key", ["", "/" + "k" * 600], ids=["empty", "oversized"])
def test_bad_keys_raise_store_errors_everywhere(store: Store, key: str) -> None:
    """No operation lets a raw lmdb / ValueError escape for a bad key."""
    store.create("/x", b"v")
    with pytest.raises(StoreError):
        store.get(key)
    with pytest.raises((InvalidKey, NotFound)):
        store.update(key, b"v", expected_revision=1)
    with pytest.raises((InvalidKey, NotFound)):
        store.delete(key)
    with pytest.raises(InvalidKey):
        store.create(key, b"v")
    assert store.revision == 1


def test_bad_revisions_are_typed(store: Store) -> None:
    store.create("/a", b"1")
    with pytest.raises(FutureRevision):
        store.get("/a", revision=2)
    with pytest.raises(FutureRevision):
        store.range("/", revision=5)
    with pytest.raises(FutureRevision):
        store.compact(10)
    assert store.compact_revision == 0


def test_empty_value_is_a_value(store: Store) -> None:
    kv = store.create("/empty", b"")
    assert kv.value == b""
    assert store.get("/empty").value == b""
    assert [i.value for i in store.range("/").items] == [b""]
    ev = store.delete("/empty")
    assert ev.prev is not None and ev.prev.value == b""


def _call_in_thread(fn: Callable[[], object]) -> list[object]:
    """Run fn in a daemon thread; [] if it never returned (hang guard), else [result or exc]."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:
            out.append(exc)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(HANG_GUARD)
    return out


HANG_GUARD = 10.0  # seconds; only so that a wedged store fails the test instead of hanging it


def test_a_bad_value_fails_alone_and_the_store_keeps_working(store: Store) -> None:
    """A caller passing a non-bytes value gets an error; other callers are not affected."""
    store.create("/before", b"v")
    bad = _call_in_thread(lambda: store.create("/bad", "not bytes"))  # type: ignore[arg-type]
    assert bad, "create() with a str value never returned"
    assert isinstance(bad[0], (TypeError, StoreError)), bad
    good = _call_in_thread(lambda: store.create("/after", b"v"))
    assert good, "the store stopped committing writes after one bad write"
    assert isinstance(good[0], KeyValue), good
    assert good[0].mod_revision == 2
    with pytest.raises(NotFound):
        store.get("/bad")


def test_operations_after_close_raise_store_errors(store: Store) -> None:
    kv = store.create("/a", b"1")
    w = store.watch("/")
    store.close()
    store.close()  # harmless
    writes: list[Callable[[], object]] = [
        lambda: store.create("/b", b"1"),
        lambda: store.update("/a", b"2", expected_revision=kv.mod_revision),
        lambda: store.delete("/a"),
        lambda: store.compact(1),
        lambda: store.watch("/"),
    ]
    for op in writes:
        with pytest.raises(StoreError):
            op()
    # Reads may still answer or fail, but only with a StoreError.
    reads: list[Callable[[], object]] = [
        lambda: store.get("/a"),
        lambda: store.get("/a", revision=1),
        lambda: store.range("/"),
        lambda: store.range("/", revision=1),
    ]
    for op in reads:
        with contextlib.suppress(StoreError):
            op()
    with pytest.raises(WatchClosed):
        w.get(timeout=0)


def test_calls_racing_close_succeed_or_raise_store_errors(make_store: StoreFactory) -> None:
    """Writes, reads and watches racing close(): each returns (and an acknowledged write is
    durable) or raises a StoreError; none hangs or leaks another exception."""
    store = make_store()
    for i in range(10):
        store.create(f"/r/{i}", b"v")
    n_writers, n_readers = 4, 2
    acked: list[KeyValue] = []
    errors: list[BaseException] = []
    started = threading.Barrier(n_writers + n_readers + 1)

    def writer(t: int) -> None:
        started.wait()
        for i in range(200):
            try:
                acked.append(store.create(f"/w/{t}/{i}", b"v"))
            except StoreError:
                return
            except BaseException as exc:
                errors.append(exc)
                return

    def reader() -> None:
        started.wait()
        while True:
            try:
                store.get("/r/1")
                store.get("/r/1", revision=2)
                store.range("/r/", revision=5)
                w = store.watch("/r/", after_revision=0)
                w.get(timeout=0)
                w.close()
            except StoreError:
                return
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=writer, args=(t,), daemon=True) for t in range(n_writers)]
    threads += [threading.Thread(target=reader, daemon=True) for _ in range(n_readers)]
    for t in threads:
        t.start()
    started.wait()
    for _ in range(10_000):
        if len(acked) >= 20 or errors:
            break
        threading.Event().wait(0.001)
    store.close()
    for t in threads:
        t.join(HANG_GUARD)
    assert not any(t.is_alive() for t in threads), "a call hung across close()"
    assert not errors, f"non-StoreError escaped: {errors!r}"
    assert acked
    reopened = make_store()
    for kv in acked:
        assert kv_tuple(reopened.get(kv.key)) == kv_tuple(kv)
    assert reopened.revision >= max(kv.mod_revision for kv in acked)


async def test_close_finishes_pending_writes(make_store: StoreFactory) -> None:
    store = make_store()
    tasks = [asyncio.create_task(store.acreate(f"/pending/{i:03d}", b"v")) for i in range(100)]
    await asyncio.sleep(0)  # every task has submitted its write and is waiting for it
    store.close()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    failed = [r for r in results if not isinstance(r, KeyValue)]
    assert not failed, f"writes submitted before close() did not complete: {failed[:3]}"
    reopened = make_store()
    assert reopened.revision == 100
    assert len(reopened.range("/pending/").items) == 100
