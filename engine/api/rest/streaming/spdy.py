"""SPDY/3.1 framing, as much as a port-forward server needs (moby/spdystream is the
peer: kubectl tunnels it inside a WebSocket, `SPDY/3.1+portforward.k8s.io`).

Frames (big endian):
    control: 1 | version(15)=3 | type(16) | flags(8) | length(24) | payload
    data:    0 | stream id(31)            | flags(8) | length(24) | payload
Header blocks (SYN_STREAM, SYN_REPLY, HEADERS) are zlib streams primed with the SPDY/3
dictionary, one compression context per direction for the whole connection, each block
ended with a sync flush. Uncompressed: count(32), then name length(32) name value
length(32) value, several values joined by NUL.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

VERSION = 3
SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS = 1, 2, 3, 4
PING, GOAWAY, HEADERS, WINDOW_UPDATE = 6, 7, 8, 9
FLAG_FIN = 0x01
RST_PROTOCOL_ERROR, RST_INVALID_STREAM, RST_REFUSED_STREAM, RST_CANCEL = 1, 2, 3, 5
MAX_DATA = (1 << 24) - 1


def _dictionary() -> bytes:
    """The SPDY/3 header dictionary (draft-mbelshe-httpbis-spdy-00, 2.6.10.1): header
    names and common values, each with a 32-bit length, then a run of common text."""
    names = [
        *[
            "options",
            "head",
            "post",
            "put",
            "delete",
            "trace",
            "accept",
            "accept-charset",
            "accept-encoding",
            "accept-language",
            "accept-ranges",
            "age",
            "allow",
            "authorization",
            "cache-control",
            "connection",
            "content-base",
            "content-encoding",
            "content-language",
            "content-length",
            "content-location",
            "content-md5",
            "content-range",
            "content-type",
            "date",
            "etag",
            "expect",
            "expires",
            "from",
            "host",
            "if-match",
            "if-modified-since",
            "if-none-match",
            "if-range",
            "if-unmodified-since",
            "last-modified",
            "location",
            "max-forwards",
            "pragma",
            "proxy-authenticate",
            "proxy-authorization",
            "range",
            "referer",
            "retry-after",
            "server",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "user-agent",
            "vary",
            "via",
            "warning",
            "www-authenticate",
            "method",
            "get",
            "status",
        ],
        "200 OK",
        *["version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin"],
    ]
    text = (
        "100101201202205206300302303304305306307402405406407408409410411412413414415416417"
        "502504505203 Non-Authoritative Information204 No Content301 Moved Permanently"
        "400 Bad Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error"
        "501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct "
        "Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,"
        "image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
        "text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8"
        "charset=iso-8859-1,utf-,*,enq=0."
    )
    out = bytearray()
    for name in names:
        out += struct.pack(">I", len(name)) + name.encode()
    return bytes(out) + text.encode()


DICTIONARY = _dictionary()


@dataclass(slots=True)
class Frame:
    control: bool
    type: int  # control frames: the type; data frames: 0
    flags: int
    stream_id: int  # data frames, and control frames that carry one (else 0)
    payload: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def fin(self) -> bool:
        return bool(self.flags & FLAG_FIN)


class ProtocolError(Exception):
    """The peer sent something that is not SPDY/3."""


class Framer:
    """Parses frames from bytes as they come, and builds frames to send."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.inflate = zlib.decompressobj(zdict=DICTIONARY)
        self.deflate = zlib.compressobj(
            9, zlib.DEFLATED, 15, 8, zlib.Z_DEFAULT_STRATEGY, DICTIONARY
        )

    def feed(self, data: bytes) -> list[Frame]:
        self.buffer += data
        frames: list[Frame] = []
        while len(self.buffer) >= 8:
            length = int.from_bytes(self.buffer[5:8], "big")
            if len(self.buffer) < 8 + length:
                break
            head = bytes(self.buffer[:8])
            payload = bytes(self.buffer[8 : 8 + length])
            del self.buffer[: 8 + length]
            frames.append(self._frame(head, payload))
        return frames

    def _frame(self, head: bytes, payload: bytes) -> Frame:
        first, flags = struct.unpack(">I", head[:4])[0], head[4]
        if not first & 0x80000000:
            return Frame(False, 0, flags, first & 0x7FFFFFFF, payload)
        version, kind = (first >> 16) & 0x7FFF, first & 0xFFFF
        if version != VERSION:
            raise ProtocolError(f"unsupported SPDY version {version}")
        frame = Frame(True, kind, flags, 0, payload)
        if kind in (SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS, WINDOW_UPDATE) and payload:
            frame.stream_id = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
        if kind == SYN_STREAM:
            frame.headers = self._headers(payload[10:])
        elif kind in (SYN_REPLY, HEADERS):
            frame.headers = self._headers(payload[4:])
        return frame

    def _headers(self, block: bytes) -> dict[str, str]:
        try:
            raw = self.inflate.decompress(block)
        except zlib.error as exc:
            raise ProtocolError(f"bad header block: {exc}") from None
        headers: dict[str, str] = {}
        try:
            (count,) = struct.unpack_from(">I", raw, 0)
            at = 4
            for _ in range(count):
                (size,) = struct.unpack_from(">I", raw, at)
                name = raw[at + 4 : at + 4 + size].decode("latin-1").lower()
                at += 4 + size
                (size,) = struct.unpack_from(">I", raw, at)
                value = raw[at + 4 : at + 4 + size].decode("latin-1")
                at += 4 + size
                headers[name] = value.split("\0", 1)[0]
        except struct.error:
            raise ProtocolError("truncated header block") from None
        return headers

    # -- frames to send -----------------------------------------------------------------

    def _block(self, headers: dict[str, str]) -> bytes:
        raw = bytearray(struct.pack(">I", len(headers)))
        for name, value in headers.items():
            for text in (name.lower(), value):
                data = text.encode("latin-1")
                raw += struct.pack(">I", len(data)) + data
        return self.deflate.compress(bytes(raw)) + self.deflate.flush(zlib.Z_SYNC_FLUSH)

    @staticmethod
    def control(kind: int, flags: int, payload: bytes) -> bytes:
        head = struct.pack(">I", 0x80000000 | VERSION << 16 | kind)
        return head + bytes([flags]) + len(payload).to_bytes(3, "big") + payload

    def syn_reply(self, stream_id: int, headers: dict[str, str] | None = None) -> bytes:
        payload = struct.pack(">I", stream_id) + self._block(headers or {})
        return self.control(SYN_REPLY, 0, payload)

    def rst_stream(self, stream_id: int, status: int) -> bytes:
        return self.control(RST_STREAM, 0, struct.pack(">II", stream_id, status))

    def goaway(self, last_stream_id: int) -> bytes:
        return self.control(GOAWAY, 0, struct.pack(">II", last_stream_id, 0))

    @staticmethod
    def data(stream_id: int, payload: bytes, *, fin: bool = False) -> bytes:
        head = struct.pack(">I", stream_id & 0x7FFFFFFF) + bytes([FLAG_FIN if fin else 0])
        return head + len(payload).to_bytes(3, "big") + payload
