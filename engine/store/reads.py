"""Reads at the current revision (from memory) or at a past one (a consistent snapshot
from LMDB, as etcd gives).

A read at an older revision R walks the key's history backwards through the log (each
record points at the key's previous revision) until it reaches a revision <= R. Keys
deleted after R are found through their tombstone in `graves`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

import lmdb

from .codec import (
    DELETE,
    HEADER,
    META_COMPACT_REVISION,
    META_REVISION,
    LogRecord,
    encode_key,
    rev_from_key,
    rev_key,
)
from .current import CurrentState
from .environment import Environment
from .errors import Compacted, FutureRevision, NotFound
from .records import KeyValue, RangeResult

_unpack_header = HEADER.unpack


def read_counter(txn: lmdb.Transaction, env: Environment, name: bytes) -> int:
    data = txn.get(name, db=env.meta)
    return rev_from_key(data) if data else 0


def load_current(env: Environment) -> CurrentState:
    """Every live key with its value, read once when the store opens."""
    items: list[KeyValue] = []
    with env.reading() as txn:
        revision = read_counter(txn, env, META_REVISION)
        log = txn.cursor(env.log)
        for raw, header in txn.cursor(env.keys).iternext():
            create, mod, version = _unpack_header(header)
            value = LogRecord(log.get(rev_key(mod))).value
            items.append(KeyValue(raw.decode(), value, create, mod, version))
    return CurrentState(items, revision)


def _check_past_revision(txn: lmdb.Transaction, env: Environment, revision: int) -> None:
    current = read_counter(txn, env, META_REVISION)
    if revision > current:
        raise FutureRevision(revision, current)
    compacted = read_counter(txn, env, META_COMPACT_REVISION)
    if revision < compacted:
        raise Compacted(revision, compacted)


def get(env: Environment, current: CurrentState, key: str, revision: int | None = None) -> KeyValue:
    raw = encode_key(key)
    found, at = current.get(key)
    if revision is not None and revision != at:
        found = _get_past(env, key, raw, revision)
    if found is None:
        raise NotFound(key)
    return found


def range_(
    env: Environment,
    current: CurrentState,
    prefix: str,
    start: str | None = None,
    limit: int = 0,
    revision: int | None = None,
) -> RangeResult:
    begin = start if start is not None and start > prefix else prefix
    if revision is None or revision == current.revision:
        items, remaining, at = current.range(prefix, begin, limit)
        if revision is None or revision == at:
            return RangeResult(items, at, remaining > 0, remaining)
    with env.reading() as txn:
        _check_past_revision(txn, env, revision)
        items, more = _range_past(txn, env, prefix.encode(), begin.encode(), limit, revision)
    return RangeResult(items, revision, more)


def _get_past(env: Environment, key: str, raw: bytes, revision: int) -> KeyValue | None:
    with env.reading() as txn:
        _check_past_revision(txn, env, revision)
        header = txn.get(raw, db=env.keys)
        if header is not None:
            return _live_at(txn, env, key, header, revision)
        grave = txn.get(raw, db=env.graves)
        if grave is not None and rev_from_key(grave) > revision:
            return _state_at(txn, env, key, rev_from_key(grave), revision)
        return None


def _live_at(
    txn: lmdb.Transaction, env: Environment, key: str, header: bytes, revision: int
) -> KeyValue | None:
    create, mod, version = _unpack_header(header)
    if mod <= revision:
        value = LogRecord(txn.get(rev_key(mod), db=env.log)).value
        return KeyValue(key, value, create, mod, version)
    return _state_at(txn, env, key, mod, revision)


def _state_at(
    txn: lmdb.Transaction, env: Environment, key: str, newest: int, revision: int
) -> KeyValue | None:
    """The key's state at `revision`, walking back from its record at `newest`."""
    at = newest
    while at > revision:
        data = txn.get(rev_key(at), db=env.log)
        if data is None:  # a compacted tombstone: the key did not exist at `revision`
            return None
        at = LogRecord(data).prev_revision
        if at == 0:
            return None
    data = txn.get(rev_key(at), db=env.log)
    if data is None:
        return None
    record = LogRecord(data)
    if record.kind == DELETE:
        return None
    return KeyValue(key, record.value, record.create_revision, at, record.version)


def _candidate_keys(
    txn: lmdb.Transaction, env: Environment, prefix: bytes, begin: bytes
) -> Iterator[tuple[bytes, bytes, bool]]:
    """Live and tombstoned keys under prefix, in key order: (key, header or grave, live)."""

    def walk(db: object, live: bool) -> Iterator[tuple[bytes, bytes, bool]]:
        cursor = txn.cursor(db)
        if not cursor.set_range(begin):
            return
        for key, data in cursor.iternext():
            if not key.startswith(prefix):
                return
            yield key, data, live

    return heapq.merge(walk(env.keys, True), walk(env.graves, False))


def _range_past(
    txn: lmdb.Transaction,
    env: Environment,
    prefix: bytes,
    begin: bytes,
    limit: int,
    revision: int,
) -> tuple[list[KeyValue], bool]:
    items: list[KeyValue] = []
    for raw, data, live in _candidate_keys(txn, env, prefix, begin):
        key = raw.decode()
        if live:
            found = _live_at(txn, env, key, data, revision)
        else:
            grave = rev_from_key(data)
            found = _state_at(txn, env, key, grave, revision) if grave > revision else None
        if found is None:
            continue
        if limit and len(items) == limit:
            return items, True
        items.append(found)
    return items, False
