"""pods/portforward over WebSocket, as kubelet serves it (cri/streaming/portforward).

For `ports=P0&ports=P1...` port i gets channel 2i for data (both ways) and 2i+1 for
errors (server to client). Each channel's first message is the port number, two bytes
little endian. Each port's connection into the pod is opened at once; a failure is
written on its error channel. The socket closes once every port's connection has ended
(the pod side closed it) or when the client goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import struct
from collections.abc import Awaitable, Callable

from engine.api.status import StatusError

from .channels import ChannelSocket

log = logging.getLogger(__name__)

Connect = Callable[[int], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]
READ_SIZE = 64 * 1024


class PortForward:
    def __init__(self, socket: ChannelSocket, ports: list[int], connect: Connect, pod: str) -> None:
        self.socket = socket
        self.ports = ports
        self.connect = connect
        self.pod = pod  # "namespace/name, uid u" for error messages
        self.inbound: list[asyncio.Queue[bytes | None]] = [asyncio.Queue() for _ in ports]

    async def run(self) -> None:
        for i, port in enumerate(self.ports):
            preamble = struct.pack("<H", port)
            await self.socket.send(2 * i, preamble)
            await self.socket.send(2 * i + 1, preamble)
        forwards = asyncio.gather(*(self.forward(i) for i in range(len(self.ports))))
        client = asyncio.ensure_future(self.receive())
        try:
            await asyncio.wait({forwards, client}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (forwards, client):
                task.cancel()
            for task in (forwards, client):
                with contextlib.suppress(BaseException):
                    await task
            await self.socket.close()

    async def receive(self) -> None:
        """Client data → the port's queue; None to every queue when the client goes."""
        count = len(self.ports)
        while (frame := await self.socket.receive()) is not None:
            channel, data = frame
            if channel % 2 == 0 and channel // 2 < count and data:
                self.inbound[channel // 2].put_nowait(data)
        for queue in self.inbound:
            queue.put_nowait(None)

    async def forward(self, index: int) -> None:
        port = self.ports[index]
        try:
            reader, writer = await self.connect(port)
        except StatusError as exc:  # the agent words it ("error forwarding port ...")
            await self.socket.send(2 * index + 1, exc.message.encode())
            return
        except Exception as exc:
            message = f"error forwarding port {port} to pod {self.pod}: {exc}"
            log.info("%s", message)
            await self.socket.send(2 * index + 1, message.encode())
            return
        upstream = asyncio.ensure_future(self.upstream(index, writer))
        try:
            while data := await reader.read(READ_SIZE):
                if not await self.socket.send(2 * index, data):
                    return
        except (ConnectionError, OSError) as exc:
            message = f"error forwarding port {port} to pod {self.pod}: {exc}"
            await self.socket.send(2 * index + 1, message.encode())
        finally:
            upstream.cancel()
            with contextlib.suppress(BaseException):
                await upstream
            writer.close()

    async def upstream(self, index: int, writer: asyncio.StreamWriter) -> None:
        queue = self.inbound[index]
        while (data := await queue.get()) is not None:
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            with contextlib.suppress(OSError):
                writer.write_eof()
