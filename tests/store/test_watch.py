"""Watches: replay + live without gap or duplicate, filtering, progress, closing
(docs/store.md: watch, Guarantees)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

import pytest

from engine.store import Compacted, Event, EventType, Store, WatchClosed

from .conftest import (
    MAX_POLLS,
    StoreFactory,
    assert_strictly_increasing,
    collect_events,
    collect_until_progress,
    kv_tuple,
    poll,
    read_until_closed,
)

HANG_GUARD = 10.0  # seconds; only so that a wedged watch fails the test instead of hanging it


@dataclass(frozen=True)
class Ack:
    """A write as its caller saw it acknowledged."""

    type: EventType
    key: str
    value: bytes | None
    revision: int


def _ev(e: Event) -> tuple[EventType, str, bytes | None, int]:
    return (e.type, e.key, e.value, e.revision)


def _ack(a: Ack) -> tuple[EventType, str, bytes | None, int]:
    return (a.type, a.key, a.value, a.revision)


class Writer:
    """Background threads doing creates, updates and deletes under /p/ and /q/.

    Thread 0 pauses after `pause_after` writes until `resume()`, while the other threads
    keep writing: the test sets up its watch in that window, so writes are committed
    concurrently with the setup *and* some are certainly committed after it.
    """

    def __init__(
        self, store: Store, threads: int = 3, writes_per_thread: int = 80, pause_after: int = 20
    ) -> None:
        self.store = store
        self.acks: list[Ack] = []
        self.lock = threading.Lock()
        self.errors: list[BaseException] = []
        self.pause_after = pause_after
        self.paused = threading.Event()
        self._resume = threading.Event()
        self.threads = [
            threading.Thread(target=self._run, args=(t, writes_per_thread), daemon=True)
            for t in range(threads)
        ]

    def _record(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)

    def _run(self, t: int, n: int) -> None:
        try:
            live: dict[str, int] = {}
            for i in range(n):
                if t == 0 and i == self.pause_after:
                    self.paused.set()
                    self._resume.wait()
                prefix = "/p/" if i % 3 else "/q/"
                if i % 5 == 4 and live:
                    key = sorted(live)[0]
                    ev = self.store.delete(key, expected_revision=live.pop(key))
                    self._record(Ack(EventType.DELETE, key, None, ev.revision))
                elif i % 4 == 3 and live:
                    key = sorted(live)[-1]
                    value = f"{t}-{i}-upd".encode()
                    kv = self.store.update(key, value, expected_revision=live[key])
                    live[key] = kv.mod_revision
                    self._record(Ack(EventType.PUT, key, value, kv.mod_revision))
                else:
                    key = f"{prefix}{t}/{i:03d}"
                    value = f"{t}-{i}".encode()
                    kv = self.store.create(key, value)
                    live[key] = kv.mod_revision
                    self._record(Ack(EventType.PUT, key, value, kv.mod_revision))
        except BaseException as exc:  # surfaced by join()
            self.errors.append(exc)

    def start(self) -> None:
        for th in self.threads:
            th.start()

    def wait_until_paused(self) -> None:
        """Block until thread 0 has paused (the other threads are still writing)."""
        for _ in range(600):
            if self.paused.wait(0.1) or self.errors:
                break
        assert not self.errors, self.errors
        assert self.paused.is_set()

    def resume(self) -> None:
        self._resume.set()

    def join(self) -> list[Ack]:
        self.resume()
        for th in self.threads:
            th.join()
        assert not self.errors, self.errors
        return sorted(self.acks, key=lambda a: a.revision)


# -- basics -----------------------------------------------------------------------------


def test_watch_from_now_sees_puts_and_deletes_with_metadata(store: Store) -> None:
    store.create("/p/old", b"before the watch")
    w = store.watch("/p/")
    a1 = store.create("/p/a", b"1")
    a2 = store.update("/p/a", b"2", expected_revision=a1.mod_revision)
    d = store.delete("/p/a", expected_revision=a2.mod_revision)
    events = collect_events(w, d.revision)
    assert [(e.type, e.key, e.value, e.revision) for e in events] == [
        (EventType.PUT, "/p/a", b"1", 2),
        (EventType.PUT, "/p/a", b"2", 3),
        (EventType.DELETE, "/p/a", None, 4),
    ]
    create, update, delete = events
    assert (create.create_revision, create.version, create.prev) == (2, 1, None)
    assert kv_tuple(create.kv) == kv_tuple(a1)
    assert (update.create_revision, update.version) == (2, 2)
    assert update.prev is not None and kv_tuple(update.prev) == kv_tuple(a1)
    assert kv_tuple(update.kv) == kv_tuple(a2)
    assert delete.prev is not None and kv_tuple(delete.prev) == kv_tuple(a2)
    w.close()


def test_watch_prefix_filtering(store: Store) -> None:
    w = store.watch("/registry/pods/")
    store.create("/registry/pods/ns/a", b"x")  # 1
    store.create("/registry/podsecurity/ns/a", b"x")  # 2: shares a string prefix, not "/pods/"
    store.create("/registry/pods", b"x")  # 3
    store.create("/registry/configmaps/ns/a", b"x")  # 4
    store.create("/registry/pods/other/b", b"x")  # 5
    store.delete("/registry/configmaps/ns/a")  # 6
    store.delete("/registry/pods/ns/a")  # 7
    events = collect_events(w, 7)
    assert [(e.type, e.key, e.revision) for e in events] == [
        (EventType.PUT, "/registry/pods/ns/a", 1),
        (EventType.PUT, "/registry/pods/other/b", 5),
        (EventType.DELETE, "/registry/pods/ns/a", 7),
    ]
    w.close()


def test_watch_replays_history_then_goes_live(store: Store) -> None:
    acks: list[tuple[EventType, str, bytes | None, int]] = []
    for i in range(10):
        kv = store.create(f"/p/{i}", f"v{i}".encode())
        acks.append((EventType.PUT, kv.key, kv.value, kv.mod_revision))
        store.create(f"/q/{i}", b"other")
    ev = store.delete("/p/3")
    acks.append((EventType.DELETE, "/p/3", None, ev.revision))
    w = store.watch("/p/", after_revision=6)
    # Live writes after the watch was opened.
    kv = store.update("/p/0", b"live", expected_revision=1)
    acks.append((EventType.PUT, "/p/0", b"live", kv.mod_revision))
    kv = store.create("/p/z", b"live")
    acks.append((EventType.PUT, "/p/z", b"live", kv.mod_revision))
    events = collect_events(w, kv.mod_revision)
    assert [_ev(e) for e in events] == [a for a in acks if a[3] > 6]
    # The replayed DELETE carries prev from history.
    delete = next(e for e in events if e.type == EventType.DELETE)
    assert delete.prev is not None and kv_tuple(delete.prev) == ("/p/3", b"v3", 7, 7, 1)
    w.close()


def test_watch_from_revision_zero_replays_everything(store: Store) -> None:
    for i in range(5):
        store.create(f"/p/{i}", b"v")
    w = store.watch("/p/", after_revision=0)
    events = collect_events(w, 5)
    assert [e.revision for e in events] == [1, 2, 3, 4, 5]
    w.close()


@pytest.mark.parametrize("lag", [0, 15, 60])
def test_replay_and_live_have_no_gap_or_duplicate_with_concurrent_writers(
    store: Store, lag: int
) -> None:
    writer = Writer(store)
    writer.start()
    writer.wait_until_paused()
    after = max(0, store.revision - lag)
    w = store.watch("/p/", after_revision=after)  # opened while writes are being committed
    writer.resume()
    acks = writer.join()
    expected = [_ack(a) for a in acks if a.revision > after and a.key.startswith("/p/")]
    assert expected, "writer produced nothing to watch"
    events = collect_events(w, expected[-1][3])
    assert_strictly_increasing(events)
    assert [_ev(e) for e in events] == expected
    assert poll(w) == []  # nothing extra afterwards
    w.close()


def test_watch_from_now_with_concurrent_writers_is_a_gapless_suffix(store: Store) -> None:
    writer = Writer(store)
    writer.start()
    writer.wait_until_paused()
    before = store.revision
    w = store.watch("/p/")
    after = store.revision
    writer.resume()
    acks = writer.join()
    matching = [_ack(a) for a in acks if a.revision > before and a.key.startswith("/p/")]
    assert any(a[3] > after for a in matching), "no write after the watch opened"
    events = collect_events(w, matching[-1][3])
    got = [_ev(e) for e in events]
    # Some start revision S with before <= S <= after: exactly the matching writes after S.
    assert got == matching[len(matching) - len(got) :], "not a contiguous suffix of the writes"
    missed = matching[: len(matching) - len(got)]
    assert all(a[3] <= after for a in missed), "watch missed writes committed after it opened"
    w.close()


# -- progress -----------------------------------------------------------------------------


def test_request_progress_comes_after_all_events_up_to_it(store: Store) -> None:
    w = store.watch("/p/")
    for i in range(5):
        store.create(f"/p/{i}", b"v")
        store.create(f"/q/{i}", b"v")
    current = store.revision
    events, progress = collect_until_progress(w)
    assert progress.type == EventType.PROGRESS
    assert progress.value is None and progress.prev is None
    assert progress.revision == current
    assert [e.revision for e in events] == [1, 3, 5, 7, 9]
    assert progress.revision >= events[-1].revision
    # Progress advances even when only other prefixes change.
    store.create("/q/late", b"v")
    events, progress = collect_until_progress(w)
    assert events == []
    assert progress.revision == store.revision == 11
    w.close()


def test_request_progress_with_concurrent_writers(store: Store) -> None:
    writer = Writer(store)
    w = store.watch("/p/", after_revision=0)
    writer.start()
    writer.wait_until_paused()
    floor = store.revision
    events, progress = collect_until_progress(w)
    writer.resume()
    acks = writer.join()
    assert progress.revision >= floor
    assert_strictly_increasing(events)
    assert events and progress.revision >= events[-1].revision
    # Every matching write at or below the progress revision was delivered before it.
    expected = [
        _ack(a) for a in acks if a.key.startswith("/p/") and a.revision <= progress.revision
    ]
    assert [_ev(e) for e in events] == expected
    w.close()


def test_notify_progress_reaches_every_watch(store: Store) -> None:
    w1 = store.watch("/p/")
    w2 = store.watch("/q/")
    store.create("/p/a", b"v")
    store.create("/q/a", b"v")
    store.create("/x", b"v")
    store.notify_progress()
    for w, expected_revs in ((w1, [1]), (w2, [2])):
        seen: list[Event] = []
        for _ in range(MAX_POLLS):
            seen.extend(poll(w))
            if any(e.type == EventType.PROGRESS for e in seen):
                break
        kinds = [(e.type, e.revision) for e in seen]
        assert kinds[-1] == (EventType.PROGRESS, 3), kinds
        assert [e.revision for e in seen if e.type != EventType.PROGRESS] == expected_revs
        w.close()


# -- compaction and closing ---------------------------------------------------------------


def test_watch_from_compacted_revision_fails(store: Store) -> None:
    for i in range(6):
        store.create(f"/p/{i}", b"v")
    store.compact(4)
    for after in (0, 2, 3):
        with pytest.raises(Compacted):
            store.watch("/p/", after_revision=after)
    w = store.watch("/p/", after_revision=4)
    assert [e.revision for e in collect_events(w, 6)] == [5, 6]
    w.close()


def test_slow_watcher_is_closed_and_others_keep_working(make_store: StoreFactory) -> None:
    store = make_store(watch_buffer=10)
    slow = store.watch("/p/")
    fast = store.watch("/p/")
    fast_events: list[Event] = []
    for i in range(50):
        kv = store.create(f"/p/{i:02d}", b"v")
        fast_events.extend(collect_events(fast, kv.mod_revision))
    delivered, exc = read_until_closed(slow)
    assert "too slow" in (getattr(exc, "reason", None) or str(exc))
    # Whatever it delivered before closing was a gap-free prefix.
    assert [e.revision for e in delivered] == list(range(1, len(delivered) + 1))
    with pytest.raises(WatchClosed):
        slow.get(timeout=0)
    # The store and the other watcher are unaffected.
    assert [e.revision for e in fast_events] == list(range(1, 51))
    kv = store.create("/p/after", b"v")
    assert kv.mod_revision == 51
    assert [e.revision for e in collect_events(fast, 51)] == [51]
    fast.close()


def test_rewatch_after_too_slow_catches_up(make_store: StoreFactory) -> None:
    """The documented recovery: re-watch from the last revision seen, and read promptly."""
    store = make_store(watch_buffer=10)
    slow = store.watch("/p/")
    for i in range(50):
        store.create(f"/p/{i:02d}", b"v")
    delivered, _ = read_until_closed(slow)
    last = delivered[-1].revision if delivered else 0
    again = store.watch("/p/", after_revision=last)
    events: list[Event] = []
    for _ in range(MAX_POLLS):
        events.extend(again.get(timeout=0.1))
        if events and events[-1].revision >= 50:
            break
    assert [e.revision for e in events] == list(range(last + 1, 51))
    again.close()


def test_closed_watch_raises_and_does_not_affect_others(store: Store) -> None:
    w1 = store.watch("/p/")
    w2 = store.watch("/p/")
    store.create("/p/a", b"v")
    w1.close()
    with pytest.raises(WatchClosed):
        for _ in range(MAX_POLLS):
            w1.get(timeout=0.1)
    store.create("/p/b", b"v")
    assert [e.revision for e in collect_events(w2, 2)] == [1, 2]
    w2.close()


def test_store_close_ends_watches(make_store: StoreFactory) -> None:
    store = make_store()
    idle = store.watch("/p/")
    blocked = store.watch("/p/")
    outcome: list[BaseException | list[Event]] = []

    def block() -> None:
        try:
            outcome.append(blocked.get(timeout=None))  # the event for /p/a
            outcome.append(blocked.get(timeout=None))  # blocks until the store closes
        except BaseException as exc:
            outcome.append(exc)

    t = threading.Thread(target=block, daemon=True)
    t.start()
    store.create("/p/a", b"v")
    store.close()
    t.join(HANG_GUARD)
    assert not t.is_alive(), "a get() blocked on the watch was not woken by store.close()"
    assert [type(o) for o in outcome][-1] is WatchClosed, outcome
    with pytest.raises(WatchClosed):
        for _ in range(MAX_POLLS):
            idle.get(timeout=0.1)


# -- asyncio -------------------------------------------------------------------------------


async def _aget(w: object) -> list[Event]:
    # wait_for only guards against a hang; a healthy watch answers immediately.
    return await asyncio.wait_for(w.aget(), 30)  # type: ignore[attr-defined]


async def test_async_iteration_sees_every_event(store: Store) -> None:
    store.create("/p/0", b"replayed")
    w = store.watch("/p/", after_revision=0)

    async def produce() -> None:
        for i in range(1, 20):
            await store.acreate(f"/q/{i}", b"v")
            await store.acreate(f"/p/{i}", b"v")

    producer = asyncio.create_task(produce())
    seen: list[Event] = []

    async def consume() -> None:
        async for batch in w:
            seen.extend(batch)
            if any(e.key == "/p/19" for e in batch):
                return

    # wait_for only guards against a hang.
    await asyncio.wait_for(consume(), 30)
    await producer
    assert [e.key for e in seen] == [f"/p/{i}" for i in range(20)]
    assert_strictly_increasing(seen)
    w.close()


async def test_aget_waits_for_the_next_write(store: Store) -> None:
    w = store.watch("/p/")
    pending = asyncio.create_task(_aget(w))
    await asyncio.sleep(0)
    kv = await store.acreate("/p/a", b"v")
    batch = await pending
    assert [(e.type, e.key, e.revision) for e in batch] == [
        (EventType.PUT, "/p/a", kv.mod_revision)
    ]
    w.close()


async def test_aget_raises_watch_closed_after_store_close(make_store: StoreFactory) -> None:
    store = make_store()
    w = store.watch("/p/")
    pending = asyncio.create_task(_aget(w))
    await asyncio.sleep(0)
    await asyncio.to_thread(store.close)
    with pytest.raises(WatchClosed):
        await pending
    with pytest.raises(WatchClosed):
        await _aget(w)


async def test_cancelled_aget_loses_no_events(store: Store) -> None:
    w = store.watch("/p/")
    pending = asyncio.create_task(w.aget())
    await asyncio.sleep(0)
    pending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await pending
    kv = await store.acreate("/p/a", b"v")
    batch = await _aget(w)
    assert [(e.key, e.revision) for e in batch] == [("/p/a", kv.mod_revision)]
    w.close()


# -- long replays ------------------------------------------------------------------------


async def _bulk_create(store: Store, keys: list[str]) -> None:
    await asyncio.gather(*(store.acreate(k, k.encode()) for k in keys))


def test_long_replay_through_unrelated_history(make_store: StoreFactory) -> None:
    """A replay that must skip thousands of non-matching revisions still finds the rest."""
    store = make_store(watch_buffer=100)
    asyncio.run(_bulk_create(store, [f"/q/{i:05d}" for i in range(2500)]))
    tail = [store.create(f"/p/{i}", b"v").mod_revision for i in range(3)]
    w = store.watch("/p/", after_revision=0)
    events = collect_events(w, tail[-1])
    assert [e.revision for e in events] == tail
    store.create("/p/live", b"v")
    assert [e.key for e in collect_events(w, tail[-1] + 1)] == ["/p/live"]
    w.close()


def test_long_replay_larger_than_the_buffer_is_delivered_in_order(
    make_store: StoreFactory,
) -> None:
    store = make_store(watch_buffer=100)
    keys = [f"/p/{i:05d}" for i in range(2500)]
    asyncio.run(_bulk_create(store, keys))
    w = store.watch("/p/", after_revision=0)
    live = store.create("/p/zz-live", b"v")  # committed while the watch is replaying
    events = collect_events(w, live.mod_revision)
    assert [e.revision for e in events] == list(range(1, live.mod_revision + 1))
    assert [e.value for e in events[:-1]] == [e.key.encode() for e in events[:-1]]
    w.close()


def test_compaction_during_replay_fails_the_watch_without_a_gap(make_store: StoreFactory) -> None:
    store = make_store(watch_buffer=100)
    asyncio.run(_bulk_create(store, [f"/p/{i:05d}" for i in range(2500)]))
    w = store.watch("/p/", after_revision=0)
    delivered = list(poll(w))
    store.compact(2000)
    try:
        for _ in range(MAX_POLLS):
            batch = poll(w)
            delivered.extend(batch)
            if delivered and delivered[-1].revision >= 2500:
                break
    except Compacted:
        pass  # the history it still needed is gone: the consumer must relist
    revs = [e.revision for e in delivered]
    assert revs == list(range(1, len(revs) + 1)), "gap or duplicate before the failure"
    assert len(revs) in range(1, 2501)
    if len(revs) < 2500:
        with pytest.raises(Compacted):
            w.get(timeout=0)


def test_notify_progress_reaches_a_replaying_watch_after_its_history(store: Store) -> None:
    for i in range(5):
        store.create(f"/p/{i}", b"v")
    w = store.watch("/p/", after_revision=0)  # opened, nothing read yet
    store.notify_progress()
    seen: list[Event] = []
    for _ in range(20):
        seen.extend(poll(w))
        if any(e.type == EventType.PROGRESS for e in seen):
            break
    assert [(e.type, e.revision) for e in seen] == [(EventType.PUT, r) for r in range(1, 6)] + [
        (EventType.PROGRESS, 5)
    ]
    w.close()
