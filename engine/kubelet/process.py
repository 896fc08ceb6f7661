"""One container instance of the process runtime: a local process in a session of its own.

The session (and so the process group) stands in for the container's PID namespace:
signals go to the whole group, and when the main process exits whatever it left behind
in the group is killed, as the runtime tears a container down when its init exits.
Output goes to the instance's CRI log file and to any attached clients.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import struct
import termios
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from .crilog import CRILogWriter

log = logging.getLogger(__name__)

# Called on the kubelet's loop with (stream, chunk); (stream, b"") once output has ended.
Listener = Callable[[str, bytes], None]


class ContainerInstance(Protocol):
    """One instance of a container, whatever runs it (a process, or nothing: simulated)."""

    pid: int
    tty: bool
    log_path: Path
    exit_code: int | None

    @property
    def running(self) -> bool: ...
    @property
    def container_id(self) -> str: ...
    @property
    def loop(self) -> asyncio.AbstractEventLoop | None: ...
    async def start(self) -> None: ...
    async def wait(self) -> int: ...
    def signal(self, sig: int) -> None: ...
    def listen(self, listener: Listener) -> Callable[[], None]: ...
    async def write_stdin(self, data: bytes) -> None: ...
    async def close_stdin(self) -> None: ...
    def resize(self, columns: int, rows: int) -> None: ...


class StartError(Exception):
    """The process could not be started (the container terminates with StartError)."""


def exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


def terminal_taker(slave: int) -> Callable[[], None]:
    """A preexec_fn that makes the pty `slave` the child's controlling terminal.

    It names the slave fd rather than fd 0 and calls setsid() itself because uvloop (the
    API server's loop) runs preexec_fn before libuv sets up stdio and the new session;
    the standard loop has done both by then, and libuv's later setsid fails harmlessly."""

    def take() -> None:
        if os.getsid(0) != os.getpid():
            os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    return take


def process_start_time(pid: int) -> str:
    """Field 22 of /proc/PID/stat, to tell a pid from a later process that reused it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rpartition(")")[2].split()[19]


def set_window_size(fd: int, columns: int, rows: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


class ContainerProcess:
    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        cwd: Path,
        log_path: Path,
        *,
        tty: bool = False,
        stdin: bool = False,
        now: Callable[[], float] | None = None,
    ) -> None:
        self.argv = argv
        self.env = env
        self.cwd = cwd
        self.log_path = log_path
        self.tty = tty
        self.stdin = stdin
        self._now = now
        self.pid = 0
        self.exit_code: int | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._master: int | None = None
        self._listeners: list[Listener] = []
        self._done = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._supervisor: asyncio.Future[None] | None = None

    @property
    def running(self) -> bool:
        return self.pid != 0 and not self._done.is_set()

    @property
    def container_id(self) -> str:
        return f"process://{self.pid}"

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        writer = CRILogWriter(self.log_path, *([self._now] if self._now else []))
        try:
            if self.tty:
                await self._start_tty()
            else:
                self._proc = await asyncio.create_subprocess_exec(
                    *self.argv,
                    stdin=asyncio.subprocess.PIPE if self.stdin else asyncio.subprocess.DEVNULL,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                    cwd=self.cwd,
                    env=self.env,
                    start_new_session=True,
                )
        except (OSError, ValueError) as exc:
            writer.close()
            raise StartError(_start_message(self.argv, self.cwd, exc)) from None
        self.pid = self._proc.pid
        self.log_path.with_suffix(".pid").write_text(f"{self.pid} {process_start_time(self.pid)}\n")
        self._supervisor = asyncio.ensure_future(self._supervise(writer))

    async def _start_tty(self) -> None:
        master, slave = os.openpty()
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                cwd=self.cwd,
                env=self.env,
                start_new_session=True,
                preexec_fn=terminal_taker(slave),
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self._master = master

    async def _supervise(self, writer: CRILogWriter) -> None:
        proc = self._proc
        assert proc is not None
        if self._master is not None:
            pumps = [self._pump_fd(self._master, "stdout", writer)]
        else:
            assert proc.stdout is not None and proc.stderr is not None
            pumps = [
                self._pump(proc.stdout, "stdout", writer),
                self._pump(proc.stderr, "stderr", writer),
            ]
        pumping = asyncio.gather(*pumps)
        code = exit_code(await proc.wait())
        self.signal(signal.SIGKILL)  # what the main process left behind goes with it
        with contextlib.suppress(Exception):
            await asyncio.wait_for(pumping, 5)
        writer.close()
        if self._master is not None:
            with contextlib.suppress(OSError):
                os.close(self._master)
            self._master = None
        with contextlib.suppress(OSError):
            self.log_path.with_suffix(".pid").unlink()
        self.exit_code = code
        self._done.set()
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):
                listener("stdout", b"")

    async def _pump(self, stream: asyncio.StreamReader, name: str, writer: CRILogWriter) -> None:
        while chunk := await stream.read(65536):
            self._emit(name, chunk, writer)

    async def _pump_fd(self, fd: int, name: str, writer: CRILogWriter) -> None:
        loop = asyncio.get_running_loop()
        readable = asyncio.Event()
        os.set_blocking(fd, False)
        loop.add_reader(fd, readable.set)
        try:
            while True:
                await readable.wait()
                readable.clear()
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:  # EIO: the terminal's other side is closed
                    return
                if not chunk:
                    return
                self._emit(name, chunk, writer)
        finally:
            loop.remove_reader(fd)

    def _emit(self, stream: str, chunk: bytes, writer: CRILogWriter) -> None:
        writer.write(stream, chunk)
        for listener in list(self._listeners):
            try:
                listener(stream, chunk)
            except Exception:  # one broken attach must not stop the container's log
                log.exception("attach listener failed")

    # -- control ---------------------------------------------------------------------

    async def wait(self) -> int:
        await self._done.wait()
        assert self.exit_code is not None
        return self.exit_code

    def signal(self, sig: int) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, sig)

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Send output to `listener` from now on; returns the function that stops it."""
        self._listeners.append(listener)
        if self._done.is_set():
            listener("stdout", b"")

        def stop() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return stop

    async def write_stdin(self, data: bytes) -> None:
        if self._master is not None:
            await _write_fd(self._master, data)
        elif self._proc is not None and self._proc.stdin is not None:
            self._proc.stdin.write(data)
            with contextlib.suppress(ConnectionError):
                await self._proc.stdin.drain()

    async def close_stdin(self) -> None:
        if self._master is not None:
            await _write_fd(self._master, b"\x04")  # ^D: end of input on a terminal
        elif self._proc is not None and self._proc.stdin is not None:
            self._proc.stdin.close()

    def resize(self, columns: int, rows: int) -> None:
        if self._master is not None:
            set_window_size(self._master, columns, rows)


async def _write_fd(fd: int, data: bytes) -> None:
    while data:
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            await asyncio.sleep(0.01)
            continue
        except OSError:
            return
        data = data[written:]


def _start_message(argv: list[str], cwd: Path, exc: Exception) -> str:
    """runc's wording, so the reason reads as it does on a real node."""
    if isinstance(exc, FileNotFoundError) and not cwd.is_dir():
        return f'chdir to cwd ("{cwd}") set in config.json failed: no such file or directory'
    if isinstance(exc, FileNotFoundError):
        return f'exec: "{argv[0]}": executable file not found in $PATH'
    if isinstance(exc, PermissionError):
        return f'exec: "{argv[0]}": permission denied'
    return f'exec: "{argv[0] if argv else ""}": {exc}'
