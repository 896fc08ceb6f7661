"""Opening a Kubernetes WebSocket stream (exec, attach, port-forward) on the client's own
httpx connection, so TLS, proxy and auth are the same as for every other request.

The upgrade is done here rather than with `httpx_ws.aconnect_ws` so a refused upgrade
(404 pod not found, 403, 400 "container not running") is read and raised as the typed
ApiError with the server's message.
"""

from __future__ import annotations

import base64
import secrets
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import httpx
from httpx_ws import AsyncWebSocketSession

from .errors import ConnectionFailed, api_error

if TYPE_CHECKING:
    from .client import Client

if sys.version_info < (3, 11):  # anyio brings the backport on 3.10
    from exceptiongroup import BaseExceptionGroup

MAX_MESSAGE = 16 * 1024 * 1024


@asynccontextmanager
async def open_websocket(
    client: Client, path: str, params: Sequence[tuple[str, str]], protocols: Sequence[str]
) -> AsyncIterator[AsyncWebSocketSession]:
    headers = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Key": base64.b64encode(secrets.token_bytes(16)).decode(),
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Protocol": ", ".join(protocols),
    }
    try:
        async with client.http.stream(
            "GET", path, params=list(params), headers=headers, timeout=httpx.Timeout(30, read=None)
        ) as response:
            if response.status_code != 101:
                await response.aread()
                raise api_error(response.status_code, response.content)
            session = AsyncWebSocketSession(
                response.extensions["network_stream"],
                max_message_size_bytes=MAX_MESSAGE,
                keepalive_ping_interval_seconds=None,  # the API server pings us, not the reverse
                response=response,
            )
            try:
                async with session:
                    yield session
            except BaseExceptionGroup as group:  # anyio wraps errors raised in the block
                if len(group.exceptions) == 1:
                    raise group.exceptions[0] from None
                raise
    except httpx.TransportError as error:
        reason = str(error) or type(error).__name__  # a PoolTimeout has no message
        raise ConnectionFailed(f"{client.config.server}: {reason}") from error
