"""The lab's PKI: a CA, the API server's serving certificate, and the admin bearer token.

Kept under DATA/pki/ (keys and token 0600) and reused on every start, so a kubeconfig
written once keeps working. The serving certificate is re-issued by the same CA when it
is missing, close to expiry, or does not cover the address being served.

    ca.crt  ca.key              EC P-256, 10 years
    apiserver.crt apiserver.key EC P-256, 1 year; 127.0.0.1, ::1, localhost, kubernetes.*
    admin.token                 random bearer token of the admin user
    sa.key                      EC P-256 key signing ServiceAccount tokens (JWT, ES256)

`issue_client_certificate` signs a client certificate for a user (CN = name, O = groups)
with the same CA; the API server accepts it as that user.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

log = logging.getLogger(__name__)

CA_DAYS = 3650
SERVING_DAYS = 365
RENEW_BEFORE = dt.timedelta(days=30)
DEFAULT_HOSTS = (
    "127.0.0.1",
    "::1",
    "localhost",
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
)


class PKIError(Exception):
    """The PKI on disk cannot be used (one line, meant for the user)."""


@dataclass(frozen=True)
class PKI:
    directory: Path
    ca_cert_file: Path
    cert_file: Path
    key_file: Path
    ca_pem: bytes
    token: str
    sa_key_file: Path | None = None

    def service_account_key(self) -> ec.EllipticCurvePrivateKey:
        assert self.sa_key_file is not None
        key = serialization.load_pem_private_key(self.sa_key_file.read_bytes(), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise PKIError(f"{self.sa_key_file} is not an EC private key")
        return key


def ensure_pki(directory: Path, hosts: Iterable[str] = (), now: dt.datetime | None = None) -> PKI:
    """Load the PKI from `directory`, creating what is missing. `hosts` are extra SANs."""
    now = now or dt.datetime.now(dt.timezone.utc)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    ca_cert_file, ca_key_file = directory / "ca.crt", directory / "ca.key"
    cert_file, key_file = directory / "apiserver.crt", directory / "apiserver.key"
    token_file = directory / "admin.token"

    ca_cert, ca_key = _load_or_create_ca(ca_cert_file, ca_key_file, now)
    wanted = _san_set([*DEFAULT_HOSTS, *hosts])
    reason = _serving_problem(cert_file, key_file, ca_cert, wanted, now)
    if reason:
        log.info("issuing a new serving certificate (%s)", reason)
        cert, key = _issue_serving(ca_cert, ca_key, wanted, now)
        write_file(key_file, _key_pem(key), private=True)
        write_file(cert_file, cert.public_bytes(serialization.Encoding.PEM))

    if token_file.exists():
        token = token_file.read_text().strip()
        if not token:
            raise PKIError(f"{token_file} is empty; remove it to get a new admin token")
    else:
        token = secrets.token_urlsafe(32)
        write_file(token_file, token.encode() + b"\n", private=True)

    sa_key_file = directory / "sa.key"
    if not sa_key_file.exists():  # tokens already issued stay valid: never replaced
        write_file(sa_key_file, _key_pem(ec.generate_private_key(ec.SECP256R1())), private=True)

    return PKI(
        sa_key_file=sa_key_file,
        directory=directory,
        ca_cert_file=ca_cert_file,
        cert_file=cert_file,
        key_file=key_file,
        ca_pem=ca_cert.public_bytes(serialization.Encoding.PEM),
        token=token,
    )


# -- CA --------------------------------------------------------------------------------


def _load_or_create_ca(
    cert_file: Path, key_file: Path, now: dt.datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    have_cert, have_key = cert_file.exists(), key_file.exists()
    if have_cert != have_key:
        missing = key_file if have_cert else cert_file
        raise PKIError(f"{missing} is missing; remove {cert_file.parent} to start with a new CA")
    if have_cert:
        try:
            cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
            key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        except (ValueError, TypeError) as exc:
            raise PKIError(f"cannot read the CA in {cert_file.parent}: {exc}") from exc
        if not isinstance(key, ec.EllipticCurvePrivateKey) or not _same_key(cert, key):
            raise PKIError(f"{key_file} does not belong to {cert_file}")
        if cert.not_valid_after_utc <= now:
            log.warning("the lab CA in %s has expired", cert_file)
        return cert, key

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ktui-lab-ca")])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    write_file(key_file, _key_pem(key), private=True)
    write_file(cert_file, cert.public_bytes(serialization.Encoding.PEM))
    log.info("created the lab CA in %s", cert_file.parent)
    return cert, key


# -- serving certificate ---------------------------------------------------------------

San = x509.DNSName | x509.IPAddress


def _san_set(hosts: Iterable[str]) -> set[San]:
    sans: set[San] = set()
    for host in hosts:
        host = host.strip("[]")
        if not host:
            continue
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            sans.add(x509.DNSName(host.lower()))
            continue
        if not address.is_unspecified:  # 0.0.0.0 / :: are not names a client dials
            sans.add(x509.IPAddress(address))
    return sans


def _serving_problem(
    cert_file: Path, key_file: Path, ca: x509.Certificate, wanted: set[San], now: dt.datetime
) -> str | None:
    """Why the serving certificate on disk cannot be used, or None when it can."""
    if not cert_file.exists() or not key_file.exists():
        return "none yet"
    try:
        cert = x509.load_pem_x509_certificate(cert_file.read_bytes())
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        cert.verify_directly_issued_by(ca)
    except (ValueError, TypeError, InvalidSignature) as exc:
        return f"unusable: {exc}"
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not _same_key(cert, key):
        return "key does not match"
    if cert.not_valid_after_utc - RENEW_BEFORE <= now:
        return "expires soon"
    try:
        present = set(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        present = set()
    if not wanted <= present:
        return "new addresses"
    return None


def _issue_leaf(
    ca: x509.Certificate,
    ca_key: ec.EllipticCurvePrivateKey,
    subject: list[x509.NameAttribute],
    usage: x509.ObjectIdentifier,
    days: int,
    now: dt.datetime,
    sans: list[x509.GeneralName] | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A certificate signed by the CA for a server (SANs) or a client (CN=user, O=groups)."""
    key = ec.generate_private_key(ec.SECP256R1())
    ca_ski = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name(subject))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if sans is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    cert = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
    ).sign(ca_key, hashes.SHA256())
    return cert, key


def _issue_serving(
    ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey, sans: set[San], now: dt.datetime
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    ordered = sorted(sans, key=lambda s: (isinstance(s, x509.DNSName), str(s.value)))
    subject = [x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")]
    return _issue_leaf(
        ca, ca_key, subject, ExtendedKeyUsageOID.SERVER_AUTH, SERVING_DAYS, now, ordered
    )


# -- helpers ---------------------------------------------------------------------------


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _same_key(cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return cert.public_key().public_bytes(*fmt) == key.public_key().public_bytes(*fmt)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_file(path: Path, data: bytes, private: bool = False) -> None:
    """Write atomically (temp file + rename); `private` files are created 0600."""
    tmp = path.with_name(f".{path.name}.tmp")
    mode = 0o600 if private else 0o644
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(fd, mode)  # an old temp file may have had other bits
        f.write(data)
        f.flush()
        os.fsync(fd)
    os.replace(tmp, path)


# -- client certificates ---------------------------------------------------------------


def issue_client_certificate(
    directory: Path,
    user: str,
    groups: Iterable[str] = (),
    days: int = 365,
    now: dt.datetime | None = None,
) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM) for `user` in `groups`, signed by the CA in `directory`."""
    now = now or dt.datetime.now(dt.timezone.utc)
    ca, ca_key = _load_or_create_ca(directory / "ca.crt", directory / "ca.key", now)
    names = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, group) for group in groups]
    names.append(x509.NameAttribute(NameOID.COMMON_NAME, user))
    cert, key = _issue_leaf(ca, ca_key, names, ExtendedKeyUsageOID.CLIENT_AUTH, days, now)
    return cert.public_bytes(serialization.Encoding.PEM), _key_pem(key)
