"""exec and attach over WebSocket, as kubelet's remotecommand server speaks them.

Channels: 0 stdin, 1 stdout, 2 stderr, 3 the final status, 4 terminal resize
(`{"Width": w, "Height": h}`). The session opens with an empty message on the lowest
channel the server writes (so the client knows the stream is up), runs the process,
forwards its output until both streams end, then writes the status (v4+: a JSON
metav1.Status; before: the error text, nothing on success) and closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson

from engine.api.node_agents import ExecProcess
from engine.api.status import StatusError
from engine.api.storage.errors import bad_request

from . import query as q
from .channels import CLOSE, ChannelSocket

log = logging.getLogger(__name__)

STDIN, STDOUT, STDERR, ERROR, RESIZE = 0, 1, 2, 3, 4
EXEC_FAILED = "error executing command in container"


@dataclass(frozen=True, slots=True)
class StreamOptions:
    """PodExecOptions / PodAttachOptions after the kubelet's NewOptions."""

    container: str | None
    command: list[str]
    stdin: bool
    stdout: bool
    stderr: bool
    tty: bool

    @classmethod
    def from_query(cls, query: q.Query, *, exec_: bool) -> StreamOptions:
        tty = q.flag(query, "tty")
        stdin, stdout = q.flag(query, "stdin"), q.flag(query, "stdout")
        stderr = q.flag(query, "stderr") and not tty  # a terminal has one output stream
        if not (stdin or stdout or stderr):
            raise bad_request("you must specify at least 1 of stdin, stdout, stderr")
        command = list(query.get("command") or []) if exec_ else []
        if exec_ and not command:
            raise bad_request("you must specify at least one command for the container")
        container = (query.get("container") or [""])[0]
        return cls(container, command, stdin, stdout, stderr, tty)


def success() -> dict[str, Any]:
    return {"metadata": {}, "status": "Success"}


def exit_status(code: int, command: list[str]) -> dict[str, Any]:
    """What kubelet writes when the command exits non-zero (with containerd's wording)."""
    return {
        "metadata": {},
        "status": "Failure",
        "message": (
            "command terminated with non-zero exit code: error executing command "
            f"[{' '.join(command)}], exit code {code}"
        ),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


def failure(err: StatusError) -> dict[str, Any]:
    body = {"metadata": {}, "status": "Failure", "message": err.message, "reason": err.reason}
    if err.details:
        body["details"] = err.details
    body["code"] = err.code
    return body


def internal(what: str, exc: BaseException) -> dict[str, Any]:
    return failure(
        StatusError(
            500,
            "InternalError",
            f"Internal error occurred: {what}: {exc}",
            {"causes": [{"message": f"{what}: {exc}"}]},
        )
    )


class RemoteCommand:
    """One exec or attach session on an accepted socket."""

    def __init__(
        self,
        socket: ChannelSocket,
        opts: StreamOptions,
        start: Callable[[], Awaitable[ExecProcess]],
        *,
        attach: bool,
    ) -> None:
        self.socket = socket
        self.opts = opts
        self.start = start
        self.attach = attach

    async def run(self) -> None:
        socket, opts = self.socket, self.opts
        first = STDOUT if opts.stdout else STDERR if opts.stderr else ERROR
        await socket.send(first, b"")
        try:
            process = await self.start()
        except StatusError as err:
            await self.finish(failure(err))
            return
        except Exception as exc:  # the runtime could not start it: the client is told
            what = "error attaching to container" if self.attach else EXEC_FAILED
            log.info("%s: %s", what, exc)
            await self.finish(internal(what, exc))
            return
        await self.serve(process)

    async def serve(self, process: ExecProcess) -> None:
        opts = self.opts
        outputs = asyncio.gather(
            self.pump(process.read_stdout, STDOUT if opts.stdout else None),
            self.pump(process.read_stderr, STDERR if opts.stderr else None),
        )
        inputs = asyncio.ensure_future(self.receive(process))
        try:
            await asyncio.wait({outputs, inputs}, return_when=asyncio.FIRST_COMPLETED)
            if not outputs.done():  # the client went away first: exec ends, attach detaches
                process.kill()
                return
            await outputs
            code = await process.wait()
        finally:
            for task in (outputs, inputs):
                task.cancel()
            with contextlib.suppress(BaseException):
                await inputs
        if self.attach or code == 0:
            await self.finish(success())
        else:
            await self.finish(exit_status(code, opts.command))

    async def pump(self, read: Callable[[], Awaitable[bytes]], channel: int | None) -> None:
        """Forward one output stream to its channel (or drain it when not asked for)."""
        while data := await read():
            if channel is not None:
                await self.socket.send(channel, data)

    async def receive(self, process: ExecProcess) -> None:
        """stdin, resize and (v5) close-stdin until the client goes."""
        socket, opts = self.socket, self.opts
        stdin_open = opts.stdin
        while (frame := await socket.receive()) is not None:
            channel, data = frame
            if channel == STDIN and stdin_open:
                if data:
                    await process.write_stdin(data)
            elif channel == RESIZE and opts.tty:
                size = _size(data)
                if size is not None:
                    process.resize(*size)
            elif channel == CLOSE and socket.protocol.closes_streams and data[:1] == b"\0":
                stdin_open = await _close(process) if stdin_open else False
        if stdin_open and not self.attach:
            with contextlib.suppress(Exception):
                await process.close_stdin()

    async def finish(self, status: dict[str, Any]) -> None:
        """Write the status on the error channel as the protocol wants it, and close."""
        socket = self.socket
        if socket.protocol.version >= 4:
            await socket.send(ERROR, orjson.dumps(status))
        elif status["status"] != "Success":
            await socket.send(ERROR, str(status.get("message", "")).encode())
        await socket.close()


async def _close(process: ExecProcess) -> bool:
    await process.close_stdin()
    return False


def _size(data: bytes) -> tuple[int, int] | None:
    """(columns, rows) from a resize message; None when it does not parse."""
    try:
        size = orjson.loads(data)
        return int(size.get("Width", 0)), int(size.get("Height", 0))
    except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError):
        return None
