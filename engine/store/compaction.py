"""Compaction: drop history that no reader at or after the compact revision can need.

Compacting at C removes every log record superseded at or before C (its key was written
again at a revision <= C) and every tombstone deleted at or before C. What remains below
C is each key's state as of C, which reads at C still need. Compaction runs in the
writer thread in chunks, so writes are never held up for long; its progress is stored,
so a crash in the middle resumes where it stopped.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import lmdb

from .codec import (
    DELETE,
    META_COMPACT_REVISION,
    META_COMPACTED_THROUGH,
    LogRecord,
    rev_from_key,
    rev_key,
)
from .environment import Environment


@dataclass(frozen=True)
class CompactionPolicy:
    """Keep at least `min_age` seconds and `min_revisions` revisions of history."""

    min_age: float = 300.0
    min_revisions: int = 10_000
    interval: float = 30.0  # how often the writer considers compacting
    chunk: int = 2_000  # log records per transaction
    enabled: bool = True


class RevisionClock:
    """Remembers which revision was current when, to find the revision `min_age` ago."""

    def __init__(self) -> None:
        self._samples: deque[tuple[float, int]] = deque()

    def sample(self, now: float, revision: int) -> None:
        if not self._samples or self._samples[-1][1] != revision:
            self._samples.append((now, revision))

    def revision_before(self, cutoff: float) -> int:
        """The newest sampled revision taken at or before `cutoff` (0 if none)."""
        found = 0
        while self._samples and self._samples[0][0] <= cutoff:
            found = self._samples.popleft()[1]
        if found:
            self._samples.appendleft((cutoff, found))
        return found


def compaction_target(
    policy: CompactionPolicy, clock: RevisionClock, now: float, current: int
) -> int:
    by_age = clock.revision_before(now - policy.min_age)
    return min(by_age, current - policy.min_revisions)


def compact_chunk(
    env: Environment, txn: lmdb.Transaction, after: int, target: int, chunk: int
) -> int:
    """Compact log records in (after, target], at most `chunk` of them; returns the last done."""
    cursor = txn.cursor(env.log)
    doomed: list[bytes] = []
    graves: list[tuple[bytes, bytes]] = []
    last = after
    if cursor.set_range(rev_key(after + 1)):
        for raw_rev, data in cursor.iternext():
            revision = rev_from_key(raw_rev)
            if revision > target or len(doomed) >= chunk:
                break
            last = revision
            record = LogRecord(data)
            if record.prev_revision:
                doomed.append(rev_key(record.prev_revision))
            if record.kind == DELETE:
                doomed.append(raw_rev)
                graves.append((record.key_bytes, raw_rev))
    if last == after:  # nothing left below target
        last = target
    for raw_rev in doomed:
        txn.delete(raw_rev, db=env.log)
    for key, raw_rev in graves:
        if txn.get(key, db=env.graves) == raw_rev:  # not re-created and deleted again since
            txn.delete(key, db=env.graves)
    txn.put(META_COMPACTED_THROUGH, rev_key(last), db=env.meta)
    return last


def start_compaction(txn: lmdb.Transaction, env: Environment, target: int) -> None:
    txn.put(META_COMPACT_REVISION, rev_key(target), db=env.meta)
