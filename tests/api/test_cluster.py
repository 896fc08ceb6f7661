"""engine.cluster.Cluster in-process: boot, serve, stop, resume."""

from __future__ import annotations

import asyncio
import ssl
import threading
from pathlib import Path

import httpx
import pytest

from engine.api import Request
from engine.cluster import Cluster, ClusterError


def client(cluster: Cluster, token: bool = True) -> httpx.Client:
    assert cluster.pki is not None
    headers = {"Authorization": f"Bearer {cluster.pki.token}"} if token else {}
    verify = ssl.create_default_context(cadata=cluster.pki.ca_pem.decode())
    return httpx.Client(base_url=cluster.url, verify=verify, headers=headers, timeout=10)


def test_cluster_serves_and_stops(tmp_path: Path):
    with Cluster(tmp_path / "data", port=0) as cluster:
        assert cluster.port != 0
        assert cluster.url == f"https://127.0.0.1:{cluster.port}"
        assert cluster.kubeconfig_path.exists()
        with client(cluster) as c:
            assert c.get("/readyz").text == "ok"
    assert cluster.server is None and cluster.store is None
    assert not cluster.alive
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{cluster.url}/healthz", verify=False)


def test_store_data_survives_a_restart(tmp_path: Path):
    # Reopening in the same process also proves stop() closed LMDB: an environment that
    # is still open cannot be opened a second time in one process.
    with Cluster(tmp_path / "data", port=0) as cluster:
        cluster.store.create("/registry/namespaces/demo", b"{}")
    with Cluster(tmp_path / "data", port=0) as cluster:
        assert cluster.store.get("/registry/namespaces/demo").value == b"{}"


def test_a_data_directory_serves_one_engine_at_a_time(tmp_path: Path):
    with (
        Cluster(tmp_path / "data", port=0),
        pytest.raises(ClusterError, match="in use by another ktui engine"),
    ):
        Cluster(tmp_path / "data", port=0).start()
    with Cluster(tmp_path / "data", port=0) as again:  # released on stop
        assert again.alive


def test_failed_start_releases_everything(tmp_path: Path):
    with Cluster(tmp_path / "a", port=0) as running:
        busy = Cluster(tmp_path / "b", port=running.port)
        with pytest.raises(ClusterError, match="already in use"):
            busy.start()
        assert busy.store is None and busy.server is None
        assert not (tmp_path / "b" / "pki").exists()  # the port is checked first
    with Cluster(tmp_path / "b", port=0) as cluster:  # lock released
        assert cluster.alive


def test_streams_end_through_on_shutdown_callbacks(tmp_path: Path):
    """The pattern for watch handlers: end the stream when the app shuts down."""
    cluster = Cluster(tmp_path / "data", port=0)
    cluster.start()
    assert cluster.app is not None
    app = cluster.app
    streaming = threading.Event()
    ended: list[str] = []

    async def forever(req: Request) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        app.on_shutdown.append(lambda: loop.call_soon_threadsafe(stop.set))
        await req.send({"type": "http.response.start", "status": 200, "headers": []})
        await req.send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
        streaming.set()
        await stop.wait()
        ended.append("by shutdown")
        await req.send({"type": "http.response.body", "body": b""})

    app.router.add("/stream", forever)
    received: list[bytes] = []

    def read() -> None:
        with client(cluster) as c, c.stream("GET", "/stream") as response:
            received.extend(response.iter_raw())

    reader = threading.Thread(target=read)
    reader.start()
    assert streaming.wait(30)
    cluster.stop()
    reader.join(30)
    assert ended == ["by shutdown"]
    assert b"".join(received) == b"tick\n"
