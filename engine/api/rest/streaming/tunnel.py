"""kubectl port-forward (1.31 and newer): SPDY/3.1 tunnelled inside a WebSocket
(subprotocol `SPDY/3.1+portforward.k8s.io`), served as kubelet's SPDY port-forward
handler (cri/streaming/portforward/httpstream.go).

The WebSocket's binary messages are a byte stream of SPDY frames. For every local
connection kubectl opens two streams with the same `requestID` header: an error stream
(`streamType: error`) and a data stream (`streamType: data`), both with `port: P`. Each
SYN_STREAM gets an empty SYN_REPLY. Once a pair is complete the pod's port is dialled
and bytes copied both ways; the end of either side half-closes with a FIN; a failure is
written on the error stream. PINGs are echoed. The socket lives until the client goes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from engine.api.status import StatusError

from .channels import ChannelSocket
from .portforward import READ_SIZE, Connect
from .spdy import (
    GOAWAY,
    PING,
    RST_CANCEL,
    RST_STREAM,
    SYN_STREAM,
    Frame,
    Framer,
    ProtocolError,
)

log = logging.getLogger(__name__)


@dataclass
class Stream:
    id: int
    headers: dict[str, str]
    inbound: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)


@dataclass
class Pair:
    error: Stream | None = None
    data: Stream | None = None
    task: asyncio.Task[None] | None = None


class SPDYPortForward:
    def __init__(self, socket: ChannelSocket, connect: Connect, pod: str) -> None:
        self.socket = socket
        self.connect = connect
        self.pod = pod
        self.framer = Framer()
        self.streams: dict[int, Stream] = {}
        self.pairs: dict[str, Pair] = {}
        self.last_stream = 0

    async def run(self) -> None:
        try:
            await self.serve()
        except ProtocolError as exc:
            log.info("port-forward tunnel: %s", exc)
            await self.send(self.framer.goaway(self.last_stream))
        finally:
            tasks = [p.task for p in list(self.pairs.values()) if p.task is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.socket.close()

    async def serve(self) -> None:
        req = self.socket.req
        while self.socket.open:
            message = await req.receive()
            if message["type"] == "websocket.disconnect":
                self.socket.open = False
                return
            data = message.get("bytes") or (message.get("text") or "").encode()
            for frame in self.framer.feed(data):
                await self.handle(frame)

    async def handle(self, frame: Frame) -> None:
        if not frame.control:
            stream = self.streams.get(frame.stream_id)
            if stream is None:
                return
            if frame.payload:
                stream.inbound.put_nowait(frame.payload)
            if frame.fin:
                stream.inbound.put_nowait(None)
        elif frame.type == SYN_STREAM:
            await self.open_stream(frame)
        elif frame.type == PING:  # the peer's ping comes back as it was
            await self.send(self.framer.control(PING, 0, frame.payload))
        elif frame.type == RST_STREAM:
            stream = self.streams.pop(frame.stream_id, None)
            if stream is not None:
                stream.inbound.put_nowait(None)
        elif frame.type == GOAWAY:
            self.socket.open = False

    async def open_stream(self, frame: Frame) -> None:
        stream = Stream(frame.stream_id, frame.headers)
        self.streams[stream.id] = stream
        self.last_stream = max(self.last_stream, stream.id)
        await self.send(self.framer.syn_reply(stream.id))
        if frame.fin:
            stream.inbound.put_nowait(None)
        kind = frame.headers.get("streamtype", "")
        request = frame.headers.get("requestid")
        if kind not in ("error", "data"):
            await self.send(self.framer.rst_stream(stream.id, RST_CANCEL))
            return
        # Old clients send no requestID: a data stream follows its error stream by 2.
        key = request if request else str(stream.id if kind == "error" else stream.id - 2)
        pair = self.pairs.setdefault(key, Pair())
        setattr(pair, kind, stream)
        if pair.error is not None and pair.data is not None and pair.task is None:
            pair.task = asyncio.ensure_future(self.forward(key, pair.error, pair.data))

    async def forward(self, key: str, error: Stream, data: Stream) -> None:
        try:
            await self.copy(error, data)
        finally:  # the pair is done: forget it
            self.pairs.pop(key, None)
            self.streams.pop(error.id, None)
            self.streams.pop(data.id, None)

    async def copy(self, error: Stream, data: Stream) -> None:
        port_text = data.headers.get("port", "")
        try:
            port = int(port_text)
            if not 0 < port < 65536:
                raise ValueError
        except ValueError:
            await self.fail(error, data, f'unable to parse "{port_text}" as a port')
            return
        try:
            reader, writer = await self.connect(port)
        except StatusError as exc:
            await self.fail(error, data, exc.message)
            return
        except Exception as exc:
            await self.fail(error, data, f"error forwarding port {port} to pod {self.pod}: {exc}")
            return
        upstream = asyncio.ensure_future(self.upstream(data, writer))
        try:
            while chunk := await reader.read(READ_SIZE):
                await self.send(self.framer.data(data.id, chunk))
        except (ConnectionError, OSError) as exc:
            await self.send(
                self.framer.data(error.id, f"error forwarding port {port}: {exc}".encode())
            )
        finally:
            upstream.cancel()
            with contextlib.suppress(BaseException):
                await upstream
            writer.close()
        await self.send(self.framer.data(data.id, b"", fin=True))
        await self.send(self.framer.data(error.id, b"", fin=True))

    async def upstream(self, data: Stream, writer: asyncio.StreamWriter) -> None:
        while (chunk := await data.inbound.get()) is not None:
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            with contextlib.suppress(OSError):
                writer.write_eof()

    async def fail(self, error: Stream, data: Stream, message: str) -> None:
        log.info("%s", message)
        await self.send(self.framer.data(error.id, message.encode()))
        await self.send(self.framer.data(error.id, b"", fin=True))
        await self.send(self.framer.data(data.id, b"", fin=True))

    async def send(self, frame: bytes) -> None:
        await self.socket.send_raw(frame)  # one frame, one message: never interleaved
