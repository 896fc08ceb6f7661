"""Benchmark ktui.client against the official `kubernetes` client: `python -m bench.client`.

1. Watch decoding: a local fake server streams N pre-built pod watch events (one HTTP
   response, plain HTTP on loopback, so the figure is the client's decoding cost); events
   decoded per second by ktui (`ResourceClient.watch`) and by `kubernetes.watch.Watch`.
2. Informer fill: `ktui serve` (its own process, TLS) holds 10,000 pods; time from start
   to synced for a ktui Informer (list pages of 500, then the watch opens), the floor (the
   same pages fetched by bare httpx, not decoded), and the official client listing the
   same pods page by page into a dict (it has no informer). Runs are interleaved; medians,
   with the client's and the engine's CPU seconds, so server and client time separate.
3. Memory per cached pod (tracemalloc, retained after gc): the ktui Informer (pods as
   compact JSON bytes + indexes), the same pods as decoded dicts, the official client's
   V1Pod objects.

The last line is `RESULT subject=client ...`. See docs/performance.md, "## Client".
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import socket
import statistics
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from ktui.client import APIResource, Client, ClusterConfig, connect
from ktui.client.informer import Informer

TARGET_EVENTS_PER_S = 60_000
TARGET_FILL_S = 0.5
PODS = APIResource("", "v1", "Pod", "pods", True, "pod")


def pod(i: int, namespace: str = "bench") -> dict[str, Any]:
    """A realistic pod of a Deployment (about 1.5 KB of JSON)."""
    name = f"web-7d4b9c8f5-{i:05d}"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"app": "web", "pod-template-hash": "7d4b9c8f5", "tier": "frontend"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "web-7d4b9c8f5",
                    "uid": "8f14e45f-ceea-467a-9a36-dedd4bea2543",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "nodeName": f"node-{i % 50:03d}",
            "containers": [
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "resources": {
                        "requests": {"cpu": "100m", "memory": "128Mi"},
                        "limits": {"cpu": "500m", "memory": "256Mi"},
                    },
                    "env": [{"name": "MODE", "value": "production"}],
                    "imagePullPolicy": "IfNotPresent",
                }
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "schedulerName": "default-scheduler",
        },
    }


# -- 1. watch decoding ------------------------------------------------------------------


class WatchFeed:
    """Serves one close-delimited HTTP response of pre-built watch lines to any GET."""

    def __init__(self, events: int) -> None:
        lines = []
        for i in range(events):
            obj = pod(i % 1000)
            obj["metadata"].update(
                uid=f"00000000-0000-0000-0000-{i:012d}",
                resourceVersion=str(1000 + i),
                creationTimestamp="2025-01-01T00:00:00Z",
            )
            obj["status"] = {"phase": "Running", "podIP": f"10.244.{i % 250}.{i % 200}"}
            lines.append(orjson.dumps({"type": "MODIFIED", "object": obj}) + b"\n")
        self.body = b"".join(lines)
        self.events = events
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            conn, _ = self.sock.accept()
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
            conn.sendall(head)
            view = memoryview(self.body)
            for start in range(0, len(view), 1 << 20):
                conn.sendall(view[start : start + (1 << 20)])


async def ktui_watch_rate(feed: WatchFeed) -> float:
    config = ClusterConfig(server=f"http://127.0.0.1:{feed.port}", namespace="bench")
    async with Client(config) as client:
        pods = client.bind(PODS)
        start = time.perf_counter()
        count = 0
        async for batch in pods.watch(resource_version="1"):
            count += len(batch)
        elapsed = time.perf_counter() - start
    assert count == feed.events, count
    return count / elapsed


def kubernetes_watch_rate(feed: WatchFeed) -> float:
    from kubernetes import client as k8s
    from kubernetes import watch

    configuration = k8s.Configuration()
    configuration.host = f"http://127.0.0.1:{feed.port}"
    api = k8s.CoreV1Api(k8s.ApiClient(configuration))
    w = watch.Watch()
    start = time.perf_counter()
    count = 0
    for _ in w.stream(api.list_namespaced_pod, "bench", resource_version="1"):
        count += 1
        if count == feed.events:  # its Watch would otherwise reconnect forever
            w.stop()
            break
    return count / (time.perf_counter() - start)


# -- 2 and 3. the engine with 10,000 pods -----------------------------------------------


def start_engine(tmp: Path):
    """`ktui serve` in its own process, as a user runs it (sharing our GIL would measure
    the GIL, not the client)."""
    import subprocess
    import sys

    import yaml

    proc = subprocess.Popen(
        [sys.executable, "-m", "ktui", "serve", "--port", "0", "--data", str(tmp / "data")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**__import__("os").environ, "HOME": str(tmp), "XDG_DATA_HOME": str(tmp)},
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("kubeconfig: "):
            kubeconfig = Path(line.split(": ", 1)[1].strip())
            break
    else:
        raise SystemExit("ktui serve did not start")
    doc = yaml.safe_load(kubeconfig.read_text())
    url = doc["clusters"][0]["cluster"]["server"]
    token = doc["users"][0]["user"]["token"]
    ca_file = tmp / "ca.pem"
    import base64

    ca_file.write_bytes(
        base64.b64decode(doc["clusters"][0]["cluster"]["certificate-authority-data"])
    )

    def stop() -> None:
        proc.terminate()
        proc.wait(30)

    return kubeconfig, url, token, ca_file, proc.pid, stop


async def fill_engine(kubeconfig: Path, count: int) -> None:
    async with await connect(kubeconfig) as client:
        namespaces = await client.resource("namespaces")
        await namespaces.create({"metadata": {"name": "bench"}})
        pods = await client.resource("pods")
        queue = iter(range(count))

        async def worker() -> None:
            for i in queue:
                await pods.create(pod(i), "bench", field_manager=None)

        await asyncio.gather(*(worker() for _ in range(32)))


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Timing:
    """One fill: wall seconds, CPU seconds of this process (the client) and of the engine."""

    def __init__(self, engine_pid: int) -> None:
        self.pid = engine_pid

    def __enter__(self) -> Timing:
        self.t0, self.c0, self.s0 = time.perf_counter(), time.process_time(), process_cpu(self.pid)
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = time.process_time() - self.c0
        self.server = process_cpu(self.pid) - self.s0


async def ktui_fill(kubeconfig: Path, page_size: int, pid: int) -> tuple[Timing, int]:
    async with await connect(kubeconfig) as client:
        pods = await client.resource("pods")
        informer = Informer(pods, all_namespaces=True, page_size=page_size)
        with Timing(pid) as timing:
            informer.start()
            await informer.wait_synced()
        size = len(informer)
        await informer.stop()
    return timing, size


async def httpx_floor(url: str, token: str, ca_file: Path, page_size: int, pid: int) -> Timing:
    """The same pages fetched by a bare httpx.AsyncClient, bodies read, nothing decoded
    (the next page's token is read from the page's head)."""
    import ssl

    import httpx

    from ktui.client.pages import peek_list_metadata

    headers = {"Authorization": f"Bearer {token}"}
    verify = ssl.create_default_context(cafile=str(ca_file))
    async with httpx.AsyncClient(base_url=url, headers=headers, verify=verify) as http:
        await http.get("/version")  # connected
        params: dict[str, Any] = {"limit": page_size}
        with Timing(pid) as timing:
            while True:
                body = (await http.get("/api/v1/pods", params=params)).content
                meta = peek_list_metadata(body) or orjson.loads(body)["metadata"]
                if not meta.get("continue"):
                    break
                params = {"limit": page_size, "continue": meta["continue"]}
    return timing


def kubernetes_fill(url: str, token: str, ca_file: Path, page_size: int) -> tuple[float, int]:
    api = kubernetes_api(url, token, ca_file)
    start = time.perf_counter()
    cache = kubernetes_list(api, page_size)
    return time.perf_counter() - start, len(cache)


def kubernetes_api(url: str, token: str, ca_file: Path):
    from kubernetes import client as k8s

    configuration = k8s.Configuration()
    configuration.host = url
    configuration.ssl_ca_cert = str(ca_file)
    configuration.api_key = {"authorization": f"Bearer {token}"}
    return k8s.CoreV1Api(k8s.ApiClient(configuration))


def kubernetes_list(api, page_size: int) -> dict[str, Any]:
    cache: dict[str, Any] = {}
    token = None
    while True:
        page = api.list_pod_for_all_namespaces(limit=page_size, _continue=token)
        for item in page.items:
            cache[f"{item.metadata.namespace}/{item.metadata.name}"] = item
        token = page.metadata._continue
        if not token:
            return cache


def cache_bytes(build: Callable[[], Any], drop: Callable[[Any], None]) -> int:
    """What a cache costs: the bytes tracemalloc sees freed when it is dropped (so the
    client, its TLS context and discovery, which stay, are not counted)."""
    gc.collect()
    tracemalloc.start()
    try:
        holder = build()
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        drop(holder)
        gc.collect()
        return before - tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


def memory(kubeconfig: Path, url: str, token: str, ca_file: Path, count: int) -> dict[str, float]:
    async def informer() -> Informer:
        client = await connect(kubeconfig)
        pods = await client.resource("pods")
        inf = Informer(pods, all_namespaces=True)
        inf.start()
        await inf.wait_synced()
        await inf.stop()
        await client.aclose()
        inf.drain()
        assert len(inf) == count
        return inf

    def drop_store(inf: Informer) -> None:
        inf.store = None  # type: ignore[assignment]

    ours = cache_bytes(lambda: asyncio.run(informer()), drop_store)

    async def dicts() -> dict[str, Any]:
        async with await connect(kubeconfig) as client:
            pods = await client.resource("pods")
            listed = await pods.list(all_namespaces=True)
            return {
                "cache": {
                    f"{o['metadata']['namespace']}/{o['metadata']['name']}": o for o in listed.items
                }
            }

    as_dicts = cache_bytes(lambda: asyncio.run(dicts()), lambda h: h.clear())
    api = kubernetes_api(url, token, ca_file)
    official = cache_bytes(lambda: {"cache": kubernetes_list(api, 500)}, lambda h: h.clear())
    return {"ktui": ours / count, "dicts": as_dicts / count, "kubernetes": official / count}


def fill_runs(engine: tuple, runs: int) -> dict[str, list[Any]]:
    """Interleaved, so the machine's load falls on every subject alike; one warm-up first."""
    kubeconfig, url, token, ca_file, pid = engine
    asyncio.run(ktui_fill(kubeconfig, 500, pid))
    out: dict[str, list[Any]] = {"floor": [], "ktui": [], "ktui5000": [], "kubernetes": []}
    for _ in range(runs):
        out["floor"].append(asyncio.run(httpx_floor(url, token, ca_file, 500, pid)))
        out["ktui"].append(asyncio.run(ktui_fill(kubeconfig, 500, pid))[0])
        out["ktui5000"].append(asyncio.run(ktui_fill(kubeconfig, 5000, pid))[0])
        out["kubernetes"].append(kubernetes_fill(url, token, ca_file, 500)[0])
    return out


def med(timings: list[Timing], field: str = "wall") -> float:
    return statistics.median(getattr(t, field) for t in timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    load_before = os.getloadavg()

    feed = WatchFeed(args.events)
    print(f"watch: {args.events} MODIFIED pod events, {len(feed.body) / args.events:.0f} B each")
    rates = [asyncio.run(ktui_watch_rate(feed)) for _ in range(args.runs)]
    ours = statistics.median(rates)
    # The official client decodes ~200-500 events/s: a smaller feed keeps the run short.
    theirs = kubernetes_watch_rate(WatchFeed(min(args.events, 3000)))
    print(f"  ktui        {ours:>10,.0f} events/s   median (best {max(rates):,.0f})")
    print(f"  kubernetes  {theirs:>10,.0f} events/s   ratio {ours / theirs:.1f}x")

    with tempfile.TemporaryDirectory(prefix="bench-client-") as tmp:
        kubeconfig, url, token, ca_file, pid, stop = start_engine(Path(tmp))
        try:
            t0 = time.perf_counter()
            asyncio.run(fill_engine(kubeconfig, args.pods))
            print(f"engine: created {args.pods} pods in {time.perf_counter() - t0:.1f}s")
            runs = fill_runs((kubeconfig, url, token, ca_file, pid), args.runs)
            floor, ktui, big = runs["floor"], runs["ktui"], runs["ktui5000"]
            fill, k8s_fill = med(ktui), statistics.median(runs["kubernetes"])
            print(f"informer fill, {args.pods} pods over TLS loopback, median of {args.runs}:")
            print("                       wall s   best   client CPU s   engine CPU s")
            for name, timings in (
                ("httpx GETs (floor)", floor),
                ("ktui pages of 500", ktui),
                ("ktui pages of 5000", big),
            ):
                print(
                    f"  {name:<19} {med(timings):6.3f} {min(t.wall for t in timings):6.3f}"
                    f"   {med(timings, 'cpu'):12.3f}   {med(timings, 'server'):12.3f}"
                )
            print(f"  kubernetes list 500 {k8s_fill:6.3f}   ratio {k8s_fill / fill:.1f}x")
            print(f"  target: ktui pages of 500 < {TARGET_FILL_S} s")
            mem = memory(kubeconfig, url, token, ca_file, args.pods)
            print("memory per cached pod (tracemalloc, retained):")
            print(f"  ktui informer       {mem['ktui']:>8,.0f} B")
            print(f"  decoded dicts       {mem['dicts']:>8,.0f} B")
            print(f"  kubernetes V1Pod    {mem['kubernetes']:>8,.0f} B")
        finally:
            stop()
    load = ",".join(f"{x:.2f}" for x in (*load_before, os.getloadavg()[0]))
    print(f"load average at start (1, 5, 15 min) and at the end (1 min): {load}")
    passed = (ours >= TARGET_EVENTS_PER_S) + (fill < TARGET_FILL_S)
    print(
        f"RESULT subject=client watch_events_per_s={ours:.0f} k8s_watch_events_per_s={theirs:.0f}"
        f" ratio_watch={ours / theirs:.1f} informer_fill_s_10k={fill:.3f}"
        f" informer_fill_best_s_10k={min(t.wall for t in ktui):.3f}"
        f" informer_fill_s_10k_page5000={med(big):.3f} floor_httpx_s_10k={med(floor):.3f}"
        f" client_cpu_s_10k={med(ktui, 'cpu'):.3f} engine_cpu_s_10k={med(ktui, 'server'):.3f}"
        f" k8s_list_s_10k={k8s_fill:.3f} ratio_fill={k8s_fill / fill:.1f}"
        f" bytes_per_pod={mem['ktui']:.0f} dict_bytes_per_pod={mem['dicts']:.0f}"
        f" k8s_bytes_per_pod={mem['kubernetes']:.0f} load1={os.getloadavg()[0]:.2f}"
        f" targets_passed={passed}/2"
    )


if __name__ == "__main__":
    main()
