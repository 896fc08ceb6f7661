"""httpx's transport on asyncio's own streams instead of anyio's.

Measured on a 24 MB LIST over loopback TLS (docs/performance.md, "Client"): httpx's default
network backend hands out one TLS record (16 KB) per read, each through several layers of
anyio, httpcore and h11, and spent 0.14 s of CPU where a plain asyncio stream spends 0.05 s.
asyncio's SSL protocol decrypts every record that has arrived in one loop and a read
returns up to 64 KB, so the layers above run a quarter as often. Same httpx, same httpcore
(pooling, HTTP/1.1, proxies, WebSockets); only the bytes come from a different stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx
from httpcore._utils import is_socket_readable

SocketOption = tuple[int, int, int | bytes] | tuple[int, int, None, int]
_LIMIT = 1 << 20  # the reader pauses the socket beyond twice this much unread


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as error:
            raise httpcore.ReadTimeout(str(error) or "read timed out") from error
        except (OSError, ssl.SSLError) as error:
            raise httpcore.ReadError(str(error) or type(error).__name__) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                self._writer.write(buffer)
                await self._writer.drain()
        except TimeoutError as error:
            raise httpcore.WriteTimeout(str(error) or "write timed out") from error
        except (OSError, ssl.SSLError, RuntimeError) as error:
            # RuntimeError: asyncio's "unable to perform operation on a closed transport"
            raise httpcore.WriteError(str(error) or type(error).__name__) from error

    async def aclose(self) -> None:
        # Like httpcore's anyio stream (standard_compatible=False): no wait for the peer.
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            await self._writer.start_tls(
                ssl_context, server_hostname=server_hostname, ssl_handshake_timeout=timeout
            )
        except TimeoutError as error:
            self._writer.transport.abort()
            raise httpcore.ConnectTimeout(str(error) or "TLS handshake timed out") from error
        except (OSError, ssl.SSLError, ConnectionError) as error:
            self._writer.transport.abort()
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        return self

    def get_extra_info(self, info: str) -> Any:
        writer = self._writer
        if info == "ssl_object":
            return writer.get_extra_info("ssl_object")
        if info == "client_addr":
            return writer.get_extra_info("sockname")
        if info == "server_addr":
            return writer.get_extra_info("peername")
        if info == "socket":
            return writer.get_extra_info("socket")
        if info == "is_readable":
            # An idle keep-alive connection with something to read was closed by the server.
            if writer.transport.is_closing() or self._reader.at_eof():
                return True
            sock = writer.get_extra_info("socket")
            return sock is not None and is_socket_readable(sock)
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        local = (local_address, 0) if local_address else None
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=local, limit=_LIMIT
                )
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(str(error) or "connect timed out") from error
        except OSError as error:
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        _apply(writer, socket_options)
        return AsyncioStream(reader, writer)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_unix_connection(path, limit=_LIMIT)
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(str(error) or "connect timed out") from error
        except OSError as error:
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        _apply(writer, socket_options)
        return AsyncioStream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _apply(writer: asyncio.StreamWriter, options: Iterable[SocketOption] | None) -> None:
    sock = writer.get_extra_info("socket")
    for option in options or ():
        with contextlib.suppress(OSError):
            sock.setsockopt(*option)


def use_asyncio_streams(client: httpx.AsyncClient) -> int:
    """Switch the client's connection pools (its own and its proxies') to AsyncioBackend
    before they open anything; answers how many were switched.

    httpx has no public hook for the network backend (giving it a transport of our own
    would also turn off its proxies from the environment), so this sets the pools'
    attribute; should a later httpx lay them out differently, its default backend stays."""
    transports = [getattr(client, "_transport", None)]
    transports += list((getattr(client, "_mounts", None) or {}).values())
    switched = 0
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if pool is not None and hasattr(pool, "_network_backend"):
            pool._network_backend = AsyncioBackend()
            switched += 1
    return switched
