"""How one write changes the databases inside the writer's transaction.

Every check happens before the first put, so a write that fails its check leaves the
transaction (and the other writes of its batch) untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum

import lmdb

from .codec import DELETE, HEADER, PUT, LogRecord, encode_log, rev_from_key, rev_key
from .completion import Target
from .environment import Environment
from .errors import AlreadyExists, Conflict, NotFound
from .records import Event, EventType, KeyValue


class OpKind(Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class WriteOp:
    __slots__ = ("kind", "key", "raw_key", "value", "expected", "future")

    def __init__(
        self,
        kind: OpKind,
        key: str,
        raw_key: bytes,
        value: bytes,
        expected: int | None,
        future: Target,
    ) -> None:
        self.kind = kind
        self.key = key
        self.raw_key = raw_key
        self.value = value
        self.expected = expected
        self.future = future


def _current(txn: lmdb.Transaction, env: Environment, op: WriteOp) -> tuple[int, int, int]:
    header = txn.get(op.raw_key, db=env.keys)
    if header is None:
        raise NotFound(op.key)
    create, mod, version = HEADER.unpack(header)
    if op.expected is not None and op.expected != mod:
        raise Conflict(op.key, op.expected, mod)
    return create, mod, version


def _value_at(txn: lmdb.Transaction, env: Environment, revision: int) -> bytes:
    return LogRecord(txn.get(rev_key(revision), db=env.log)).value


def apply_create(txn: lmdb.Transaction, env: Environment, op: WriteOp, revision: int) -> Event:
    key = op.raw_key
    if txn.get(key, db=env.keys) is not None:
        raise AlreadyExists(op.key)
    grave = txn.get(key, db=env.graves)
    # Point back at the tombstone so reads at older revisions see the key's earlier life.
    previous = rev_from_key(grave) if grave is not None else 0
    if grave is not None:
        txn.delete(key, db=env.graves)
    txn.put(key, HEADER.pack(revision, revision, 1), db=env.keys)
    txn.put(
        rev_key(revision),
        encode_log(PUT, key, op.value, revision, 1, previous),
        db=env.log,
        append=True,
    )
    return Event(EventType.PUT, op.key, op.value, revision, revision, 1, None)


def apply_update(txn: lmdb.Transaction, env: Environment, op: WriteOp, revision: int) -> Event:
    key = op.raw_key
    create, mod, version = _current(txn, env, op)
    prev = KeyValue(op.key, _value_at(txn, env, mod), create, mod, version)
    txn.put(key, HEADER.pack(create, revision, version + 1), db=env.keys)
    txn.put(
        rev_key(revision),
        encode_log(PUT, key, op.value, create, version + 1, mod),
        db=env.log,
        append=True,
    )
    return Event(EventType.PUT, op.key, op.value, revision, create, version + 1, prev)


def apply_delete(txn: lmdb.Transaction, env: Environment, op: WriteOp, revision: int) -> Event:
    key = op.raw_key
    create, mod, version = _current(txn, env, op)
    prev = KeyValue(op.key, _value_at(txn, env, mod), create, mod, version)
    txn.delete(key, db=env.keys)
    txn.put(key, rev_key(revision), db=env.graves)
    txn.put(
        rev_key(revision),
        encode_log(DELETE, key, b"", create, 0, mod),
        db=env.log,
        append=True,
    )
    return Event(EventType.DELETE, op.key, None, revision, create, 0, prev)


APPLY: dict[OpKind, Callable[[lmdb.Transaction, Environment, WriteOp, int], Event]] = {
    OpKind.CREATE: apply_create,
    OpKind.UPDATE: apply_update,
    OpKind.DELETE: apply_delete,
}
