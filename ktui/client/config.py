"""The resolved settings for one cluster connection, whatever they came from
(a kubeconfig context or a pod's ServiceAccount), and the TLS context they imply."""

from __future__ import annotations

import os
import ssl
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from .errors import KubeconfigError

SERVICE_ACCOUNT_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


@dataclass(frozen=True)
class ExecConfig:
    """An exec credential plugin, as declared in a kubeconfig user."""

    API_VERSIONS: ClassVar[tuple[str, ...]] = (
        "client.authentication.k8s.io/v1",
        "client.authentication.k8s.io/v1beta1",
    )

    command: str
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    api_version: str = "client.authentication.k8s.io/v1"
    interactive_mode: str = "IfAvailable"
    install_hint: str = ""
    cluster_info: dict[str, Any] | None = None


@dataclass
class ClusterConfig:
    """Where the API server is, how to trust it and how to authenticate to it."""

    server: str
    namespace: str = "default"
    context: str | None = None
    ca_data: bytes | None = None
    ca_file: str | None = None
    insecure: bool = False
    tls_server_name: str | None = None
    proxy_url: str | None = None
    cert_data: bytes | None = None
    cert_file: str | None = None
    key_data: bytes | None = None
    key_file: str | None = None
    token: str | None = None
    token_file: str | None = None
    username: str | None = None
    password: str | None = None
    exec: ExecConfig | None = None
    auth_provider: str | None = None

    @property
    def uses_tls(self) -> bool:
        return self.server.startswith("https://")

    def ssl_context(self) -> ssl.SSLContext | bool:
        """The TLS settings for httpx (`False` when verification is switched off)."""
        if not self.uses_tls:
            return True
        context = ssl.create_default_context()
        if self.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        else:
            try:
                if self.ca_data:
                    context.load_verify_locations(cadata=self.ca_data.decode("ascii", "replace"))
                elif self.ca_file:
                    context.load_verify_locations(cafile=self.ca_file)
            except (OSError, ssl.SSLError, ValueError) as error:
                source = self.ca_file or "certificate-authority-data"
                raise KubeconfigError(
                    f"cannot load the cluster CA from {source}: {error}"
                ) from error
        self.load_client_certificate(context)
        return context

    def load_client_certificate(
        self, context: ssl.SSLContext, cert: bytes | None = None, key: bytes | None = None
    ) -> None:
        """Present a client certificate: from the config, or `cert`/`key` given by a plugin."""
        cert = cert or self.cert_data
        key = key or self.key_data
        if not (cert or self.cert_file):
            return
        if not (key or self.key_file):
            raise KubeconfigError("a client certificate is configured without its key")
        load_cert_chain(context, cert or _read(self.cert_file), key or _read(self.key_file))


def load_cert_chain(context: ssl.SSLContext, cert: bytes, key: bytes) -> None:
    # ssl only loads certificates from files: write inline PEM to a private temp file.
    with tempfile.TemporaryDirectory(prefix="ktui-tls-") as tmp:
        cert_path, key_path = Path(tmp, "cert.pem"), Path(tmp, "key.pem")
        for path, data in ((cert_path, cert), (key_path, key)):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
        try:
            context.load_cert_chain(str(cert_path), str(key_path))
        except (ssl.SSLError, ValueError) as error:
            raise KubeconfigError(f"cannot load the client certificate and key: {error}") from error


def _read(path: str | None) -> bytes:
    assert path is not None
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise KubeconfigError(f"{path}: cannot read: {error.strerror or error}") from error


def in_cluster_config(
    env: Mapping[str, str] | None = None, account_dir: Path = SERVICE_ACCOUNT_DIR
) -> ClusterConfig:
    """The configuration of a pod: the `kubernetes` Service and the mounted ServiceAccount."""
    env = os.environ if env is None else env
    host, port = env.get("KUBERNETES_SERVICE_HOST"), env.get("KUBERNETES_SERVICE_PORT")
    if not host or not port:
        raise KubeconfigError("not running in a cluster (KUBERNETES_SERVICE_HOST/PORT are not set)")
    token_file = account_dir / "token"
    if not token_file.is_file():
        raise KubeconfigError(f"{token_file}: ServiceAccount token not found")
    namespace_file = account_dir / "namespace"
    namespace = namespace_file.read_text().strip() if namespace_file.is_file() else "default"
    ca_file = account_dir / "ca.crt"
    host = f"[{host}]" if ":" in host else host
    return ClusterConfig(
        server=f"https://{host}:{port}",
        namespace=namespace or "default",
        context="in-cluster",
        ca_file=str(ca_file) if ca_file.is_file() else None,
        token_file=str(token_file),  # re-read: kubelet rotates projected tokens
    )


def is_in_cluster(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return bool(env.get("KUBERNETES_SERVICE_HOST") and env.get("KUBERNETES_SERVICE_PORT"))
