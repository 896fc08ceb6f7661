"""The store: etcd's role in the engine, on LMDB. See docs/store.md."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import Future
from typing import Any

from ..clock import Clock
from . import reads
from .codec import (
    DELETE,
    META_COMPACT_REVISION,
    LogRecord,
    encode_key,
    log_key_startswith,
    rev_from_key,
    rev_key,
)
from .compaction import CompactionPolicy
from .completion import LoopFuture
from .environment import Environment
from .errors import Compacted, FutureRevision, StoreClosed
from .mutations import OpKind, WriteOp
from .records import Event, EventType, KeyValue, RangeResult
from .watch import Watch, WatchHub
from .writer import CompactRequest, Writer


class Store:
    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        map_size: int = 1 << 30,
        clock: Clock | None = None,
        compaction: CompactionPolicy | None = None,
        watch_buffer: int = 10_000,
    ) -> None:
        self.path = os.fspath(path)
        self.watch_buffer = watch_buffer
        self._env = Environment(path, map_size)
        self._closed = False
        self._hub = WatchHub()
        self._current = reads.load_current(self._env)
        self._writer = Writer(
            self._env, self._current, self._hub, clock or Clock(), compaction or CompactionPolicy()
        )

    # -- state --------------------------------------------------------------------------

    @property
    def revision(self) -> int:
        """The last committed revision."""
        return self._writer.revision

    @property
    def compact_revision(self) -> int:
        return self._writer.compact_revision

    @property
    def map_size(self) -> int:
        return self._env.map_size

    # -- reads --------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreClosed()

    def get(self, key: str, revision: int | None = None) -> KeyValue:
        self._check_open()
        return reads.get(self._env, self._current, key, revision)

    def range(
        self,
        prefix: str,
        start: str | None = None,
        limit: int = 0,
        revision: int | None = None,
    ) -> RangeResult:
        self._check_open()
        return reads.range_(self._env, self._current, prefix, start, limit, revision)

    # -- writes -------------------------------------------------------------------------

    def _submit(
        self, kind: OpKind, key: str, value: bytes, expected: int | None
    ) -> Future[KeyValue | Event]:
        self._check_open()
        value = _as_bytes(value)
        future: Future[KeyValue | Event] = Future()
        self._writer.submit(WriteOp(kind, key, encode_key(key), value, expected, future))
        return future

    def _asubmit(
        self, kind: OpKind, key: str, value: bytes, expected: int | None
    ) -> asyncio.Future[Any]:
        self._check_open()
        value = _as_bytes(value)
        target = LoopFuture()
        self._writer.submit(WriteOp(kind, key, encode_key(key), value, expected, target))
        return target.future

    def create(self, key: str, value: bytes) -> KeyValue:
        return self._submit(OpKind.CREATE, key, value, None).result()  # type: ignore[return-value]

    def update(self, key: str, value: bytes, expected_revision: int) -> KeyValue:
        future = self._submit(OpKind.UPDATE, key, value, expected_revision)
        return future.result()  # type: ignore[return-value]

    def delete(self, key: str, expected_revision: int | None = None) -> Event:
        return self._submit(OpKind.DELETE, key, b"", expected_revision).result()  # type: ignore[return-value]

    async def acreate(self, key: str, value: bytes) -> KeyValue:
        return await self._asubmit(OpKind.CREATE, key, value, None)

    async def aupdate(self, key: str, value: bytes, expected_revision: int) -> KeyValue:
        return await self._asubmit(OpKind.UPDATE, key, value, expected_revision)

    async def adelete(self, key: str, expected_revision: int | None = None) -> Event:
        return await self._asubmit(OpKind.DELETE, key, b"", expected_revision)

    # -- watch --------------------------------------------------------------------------

    def watch(self, prefix: str, after_revision: int | None = None) -> Watch:
        """Events under prefix after `after_revision` (None: from now): history, then live."""
        self._check_open()
        current = self.revision
        if after_revision is not None and after_revision > current:
            raise FutureRevision(after_revision, current)
        if after_revision is not None and after_revision < self.compact_revision:
            raise Compacted(after_revision, self.compact_revision)
        if after_revision is None:
            watch = Watch(self._hub, prefix, 0, self.watch_buffer, None)
            watch.revision = watch._floor = self._hub.join(watch)
            return watch
        watch = Watch(self._hub, prefix, after_revision, self.watch_buffer, self._history)
        self._hub.add_unsynced(watch)
        return watch

    def _history(
        self, prefix: bytes, after: int, through: int, limit: int
    ) -> tuple[list[Event], int, bool]:
        """Logged events under prefix in (after, through], at most `limit` of them."""
        env = self._env
        events: list[Event] = []
        with env.reading() as txn:
            compacted = reads.read_counter(txn, env, META_COMPACT_REVISION)
            if after < compacted:
                raise Compacted(after, compacted)
            cursor = txn.cursor(env.log)
            if after >= through or not cursor.set_range(rev_key(after + 1)):
                return events, through, True
            for raw_rev, data in cursor.iternext():
                revision = rev_from_key(raw_rev)
                if revision > through:
                    break
                if prefix and not log_key_startswith(data, prefix):
                    continue
                events.append(self._replayed_event(txn, revision, LogRecord(data)))
                if len(events) >= limit:
                    return events, revision, revision >= through
        return events, through, True

    def _replayed_event(self, txn: object, revision: int, record: LogRecord) -> Event:
        key = record.key_bytes.decode()
        prev = None
        if record.prev_revision:
            data = txn.get(rev_key(record.prev_revision), db=self._env.log)  # type: ignore[attr-defined]
            if data is not None:
                earlier = LogRecord(data)
                if earlier.kind != DELETE:
                    prev = KeyValue(
                        key,
                        earlier.value,
                        earlier.create_revision,
                        record.prev_revision,
                        earlier.version,
                    )
        if record.kind == DELETE:
            return Event(EventType.DELETE, key, None, revision, record.create_revision, 0, prev)
        return Event(
            EventType.PUT,
            key,
            record.value,
            revision,
            record.create_revision,
            record.version,
            prev,
        )

    def notify_progress(self) -> None:
        """A PROGRESS event to every open watch (the API turns it into bookmarks)."""
        self._hub.progress()

    # -- maintenance --------------------------------------------------------------------

    def compact(self, revision: int) -> None:
        """Drop history below `revision`; returns once compaction has finished."""
        if revision > self.revision:
            raise FutureRevision(revision, self.revision)
        if revision <= self.compact_revision:
            raise Compacted(revision, self.compact_revision)
        self._check_open()
        future: Future[None] = Future()
        self._writer.submit(CompactRequest(revision, future))
        future.result()

    def close(self) -> None:
        """Finish pending writes, end every watch, close LMDB. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._writer.close()
        self._hub.close_all()
        self._env.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_bytes(value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"store values are bytes, not {type(value).__name__}")
