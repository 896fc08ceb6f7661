"""The client reads through asyncio's own streams (ktui/client/transport.py): a kept-alive
connection the server has closed is replaced, a silent server times out, a refused
connection is a clear error — as with httpx's default network layer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest

from ktui.client import Client, ClusterConfig, ConnectionFailed
from ktui.client.transport import AsyncioBackend

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], object]


async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes) -> None:
    await reader.readuntil(b"\r\n\r\n")
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    writer.write(head % len(body) + body)
    await writer.drain()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], asyncio.Future[str]]]:
    servers: list[asyncio.Server] = []

    async def start(handler: Handler) -> str:
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    yield start  # type: ignore[misc]
    for server in servers:
        server.close()


def client(url: str, timeout: float = 5.0) -> Client:
    instance = Client(ClusterConfig(server=url), timeout=timeout)
    pool = instance.http._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool._network_backend, AsyncioBackend)
    return instance


async def test_a_connection_closed_by_the_server_is_replaced(serve) -> None:
    connections = 0

    async def once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        await answer(reader, writer, b'{"n":%d}' % connections)
        writer.close()  # keep-alive announced, then closed while idle

    async with client(await serve(once)) as c:
        assert await c.json("GET", "/a") == {"n": 1}
        await asyncio.sleep(0.1)
        assert await c.json("GET", "/b") == {"n": 2}
    assert connections == 2


async def test_kept_alive_connection_is_reused(serve) -> None:
    connections = 0

    async def many(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        for i in range(3):
            await answer(reader, writer, b'{"i":%d}' % i)

    async with client(await serve(many)) as c:
        assert [await c.json("GET", "/") for _ in range(3)] == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert connections == 1


async def test_silence_times_out_and_refusal_is_clear(serve) -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(10)

    async with client(await serve(silent), timeout=0.2) as c:
        with pytest.raises(ConnectionFailed, match="timed out"):
            await c.json("GET", "/")
    async with client("http://127.0.0.1:1") as c:
        with pytest.raises(ConnectionFailed, match="cannot connect"):
            await c.json("GET", "/")
