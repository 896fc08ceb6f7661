"""exec, attach and port-forward: the streams `kubectl exec/attach/port-forward` reach.

exec starts a new process beside the container's (its environment and working
directory, a session of its own; a terminal when asked) on the caller's event loop.
attach joins the container's own process, which lives on the kubelet's loop: output is
handed over with call_soon_threadsafe, input with run_coroutine_threadsafe.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal

from engine.api.status import StatusError, bad_request

from .process import ContainerInstance, exit_code, set_window_size, terminal_taker
from .records import ContainerRecord


class ExecSession:
    """A process started by exec (engine.api.node_agents.ExecProcess)."""

    def __init__(
        self, proc: asyncio.subprocess.Process, master: int | None, record: ContainerRecord
    ) -> None:
        self.proc = proc
        self.master = master
        self.record = record
        record.exec_pids.add(proc.pid)
        self._out: asyncio.Queue[bytes] | None = None
        if master is not None:
            self._out = asyncio.Queue()
            os.set_blocking(master, False)
            asyncio.get_running_loop().add_reader(master, self._read_terminal)

    @classmethod
    async def start(
        cls, record: ContainerRecord, command: list[str], *, tty: bool, stdin: bool
    ) -> ExecSession:
        env = dict(record.env)
        if tty:
            env.setdefault("TERM", "xterm")
        master = slave = None
        if tty:
            master, slave = os.openpty()
        io = slave if slave is not None else asyncio.subprocess.PIPE
        try:
            proc = await asyncio.create_subprocess_exec(
                *command,
                stdin=io if stdin or tty else asyncio.subprocess.DEVNULL,
                stdout=io,
                stderr=io,
                cwd=record.cwd,
                env=env,
                start_new_session=True,
                preexec_fn=terminal_taker(slave) if slave is not None else None,
            )
        except OSError as exc:
            if master is not None:
                os.close(master)
            raise StatusError(
                500,
                "InternalError",
                f'failed to exec in container: exec: "{command[0] if command else ""}": '
                f"{'executable file not found in $PATH' if isinstance(exc, FileNotFoundError) else exc}",
            ) from None
        finally:
            if slave is not None:
                os.close(slave)
        return cls(proc, master, record)

    def _read_terminal(self) -> None:
        assert self.master is not None and self._out is not None
        try:
            chunk = os.read(self.master, 65536)
        except BlockingIOError:
            return
        except OSError:  # EIO: the terminal's other side is closed
            chunk = b""
        if not chunk:
            asyncio.get_running_loop().remove_reader(self.master)
        self._out.put_nowait(chunk)

    async def write_stdin(self, data: bytes) -> None:
        if self.master is not None:
            with contextlib.suppress(OSError):
                os.write(self.master, data)
        elif self.proc.stdin is not None:
            self.proc.stdin.write(data)
            with contextlib.suppress(ConnectionError):
                await self.proc.stdin.drain()

    async def close_stdin(self) -> None:
        if self.master is not None:
            with contextlib.suppress(OSError):
                os.write(self.master, b"\x04")
        elif self.proc.stdin is not None:
            self.proc.stdin.close()

    def resize(self, columns: int, rows: int) -> None:
        if self.master is not None:
            set_window_size(self.master, columns, rows)

    async def read_stdout(self) -> bytes:
        if self._out is not None:
            return await self._out.get()
        assert self.proc.stdout is not None
        return await self.proc.stdout.read(65536)

    async def read_stderr(self) -> bytes:
        if self.proc.stderr is None or self.master is not None:
            return b""
        return await self.proc.stderr.read(65536)

    async def wait(self) -> int:
        code = exit_code(await self.proc.wait())
        self.record.exec_pids.discard(self.proc.pid)
        if self.master is not None:
            with contextlib.suppress(OSError):
                os.close(self.master)
            self.master = None
        return code

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)


class AttachSession:
    """A client attached to a container's main process (engine.api.node_agents.ExecProcess).
    `kill` only detaches: the container keeps running, as with kubectl attach."""

    def __init__(self, process: ContainerInstance, stdin_once: bool) -> None:
        self.process = process
        self.stdin_once = stdin_once
        self._loop = asyncio.get_running_loop()
        self._out: asyncio.Queue[bytes] = asyncio.Queue()
        self._err: asyncio.Queue[bytes] = asyncio.Queue()
        self._stop = process.listen(self._on_output)

    def _on_output(self, stream: str, chunk: bytes) -> None:  # on the kubelet's loop
        def put() -> None:
            if chunk:
                (self._err if stream == "stderr" else self._out).put_nowait(chunk)
            else:
                self._out.put_nowait(b"")
                self._err.put_nowait(b"")

        with contextlib.suppress(RuntimeError):  # the caller's loop is closed
            self._loop.call_soon_threadsafe(put)

    async def _on_kubelet(self, coro: object) -> None:
        loop = self.process.loop
        if loop is None or loop.is_closed():
            return
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, loop))  # type: ignore[arg-type]

    async def write_stdin(self, data: bytes) -> None:
        await self._on_kubelet(self.process.write_stdin(data))

    async def close_stdin(self) -> None:
        if self.stdin_once:
            await self._on_kubelet(self.process.close_stdin())

    def resize(self, columns: int, rows: int) -> None:
        self.process.resize(columns, rows)

    async def read_stdout(self) -> bytes:
        return await self._out.get()

    async def read_stderr(self) -> bytes:
        if self.process.tty:
            return b""
        return await self._err.get()

    async def wait(self) -> int:
        loop = self.process.loop
        if loop is None:
            return 0
        future = asyncio.run_coroutine_threadsafe(self.process.wait(), loop)
        try:
            return await asyncio.wrap_future(future)
        finally:
            self._stop()

    def kill(self) -> None:
        self._stop()
        self._out.put_nowait(b"")
        self._err.put_nowait(b"")


def running_record(record: ContainerRecord | None, container: str, pod: str) -> ContainerInstance:
    if record is None:
        raise bad_request(f"container {container} is not valid for pod {pod}")
    if record.process is None or not record.process.running:
        raise bad_request(f'container not found ("{container}")')
    return record.process


async def open_port(port: int, pod_name: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    try:
        return await asyncio.open_connection("127.0.0.1", port)
    except OSError as exc:
        reason = os.strerror(exc.errno).lower() if exc.errno else str(exc)
        raise StatusError(
            500,
            "InternalError",
            f"error forwarding port {port} to pod {pod_name}: "
            f"dial tcp4 127.0.0.1:{port}: connect: {reason}",
        ) from None
