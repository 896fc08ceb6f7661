"""Continue tokens of paginated lists, in kube-apiserver's format (opaque to clients):
base64url (unpadded) of `{"v":"meta.k8s.io/v1","rv":N,"start":"<key after the prefix>"}`."""

from __future__ import annotations

import base64
import binascii

import orjson

VERSION = "meta.k8s.io/v1"


class InvalidToken(ValueError):
    pass


def encode_continue(revision: int, start: str) -> str:
    raw = orjson.dumps({"v": VERSION, "rv": revision, "start": start})
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_continue(token: str) -> tuple[int, str]:
    """(revision, start key relative to the list prefix); InvalidToken when malformed."""
    try:
        padded = token + "=" * (-len(token) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError) as exc:
        raise InvalidToken(f"continue key is not valid: {exc}") from None
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise InvalidToken(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
        )
    revision, start = data.get("rv"), data.get("start")
    if not isinstance(revision, int) or revision <= 0 or not isinstance(start, str):
        raise InvalidToken(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
        )
    if start.startswith("/") or ".." in start.split("/"):
        raise InvalidToken("continue key is not valid: path traversal attempt detected")
    return revision, start
