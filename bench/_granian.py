"""granian's embedded ASGI server behind the `HTTPServer` protocol of engine/api/server.py.

For the API benchmark only (`python -m bench.api --server granian`): granian is not a
dependency of the engine. granian binds its own listening socket, so the socket the
engine bound is closed and the same port re-bound by granian.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from typing import Any

from engine.api.app import ASGIApp
from engine.api.server import ServeError, TLSFiles

log = logging.getLogger(__name__)


class GranianServer:
    """granian.server.embed.Server in a thread with its own asyncio loop."""

    def __init__(self, app: ASGIApp, sock: socket.socket, tls: TLSFiles | None = None) -> None:
        from granian.constants import HTTPModes, Interfaces
        from granian.server.embed import Server

        host, self.port = sock.getsockname()[:2]
        sock.close()
        self._server: Any = Server(
            app,
            address=host,
            port=self.port,
            interface=Interfaces.ASGINL,
            http=HTTPModes.http1,
            websockets=True,
            backlog=2048,
            backpressure=8192,  # the default (backlog / workers) caps concurrent requests
            log_enabled=False,
            ssl_cert=tls.certfile if tls else None,
            ssl_key=tls.keyfile if tls else None,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, timeout: float = 30.0) -> None:
        self._thread = threading.Thread(target=self._run, name="ktui-api-granian", daemon=True)
        self._thread.start()
        if not _wait_listening(self.port, timeout):
            raise ServeError(f"granian did not start: {self._error}")

    def _run(self) -> None:
        try:
            import uvloop

            loop: asyncio.AbstractEventLoop = uvloop.new_event_loop()
        except ImportError:
            loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._server.serve())
        except BaseException as exc:  # reported by start() or logged
            self._error = exc
            log.error("granian stopped: %s", exc)
        finally:
            loop.close()

    def stop(self, timeout: float = 15.0) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        def interrupt() -> None:
            self._server.interrupt_signal = True
            self._server.main_loop_interrupt.set()

        loop.call_soon_threadsafe(interrupt)
        thread.join(timeout)
        self._thread = None


def _wait_listening(port: int, timeout: float) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False
