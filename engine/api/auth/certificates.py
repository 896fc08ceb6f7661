"""Client certificates: the user a verified peer certificate names (CN = user, O = groups),
as kube-apiserver's x509 authenticator reads it. The TLS layer has already checked the
chain against the engine CA and the validity period (engine.api.server)."""

from __future__ import annotations

import logging
import threading

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from engine.api.app import User

from .users import with_authenticated

log = logging.getLogger(__name__)
CACHE_SIZE = 1024


def user_of(certificate: x509.Certificate) -> User | None:
    """None for a certificate that cannot be used for client authentication."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and ExtendedKeyUsageOID.CLIENT_AUTH not in usage:
        return None
    subject = certificate.subject
    names = subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names or not str(names[0].value):
        return None
    groups = tuple(str(a.value) for a in subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME))
    return with_authenticated(User(str(names[0].value), groups))


class CertificateUsers:
    """Peer certificate (DER) → user, with a small cache: a client reuses its certificate."""

    def __init__(self) -> None:
        self._cache: dict[bytes, User | None] = {}
        self._lock = threading.Lock()

    def user(self, der: bytes) -> User | None:
        cached = self._cache.get(der, False)
        if cached is not False:
            return cached  # type: ignore[return-value]
        try:
            found = user_of(x509.load_der_x509_certificate(der))
        except ValueError as exc:
            log.info("unreadable client certificate: %s", exc)
            found = None
        with self._lock:
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            self._cache[der] = found
        return found
