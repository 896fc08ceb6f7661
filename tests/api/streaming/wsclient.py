"""A small synchronous channel-protocol client for the tests (websockets' sync client)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from .conftest import StreamLab


class Refused(Exception):
    """The upgrade was answered with a Status instead of 101."""

    def __init__(self, code: int, status: dict[str, Any]) -> None:
        super().__init__(f"{code}: {status.get('message')}")
        self.code = code
        self.status = status


@contextmanager
def channel_socket(
    streams: StreamLab,
    path: str,
    params: list[tuple[str, str]],
    protocols: list[str] | None,
    headers: dict[str, str] | None = None,
) -> Iterator[ClientConnection]:
    url = f"{streams.ws_url}{path}?{urlencode(params)}"
    try:
        with connect(
            url,
            ssl=streams.ssl_context(),
            subprotocols=protocols,  # type: ignore[arg-type]
            additional_headers={"Authorization": f"Bearer {streams.lab.token}", **(headers or {})},
            open_timeout=20,
            max_size=None,
        ) as ws:
            yield ws
    except InvalidStatus as refused:
        response = refused.response
        raise Refused(response.status_code, json.loads(response.body or b"{}")) from None


def frames(ws: ClientConnection, timeout: float = 20) -> list[tuple[int, bytes]]:
    """Every (channel, data) binary frame until the server closes the socket."""
    got: list[tuple[int, bytes]] = []
    try:
        while True:
            message = ws.recv(timeout=timeout)
            data = message if isinstance(message, bytes) else message.encode()
            got.append((data[0], data[1:]))
    except ConnectionClosed:
        return got


def joined(got: list[tuple[int, bytes]], channel: int) -> bytes:
    return b"".join(data for ch, data in got if ch == channel)


def status_of(got: list[tuple[int, bytes]]) -> dict[str, Any]:
    errors = [data for ch, data in got if ch == 3 and data]
    assert len(errors) == 1, got
    return json.loads(errors[0])


def refusal(
    streams: StreamLab,
    path: str,
    params: list[tuple[str, str]],
    protocols: list[str],
    headers: dict[str, str] | None = None,
) -> Refused:
    """The Status an upgrade is refused with (fails if the upgrade succeeds)."""
    try:
        with channel_socket(streams, path, params, protocols, headers):
            pass
    except Refused as refused:
        return refused
    raise AssertionError(f"{path} was upgraded")
