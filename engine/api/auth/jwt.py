"""Compact JWS with ES256 (RFC 7515/7518), all that ServiceAccount tokens need.

The signature is the raw r||s pair (32 bytes each), not DER; the key id is the base64url
SHA-256 of the public key's DER, as kube-apiserver derives it.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)


class InvalidToken(ValueError):
    pass


def b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return b64encode(hashlib.sha256(der).digest())


def sign(claims: dict[str, Any], key: ec.EllipticCurvePrivateKey) -> str:
    header = {"alg": "ES256", "kid": key_id(key.public_key())}
    signing_input = f"{b64encode(orjson.dumps(header))}.{b64encode(orjson.dumps(claims))}"
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{signing_input}.{b64encode(signature)}"


def unverified_claims(token: str) -> dict[str, Any] | None:
    """The payload of something shaped like a JWS, before any check (None: not a JWS)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = orjson.loads(b64decode(parts[1]))
    except (ValueError, orjson.JSONDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def verify(token: str, public_key: ec.EllipticCurvePublicKey) -> dict[str, Any]:
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        header = orjson.loads(b64decode(header_b64))
        signature = b64decode(signature_b64)
    except (ValueError, orjson.JSONDecodeError):
        raise InvalidToken("malformed token") from None
    if not isinstance(header, dict) or header.get("alg") != "ES256" or len(signature) != 64:
        raise InvalidToken("unexpected signing algorithm")
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    try:
        public_key.verify(der, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise InvalidToken("invalid signature") from None
    claims = unverified_claims(token)
    if claims is None:
        raise InvalidToken("malformed claims")
    return claims
