"""What the store hands out: key-values, events and range results."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class KeyValue(NamedTuple):
    """One key at one revision. A NamedTuple: ranges build thousands of them."""

    key: str
    value: bytes
    create_revision: int
    mod_revision: int
    version: int


class EventType(str, Enum):
    PUT = "PUT"
    DELETE = "DELETE"
    PROGRESS = "PROGRESS"


class Event(NamedTuple):
    """A committed change (PUT, DELETE) or a progress mark (PROGRESS).

    `revision` is the revision of the change (for PROGRESS: every change up to it has
    been delivered). `prev` is the key's previous state, None on create and PROGRESS.
    """

    type: EventType
    key: str
    value: bytes | None
    revision: int
    create_revision: int
    version: int
    prev: KeyValue | None

    @property
    def kv(self) -> KeyValue:
        """The key's new state (PUT only)."""
        if self.value is None:
            raise ValueError(f"a {self.type.value} event has no new value")
        return KeyValue(self.key, self.value, self.create_revision, self.revision, self.version)


def progress_event(revision: int) -> Event:
    return Event(EventType.PROGRESS, "", None, revision, 0, 0, None)


class RangeResult(NamedTuple):
    """A page of a range read, taken at the snapshot `revision`; `more` if it was cut by limit."""

    items: list[KeyValue]
    revision: int
    more: bool
    remaining: int | None = None  # keys after the page, when known (current-state reads)
