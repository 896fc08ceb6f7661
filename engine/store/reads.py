"""Reads at the current revision or at a past one (a consistent snapshot, as etcd gives).

A live key's current state sits in kv/kvmeta. A read at an older revision R walks the
key's history backwards through the log (each record points at the key's previous
revision) until it reaches a revision <= R. Keys deleted after R are found through their
tombstone in `graves`.
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
from .environment import Environment
from .errors import Compacted, FutureRevision, NotFound
from .records import KeyValue, RangeResult

_unpack_header = HEADER.unpack
_new_kv = tuple.__new__


def read_counter(txn: lmdb.Transaction, env: Environment, name: bytes) -> int:
    data = txn.get(name, db=env.meta)
    return rev_from_key(data) if data else 0


def check_revision(txn: lmdb.Transaction, env: Environment, revision: int | None) -> int:
    """The snapshot revision to read at; raises for compacted or future revisions."""
    current = read_counter(txn, env, META_REVISION)
    if revision is None or revision == current:
        return current
    if revision > current:
        raise FutureRevision(revision, current)
    compacted = read_counter(txn, env, META_COMPACT_REVISION)
    if revision < compacted:
        raise Compacted(revision, compacted)
    return revision


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


def _live(txn: lmdb.Transaction, env: Environment, key: str, raw: bytes) -> KeyValue | None:
    header = txn.get(raw, db=env.kvmeta)
    if header is None:
        return None
    create, mod, version = _unpack_header(header)
    return KeyValue(key, txn.get(raw, db=env.kv), create, mod, version)


def get(env: Environment, key: str, revision: int | None = None) -> KeyValue:
    raw = encode_key(key)
    with env.reading() as txn:
        at = check_revision(txn, env, revision)
        found = _live(txn, env, key, raw)
        if found is not None and found.mod_revision <= at:
            return found
        if found is not None:
            found = _state_at(txn, env, key, found.mod_revision, at)
        else:
            grave = txn.get(raw, db=env.graves)
            if grave is not None and rev_from_key(grave) > at:
                found = _state_at(txn, env, key, rev_from_key(grave), at)
        if found is None:
            raise NotFound(key)
        return found


def range_(
    env: Environment,
    prefix: str,
    start: str | None = None,
    limit: int = 0,
    revision: int | None = None,
) -> RangeResult:
    raw_prefix = prefix.encode()
    begin = raw_prefix
    if start is not None and start > prefix:
        begin = start.encode()
    with env.reading() as txn:
        at = check_revision(txn, env, revision)
        current = read_counter(txn, env, META_REVISION)
        if at == current:
            items, more = _range_current(txn, env, raw_prefix, begin, limit)
        else:
            items, more = _range_past(txn, env, raw_prefix, begin, limit, at)
        return RangeResult(items, at, more)


def _range_current(
    txn: lmdb.Transaction, env: Environment, prefix: bytes, begin: bytes, limit: int
) -> tuple[list[KeyValue], bool]:
    values = txn.cursor(env.kv)
    headers = txn.cursor(env.kvmeta)
    if not values.set_range(begin) or not headers.set_range(begin):
        return [], False
    items: list[KeyValue] = []
    append = items.append
    # kv and kvmeta hold the same keys, so two cursors walk them in step.
    for (key, value), header in zip(values.iternext(), headers.iternext(keys=False), strict=False):
        if not key.startswith(prefix):
            break
        if limit and len(items) == limit:
            return items, True
        create, mod, version = _unpack_header(header)
        append(_new_kv(KeyValue, (key.decode(), value, create, mod, version)))
    return items, False


def _candidate_keys(
    txn: lmdb.Transaction, env: Environment, prefix: bytes, begin: bytes
) -> Iterator[tuple[bytes, bool]]:
    """Live keys and tombstoned keys under prefix, in key order: (key, is_live)."""

    def walk(db: object, live: bool) -> Iterator[tuple[bytes, bool]]:
        cursor = txn.cursor(db)
        if not cursor.set_range(begin):
            return
        for key in cursor.iternext(values=False):
            if not key.startswith(prefix):
                return
            yield key, live

    return heapq.merge(walk(env.kvmeta, True), walk(env.graves, False))


def _range_past(
    txn: lmdb.Transaction,
    env: Environment,
    prefix: bytes,
    begin: bytes,
    limit: int,
    revision: int,
) -> tuple[list[KeyValue], bool]:
    items: list[KeyValue] = []
    for raw, live in _candidate_keys(txn, env, prefix, begin):
        key = raw.decode()
        if live:
            found = _live(txn, env, key, raw)
            if found is not None and found.mod_revision > revision:
                found = _state_at(txn, env, key, found.mod_revision, revision)
        else:
            grave = rev_from_key(txn.get(raw, db=env.graves))
            found = _state_at(txn, env, key, grave, revision) if grave > revision else None
        if found is None:
            continue
        if limit and len(items) == limit:
            return items, True
        items.append(found)
    return items, False
