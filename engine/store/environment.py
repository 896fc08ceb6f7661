"""The LMDB environment: its databases, short read transactions, and map growth."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import lmdb


class ResizeGate:
    """Readers share it; growing the map excludes them.

    LMDB may change the map size only while no transaction is open in the process, so
    every read holds the gate for its (short) transaction.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._readers = 0
        self._resizing = False

    def enter(self) -> None:
        with self._cond:
            while self._resizing:
                self._cond.wait()
            self._readers += 1

    def leave(self) -> None:
        with self._cond:
            self._readers -= 1
            if self._resizing and self._readers == 0:
                self._cond.notify_all()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        with self._cond:
            self._resizing = True
            while self._readers:
                self._cond.wait()
        try:
            yield
        finally:
            with self._cond:
                self._resizing = False
                self._cond.notify_all()


class Environment:
    def __init__(self, path: str | os.PathLike[str], map_size: int) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        self.env = lmdb.open(
            str(path),
            map_size=map_size,
            max_dbs=8,
            max_readers=1024,
            sync=True,  # an acknowledged write must survive a crash
            metasync=True,
            readahead=False,  # random access over a large file
            meminit=False,
        )
        self.keys = self.env.open_db(b"keys")
        self.graves = self.env.open_db(b"graves")
        self.log = self.env.open_db(b"log")
        self.meta = self.env.open_db(b"meta")
        self._gate = ResizeGate()

    @contextmanager
    def reading(self) -> Iterator[lmdb.Transaction]:
        """A read-only snapshot; it never waits for the writer."""
        self._gate.enter()
        try:
            txn = self.env.begin()
            try:
                yield txn
            finally:
                txn.abort()
        finally:
            self._gate.leave()

    def begin_write(self) -> lmdb.Transaction:
        return self.env.begin(write=True)

    @property
    def map_size(self) -> int:
        return self.env.info()["map_size"]

    def nearly_full(self, fraction: float = 0.75) -> bool:
        """Whether the pages in use reach `fraction` of the map."""
        info = self.env.info()
        used = (info["last_pgno"] + 1) * self.env.stat()["psize"]
        return used >= fraction * info["map_size"]

    def grow(self) -> int:
        """Double the map (called by the writer after aborting its transaction)."""
        with self._gate.exclusive():
            new_size = self.map_size * 2
            self.env.set_mapsize(new_size)
        return new_size

    def close(self) -> None:
        with self._gate.exclusive():
            self.env.close()
