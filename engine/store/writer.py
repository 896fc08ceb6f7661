"""The single writer: group commit, map growth, compaction, and fan-out.

Every pending write is applied in one LMDB transaction and committed with sync on, then
the batch's events go to the watches and the callers' futures resolve. One fsync thus
serves every writer that was waiting (group commit). Compaction runs here too, a chunk
at a time between batches.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future

import lmdb

from ..clock import Clock
from .announcer import Announcer
from .codec import META_COMPACT_REVISION, META_COMPACTED_THROUGH, META_REVISION, rev_key
from .compaction import (
    CompactionPolicy,
    RevisionClock,
    compact_chunk,
    compaction_target,
    start_compaction,
)
from .completion import settle
from .current import CurrentState
from .environment import Environment
from .errors import StorageFailure, StoreClosed, StoreError
from .mutations import APPLY, OpKind, WriteOp
from .reads import read_counter
from .records import Event
from .watch import WatchHub

log = logging.getLogger(__name__)

MAX_BATCH = 4_096
LINGER_STEP = 0.000_2  # seconds to wait for one more write of a batch being gathered
LINGER_MAX = 0.001  # never hold a batch longer than this for stragglers
_STOP = object()


def _result(op: WriteOp, outcome: Event | StoreError) -> object:
    """What the caller gets: the new KeyValue of a create/update, the Event of a delete."""
    if isinstance(outcome, StoreError) or op.kind is OpKind.DELETE:
        return outcome
    return outcome.kv


class CompactRequest:
    __slots__ = ("target", "future")

    def __init__(self, target: int, future: Future[None]) -> None:
        self.target = target
        self.future = future


class Writer:
    def __init__(
        self,
        env: Environment,
        current: CurrentState,
        hub: WatchHub,
        clock: Clock,
        policy: CompactionPolicy,
    ) -> None:
        self._env = env
        self._announcer = Announcer(current, hub)
        self._clock = clock
        self._policy = policy
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._submit_lock = threading.Lock()
        self._closed = False
        self._history = RevisionClock()
        self._next_check = clock.monotonic()
        with env.reading() as txn:
            self.revision = read_counter(txn, env, META_REVISION)
            self.compact_revision = read_counter(txn, env, META_COMPACT_REVISION)
            self._compacted_through = read_counter(txn, env, META_COMPACTED_THROUGH)
        hub.revision = self.revision
        self._compact_waiters: list[Future[None]] = []
        self._last_compaction = float("-inf")
        self._last_batch = 1
        self._thread = threading.Thread(target=self._run, name="store-writer", daemon=True)
        self._thread.start()

    # -- submitting ---------------------------------------------------------------------

    def submit(self, item: WriteOp | CompactRequest) -> None:
        with self._submit_lock:
            if self._closed:
                raise StoreClosed()
            self._queue.put(item)

    def close(self) -> None:
        with self._submit_lock:
            if self._closed:
                return
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join()
        self._announcer.close()

    # -- the loop -----------------------------------------------------------------------

    def _run(self) -> None:
        stopping = False
        while not stopping:
            ops, stopping = self._take_batch()
            if ops:
                self._commit(ops)
            try:
                self._maintain()
            except Exception:  # compaction must never kill the writer
                log.exception("compaction failed")
        self._fail_leftovers()

    def _compacting(self) -> bool:
        return self._compacted_through < self.compact_revision

    def _take_batch(self) -> tuple[list[WriteOp], bool]:
        timeout = 0.0 if self._compacting() else 1.0
        try:
            first = self._queue.get(timeout=timeout) if timeout else self._queue.get_nowait()
        except queue.Empty:
            return [], False
        ops: list[WriteOp] = []
        item: object = first
        lingered_since = time.monotonic()
        while True:
            if item is _STOP:
                return ops, True
            if isinstance(item, CompactRequest):
                self._request_compaction(item)
            else:
                ops.append(item)  # type: ignore[arg-type]
            if len(ops) >= MAX_BATCH:
                return ops, False
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                item = self._linger(len(ops), lingered_since)
                if item is None:
                    self._last_batch = len(ops)
                    return ops, False

    def _linger(self, have: int, since: float) -> object | None:
        """Wait briefly for the rest of a batch as large as the last one.

        Writers that were all answered by one commit come back one by one; without a
        pause the first of them would get an fsync of its own and the rest the next.
        A lone writer (last batch of one) never waits.
        """
        if have >= self._last_batch or time.monotonic() - since > LINGER_MAX:
            return None
        try:
            return self._queue.get(timeout=LINGER_STEP)
        except queue.Empty:
            return None

    def _commit(self, ops: list[WriteOp]) -> None:
        while True:
            try:
                outcomes, events, revision = self._apply(ops)
                break
            except lmdb.MapFullError:
                size = self._env.grow()
                log.info("store map grown to %d MiB", size >> 20)
            except Exception as err:  # a failed batch must never stop the writer
                log.error("store commit failed: %s", err)
                failure = StorageFailure(f"storage failure: {err}")
                self._announcer.answer([(op.future, failure) for op in ops])
                return
        self.revision = revision
        answers = [
            (op.future, _result(op, outcome)) for op, outcome in zip(ops, outcomes, strict=True)
        ]
        self._announcer.announce(events, revision, answers)

    def _apply(self, ops: list[WriteOp]) -> tuple[list[Event | StoreError], list[Event], int]:
        env = self._env
        txn = env.begin_write()
        try:
            revision = self.revision
            outcomes: list[Event | StoreError] = []
            events: list[Event] = []
            for op in ops:
                try:
                    event = APPLY[op.kind](txn, env, op, revision + 1)
                except StoreError as err:
                    outcomes.append(err)
                    continue
                revision += 1
                events.append(event)
                outcomes.append(event)
            if events:
                txn.put(META_REVISION, rev_key(revision), db=env.meta)
            txn.commit()
        except BaseException:
            txn.abort()
            raise
        return outcomes, events, revision

    def _fail_leftovers(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, (WriteOp, CompactRequest)):
                settle([(item.future, StoreClosed())])
        for waiter in self._compact_waiters:
            if not waiter.done():
                waiter.set_exception(StoreClosed())

    # -- compaction ---------------------------------------------------------------------

    def _request_compaction(self, request: CompactRequest) -> None:
        if request.target > self.compact_revision:
            try:
                self._begin_compaction(request.target)
            except lmdb.Error as err:
                request.future.set_exception(StorageFailure(f"storage failure: {err}"))
                return
        if self._compacting():
            self._compact_waiters.append(request.future)
        else:
            request.future.set_result(None)

    def _begin_compaction(self, target: int) -> None:
        txn = self._env.begin_write()
        try:
            start_compaction(txn, self._env, target)
            txn.commit()
        except BaseException:
            txn.abort()
            raise
        self.compact_revision = target

    def _maintain(self) -> None:
        # Grow before LMDB says MapFullError: aborting a full transaction while readers
        # hold the GIL was seen to stall the writer for seconds.
        if self._env.nearly_full():
            size = self._env.grow()
            log.info("store map grown to %d MiB", size >> 20)
        if self._compacting():
            self._compact_step()
            return
        now = self._clock.monotonic()
        if not self._policy.enabled or now < self._next_check:
            return
        self._next_check = now + min(self._policy.interval, 10.0)
        self._history.sample(now, self.revision)
        target = compaction_target(self._policy, self._history, now, self.revision)
        if target > self.compact_revision and now >= self._last_compaction + self._policy.interval:
            self._begin_compaction(target)

    def _compact_step(self) -> None:
        while True:
            txn = self._env.begin_write()
            try:
                done = compact_chunk(
                    self._env,
                    txn,
                    self._compacted_through,
                    self.compact_revision,
                    self._policy.chunk,
                )
                txn.commit()
                break
            except lmdb.MapFullError:
                txn.abort()
                self._env.grow()
            except BaseException:
                txn.abort()
                raise
        self._compacted_through = done
        if not self._compacting():
            self._last_compaction = self._clock.monotonic()
            waiters, self._compact_waiters = self._compact_waiters, []
            for waiter in waiters:
                waiter.set_result(None)
