"""Shared fixtures and helpers for the engine/store test suite (spec: docs/store.md)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.store import Event, EventType, KeyValue, Store, StoreError, WatchClosed

# How many times a helper polls a watch before giving up. Each poll waits at most
# POLL_TIMEOUT seconds, so a broken watch makes a test fail instead of hanging; nothing
# here asserts on elapsed time.
MAX_POLLS = 100
POLL_TIMEOUT = 0.1

StoreFactory = Callable[..., Store]


@pytest.fixture
def store_path(tmp_path: Path) -> str:
    return str(tmp_path / "db")


@pytest.fixture
def make_store(store_path: str) -> Iterator[StoreFactory]:
    """Open stores (by default at `store_path`); every store still open is closed at teardown.

    A store that the test already closed is closed again, which must be harmless: close()
    on a closed store is not an error a caller should have to guard against.
    """
    opened: list[Store] = []

    def factory(path: str | None = None, **kwargs: Any) -> Store:
        store = Store(path if path is not None else store_path, **kwargs)
        opened.append(store)
        return store

    yield factory
    for store in reversed(opened):
        with contextlib.suppress(StoreError):
            store.close()


@pytest.fixture
def store(make_store: StoreFactory) -> Store:
    return make_store()


def kv_tuple(kv: KeyValue) -> tuple[str, bytes, int, int, int]:
    return (kv.key, kv.value, kv.create_revision, kv.mod_revision, kv.version)


def data_file_bytes(path: str) -> int:
    """Disk space used by the LMDB data file(s) at `path` (a directory or a file).

    Uses allocated blocks rather than st_size, because with MDB_WRITEMAP LMDB may extend the
    file to the full (sparse) map size.
    """
    p = Path(path)
    files = [f for f in p.iterdir() if f.is_file()] if p.is_dir() else [p]
    total = 0
    for f in files:
        if "lock" in f.name:
            continue
        total += os.stat(f).st_blocks * 512
    return total


def poll(w: Any) -> list[Event]:
    return w.get(timeout=POLL_TIMEOUT)


def collect_events(w: Any, until_revision: int, *, include_progress: bool = False) -> list[Event]:
    """Read batches until an event with revision >= until_revision arrives (or polls run out)."""
    events: list[Event] = []
    for _ in range(MAX_POLLS):
        batch = poll(w)
        for ev in batch:
            if include_progress or ev.type != EventType.PROGRESS:
                events.append(ev)
        if any(ev.revision >= until_revision for ev in batch):
            return events
    raise AssertionError(
        f"watch did not deliver revision {until_revision}; got {[e.revision for e in events]}"
    )


def collect_until_progress(w: Any) -> tuple[list[Event], Event]:
    """request_progress() and read until the PROGRESS event; return (events before it, it)."""
    w.request_progress()
    events: list[Event] = []
    for _ in range(MAX_POLLS):
        for ev in poll(w):
            if ev.type == EventType.PROGRESS:
                return events, ev
            events.append(ev)
    raise AssertionError("no PROGRESS event after request_progress()")


def read_until_closed(w: Any, max_polls: int = MAX_POLLS) -> tuple[list[Event], WatchClosed]:
    """Read until the watch raises WatchClosed; return (events read, the exception)."""
    events: list[Event] = []
    for _ in range(max_polls):
        try:
            events.extend(poll(w))
        except WatchClosed as exc:
            return events, exc
    raise AssertionError("watch was never ended with WatchClosed")


def assert_strictly_increasing(events: list[Event]) -> None:
    revs = [e.revision for e in events]
    assert revs == sorted(set(revs)), f"revisions not strictly increasing: {revs}"
