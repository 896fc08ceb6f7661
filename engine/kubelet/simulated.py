"""The simulated runtime: containers that run no process (hollow nodes, for scale).

A simulated container starts at once, writes one log line saying what it is, reports
Running until it is stopped, and exits 0 on SIGTERM (137 on SIGKILL) — so pods, their
statuses, logs, restarts and deletions behave as on a process node, for the cost of a
few objects. There is nothing to exec into or forward to.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
from collections.abc import Callable
from pathlib import Path

from .crilog import CRILogWriter
from .process import ContainerInstance, Listener
from .runtime import ProcessRuntime

_ids = itertools.count(1)


class SimulatedProcess:
    """What ContainerProcess offers the pod worker and the streams, with no process."""

    tty = False
    pid = 0

    def __init__(self, log_path: Path, now: Callable[[], float] | None = None) -> None:
        self.log_path = log_path
        self._now = now
        self.exit_code: int | None = None
        self._id = f"simulated://{next(_ids):012x}"
        self._done: asyncio.Event | None = None
        self._listeners: list[Listener] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    @property
    def running(self) -> bool:
        return self._done is not None and not self._done.is_set()

    @property
    def container_id(self) -> str:
        return self._id

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._done = asyncio.Event()
        writer = CRILogWriter(self.log_path, *([self._now] if self._now else []))
        writer.write("stdout", b"ktui simulated runtime: this container runs no process\n")
        writer.close()

    async def wait(self) -> int:
        assert self._done is not None
        await self._done.wait()
        assert self.exit_code is not None
        return self.exit_code

    def signal(self, sig: int) -> None:
        if self.running and sig in (signal.SIGTERM, signal.SIGKILL, signal.SIGINT):
            assert self._done is not None
            self.exit_code = 0 if sig != signal.SIGKILL else 128 + sig
            self._done.set()
            for listener in list(self._listeners):
                listener("stdout", b"")

    def listen(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        if not self.running:
            listener("stdout", b"")
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def write_stdin(self, data: bytes) -> None:
        return None

    async def close_stdin(self) -> None:
        return None

    def resize(self, columns: int, rows: int) -> None:
        return None


class SimulatedRuntime(ProcessRuntime):
    name = "simulated"
    runs_processes = False

    def new_process(
        self,
        argv: list[str],
        env: dict[str, str],
        cwd: Path,
        log_path: Path,
        *,
        tty: bool = False,
        stdin: bool = False,
        now: Callable[[], float] | None = None,
    ) -> ContainerInstance:
        return SimulatedProcess(log_path, now)

    def reap_orphans(self) -> int:
        return 0
