"""engine/store: the LMDB store that plays etcd's role (see docs/store.md)."""

from .compaction import CompactionPolicy
from .errors import (
    AlreadyExists,
    Compacted,
    Conflict,
    FutureRevision,
    InvalidKey,
    NotFound,
    StorageFailure,
    StoreClosed,
    StoreError,
    WatchClosed,
)
from .records import Event, EventType, KeyValue, RangeResult
from .store import Store
from .watch import Watch

__all__ = [
    "AlreadyExists",
    "CompactionPolicy",
    "Compacted",
    "Conflict",
    "Event",
    "EventType",
    "FutureRevision",
    "InvalidKey",
    "KeyValue",
    "NotFound",
    "RangeResult",
    "StorageFailure",
    "Store",
    "StoreClosed",
    "StoreError",
    "Watch",
    "WatchClosed",
]
