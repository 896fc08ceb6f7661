"""The SPDY/3.1 port-forward tunnel frame by frame (kubectl's side is played by a small
client on the server's own Framer, which must interoperate with itself as with
spdystream): stream replies, data both ways, errors on the error stream, pings."""

from __future__ import annotations

import socket
import ssl
import struct
import threading
from collections.abc import Iterator

import httpx
import pytest
import wsproto.events
from httpx_ws import aconnect_ws

from engine.api.rest.streaming.spdy import (
    DICTIONARY,
    FLAG_FIN,
    PING,
    SYN_REPLY,
    SYN_STREAM,
    Frame,
    Framer,
)

from .conftest import StreamLab

TUNNEL = "SPDY/3.1+portforward.k8s.io"


class Client:
    """kubectl's half: SYN_STREAMs with headers, DATA, PING; frames as they come back."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.framer = Framer()
        self.frames: list[Frame] = []

    async def syn_stream(self, stream_id: int, headers: dict[str, str], fin: bool = False):
        payload = struct.pack(">IIBB", stream_id, 0, 0, 0) + self.framer._block(headers)
        await self.ws.send_bytes(Framer.control(SYN_STREAM, FLAG_FIN if fin else 0, payload))

    async def pair(self, first_id: int, port: int, request: str) -> None:
        base = {"port": str(port), "requestid": request}
        await self.syn_stream(first_id, {"streamtype": "error", **base}, fin=True)
        await self.syn_stream(first_id + 2, {"streamtype": "data", **base})

    async def next(self) -> Frame:
        while not self.frames:
            event = await self.ws.receive()
            if isinstance(event, wsproto.events.BytesMessage):
                self.frames += self.framer.feed(bytes(event.data))
        return self.frames.pop(0)

    async def until(self, stream_id: int, *, fin: bool) -> tuple[list[Frame], bytes]:
        """Frames until `stream_id` ends (or any frame on it when not waiting for FIN)."""
        seen, data = [], b""
        while True:
            frame = await self.next()
            seen.append(frame)
            if not frame.control and frame.stream_id == stream_id:
                data += frame.payload
                if frame.fin or not fin:
                    return seen, data


@pytest.fixture(scope="module")
def echo() -> Iterator[int]:
    server = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                while data := conn.recv(65536):
                    conn.sendall(data[::-1])

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1]
    server.close()


async def tunnel(streams: StreamLab):
    context = ssl.create_default_context(cafile=str(streams.lab.ca_file))
    http = httpx.AsyncClient(
        base_url=streams.lab.url,
        verify=context,
        headers={"Authorization": f"Bearer {streams.lab.token}"},
    )
    return http, aconnect_ws(streams.path("one", "portforward"), http, subprotocols=[TUNNEL])


def test_the_dictionary_is_spdy3s() -> None:
    import zlib

    assert len(DICTIONARY) == 1423
    assert zlib.adler32(DICTIONARY) == 0xE3C6A7C2


async def test_a_stream_pair_forwards_a_connection(streams: StreamLab, echo: int) -> None:
    http, connect = await tunnel(streams)
    async with http, connect as ws:
        assert ws.subprotocol == TUNNEL
        client = Client(ws)
        await client.pair(1, echo, "0")
        replies = [await client.next(), await client.next()]
        assert [(f.type, f.stream_id) for f in replies] == [(SYN_REPLY, 1), (SYN_REPLY, 3)]
        await ws.send_bytes(Framer.data(3, b"abc"))
        _, data = await client.until(3, fin=False)
        assert data == b"cba"
        await ws.send_bytes(Framer.data(3, b"", fin=True))  # kubectl's side is done
        ended: set[int] = set()
        while ended != {1, 3}:  # the pod side closes too: both streams end
            frame = await client.next()
            if not frame.control and frame.fin:
                ended.add(frame.stream_id)


async def test_a_refused_port_is_reported_on_the_error_stream(streams: StreamLab) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    closed = sock.getsockname()[1]
    sock.close()
    http, connect = await tunnel(streams)
    async with http, connect as ws:
        client = Client(ws)
        await client.pair(5, closed, "7")
        _, message = await client.until(5, fin=True)
        assert message.startswith(f"error forwarding port {closed} to pod".encode())
        _, data = await client.until(7, fin=True)
        assert data == b""


async def test_pings_come_back(streams: StreamLab) -> None:
    http, connect = await tunnel(streams)
    async with http, connect as ws:
        client = Client(ws)
        await ws.send_bytes(Framer.control(PING, 0, struct.pack(">I", 1)))
        frame = await client.next()
        assert (frame.type, frame.payload) == (PING, struct.pack(">I", 1))
