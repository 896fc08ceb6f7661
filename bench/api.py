"""Benchmark the API server over HTTPS from another process: `python -m bench.api`.

The engine (engine.cluster.Cluster, a temp data dir on a real disk, port 0) runs in a
child process (`python -m bench._engine`); this process is the load generator: raw asyncio
(uvloop) + ssl HTTP/1.1, one keep-alive connection per client, requests pre-built as
bytes, responses framed by Content-Length and never parsed on the hot path. It
authenticates with the admin token of the kubeconfig the engine wrote.

1. GET of one pod (~2.8 KB) and create of a pod at 1, 16 and 64 clients (p50/p99).
   Reference: the same GET against a trivial raw-ASGI app served by the same server stack
   in the engine process, with a body of the same size (the HTTP ceiling).
2. LIST of 10,000 pods as JSON and as a meta.k8s.io Table (median of several); the
   reference app sending a body as large as the JSON list.
3. 1,000 concurrent watch streams on a namespace; paced creates; delivery latency from the
   earlier of the write's response and the event's first delivery to any stream.
4. GET at 16 clients while a CPU-busy pure-Python thread runs inside the engine process.

`--only list,watch` runs some phases only (the fill comes with get, list and busy);
`--spy DIR` records py-spy profiles of the engine per phase (py-spy is not a dependency).
See docs/performance.md ("API server"). The last line is `RESULT subject=api ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime
import json
import os
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import yaml

from bench.etcd import Dechunker, FanoutRun, HttpConnection, LoadRun, delivery_latencies
from bench.store import busy_cpu_seconds, data_root, fmt, fs_type, ms, percentile, table, verdict

LEVELS = (1, 16, 64)
LIST_PODS = 10_000
WATCHERS = 1_000
BUSY_CLIENTS = 16
FILL_CLIENTS = 64
NS_CREATE, NS_LIST, NS_WATCH = "bench-create", "bench-list", "bench-watch"
TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io"

TARGET_GET_PER_S_64 = 5_000
TARGET_GET_P99_MS_64 = 25.0
TARGET_CREATE_PER_S_64 = 1_500
TARGET_LIST_JSON_MS = 100.0
TARGET_LIST_TABLE_MS = 250.0
TARGET_WATCH_P99_MS = 100.0
TARGET_BUSY_GET_P99_MS = 50.0


PHASES = ("create", "get", "list", "busy", "watch")


@dataclass
class Config:
    seconds: float
    list_runs: int
    watch_events: int
    watch_interval: float
    server: str
    phases: tuple[str, ...] = PHASES
    spy: str | None = None  # a folder: py-spy profiles of the engine per phase (measurement)


# --------------------------------------------------------------------------- objects


def pod(name: str, namespace: str, index: int) -> dict[str, object]:
    """A pod as a Deployment would create it (about 1.5 KB before status)."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": {"app": "bench", "tier": "web", "pod-template-hash": "7d9c6b5f4"},
            "annotations": {"bench.ktui.dev/index": str(index)},
        },
        "spec": {
            "nodeName": f"node-{index % 8}",
            "containers": [
                {
                    "name": "web",
                    "image": "registry.k8s.io/nginx-slim:0.27",
                    "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}],
                    "env": [{"name": "MODE", "value": "bench"}, {"name": "LEVEL", "value": "3"}],
                    "resources": {
                        "requests": {"cpu": "100m", "memory": "128Mi"},
                        "limits": {"cpu": "500m", "memory": "256Mi"},
                    },
                    "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
                }
            ],
        },
    }


def pod_status(index: int) -> dict[str, object]:
    """A running, ready pod's status (what a kubelet reports)."""
    started = "2026-11-20T10:00:00Z"
    conditions = [
        {"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": started}
        for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")
    ]
    ip = f"10.244.{index // 250 % 250}.{index % 250 + 1}"
    return {
        "status": {
            "phase": "Running",
            "conditions": [*conditions, {**conditions[0], "type": "PodScheduled"}],
            "hostIP": "172.18.0.2",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": started,
            "qosClass": "Burstable",
            "containerStatuses": [
                {
                    "name": "web",
                    "ready": True,
                    "started": True,
                    "restartCount": index % 3,
                    "image": "registry.k8s.io/nginx-slim:0.27",
                    "imageID": "registry.k8s.io/nginx-slim@sha256:" + "ab" * 32,
                    "containerID": "containerd://" + f"{index:064x}",
                    "state": {"running": {"startedAt": started}},
                    "lastState": (
                        {
                            "terminated": {
                                "exitCode": 1,
                                "reason": "Error",
                                "finishedAt": "2026-11-20T09:59:00Z",
                            }
                        }
                        if index % 3
                        else {}
                    ),
                }
            ],
        }
    }


# --------------------------------------------------------------------------- HTTP


@dataclass
class Target:
    """Where and as whom to connect."""

    port: int
    token: str
    ssl: ssl.SSLContext

    def request(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        accept: str = "application/json",
        content_type: str = "application/json",
        auth: bool = True,
    ) -> bytes:
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"Accept: {accept}"]
        if auth:
            head.append(f"Authorization: Bearer {self.token}")
        if body or method in ("POST", "PUT", "PATCH"):
            head += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}"]
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    def at(self, port: int) -> Target:
        return Target(port, self.token, self.ssl)


async def connect(target: Target) -> HttpConnection:
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", target.port, ssl=target.ssl, limit=1 << 22
    )
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return HttpConnection(reader, writer)


async def call(target: Target, data: bytes) -> tuple[int, bytes]:
    conn = await connect(target)
    try:
        return await conn.request(data)
    finally:
        conn.close()


async def checked(conn: HttpConnection, data: bytes, ok: tuple[int, ...] = (200, 201)) -> bytes:
    status, body = await conn.request(data)
    if status not in ok:
        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")
    return body


# --------------------------------------------------------------------------- load


Build = Callable[[int, int], bytes]  # (client, n) -> request bytes


async def load(target: Target, clients: int, seconds: float, build: Build, ok: int) -> LoadRun:
    """`clients` connections sending build(i, n) back to back for `seconds`."""
    conns = await asyncio.gather(*(connect(target) for _ in range(clients)))
    run = LoadRun(latencies=[], elapsed=0.0)
    clock = time.perf_counter
    cpu0, start = time.process_time(), clock()
    deadline = start + seconds

    async def client(i: int, conn: HttpConnection) -> None:
        n = 0
        append = run.latencies.append
        while clock() < deadline:
            data = build(i, n)
            t0 = clock()
            status, _ = await conn.request(data)
            if status == ok:
                append(clock() - t0)
            else:
                run.errors += 1
            n += 1

    try:
        await asyncio.gather(*(client(i, c) for i, c in enumerate(conns)))
    finally:
        for conn in conns:
            conn.close()
    run.elapsed = clock() - start
    run.client_cpu = (time.process_time() - cpu0) / run.elapsed
    return run


async def fill(target: Target, requests: list[bytes], clients: int) -> None:
    """Send every request once over `clients` connections; any non-2xx is an error."""
    conns = await asyncio.gather(*(connect(target) for _ in range(clients)))

    async def worker(conn: HttpConnection, mine: list[bytes]) -> None:
        for data in mine:
            await checked(conn, data)

    try:
        await asyncio.gather(*(worker(c, requests[i::clients]) for i, c in enumerate(conns)))
    finally:
        for conn in conns:
            conn.close()


class PodPosts:
    """Pre-encoded `POST .../pods` requests; only the name changes per request."""

    def __init__(self, target: Target, namespace: str) -> None:
        body = orjson.dumps(pod("@NAME@", namespace, 1))
        self.before, self.after = body.split(b"@NAME@")
        self.base = len(body) - len(b"@NAME@")
        probe = target.request("POST", f"/api/v1/namespaces/{namespace}/pods", b"@")
        self.head = probe[: probe.index(b"Content-Length: ") + len(b"Content-Length: ")]

    def build(self, name: str) -> bytes:
        raw = name.encode()
        length = b"%d\r\n\r\n" % (self.base + len(raw))
        return self.head + length + self.before + raw + self.after


# --------------------------------------------------------------------------- engine


class Engine:
    """The child process running the engine (bench/_engine.py)."""

    def __init__(self, data_dir: str, server: str) -> None:
        args = [sys.executable, "-m", "bench._engine", "--data", data_dir, "--server", server]
        root = Path(__file__).resolve().parents[1]
        self.proc = subprocess.Popen(
            args, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the engine did not start (exit {self.proc.wait()})")
        info = json.loads(line)
        self.port: int = info["port"]
        self.ref_port: int = info["ref_port"]
        self.kubeconfig = Path(info["kubeconfig"])

    def command(self, text: str) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        if self.proc.stdout.readline().strip() != "ok":
            raise RuntimeError(f"engine command {text!r} failed")

    def gc_pauses(self) -> dict[str, list[float]]:
        """{"gen0": [collections, total ms, longest ms], ...} in the engine so far."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("gc\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


def target_from_kubeconfig(path: Path, port: int) -> Target:
    config = yaml.safe_load(path.read_text())
    cluster = config["clusters"][0]["cluster"]
    token = config["users"][0]["user"]["token"]
    ca = base64.b64decode(cluster["certificate-authority-data"]).decode()
    context = ssl.create_default_context(cadata=ca)
    return Target(port, token, context)


# --------------------------------------------------------------------------- measurements


@dataclass
class Level:
    run: LoadRun
    engine_cores: float


@dataclass
class Results:
    get: dict[int, Level] = field(default_factory=dict)
    ref_get: dict[int, Level] = field(default_factory=dict)
    create: dict[int, Level] = field(default_factory=dict)
    busy_get: Level | None = None
    busy_ref: Level | None = None
    get_bytes: int = 0
    list_bytes: int = 0
    table_bytes: int = 0
    list_json_ms: float | None = None
    list_table_ms: float | None = None
    list_table_first_ms: float | None = None  # the first Table after the writes (cold)
    ref_list_ms: float | None = None
    list_json_engine_ms: float | None = None  # engine CPU per JSON LIST
    ref_list_engine_ms: float | None = None
    watch: FanoutRun | None = None
    watch_open_s: float | None = None
    watch_client_cpu: float | None = None
    watch_engine_us: float | None = None  # engine CPU per delivered event (per stream)
    gc_pauses: dict[str, list[float]] = field(default_factory=dict)  # engine, whole run
    fill_s: float | None = None


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def measured(engine: Engine, coro_fn: Callable[[], object]) -> Level:
    cpu0, t0 = engine.cpu_seconds(), time.perf_counter()
    run = await coro_fn()  # type: ignore[misc]
    cores = (engine.cpu_seconds() - cpu0) / (time.perf_counter() - t0)
    return Level(run, cores)


async def setup(target: Target) -> None:
    conn = await connect(target)
    try:
        for ns in (NS_CREATE, NS_LIST, NS_WATCH):
            body = orjson.dumps({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
            await checked(conn, target.request("POST", "/api/v1/namespaces", body))
    finally:
        conn.close()


async def bench_creates(engine: Engine, target: Target, config: Config, res: Results) -> None:
    posts = PodPosts(target, NS_CREATE)
    for clients in LEVELS:
        log(f"create: {clients} client(s) for {config.seconds:g} s")

        def build(i: int, n: int, c: int = clients) -> bytes:
            return posts.build(f"c{c}-{i}-{n}")

        res.create[clients] = await measured(
            engine, lambda b=build, c=clients: load(target, c, config.seconds, b, 201)
        )


def list_pod_name(i: int) -> str:
    return f"pod-{i:05d}"


async def fill_list(target: Target, res: Results) -> None:
    log(f"fill: {LIST_PODS:,} pods, then their status")
    t0 = time.perf_counter()
    posts = PodPosts(target, NS_LIST)
    await fill(target, [posts.build(list_pod_name(i)) for i in range(LIST_PODS)], FILL_CLIENTS)
    patches = [
        target.request(
            "PATCH",
            f"/api/v1/namespaces/{NS_LIST}/pods/{list_pod_name(i)}/status",
            orjson.dumps(pod_status(i)),
            content_type="application/merge-patch+json",
        )
        for i in range(LIST_PODS)
    ]
    await fill(target, patches, FILL_CLIENTS)
    res.fill_s = time.perf_counter() - t0


async def bench_gets(engine: Engine, target: Target, config: Config, res: Results) -> None:
    gets = [
        target.request("GET", f"/api/v1/namespaces/{NS_LIST}/pods/{list_pod_name(i)}")
        for i in range(100)
    ]
    _, body = await call(target, gets[1])
    res.get_bytes = len(body)
    engine.command(f"ref-body {len(body)}")
    ref = target.at(engine.ref_port)
    ref_get = ref.request("GET", "/ref")
    await load(target, 16, min(1.0, config.seconds), lambda i, n: gets[i % 100], 200)  # warm-up
    for clients in LEVELS:
        log(f"get: {clients} client(s) for {config.seconds:g} s, then the reference app")
        res.get[clients] = await measured(
            engine, lambda c=clients: load(target, c, config.seconds, lambda i, n: gets[i], 200)
        )
        res.ref_get[clients] = await measured(
            engine, lambda c=clients: load(ref, c, config.seconds, lambda i, n: ref_get, 200)
        )


async def bench_busy(engine: Engine, target: Target, config: Config, res: Results) -> None:
    gets = [
        target.request("GET", f"/api/v1/namespaces/{NS_LIST}/pods/{list_pod_name(i)}")
        for i in range(BUSY_CLIENTS)
    ]
    ref = target.at(engine.ref_port)
    ref_get = ref.request("GET", "/ref")
    log(f"busy: GET at {BUSY_CLIENTS} clients beside a CPU-busy thread in the engine")
    engine.command("busy on")
    try:
        await asyncio.sleep(0.3)
        res.busy_get = await measured(
            engine, lambda: load(target, BUSY_CLIENTS, config.seconds, lambda i, n: gets[i], 200)
        )
        res.busy_ref = await measured(
            engine, lambda: load(ref, BUSY_CLIENTS, config.seconds, lambda i, n: ref_get, 200)
        )
    finally:
        engine.command("busy off")


@dataclass
class Timed:
    median_ms: float  # of the runs after the first
    first_ms: float
    body: bytes  # of the first
    engine_ms: float  # engine CPU per request, over the runs after the first


async def timed(engine: Engine, conn: HttpConnection, data: bytes, runs: int) -> Timed:
    """`runs` requests after a first one, timed one by one."""
    t0 = time.perf_counter()
    first = await checked(conn, data, (200,))
    first_ms = (time.perf_counter() - t0) * 1000
    times = []
    cpu0 = engine.cpu_seconds()
    for _ in range(runs):
        t0 = time.perf_counter()
        await checked(conn, data, (200,))
        times.append(time.perf_counter() - t0)
    cpu = (engine.cpu_seconds() - cpu0) / runs * 1000
    return Timed(statistics.median(times) * 1000, first_ms, first, cpu)


async def bench_lists(engine: Engine, target: Target, config: Config, res: Results) -> None:
    log(f"list: {LIST_PODS:,} pods as JSON and as Table, median of {config.list_runs}")
    path = f"/api/v1/namespaces/{NS_LIST}/pods"
    conn = await connect(target)
    try:
        json_list = await timed(engine, conn, target.request("GET", path), config.list_runs)
        res.list_json_ms, res.list_json_engine_ms = json_list.median_ms, json_list.engine_ms
        body = json_list.body
        items = len(orjson.loads(body)["items"])
        if items != LIST_PODS:
            raise RuntimeError(f"LIST returned {items} pods")
        res.list_bytes = len(body)
        request = target.request("GET", path, accept=TABLE_ACCEPT)
        table_list = await timed(engine, conn, request, config.list_runs)
        res.list_table_ms, res.list_table_first_ms = table_list.median_ms, table_list.first_ms
        body = table_list.body
        rows = len(orjson.loads(body)["rows"])
        if rows != LIST_PODS:
            raise RuntimeError(f"Table LIST returned {rows} rows")
        res.table_bytes = len(body)
    finally:
        conn.close()
    engine.command(f"ref-body {res.list_bytes}")
    ref = target.at(engine.ref_port)
    conn = await connect(ref)
    try:
        ref_list = await timed(engine, conn, ref.request("GET", "/ref"), config.list_runs)
        res.ref_list_ms, res.ref_list_engine_ms = ref_list.median_ms, ref_list.engine_ms
    finally:
        conn.close()
        engine.command(f"ref-body {res.get_bytes or 2048}")


# --------------------------------------------------------------------------- watches


class StreamRecorder(asyncio.Protocol):
    """One watch stream: timestamps the bytes it receives; parsed after the run."""

    def __init__(self, request: bytes, marker: bytes) -> None:
        self.request = request
        self.marker = marker  # the name of the pod that shows the stream is live
        self.pieces: list[tuple[float, bytes]] = []
        self.live = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop: not a subclass
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        self.pieces.append((time.perf_counter(), data))
        if not self.live.done() and self.marker in data:
            self.live.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.live.done():
            self.live.set_exception(exc or ConnectionError("watch stream closed"))

    def receipts(self) -> Iterator[tuple[int, float]]:
        """(resourceVersion, arrival of the line's last byte) of every ADDED event."""
        dechunk = Dechunker()
        line = b""
        for t, data in self.pieces:
            line += dechunk.feed(data)
            *complete, line = line.split(b"\n")
            for message in complete:
                if message.startswith(b'{"type":"ADDED"'):
                    obj = orjson.loads(message)["object"]
                    yield int(obj["metadata"]["resourceVersion"]), t


async def open_streams(target: Target, count: int, marker: bytes) -> list[StreamRecorder]:
    loop = asyncio.get_running_loop()
    request = target.request("GET", f"/api/v1/namespaces/{NS_WATCH}/pods?watch=1")
    recorders = [StreamRecorder(request, marker) for _ in range(count)]
    batch = 50
    for start in range(0, count, batch):
        await asyncio.gather(
            *(
                loop.create_connection(lambda r=r: r, "127.0.0.1", target.port, ssl=target.ssl)
                for r in recorders[start : start + batch]
            )
        )
    return recorders


async def paced_creates(
    conn: HttpConnection, posts: PodPosts, events: int, interval: float
) -> dict[int, tuple[float, float]]:
    writes: dict[int, tuple[float, float]] = {}
    clock = time.perf_counter
    start = clock()
    for n in range(events):
        t0 = clock()
        body = await checked(conn, posts.build(f"w-{n}"))
        writes[int(orjson.loads(body)["metadata"]["resourceVersion"])] = (t0, clock())
        pause = start + (n + 1) * interval - clock()
        if pause > 0:
            await asyncio.sleep(pause)
    return writes


async def bench_watch(engine: Engine, target: Target, config: Config, res: Results) -> None:
    log(f"watch: opening {WATCHERS:,} streams")
    cpu0, t0 = time.process_time(), time.perf_counter()
    recorders = await open_streams(target, WATCHERS, b'"w-ready"')
    posts = PodPosts(target, NS_WATCH)
    conn = await connect(target)
    try:
        await checked(conn, posts.build("w-ready"))
        await asyncio.wait_for(asyncio.gather(*(r.live for r in recorders)), timeout=120)
        res.watch_open_s = time.perf_counter() - t0
        log(f"watch: {config.watch_events} creates, one every {config.watch_interval * 1e3:g} ms")
        cpu1, t1 = time.process_time(), time.perf_counter()
        with spying(engine, config, "watch"):
            engine_cpu1 = engine.cpu_seconds()
            writes = await paced_creates(conn, posts, config.watch_events, config.watch_interval)
            await asyncio.sleep(1.0)  # the tail of the deliveries
            engine_cpu = engine.cpu_seconds() - engine_cpu1
        res.watch_client_cpu = (time.process_time() - cpu1) / (time.perf_counter() - t1)
        res.watch_engine_us = engine_cpu / (WATCHERS * config.watch_events) * 1e6
    finally:
        conn.close()
        for r in recorders:
            if r.transport is not None:
                r.transport.close()
    del cpu0
    receipts = [x for r in recorders for x in r.receipts()]
    res.watch = delivery_latencies(writes, receipts, WATCHERS * config.watch_events)


async def run_all(engine: Engine, config: Config, res: Results) -> None:
    target = target_from_kubeconfig(engine.kubeconfig, engine.port)
    await setup(target)
    phases = config.phases
    if "create" in phases:
        with spying(engine, config, "create"):
            await bench_creates(engine, target, config, res)
    if {"get", "list", "busy"} & set(phases):
        await fill_list(target, res)
    if "get" in phases:
        with spying(engine, config, "get"):
            await bench_gets(engine, target, config, res)
    if "list" in phases:
        with spying(engine, config, "list"):
            await bench_lists(engine, target, config, res)
    if "busy" in phases:
        await bench_busy(engine, target, config, res)
    if "watch" in phases:
        await bench_watch(engine, target, config, res)  # spied on while events go out
    res.gc_pauses = engine.gc_pauses()


@contextlib.contextmanager
def spying(engine: Engine, config: Config, phase: str) -> Iterator[None]:
    """With --spy DIR: py-spy records the engine during `phase` (DIR/PHASE.txt, collapsed
    stacks). py-spy is a measurement tool, not a dependency: `pip install py-spy`."""
    if config.spy is None:
        yield
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    out = Path(config.spy) / f"{phase}.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [
        spy,
        "record",
        "--pid",
        str(engine.proc.pid),
        "--format",
        "raw",
        *os.environ.get("BENCH_SPY_ARGS", "--nonblocking --rate 250").split(),
    ]
    proc = subprocess.Popen(
        [*args, "--output", str(out), "--threads"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- report


@dataclass
class Machine:
    load_at_start: tuple[float, float, float] = field(default_factory=os.getloadavg)
    busy0: float = field(default_factory=busy_cpu_seconds)
    wall0: float = field(default_factory=time.monotonic)
    own0: float = field(default_factory=lambda: sum(os.times()[:2]))

    def foreign_cores(self, engine_cpu: float) -> float:
        own = sum(os.times()[:2]) - self.own0
        others = busy_cpu_seconds() - self.busy0 - own - engine_cpu
        return max(0.0, others) / (time.monotonic() - self.wall0)


def rate(level: Level | None) -> float | None:
    return level.run.rate if level else None


def pct(level: Level | None, q: float) -> float | None:
    return ms(percentile(level.run.latencies, q)) if level else None


def cpu_per_request(level: Level | None) -> float | None:
    """Engine CPU µs per request: less sensitive to other load on the machine than req/s."""
    if level is None or not level.run.rate:
        return None
    return level.engine_cores / level.run.rate * 1e6


def metrics(res: Results) -> dict[str, float | None]:
    m: dict[str, float | None] = {}
    for name, levels in (("get", res.get), ("create", res.create), ("ref_get", res.ref_get)):
        for c in LEVELS:
            m[f"{name}_per_s_{c}"] = rate(levels.get(c))
            m[f"{name}_p50_ms_{c}"] = pct(levels.get(c), 0.50)
            m[f"{name}_p99_ms_{c}"] = pct(levels.get(c), 0.99)
            m[f"{name}_engine_us_{c}"] = cpu_per_request(levels.get(c))
    m["list_json_ms"] = res.list_json_ms
    m["list_table_ms"] = res.list_table_ms
    m["list_table_first_ms"] = res.list_table_first_ms
    m["ref_list_ms"] = res.ref_list_ms
    m["list_json_engine_ms"] = res.list_json_engine_ms
    m["ref_list_engine_ms"] = res.ref_list_engine_ms
    lat = res.watch.latencies if res.watch else []
    m["watch_p50_ms"] = ms(percentile(lat, 0.50))
    m["watch_p99_ms"] = ms(percentile(lat, 0.99))
    m["watch_missing"] = float(res.watch.missing) if res.watch else None
    m["watch_open_s"] = res.watch_open_s
    m["watch_engine_us"] = res.watch_engine_us
    for g, (n, _, longest) in res.gc_pauses.items():
        m[f"gc_{g}_count"] = n
        m[f"gc_{g}_longest_ms"] = longest
    m["busy_get_per_s_16"] = rate(res.busy_get)
    m["busy_get_p99_ms_16"] = pct(res.busy_get, 0.99)
    m["busy_get_engine_us_16"] = cpu_per_request(res.busy_get)
    m["busy_ref_get_per_s_16"] = rate(res.busy_ref)
    m["busy_ref_get_p99_ms_16"] = pct(res.busy_ref, 0.99)
    return m


def targets(m: dict[str, float | None]) -> dict[str, bool | None]:
    def check(key: str, ok: Callable[[float], bool]) -> bool | None:
        value = m[key]
        return None if value is None else ok(value)

    return {
        "get_per_s_64": check("get_per_s_64", lambda v: v >= TARGET_GET_PER_S_64),
        "get_p99_ms_64": check("get_p99_ms_64", lambda v: v < TARGET_GET_P99_MS_64),
        "create_per_s_64": check("create_per_s_64", lambda v: v >= TARGET_CREATE_PER_S_64),
        "list_json_ms": check("list_json_ms", lambda v: v < TARGET_LIST_JSON_MS),
        "list_table_ms": check("list_table_ms", lambda v: v < TARGET_LIST_TABLE_MS),
        "watch_p99_ms": check("watch_p99_ms", lambda v: v < TARGET_WATCH_P99_MS),
        "busy_get_p99_ms_16": check("busy_get_p99_ms_16", lambda v: v < TARGET_BUSY_GET_P99_MS),
    }


LOAD_COLUMNS = (
    "over HTTPS",
    "clients",
    "req/s",
    "p50 ms",
    "p99 ms",
    "engine cores",
    "engine us/req",
    "client cores",
    "ref req/s",
    "ref p99 ms",
    "vs ref",
    "target",
)


def level_row(
    label: str, clients: int, level: Level | None, ref: Level | None, target: str
) -> list[str]:
    if level is None:
        return [label, str(clients), *(["n/a"] * 9), target]
    vs = level.run.rate / ref.run.rate if ref and ref.run.rate else None
    return [
        label,
        str(clients),
        fmt(level.run.rate, 0),
        fmt(pct(level, 0.50)),
        fmt(pct(level, 0.99)),
        fmt(level.engine_cores),
        fmt(cpu_per_request(level), 0),
        fmt(level.run.client_cpu),
        fmt(rate(ref), 0) if ref else "",
        fmt(pct(ref, 0.99)) if ref else "",
        fmt(vs) if vs is not None else "",
        target,
    ]


def load_rows(res: Results, ok: dict[str, bool | None]) -> list[list[str]]:
    rows = [list(LOAD_COLUMNS)]
    get_label = f"GET pod ({res.get_bytes:,} B)"
    for c in LEVELS:
        target = ""
        if c == 64:
            target = (
                f">= {TARGET_GET_PER_S_64:,}/s {verdict(ok['get_per_s_64'])}, "
                f"p99 < {TARGET_GET_P99_MS_64:g} ms {verdict(ok['get_p99_ms_64'])}"
            )
        rows.append(level_row(get_label, c, res.get.get(c), res.ref_get.get(c), target))
    for c in LEVELS:
        target = ""
        if c == 64:
            target = f">= {TARGET_CREATE_PER_S_64:,}/s {verdict(ok['create_per_s_64'])}"
        rows.append(level_row("create pod (durable)", c, res.create.get(c), None, target))
    busy_target = f"p99 < {TARGET_BUSY_GET_P99_MS:g} ms {verdict(ok['busy_get_p99_ms_16'])}"
    rows.append(
        level_row("GET pod, busy thread", BUSY_CLIENTS, res.busy_get, res.busy_ref, busy_target)
    )
    return rows


def other_rows(
    res: Results, m: dict[str, float | None], ok: dict[str, bool | None]
) -> list[list[str]]:
    mb = 1 / 1_000_000
    return [
        ["", "ms", "target"],
        [
            f"LIST {LIST_PODS:,} pods, JSON ({res.list_bytes * mb:.1f} MB)",
            fmt(m["list_json_ms"]),
            f"< {TARGET_LIST_JSON_MS:g} ms {verdict(ok['list_json_ms'])}",
        ],
        [
            f"LIST {LIST_PODS:,} pods, Table ({res.table_bytes * mb:.1f} MB)",
            fmt(m["list_table_ms"]),
            f"< {TARGET_LIST_TABLE_MS:g} ms {verdict(ok['list_table_ms'])}",
        ],
        [
            "  Table, the first one after the writes (no row kept yet)",
            fmt(m["list_table_first_ms"]),
            "",
        ],
        ["  reference app, same bytes as the JSON list", fmt(m["ref_list_ms"]), ""],
        ["  engine CPU per JSON LIST", fmt(m["list_json_engine_ms"]), ""],
        ["  engine CPU per reference LIST", fmt(m["ref_list_engine_ms"]), ""],
        [f"watch {WATCHERS:,} streams, delivery p50", fmt(m["watch_p50_ms"]), ""],
        [
            f"watch {WATCHERS:,} streams, delivery p99",
            fmt(m["watch_p99_ms"]),
            f"< {TARGET_WATCH_P99_MS:g} ms {verdict(ok['watch_p99_ms'])}",
        ],
    ]


def header(config: Config, machine: Machine, root: str, engine_cpu: float) -> list[str]:
    now = datetime.datetime.now().astimezone()
    load_avg = ", ".join(f"{x:.2f}" for x in machine.load_at_start)
    return [
        f"engine/api over HTTPS -- {now:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, server {config.server}",
        f"load average at start {load_avg}; other processes used "
        f"{machine.foreign_cores(engine_cpu):.2f} cores on average during the run",
        f"engine: bench._engine (Cluster, data under {root} ({fs_type(root)})); load generator: "
        "this process, uvloop + ssl, one keep-alive HTTP/1.1 connection per client",
        f"{config.seconds:g} s per level; reference: a raw-ASGI app on the same server stack "
        "in the engine process, same body size",
        "engine us/req: CPU time of the engine process per request (the figure to compare "
        "when the machine is busy)",
        "",
    ]


def notes(config: Config, res: Results) -> list[str]:
    run = res.watch
    lines = [
        f"  LIST: median of {config.list_runs} after one warm-up, one connection; Table rows "
        "are kept per resourceVersion by the printers, so the warm-up is the cold figure",
    ]
    if run is not None:
        p99_start = fmt(ms(percentile(run.from_start, 0.99)))
        lines += [
            f"  watch: {len(run.latencies):,}/{run.expected:,} deliveries ({run.missing:,} "
            f"missing), {config.watch_events} creates one every "
            f"{config.watch_interval * 1000:g} ms; streams opened and live in "
            f"{fmt(res.watch_open_s)} s; p99 from the write's start {p99_start} ms",
            "  watch latency = receipt - (earlier of the create's response and the first "
            "delivery to any stream)",
            f"  load generator during the watch run: {fmt(res.watch_client_cpu)} cores; "
            f"engine CPU per delivery {fmt(res.watch_engine_us, 1)} us",
        ]
    errors = sum(lv.run.errors for d in (res.get, res.create, res.ref_get) for lv in d.values())
    if errors:
        lines.append(f"  {errors} requests answered with an unexpected status (not counted)")
    if res.gc_pauses:
        gens = ", ".join(
            f"{g}: {n:.0f} ({total:.0f} ms, longest {longest:.1f} ms)"
            for g, (n, total, longest) in res.gc_pauses.items()
        )
        lines.append(f"  engine garbage collections during the run: {gens}")
    if res.fill_s is not None:
        lines.append(
            f"  fill: {LIST_PODS:,} creates + {LIST_PODS:,} status patches in {res.fill_s:.1f} s"
        )
    return lines


def _integral(key: str) -> bool:
    return "per_s" in key or "_us_" in key or key.endswith("_missing")


def report(config: Config, machine: Machine, root: str, res: Results, engine_cpu: float) -> str:
    m = metrics(res)
    ok = targets(m)
    passed = sum(1 for v in ok.values() if v)
    result = " ".join(f"{k}={fmt(v, 0 if _integral(k) else 2)}" for k, v in m.items())
    client = max(
        (lv.run.client_cpu or 0.0 for d in (res.get, res.create) for lv in d.values()),
        default=0.0,
    )
    return "\n".join(
        [
            *header(config, machine, root, engine_cpu),
            table(load_rows(res, ok)),
            "",
            table(other_rows(res, m, ok)),
            *notes(config, res),
            "",
            f"RESULT subject=api server={config.server} {result} client_cores_max={client:.2f} "
            f"targets_passed={passed}/{len(ok)}",
        ]
    )


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None = None) -> Config:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="duration of each level")
    parser.add_argument("--quick", action="store_true", help="1 s levels, fewer runs/events")
    parser.add_argument("--server", default="uvicorn", choices=("uvicorn", "granian"))
    parser.add_argument(
        "--only",
        default=",".join(PHASES),
        help=f"comma-separated phases to run (default all: {','.join(PHASES)})",
    )
    parser.add_argument(
        "--spy", metavar="DIR", help="record py-spy profiles of the engine per phase in DIR"
    )
    args = parser.parse_args(argv)
    phases = tuple(p for p in args.only.split(",") if p)
    unknown = set(phases) - set(PHASES)
    if unknown:
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")
    if args.quick:
        return Config(1.0, 3, 20, 0.1, args.server, phases, args.spy)
    return Config(args.seconds, 7, 50, 0.1, args.server, phases, args.spy)


def new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop

        return uvloop.new_event_loop()
    except ImportError:
        return asyncio.new_event_loop()


def main(argv: list[str] | None = None) -> None:
    config = parse_args(argv)
    machine = Machine()
    root = data_root()
    data_dir = tempfile.mkdtemp(prefix="bench-api-", dir=root)
    res = Results()
    engine_cpu = 0.0
    try:
        engine = Engine(data_dir, config.server)
        try:
            with asyncio.Runner(loop_factory=new_loop) as runner:
                runner.run(run_all(engine, config, res))
            engine_cpu = engine.cpu_seconds()
        finally:
            engine.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print(report(config, machine, root, res, engine_cpu))


if __name__ == "__main__":
    main()
