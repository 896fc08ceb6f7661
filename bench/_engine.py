"""The engine side of `bench.api`: `python -m bench._engine --data DIR [--server NAME]`.

Starts `engine.cluster.Cluster` on DIR (port 0, HTTPS) and, on a second port of the same
process and the same server stack, a trivial raw-ASGI app that answers every request with
a fixed body (the HTTP ceiling). Prints one JSON line {"port", "ref_port", "kubeconfig",
"pid"}, then obeys one command per stdin line, answering "ok" on stdout:

    ref-body N   the reference app answers N bytes from now on
    busy on|off  start/stop a CPU-busy pure-Python thread in this process
    gc           answer one JSON line instead of "ok": the garbage collections so far,
                 per generation [count, total ms, longest ms] (the pauses every thread took)
    quit         stop everything (so does the end of stdin)

The busy thread is what a control plane is during a burst (reference/http-stack.md, the
GIL section). It exists for the benchmark only; nothing of it is in engine/.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import engine.cluster
from engine.api.app import ASGIApp, Receive, Scope, Send
from engine.api.server import HTTPServer, TLSFiles, bind_socket, create_server
from engine.cluster import Cluster


class ReferenceApp:
    """Raw ASGI: the same fixed JSON body for every request, nothing else."""

    def __init__(self, size: int = 2048) -> None:
        self.set_size(size)

    def set_size(self, size: int) -> None:
        self.body = b'{"x":"' + b"x" * max(0, size - 8) + b'"}'
        self.headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(self.body)),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


class BusyThread:
    """One thread spinning in pure Python (holds the GIL whenever it runs)."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._spin, name="bench-busy", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None

    def _spin(self) -> None:
        total = 0
        while not self._stop.is_set():
            for i in range(2_000):
                total += i * i
            total &= 0xFFFF


class GCPauses:
    """Every garbage collection of the process, timed (gc.callbacks)."""

    def __init__(self) -> None:
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses[info["generation"]].append(time.perf_counter() - self._started)

    def summary(self) -> dict[str, list[float]]:
        return {
            f"gen{g}": [len(p), round(sum(p) * 1e3, 1), round(max(p, default=0.0) * 1e3, 1)]
            for g, p in self.pauses.items()
        }


def server_factory(backend: str) -> Any:
    """`create_server` for the chosen backend (granian lives in bench/, not engine/)."""
    if backend == "uvicorn":
        return create_server
    if backend == "granian":
        from bench._granian import GranianServer

        def create(app: ASGIApp, sock: Any, tls: TLSFiles | None = None, *_: Any, **__: Any) -> Any:
            return GranianServer(app, sock, tls)

        return create
    raise SystemExit(f"unknown server {backend!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--server", default="uvicorn", choices=("uvicorn", "granian"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    factory = server_factory(args.server)
    engine.cluster.create_server = factory  # type: ignore[attr-defined]
    cluster = Cluster(args.data, port=0)
    cluster.start()
    pauses = GCPauses()
    assert cluster.pki is not None
    reference = ReferenceApp()
    tls = TLSFiles(cluster.pki.cert_file, cluster.pki.key_file)
    ref_server: HTTPServer = factory(reference, bind_socket("127.0.0.1", 0), tls)
    ref_server.start()
    busy = BusyThread()
    try:
        info = {
            "port": cluster.port,
            "ref_port": ref_server.port,
            "kubeconfig": str(cluster.kubeconfig_path),
            "pid": os.getpid(),
        }
        print(json.dumps(info), flush=True)
        serve_commands(reference, busy, pauses)
    finally:
        busy.stop()
        ref_server.stop()
        cluster.stop()


def serve_commands(reference: ReferenceApp, busy: BusyThread, pauses: GCPauses) -> None:
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] == "quit":
            break
        if words[0] == "gc":
            print(json.dumps(pauses.summary()), flush=True)
            continue
        if words[0] == "ref-body":
            reference.set_size(int(words[1]))
        elif words[:2] == ["busy", "on"]:
            busy.start()
        elif words[:2] == ["busy", "off"]:
            busy.stop()
        print("ok", flush=True)


if __name__ == "__main__":
    main()
