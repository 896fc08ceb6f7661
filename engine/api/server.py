"""Serving the ASGI app: uvicorn on its own event loop in a non-main thread.

The listening socket is bound here, in the caller's thread, before the server starts, so
a busy port is a clear `ServeError` (not a log line from inside uvicorn) and port 0 gives
the real port at once. Anything that has `start()`, `stop()`, `alive` and `port` can
replace `UvicornServer` (granian's embedded server is the candidate; reference/http-stack.md).

Client certificates: with `TLSFiles.client_ca` the TLS layer asks every client for an
optional certificate and verifies it against that CA (upstream's --client-ca-file). ASGI
scopes carry no peer certificate (uvicorn has no "tls" extension), so the protocol
classes are subclassed to read it from the transport's SSL object when a connection is
made and file it in the app's `PeerCertificates` under the client address, which the
scope does carry; it is dropped when the connection is lost.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import ssl
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import uvicorn

from engine.api.app import ASGIApp, PeerCertificates

log = logging.getLogger(__name__)


class ServeError(Exception):
    """The server cannot start (one line, meant for the user)."""


@dataclass(frozen=True)
class TLSFiles:
    certfile: Path
    keyfile: Path
    client_ca: Path | None = None  # ask for (optional) client certificates signed by it


class HTTPServer(Protocol):
    port: int

    def start(self) -> None: ...
    def stop(self) -> None: ...
    @property
    def alive(self) -> bool: ...


_REASONS = {
    errno.EADDRINUSE: "the address is already in use (is another server running there?)",
    errno.EACCES: "permission denied (ports below 1024 need privileges)",
    errno.EADDRNOTAVAIL: "the address does not belong to this machine",
}


def bind_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket on host:port (port 0: a free port)."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {where}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        reason = _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
        raise ServeError(f"cannot listen on {where}: {reason}") from None
    return sock


class _Uvicorn(uvicorn.Server):
    """uvicorn.Server that reports when it accepts connections."""

    def __init__(self, config: uvicorn.Config, started: threading.Event) -> None:
        super().__init__(config)
        self._started_event = started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self._started_event.set()


def _with_peer_certificates(base: type[asyncio.Protocol], peers: PeerCertificates) -> type:
    """`base` (a uvicorn protocol class) that files each verified peer certificate."""

    class PeerCertificateProtocol(base):  # type: ignore[misc, valid-type]
        _ktui_client: tuple[str, int] | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            ssl_object = transport.get_extra_info("ssl_object")
            der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
            client = transport.get_extra_info("peername")
            if der and client:
                self._ktui_client = (str(client[0]), int(client[1]))
                peers.remember(self._ktui_client, der)
            super().connection_made(transport)

        def connection_lost(self, exc: Exception | None) -> None:
            if self._ktui_client is not None:
                peers.forget(self._ktui_client)
            super().connection_lost(exc)

    PeerCertificateProtocol.__name__ = f"PeerCertificate{base.__name__}"
    return PeerCertificateProtocol


def _protocols(peers: PeerCertificates) -> dict[str, type]:
    from uvicorn.protocols.http.auto import AutoHTTPProtocol
    from uvicorn.protocols.websockets.wsproto_impl import WSProtocol

    return {
        "http": _with_peer_certificates(AutoHTTPProtocol, peers),
        "ws": _with_peer_certificates(WSProtocol, peers),
    }


class UvicornServer:
    """uvicorn serving `app` on an already bound socket, in a thread with its own loop."""

    def __init__(
        self,
        app: ASGIApp,
        sock: socket.socket,
        tls: TLSFiles | None = None,
        graceful_timeout: int = 5,
        peers: PeerCertificates | None = None,
    ) -> None:
        self.port: int = sock.getsockname()[1]
        self._sock = sock
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        client_ca = tls.client_ca if tls is not None and peers is not None else None
        # httptools when installed; WebSockets by wsproto, which accepts the subprotocol
        # kubectl port-forward asks for (`SPDY/3.1+portforward.k8s.io`: the `websockets`
        # package refuses a "/" in it)
        extra: dict[str, object] = {"http": "auto", "ws": "wsproto"}
        if client_ca is not None and peers is not None:
            extra = {
                "ssl_cert_reqs": ssl.CERT_OPTIONAL,
                "ssl_ca_certs": str(client_ca),
                **_protocols(peers),
            }
        config = uvicorn.Config(
            app,
            loop="auto",  # uvloop when installed
            lifespan="off",
            log_config=None,  # leave the process's logging alone
            log_level="warning",
            access_log=False,
            proxy_headers=False,
            server_header=False,
            timeout_keep_alive=60,
            timeout_graceful_shutdown=graceful_timeout,
            ssl_certfile=str(tls.certfile) if tls else None,
            ssl_keyfile=str(tls.keyfile) if tls else None,
            **extra,  # type: ignore[arg-type]
        )
        self._server = _Uvicorn(config, self._started)

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 30.0) -> None:
        self._thread = threading.Thread(target=self._run, name="ktui-api-server", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            self.stop()
            raise ServeError("the API server did not start in time")
        if self._error is not None:
            raise ServeError(f"the API server failed to start: {self._error}")

    def stop(self, timeout: float = 15.0) -> None:
        """Stop accepting, let running requests finish (up to the graceful timeout), join."""
        thread = self._thread
        if thread is None:
            self._sock.close()
            return
        self._server.should_exit = True
        thread.join(timeout)
        if thread.is_alive():
            log.warning("API server did not stop in %.0fs; forcing", timeout)
            self._server.force_exit = True
            thread.join(5.0)
        self._thread = None

    def _run(self) -> None:
        config = self._server.config
        try:
            factory = config.get_loop_factory()
            loop = factory() if factory is not None else asyncio.new_event_loop()
        except BaseException as exc:  # uvicorn exits via SystemExit on a bad setting
            self._error = exc
            self._started.set()
            return
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._server.serve(sockets=[self._sock]))
        except BaseException as exc:
            self._error = exc
            if self._started.is_set():  # before that, start() reports it
                log.error("API server stopped with an error: %s", exc, exc_info=True)
        finally:
            self._started.set()  # wake start() if startup itself failed
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                asyncio.set_event_loop(None)
                loop.close()
                self._sock.close()


def create_server(
    app: ASGIApp, sock: socket.socket, tls: TLSFiles | None = None, backend: str = "uvicorn"
) -> HTTPServer:
    """The HTTP server for the engine; `backend` picks the implementation."""
    if backend == "uvicorn":
        peers = getattr(app, "peers", None)
        return UvicornServer(app, sock, tls, peers=peers)
    raise ServeError(f"unknown HTTP server backend {backend!r}")
