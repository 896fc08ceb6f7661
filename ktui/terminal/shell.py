"""`s`: an interactive shell in a container, in the real terminal.

The exec WebSocket is opened *before* the app gives up the screen, so a refusal (404, 403,
"container not running", a node no kubelet serves) is a message in the app and the
screen never flickers. Then the app is suspended, the tty goes raw, and bytes are
pumped both ways until the remote shell exits: keys → stdin, stdout → the terminal,
SIGWINCH → a resize message. `/bin/bash` is tried first, then `/bin/sh`, as k9s does.

The pump is written against two small protocols (the remote stream and the local
terminal), so it is tested with fakes and no tty.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from types import FrameType
from typing import Any, Protocol

from textual.app import App, SuspendNotSupported
from textual.worker import Worker

from ktui.client import ClientError
from ktui.client.exec import exit_code_of
from ktui.refs import ObjectRef
from ktui.session import Session

log = logging.getLogger(__name__)

SHELLS: tuple[str, ...] = ("/bin/bash", "/bin/sh")
# How runtimes say an executable is missing (containerd/runc, CRI-O, docker).
_MISSING = ("no such file", "not found", "executable file", "exit code 126", "exit code 127")


class ExecStream(Protocol):
    """What the pump needs of ktui.client.exec.ExecSession."""

    status: dict[str, Any] | None

    async def write(self, data: bytes) -> None: ...
    async def resize(self, width: int, height: int) -> None: ...
    async def read(self) -> tuple[int, bytes] | None: ...


class LocalTerminal(Protocol):
    """The user's side: keys in, bytes out, a size and resize notifications."""

    async def read(self) -> bytes: ...  # b"" at end of input
    def write(self, data: bytes) -> None: ...
    def size(self) -> tuple[int, int]: ...  # (columns, rows)
    async def resized(self) -> None: ...  # returns when the size changed


OpenExec = Callable[[str], AbstractAsyncContextManager[ExecStream]]


@dataclass
class ShellOutcome:
    shell: str
    exit_code: int | None  # None when the session failed rather than exited
    message: str

    @property
    def severity(self) -> str:
        if self.exit_code is None:
            return "error"
        return "information" if self.exit_code == 0 else "warning"


@dataclass
class Pumped:
    """What came back from the remote side: how much, and the first bytes of it."""

    written: int = 0
    head: bytes = b""


HEAD = 1024


async def pump(stream: ExecStream, terminal: LocalTerminal) -> Pumped:
    """Shuttle bytes until the remote side ends."""
    await stream.resize(*terminal.size())

    async def keys() -> None:
        while data := await terminal.read():
            await stream.write(data)

    async def resizes() -> None:
        while True:
            await terminal.resized()
            await stream.resize(*terminal.size())

    helpers = [asyncio.create_task(keys()), asyncio.create_task(resizes())]
    out = Pumped()
    try:
        while (item := await stream.read()) is not None:
            terminal.write(item[1])
            if out.written < HEAD:
                out.head += item[1][: HEAD - out.written]
            out.written += len(item[1])
    finally:
        for task in helpers:
            task.cancel()
        # A write to a stream that just closed fails: that is the end, not an error.
        await asyncio.gather(*helpers, return_exceptions=True)
    return out


def missing_shell(shell: str, status: dict[str, Any] | None, pumped: Pumped) -> bool:
    """Did `shell` fail to start because the image lacks it? Runtimes say so in the Status
    (containerd) or, older ones, in a line of output then exit code 126/127. A shell that
    ran and printed anything else is not retried, even if its last command was missing."""
    if not _missing_executable(status):
        return False
    if pumped.written == 0:
        return True
    return pumped.written <= HEAD and f'"{shell}"'.encode() in pumped.head


def _missing_executable(status: dict[str, Any] | None) -> bool:
    if not status or status.get("status") == "Success":
        return False
    text = f"{status.get('message', '')} {status.get('reason', '')}".lower()
    codes = [
        c.get("message")
        for c in (status.get("details") or {}).get("causes") or []
        if c.get("reason") == "ExitCode"
    ]
    return any(m in text for m in _MISSING) or any(c in ("126", "127") for c in codes)


def outcome_of(shell: str, status: dict[str, Any] | None) -> ShellOutcome:
    if status is None:
        return ShellOutcome(shell, None, f"{shell}: the connection closed without an exit code")
    try:
        code = exit_code_of(status)
    except ClientError as error:
        return ShellOutcome(shell, None, f"{shell}: {error}")
    return ShellOutcome(shell, code, f"{shell} exited with code {code}")


async def run_shells(
    open_exec: OpenExec,
    terminal: LocalTerminal,
    shells: Sequence[str] = SHELLS,
    first: ExecStream | None = None,
) -> ShellOutcome:
    """Each shell in turn until one starts (one that fails silently as missing is skipped).
    `first`, if given, is an already-open stream for shells[0]."""
    outcome = ShellOutcome(shells[0] if shells else "", None, "no shell to run")
    for index, shell in enumerate(shells):
        try:
            if index == 0 and first is not None:
                pumped = await pump(first, terminal)
                status = first.status
            else:
                async with open_exec(shell) as stream:
                    pumped = await pump(stream, terminal)
                    status = stream.status
        except ClientError as error:
            return ShellOutcome(shell, None, f"{shell}: {error}")
        outcome = outcome_of(shell, status)
        if not missing_shell(shell, status, pumped):
            return outcome
    return outcome


class RawTerminal:
    """The process's own tty in raw mode (a context manager; Unix only)."""

    def __init__(self) -> None:
        self.fd_in = sys.__stdin__.fileno() if sys.__stdin__ else 0
        self.fd_out = sys.__stdout__.fileno() if sys.__stdout__ else 1
        self._input: asyncio.Queue[bytes] = asyncio.Queue()
        self._resized = asyncio.Event()
        self._saved: list[Any] | None = None
        self._old_winch: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def __enter__(self) -> RawTerminal:
        import termios
        import tty

        self._loop = asyncio.get_running_loop()
        self._saved = termios.tcgetattr(self.fd_in)
        tty.setraw(self.fd_in)
        os.set_blocking(self.fd_in, False)
        self._loop.add_reader(self.fd_in, self._readable)
        # Textual's driver owns SIGWINCH while it runs; borrow it and give it back.
        self._old_winch = signal.signal(signal.SIGWINCH, self._on_winch)
        return self

    def __exit__(self, *exc: object) -> None:
        import termios

        assert self._loop is not None
        self._loop.remove_reader(self.fd_in)
        signal.signal(signal.SIGWINCH, self._old_winch or signal.SIG_DFL)
        os.set_blocking(self.fd_in, True)
        if self._saved is not None:
            termios.tcsetattr(self.fd_in, termios.TCSADRAIN, self._saved)

    def _on_winch(self, signum: int, frame: FrameType | None) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._resized.set)

    def _readable(self) -> None:
        try:
            data = os.read(self.fd_in, 4096)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        self._input.put_nowait(data)
        if not data:
            assert self._loop is not None
            self._loop.remove_reader(self.fd_in)

    async def read(self) -> bytes:
        return await self._input.get()

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.fd_out, view)
            except BlockingIOError:
                continue  # a full tty buffer drains in microseconds
            view = view[written:]

    def size(self) -> tuple[int, int]:
        size = os.get_terminal_size(self.fd_out)
        return size.columns, size.lines

    async def resized(self) -> None:
        await self._resized.wait()
        self._resized.clear()


async def shell_session(
    app: App,
    session: Session,
    pod: ObjectRef,
    container: str | None = None,
    *,
    shells: Sequence[str] = SHELLS,
    terminal: Callable[[], Any] | None = None,
) -> ShellOutcome | None:
    """Shell into `pod` in the real terminal (`terminal()`, by default RawTerminal) and
    tell the user how it ended (None: it never started, and the reason was shown). Runs
    on the app's event loop."""
    make_terminal = terminal or RawTerminal  # looked up now, so tests can stand in a tty
    where = f"{pod.name}/{container}" if container else pod.name

    def open_exec(shell: str) -> AbstractAsyncContextManager[ExecStream]:
        return session.client.exec(
            pod.name, [shell], pod.namespace, stdin=True, tty=True, container=container
        )

    async with contextlib.AsyncExitStack() as stack:
        try:
            stream = await stack.enter_async_context(open_exec(shells[0]))
        except (ClientError, OSError) as error:
            app.notify(f"shell into {where}: {error}", title="shell", severity="error")
            return None
        try:
            with app.suspend(), make_terminal() as local:
                local.write(f"ktui: shell into {where}; exit to return\r\n".encode())
                outcome = await run_shells(open_exec, local, shells, first=stream)
        except SuspendNotSupported:
            app.notify("a shell needs a real terminal", title="shell", severity="error")
            return None
    app.notify(f"{where}: {outcome.message}", title="shell", severity=outcome.severity)
    return outcome


def open_shell(
    app: App, session: Session, pod: ObjectRef, container: str | None = None
) -> Worker[ShellOutcome | None]:
    """What `s` calls: one shell at a time, in an async worker of the app (it must run on
    the app's loop, which `suspend()` hands the terminal from)."""
    return app.run_worker(
        shell_session(app, session, pod, container),
        name=f"shell {pod.title}",
        group="shell",
        exclusive=True,
        exit_on_error=False,
    )
