"""Typed store errors: the API layer maps each to a Kubernetes Status."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error the store raises."""


class NotFound(StoreError):
    def __init__(self, key: str) -> None:
        super().__init__(f"key not found: {key}")
        self.key = key


class AlreadyExists(StoreError):
    def __init__(self, key: str) -> None:
        super().__init__(f"key already exists: {key}")
        self.key = key


class Conflict(StoreError):
    """The compare-and-swap failed: the key changed since `expected` was read."""

    def __init__(self, key: str, expected: int, actual: int) -> None:
        super().__init__(f"revision mismatch for {key}: expected {expected}, current {actual}")
        self.key = key
        self.expected = expected
        self.actual = actual


class Compacted(StoreError):
    """The requested revision is older than the oldest history kept."""

    def __init__(self, requested: int, compact_revision: int) -> None:
        super().__init__(
            f"required revision {requested} has been compacted (oldest kept: {compact_revision})"
        )
        self.requested = requested
        self.compact_revision = compact_revision


class FutureRevision(StoreError):
    """The requested revision has not been written yet."""

    def __init__(self, requested: int, current: int) -> None:
        super().__init__(f"required revision {requested} is a future revision (current: {current})")
        self.requested = requested
        self.current = current


class InvalidKey(StoreError):
    def __init__(self, key: object, why: str) -> None:
        super().__init__(f"invalid key {key!r}: {why}")
        self.key = key


class WatchClosed(StoreError):
    """The watch ended: closed by its owner, too slow to keep up, or the store closed."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"watch closed: {reason}")
        self.reason = reason


class StoreClosed(StoreError):
    def __init__(self) -> None:
        super().__init__("the store is closed")


class StorageFailure(StoreError):
    """LMDB itself failed (disk full, I/O error...): nothing of the batch was committed."""
