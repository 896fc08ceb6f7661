"""exec and attach over WebSocket (`v5.channel.k8s.io`, falling back to v4).

Every binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 the final
Status (exit code), 4 terminal resize; v5 adds 255 "close", which lets us end stdin
without closing the socket (so `cat` can finish and still report its exit code).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import wsproto.events
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, WebSocketNetworkError

from .errors import ApiError, status_error
from .websocket import open_websocket

if TYPE_CHECKING:
    from .client import Client

V5, V4 = "v5.channel.k8s.io", "v4.channel.k8s.io"
STDIN, STDOUT, STDERR, STATUS, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255


@dataclass
class ExecResult:
    stdout: bytes
    stderr: bytes
    exit_code: int


def exit_code_of(status: dict[str, Any]) -> int:
    """0 for Success; the ExitCode cause of NonZeroExitCode; other failures raise."""
    if status.get("status") == "Success":
        return 0
    if status.get("reason") == "NonZeroExitCode":
        for cause in (status.get("details") or {}).get("causes") or []:
            if cause.get("reason") == "ExitCode":
                return int(cause.get("message") or 1)
        return 1
    raise status_error(status, status.get("code") or 500)


class ExecSession:
    def __init__(self, ws: AsyncWebSocketSession) -> None:
        self.ws = ws
        self.protocol = ws.subprotocol or V4
        self.status: dict[str, Any] | None = None
        self.exit_code: int | None = None
        self._done = False

    async def write(self, data: bytes) -> None:
        await self.ws.send_bytes(bytes([STDIN]) + data)

    async def close_stdin(self) -> None:
        """End of input (v5 only; on v4 the only way is to close the whole stream)."""
        if self.protocol == V5:
            await self.ws.send_bytes(bytes([CLOSE, STDIN]))

    async def resize(self, width: int, height: int) -> None:
        payload = orjson.dumps({"Width": width, "Height": height})
        await self.ws.send_bytes(bytes([RESIZE]) + payload)

    async def read(self) -> tuple[int, bytes] | None:
        """The next (channel, data) of stdout/stderr; None once the command ended."""
        while not self._done:
            try:
                event = await self.ws.receive()
            except (WebSocketDisconnect, WebSocketNetworkError):
                self._done = True
                break
            if isinstance(event, wsproto.events.BytesMessage):
                data = bytes(event.data)
            elif isinstance(event, wsproto.events.TextMessage):
                data = event.data.encode()
            else:
                continue
            if not data:
                continue
            channel, payload = data[0], data[1:]
            if channel == STATUS:
                if payload:
                    self.status = orjson.loads(payload)
                continue
            if channel in (STDOUT, STDERR) and payload:
                return channel, payload
        return None

    async def output(self) -> AsyncIterator[tuple[int, bytes]]:
        while (item := await self.read()) is not None:
            yield item

    async def wait(self) -> int:
        """Read to the end; the exit code (raises the Status error if exec itself failed)."""
        async for _ in self.output():
            pass
        if self.status is None:
            raise ApiError(500, {"message": "the exec stream ended without a status"})
        self.exit_code = exit_code_of(self.status)
        return self.exit_code


def _params(
    command: Sequence[str], container: str | None, stdin: bool, tty: bool, stderr: bool
) -> list[tuple[str, str]]:
    params = [("command", c) for c in command]
    if container:
        params.append(("container", container))
    params += [("stdout", "true")]
    if stderr and not tty:  # with a tty, stderr is merged into stdout
        params.append(("stderr", "true"))
    if stdin:
        params.append(("stdin", "true"))
    if tty:
        params.append(("tty", "true"))
    return params


def _pod_path(client: Client, pod: str, namespace: str | None, sub: str) -> str:
    return f"/api/v1/namespaces/{namespace or client.namespace}/pods/{pod}/{sub}"


@contextlib.asynccontextmanager
async def exec_session(
    client: Client,
    pod: str,
    command: Sequence[str],
    namespace: str | None = None,
    *,
    container: str | None = None,
    stdin: bool = False,
    tty: bool = False,
    stderr: bool = True,
) -> AsyncIterator[ExecSession]:
    path = _pod_path(client, pod, namespace, "exec")
    params = _params(command, container, stdin, tty, stderr)
    async with open_websocket(client, path, params, [V5, V4]) as ws:
        yield ExecSession(ws)


@contextlib.asynccontextmanager
async def attach_session(
    client: Client,
    pod: str,
    namespace: str | None = None,
    *,
    container: str | None = None,
    stdin: bool = False,
    tty: bool = False,
) -> AsyncIterator[ExecSession]:
    path = _pod_path(client, pod, namespace, "attach")
    params = _params((), container, stdin, tty, True)
    async with open_websocket(client, path, params, [V5, V4]) as ws:
        yield ExecSession(ws)


async def run(
    client: Client,
    pod: str,
    command: Sequence[str],
    namespace: str | None = None,
    *,
    container: str | None = None,
    input: bytes | None = None,
) -> ExecResult:
    """Run a command to completion: its output and exit code (like `kubectl exec`)."""
    out, err = bytearray(), bytearray()
    async with exec_session(
        client, pod, command, namespace, container=container, stdin=input is not None
    ) as session:
        if input is not None:
            if input:
                await session.write(input)
            await session.close_stdin()
        async for channel, data in session.output():
            (out if channel == STDOUT else err).extend(data)
        code = await session.wait()
    return ExecResult(bytes(out), bytes(err), code)
