"""The channel protocol of Kubernetes WebSocket streams (apiserver's wsstream), over an
ASGI websocket scope.

Every message carries one channel: binary protocols put the channel number in the first
byte; the base64 ones send text, the channel as an ASCII digit and the data in base64.
The subprotocol is the first one the client offers that the server supports (no offer
at all picks "", binary). `v5.channel.k8s.io` adds channel 255: `[255, n]` closes the
client's stream n (stdin) without closing the socket.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
from dataclasses import dataclass

from engine.api.app import Request
from engine.api.storage.errors import bad_request

log = logging.getLogger(__name__)

CLOSE = 255


@dataclass(frozen=True, slots=True)
class ChannelProtocol:
    name: str
    binary: bool
    version: int  # 1 (no JSON status, no resize before v3), 3, 4, 5

    @property
    def closes_streams(self) -> bool:
        return self.version >= 5


def _protocols(*entries: tuple[str, bool, int]) -> dict[str, ChannelProtocol]:
    return {name: ChannelProtocol(name, binary, version) for name, binary, version in entries}


# kubelet's remotecommand protocols over WebSocket, newest first.
REMOTE_COMMAND = _protocols(
    ("v5.channel.k8s.io", True, 5),
    ("v4.channel.k8s.io", True, 4),
    ("v4.base64.channel.k8s.io", False, 4),
    ("v3.channel.k8s.io", True, 3),
    ("v3.base64.channel.k8s.io", False, 3),
    ("v2.channel.k8s.io", True, 1),
    ("v2.base64.channel.k8s.io", False, 1),
    ("channel.k8s.io", True, 1),
    ("base64.channel.k8s.io", False, 1),
    ("", True, 1),
)
# kubelet's port-forward protocols over WebSocket, and kubectl's SPDY tunnel (tunnel.py).
SPDY_TUNNEL = "SPDY/3.1+portforward.k8s.io"
PORT_FORWARD = _protocols(
    ("v4.channel.k8s.io", True, 4),
    ("v4.base64.channel.k8s.io", False, 4),
    (SPDY_TUNNEL, True, 0),
    ("", True, 4),
)


def is_websocket(req: Request) -> bool:
    return req.scope["type"] == "websocket"


def offered(req: Request) -> list[str]:
    protocols = req.scope.get("subprotocols")
    if protocols is None:  # some servers leave it to the header
        header = req.headers.get("sec-websocket-protocol", "")
        protocols = [p.strip() for p in header.split(",") if p.strip()]
    return list(protocols)


def negotiate(req: Request, supported: dict[str, ChannelProtocol]) -> ChannelProtocol:
    """The client's first offer we speak; 400 as wsstream's handshake when none."""
    wanted = offered(req) or [""]
    for name in wanted:
        if name in supported:
            return supported[name]
    names = " ".join(p for p in supported if p)
    raise bad_request(
        f"requested protocol(s) are not supported: [{' '.join(wanted)}]; supports [{names}]"
    )


class ChannelSocket:
    """One accepted WebSocket speaking a channel protocol."""

    def __init__(self, req: Request, protocol: ChannelProtocol) -> None:
        self.req = req
        self.protocol = protocol
        self.open = False  # accepted and not closed by either side

    async def accept(self) -> None:
        first = await self.req.receive()
        if first["type"] != "websocket.connect":
            raise ConnectionError("the client left before the upgrade")
        message: dict[str, object] = {"type": "websocket.accept"}
        if self.protocol.name:
            message["subprotocol"] = self.protocol.name
        await self.req.send(message)
        self.open = True

    async def send(self, channel: int, data: bytes) -> bool:
        """False once the client is gone."""
        if not self.open:
            return False
        if self.protocol.binary:
            message = {"type": "websocket.send", "bytes": bytes([channel]) + data}
        else:
            text = chr(ord("0") + channel) + base64.b64encode(data).decode("ascii")
            message = {"type": "websocket.send", "text": text}
        try:
            await self.req.send(message)
        except Exception:  # the server tells a gone client in its own way
            self.open = False
            return False
        return True

    async def send_raw(self, data: bytes) -> bool:
        """One binary message as it is (no channel byte): the SPDY tunnel's frames."""
        if not self.open:
            return False
        try:
            await self.req.send({"type": "websocket.send", "bytes": data})
        except Exception:
            self.open = False
            return False
        return True

    async def receive(self) -> tuple[int, bytes] | None:
        """The next (channel, data) from the client; None when it has gone."""
        while self.open:
            message = await self.req.receive()
            if message["type"] == "websocket.disconnect":
                self.open = False
                return None
            if message["type"] != "websocket.receive":
                continue
            frame = _frame(message, self.protocol.binary)
            if frame is not None:
                return frame
        return None

    async def close(self, code: int = 1000) -> None:
        if self.open:
            self.open = False
            with contextlib.suppress(Exception):
                await self.req.send({"type": "websocket.close", "code": code})


def _frame(message: dict[str, object], binary: bool) -> tuple[int, bytes] | None:
    raw = message.get("bytes")
    text = message.get("text")
    if binary:
        data = raw if isinstance(raw, bytes) else str(text or "").encode()
        return (data[0], data[1:]) if data else None
    body = str(text) if text is not None else (raw or b"").decode("latin-1")  # type: ignore[union-attr]
    if not body:
        return None
    try:
        return ord(body[0]) - ord("0"), base64.b64decode(body[1:])
    except (binascii.Error, ValueError):
        log.debug("dropping a frame that is not base64")
        return None
