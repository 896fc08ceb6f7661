"""Booting the engine from a data directory, and stopping it cleanly.

    DATA/lock        held while an engine runs on DATA (one engine per data directory)
    DATA/pki/        CA, serving certificate, admin token, ServiceAccount key (engine.api.pki)
    DATA/store/      the LMDB store
    DATA/kubeconfig  the admin kubeconfig (unless another path is given)
    DATA/seeded      present once the cluster folder's manifests were created

    DATA/kubelet/    the kubelets' pod sandboxes and container logs (engine.kubelet)

Start order: cluster folder → lock → listening socket → PKI → store → API server → seed
(first start only) → kubelets (one per [[nodes]] entry) → kubeconfig.
Stop runs backwards: the kubelets stop (every container process is killed), the API
server stops accepting and drains, the store closes, the lock goes.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
from pathlib import Path
from typing import IO, TYPE_CHECKING

from engine.api import App, build_app
from engine.api.pki import PKI, PKIError, ensure_pki
from engine.api.rest import APIServer, install
from engine.api.rest.mount import run_sync
from engine.api.server import HTTPServer, ServeError, TLSFiles, bind_socket, create_server
from engine.cluster_folder import ClusterFolder, ClusterFolderError, seed
from engine.kubeconfig import KubeconfigError, build_kubeconfig, server_url, write_kubeconfig
from engine.kubelet.config import KubeletTiming
from engine.kubelet.host import KubeletHost
from engine.tuning import tune_process

if TYPE_CHECKING:
    from engine.store import Store

log = logging.getLogger(__name__)

# A CPU-busy thread starves the HTTP thread at the default 5 ms (reference/http-stack.md).


class ClusterError(Exception):
    """The engine cannot start (one line, meant for the user)."""


def default_data_dir() -> Path:
    """$XDG_DATA_HOME/ktui/lab (XDG default ~/.local/share)."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "share"
    return root / "ktui" / "lab"


class Cluster:
    def __init__(
        self,
        data_dir: Path,
        *,
        cluster_dir: Path | None = None,
        host: str = "127.0.0.1",
        port: int = 6443,
        kubeconfig: Path | None = None,
        insecure_http: bool = False,
        server_backend: str = "uvicorn",
        kubelet_timing: KubeletTiming | None = None,
    ) -> None:
        self.data_dir = data_dir.expanduser().absolute()
        self.cluster_dir = cluster_dir
        self.folder: ClusterFolder | None = None
        self.seed_problems: list[str] = []
        self.host = host
        self.requested_port = port
        self.kubeconfig_path = (kubeconfig or self.data_dir / "kubeconfig").expanduser().absolute()
        self.insecure_http = insecure_http
        self.server_backend = server_backend
        self.pki: PKI | None = None
        self.store: Store | None = None
        self.app: App | None = None
        self.server: HTTPServer | None = None
        self.api: APIServer | None = None
        self.kubelet_timing = kubelet_timing
        self.kubelets: KubeletHost | None = None
        self.url = ""
        self._lock: IO[str] | None = None
        self._sock: socket.socket | None = None

    @property
    def port(self) -> int:
        return self.server.port if self.server is not None else self.requested_port

    @property
    def alive(self) -> bool:
        return self.server is not None and self.server.alive

    def start(self) -> None:
        tune_process()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> None:
        from engine.store import Store, StoreError  # lmdb is only needed once we boot

        try:
            if self.cluster_dir is not None:
                self.folder = ClusterFolder.load(self.cluster_dir)
        except ClusterFolderError as exc:
            raise ClusterError(str(exc)) from None
        try:
            self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._take_lock()
            self._sock = bind_socket(self.host, self.requested_port)  # fail fast, touch nothing
            self.pki = ensure_pki(self.data_dir / "pki", hosts=[self.host])
        except (PKIError, ServeError) as exc:
            raise ClusterError(str(exc)) from None
        except OSError as exc:
            raise ClusterError(f"cannot use {self.data_dir}: {exc.strerror or exc}") from None
        try:
            self.store = Store(self.data_dir / "store")
        except (StoreError, OSError) as exc:
            raise ClusterError(
                f"cannot open the store in {self.data_dir / 'store'}: {exc}"
            ) from None

        self.app = build_app(None if self.insecure_http else self.pki.token, self.store)
        self.api = install(self.app, self.store, service_account_key=self.pki.service_account_key())
        tls = (
            None
            if self.insecure_http
            else TLSFiles(self.pki.cert_file, self.pki.key_file, self.pki.ca_cert_file)
        )
        try:
            self.server = create_server(self.app, self._sock, tls, self.server_backend)
            self._sock = None  # the server owns it now
            self.server.start()
            self.api.bootstrap(self.host, self.server.port)
        except ServeError as exc:
            raise ClusterError(str(exc)) from None

        self._seed()
        self._start_kubelets()
        scheme = "http" if self.insecure_http else "https"
        self.url = server_url(scheme, self.host, self.server.port)
        ca_pem = None if tls is None else self.pki.ca_pem
        try:
            write_kubeconfig(
                self.kubeconfig_path, build_kubeconfig(self.url, self.pki.token, ca_pem)
            )
        except KubeconfigError as exc:
            raise ClusterError(str(exc)) from None
        log.info("serving %s (data in %s)", self.url, self.data_dir)

    def _seed(self) -> None:
        """Create the cluster folder's manifests, once, in a new data directory."""
        marker = self.data_dir / "seeded"
        if self.folder is None or marker.exists():
            return
        self.seed_problems = run_sync(seed(self.api.local_client(), self.folder))
        marker.write_text(f"{self.folder.path}\n")

    def _start_kubelets(self) -> None:
        nodes = self.folder.node_configs if self.folder is not None else []
        if not nodes:
            return
        self.kubelets = KubeletHost(self.api, nodes, self.data_dir, timing=self.kubelet_timing)
        try:
            self.kubelets.start()
        except Exception as exc:
            raise ClusterError(f"the kubelets did not start: {exc}") from None

    def stop(self) -> None:
        """Stop the kubelets (and their containers), stop accepting, drain, close the
        store, release the data directory. Idempotent."""
        if self.kubelets is not None:
            self.kubelets.stop()
            self.kubelets = None
        if self.app is not None:
            self.app.shutdown()
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self.api is not None:
            self.api.close()
            self.api = None
        if self.store is not None:
            self.store.close()
            self.store = None
        self._release_lock()

    def __enter__(self) -> Cluster:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- one engine per data directory -------------------------------------------------

    def _take_lock(self) -> None:
        lock = open(self.data_dir / "lock", "a+")  # noqa: SIM115 (held until stop)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            owner = lock.read().strip() or "unknown"
            lock.close()
            raise ClusterError(
                f"{self.data_dir} is in use by another ktui engine (pid {owner})"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        self._lock = lock

    def _release_lock(self) -> None:
        if self._lock is not None:
            with contextlib.suppress(OSError):
                self._lock.truncate(0)
            self._lock.close()  # closing releases the flock
            self._lock = None
