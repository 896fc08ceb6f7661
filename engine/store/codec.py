"""Binary layout of the LMDB databases.

- keys:   live key -> header (create_revision, mod_revision, version); its value is the
          log record at mod_revision
- graves: deleted key -> revision of its delete, while history still needs the tombstone
- log:    revision (8 bytes, big-endian) -> one committed change with its value: the
          history that watches replay and old-revision reads consult, and where the
          current values live (each value is written once)
- meta:   counters (current revision, compaction state)
"""

from __future__ import annotations

import struct

from .errors import InvalidKey

MAX_KEY_BYTES = 511  # LMDB's default maximum key size

HEADER = struct.Struct(">QQQ")  # create_revision, mod_revision, version
REVISION = struct.Struct(">Q")
# log record: type, create_revision, version, prev_mod_revision, key length
LOG_HEADER = struct.Struct(">BQQQH")

PUT = 1
DELETE = 2

META_REVISION = b"revision"
META_COMPACT_REVISION = b"compact_revision"
META_COMPACTED_THROUGH = b"compacted_through"


def rev_key(revision: int) -> bytes:
    return REVISION.pack(revision)


def rev_from_key(data: bytes) -> int:
    return REVISION.unpack(data)[0]


def encode_log(
    kind: int, key: bytes, value: bytes, create_revision: int, version: int, prev_revision: int
) -> bytes:
    return LOG_HEADER.pack(kind, create_revision, version, prev_revision, len(key)) + key + value


class LogRecord:
    """A decoded log record; the value is sliced only when asked for."""

    __slots__ = ("kind", "create_revision", "version", "prev_revision", "_data", "_key_end")

    def __init__(self, data: bytes) -> None:
        kind, create, version, prev, key_len = LOG_HEADER.unpack_from(data)
        self.kind = kind
        self.create_revision = create
        self.version = version
        self.prev_revision = prev
        self._data = data
        self._key_end = LOG_HEADER.size + key_len

    @property
    def key_bytes(self) -> bytes:
        return self._data[LOG_HEADER.size : self._key_end]

    @property
    def value(self) -> bytes:
        return self._data[self._key_end :]


def log_key_startswith(data: bytes, prefix: bytes) -> bool:
    """Whether a raw log record's key starts with prefix, without decoding the record."""
    return data.startswith(prefix, LOG_HEADER.size) and (
        LOG_HEADER.unpack_from(data)[4] >= len(prefix)
    )


def encode_key(key: str) -> bytes:
    if not isinstance(key, str):
        raise InvalidKey(key, "keys are str")
    if not key:
        raise InvalidKey(key, "empty key")
    data = key.encode()
    if len(data) > MAX_KEY_BYTES:
        raise InvalidKey(key, f"longer than {MAX_KEY_BYTES} bytes")
    return data
