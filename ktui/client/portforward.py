"""Port-forward over WebSocket (`v4.channel.k8s.io`, as the kubelet serves it).

With `?ports=P1&ports=P2`, port i gets channel 2i for data and 2i+1 for errors. The first
frame the server sends on each channel is the port number (2 bytes, little endian), which
is not data. One WebSocket carries one connection per port, so `forward()` opens a new
WebSocket for every local TCP connection, as kubectl does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

import wsproto.events
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, WebSocketNetworkError

from .websocket import open_websocket

if TYPE_CHECKING:
    from .client import Client

PROTOCOLS = ["v4.channel.k8s.io"]


class PortForwardError(Exception):
    """The kubelet reported a failure on a port's error channel."""


class PortForwardSession:
    def __init__(self, ws: AsyncWebSocketSession, ports: Sequence[int]) -> None:
        self.ws = ws
        self.ports = list(ports)
        self._data: dict[int, asyncio.Queue[bytes]] = {p: asyncio.Queue() for p in ports}
        self.errors: dict[int, str] = {}
        self._seen: set[int] = set()
        self._reader = asyncio.create_task(self._read())

    def _channel(self, port: int) -> int:
        return 2 * self.ports.index(port)

    async def write(self, port: int, data: bytes) -> None:
        await self.ws.send_bytes(bytes([self._channel(port)]) + data)

    async def read(self, port: int) -> bytes:
        """The next bytes from `port`; b"" at the end. Raises PortForwardError on errors."""
        data = await self._data[port].get()
        if not data and port in self.errors:
            raise PortForwardError(self.errors[port])
        return data

    async def _read(self) -> None:
        try:
            while True:
                event = await self.ws.receive()
                if not isinstance(event, wsproto.events.BytesMessage) or not event.data:
                    continue
                data = bytes(event.data)
                channel, payload = data[0], data[1:]
                if channel >= 2 * len(self.ports):
                    continue
                if channel not in self._seen:  # the port-number preamble
                    self._seen.add(channel)
                    payload = payload[2:]
                port = self.ports[channel // 2]
                if channel % 2:
                    if payload:
                        self.errors[port] = self.errors.get(port, "") + payload.decode(
                            "utf-8", "replace"
                        )
                        self._data[port].put_nowait(b"")
                elif payload:
                    self._data[port].put_nowait(payload)
        except (WebSocketDisconnect, WebSocketNetworkError):
            pass
        finally:
            for queue in self._data.values():
                queue.put_nowait(b"")

    async def aclose(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader


@contextlib.asynccontextmanager
async def port_forward(
    client: Client, pod: str, ports: Sequence[int], namespace: str | None = None
) -> AsyncIterator[PortForwardSession]:
    path = f"/api/v1/namespaces/{namespace or client.namespace}/pods/{pod}/portforward"
    params = [("ports", str(p)) for p in ports]
    async with open_websocket(client, path, params, PROTOCOLS) as ws:
        session = PortForwardSession(ws, ports)
        try:
            yield session
        finally:
            await session.aclose()


async def forward(
    client: Client,
    pod: str,
    remote_port: int,
    namespace: str | None = None,
    local_port: int = 0,
    host: str = "127.0.0.1",
) -> asyncio.Server:
    """Listen on host:local_port and tunnel each connection to the pod's port.
    The returned server's `sockets[0].getsockname()[1]` is the local port."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with port_forward(client, pod, [remote_port], namespace) as session:

                async def upstream() -> None:
                    while data := await reader.read(65536):
                        await session.write(remote_port, data)

                task = asyncio.create_task(upstream())
                try:
                    while data := await session.read(remote_port):
                        writer.write(data)
                        await writer.drain()
                finally:
                    task.cancel()
        except Exception:  # one broken tunnel must not stop the listener
            pass
        finally:
            writer.close()

    return await asyncio.start_server(pipe, host, local_port)
