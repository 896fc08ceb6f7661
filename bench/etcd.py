"""etcd as the reference for the store benchmark.

`EtcdServer` installs (Debian `etcd-server`), starts and stops a single-member etcd on
127.0.0.1 with a temporary data dir and its default durability (WAL fsync on every
commit). The load is driven through etcd's v3 JSON gRPC-gateway with raw HTTP/1.1:
asyncio streams, one keep-alive connection per concurrent writer, request bytes built
from a pre-encoded template and responses read by Content-Length (or chunked framing),
never parsed on the hot path. Watches use the gateway's streaming `POST /v3/watch`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Coroutine, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

DRIVER = "v3 JSON gRPC-gateway, raw asyncio HTTP/1.1, one keep-alive connection per writer"


@dataclass
class LoadRun:
    """Outcome of a fixed-duration put load: one latency (s) per acknowledged put."""

    latencies: list[float]
    elapsed: float
    errors: int = 0
    client_cpu: float | None = None  # CPU seconds the load generator used / elapsed

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


# --------------------------------------------------------------------------- server


def etcd_binary() -> str:
    """Path of `etcd`, installing Debian's etcd-server package if it is missing."""
    found = shutil.which("etcd")
    if found:
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "etcd-server"]
    if subprocess.run(install, env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, check=True)
        subprocess.run(install, env=env, capture_output=True, check=True)
    found = shutil.which("etcd")
    if not found:
        raise RuntimeError("etcd-server installed but no etcd binary on PATH")
    return found


def etcd_version(binary: str) -> str:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout
    first = out.splitlines()[0] if out else "etcd ?"
    return first.replace("etcd Version:", "").strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EtcdServer:
    """Context manager: a fresh single-member etcd; stopped and wiped on exit."""

    def __init__(self, base_dir: str | None = None, start_timeout: float = 30.0) -> None:
        self.binary = etcd_binary()
        self.version = etcd_version(self.binary)
        self.base_dir = base_dir
        self.start_timeout = start_timeout
        self.port = 0
        self.data_dir = ""
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> EtcdServer:
        self.data_dir = tempfile.mkdtemp(prefix="bench-etcd-", dir=self.base_dir)
        try:
            self._start()
            self._wait_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _start(self) -> None:
        self.port, peer = free_port(), free_port()
        peer_url = f"http://127.0.0.1:{peer}"
        args = [
            self.binary,
            "--name=bench",
            f"--data-dir={self.data_dir}/data",
            f"--listen-client-urls={self.url}",
            f"--advertise-client-urls={self.url}",
            f"--listen-peer-urls={peer_url}",
            f"--initial-advertise-peer-urls={peer_url}",
            f"--initial-cluster=bench={peer_url}",
            "--logger=zap",
            "--log-level=warn",
        ]
        log = open(Path(self.data_dir) / "etcd.log", "wb")  # noqa: SIM115 - handed to Popen
        with log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"etcd exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as resp:
                    if json.load(resp).get("health") == "true":
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"etcd not healthy after {self.start_timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = (Path(self.data_dir) / "etcd.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
            self.data_dir = ""

    def cpu_seconds(self) -> float:
        """User+system CPU time etcd has used so far (from /proc)."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- HTTP bytes


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def prefix_end(prefix: bytes) -> bytes:
    """etcd range_end covering every key that starts with `prefix`."""
    return prefix[:-1] + bytes([prefix[-1] + 1])


def http_post(port: int, path: str, body: bytes) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


class PutRequests:
    """Builds `POST /v3/kv/put` requests; only the base64 key changes per request."""

    def __init__(self, port: int, value: bytes) -> None:
        self.port = port
        self.tail = b'","value":"' + b64(value).encode("ascii") + b'"}'

    def build(self, key: str) -> bytes:
        body = b'{"key":"' + base64.b64encode(key.encode()) + self.tail
        return http_post(self.port, "/v3/kv/put", body)


def range_request(port: int, prefix: str) -> bytes:
    key = prefix.encode()
    body = json.dumps({"key": b64(key), "range_end": b64(prefix_end(key)), "limit": 0})
    return http_post(port, "/v3/kv/range", body.encode())


def watch_request(port: int, prefix: str) -> bytes:
    key = prefix.encode()
    create = {"create_request": {"key": b64(key), "range_end": b64(prefix_end(key))}}
    return http_post(port, "/v3/watch", json.dumps(create).encode())


def parse_head(head: bytes) -> tuple[int, int | None]:
    """(status, content-length or None when the body is chunked)."""
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length: int | None = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, length


# --------------------------------------------------------------------------- async client


class HttpConnection:
    """One keep-alive HTTP/1.1 connection; one request in flight at a time."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, port: int) -> HttpConnection:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return cls(reader, writer)

    async def request(self, data: bytes) -> tuple[int, bytes]:
        self.writer.write(data)
        await self.writer.drain()
        status, length = parse_head(await self.reader.readuntil(b"\r\n\r\n"))
        if length is not None:
            return status, await self.reader.readexactly(length)
        return status, await self._read_chunked()

    async def _read_chunked(self) -> bytes:
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")  # no trailers from the gateway
                return b"".join(parts)
            parts.append((await self.reader.readexactly(size + 2))[:-2])

    def close(self) -> None:
        self.writer.close()


async def _put_loop(
    conn: HttpConnection, build: Callable[[int], bytes], deadline: float, run: LoadRun
) -> None:
    n = 0
    clock = time.perf_counter
    while clock() < deadline:
        request = build(n)
        t0 = clock()
        status, _ = await conn.request(request)
        if status == 200:
            run.latencies.append(clock() - t0)
        else:
            run.errors += 1
        n += 1


async def _put_load(port: int, writers: int, seconds: float, prefix: str, value: bytes) -> LoadRun:
    puts = PutRequests(port, value)
    conns = [await HttpConnection.open(port) for _ in range(writers)]
    run = LoadRun(latencies=[], elapsed=0.0)
    cpu0, start = time.process_time(), time.perf_counter()
    deadline = start + seconds
    try:
        await asyncio.gather(
            *(
                _put_loop(conn, lambda n, i=i: puts.build(f"{prefix}w{i}-{n}"), deadline, run)
                for i, conn in enumerate(conns)
            )
        )
    finally:
        for conn in conns:
            conn.close()
    run.elapsed = time.perf_counter() - start
    run.client_cpu = (time.process_time() - cpu0) / run.elapsed
    return run


def put_load(port: int, writers: int, seconds: float, prefix: str, value: bytes) -> LoadRun:
    """`writers` connections putting distinct keys `{prefix}w{i}-{n}` for `seconds`."""
    return asyncio.run(_put_load(port, writers, seconds, prefix, value))


async def _fill(port: int, keys: list[str], value: bytes, writers: int) -> None:
    puts = PutRequests(port, value)
    conns = [await HttpConnection.open(port) for _ in range(writers)]

    async def worker(conn: HttpConnection, mine: list[str]) -> None:
        for key in mine:
            status, body = await conn.request(puts.build(key))
            if status != 200:
                raise RuntimeError(f"etcd put failed: {status} {body[:200]!r}")

    try:
        await asyncio.gather(*(worker(c, keys[i::writers]) for i, c in enumerate(conns)))
    finally:
        for conn in conns:
            conn.close()


def fill(port: int, keys: list[str], value: bytes, writers: int = 64) -> None:
    asyncio.run(_fill(port, keys, value, writers))


async def _time_ranges(port: int, prefix: str, runs: int) -> tuple[list[float], int]:
    conn = await HttpConnection.open(port)
    request = range_request(port, prefix)
    try:
        status, body = await conn.request(request)  # warm-up, and check the count once
        if status != 200:
            raise RuntimeError(f"etcd range failed: {status} {body[:200]!r}")
        count = int(json.loads(body).get("count", 0))
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            await conn.request(request)
            times.append(time.perf_counter() - t0)
        return times, count
    finally:
        conn.close()


def time_ranges(port: int, prefix: str, runs: int) -> tuple[list[float], int]:
    """Durations (s) of `runs` full range requests over `prefix`, and the key count seen."""
    return asyncio.run(_time_ranges(port, prefix, runs))


# --------------------------------------------------------------------------- watches


class SyncConnection:
    """Blocking keep-alive connection for paced writes (outside any event loop)."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def request(self, data: bytes) -> tuple[int, bytes]:
        self.sock.sendall(data)
        while b"\r\n\r\n" not in self.buf:
            self._recv()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status, length = parse_head(head)
        if length is None:
            raise RuntimeError("chunked response on a unary call")
        while len(self.buf) < length:
            self._recv()
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, body

    def _recv(self) -> None:
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("etcd closed the connection")
        self.buf += data

    def close(self) -> None:
        self.sock.close()


def put_revision(body: bytes) -> int:
    return int(json.loads(body)["header"]["revision"])


@dataclass
class WatchRecorder(asyncio.Protocol):
    """A watch stream connection that only timestamps what arrives; parsed afterwards."""

    request: bytes
    pieces: list[tuple[float, bytes]] = field(default_factory=list)
    created: asyncio.Future[None] | None = None
    transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        self.pieces.append((time.perf_counter(), data))
        if self.created is not None and not self.created.done() and b'"created":true' in data:
            self.created.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.created is not None and not self.created.done():
            self.created.set_exception(exc or ConnectionError("watch connection closed"))

    def messages(self) -> Iterator[tuple[float, bytes]]:
        """(arrival time of its last byte, JSON line) for each complete stream message."""
        dechunk = Dechunker()
        line = b""
        for t, data in self.pieces:
            line += dechunk.feed(data)
            *complete, line = line.split(b"\n")
            for message in complete:
                if message.strip():
                    yield t, message


class Dechunker:
    """Incremental decoder of an HTTP/1.1 response with a chunked body; yields body bytes."""

    def __init__(self) -> None:
        self.buf = b""
        self.in_head = True
        self.remaining = 0  # data bytes left in the current chunk
        self.skip = 0  # bytes of the CRLF after a chunk still to drop

    def feed(self, data: bytes) -> bytes:
        self.buf += data
        out: list[bytes] = []
        while self.buf:
            if self.in_head:
                _, sep, rest = self.buf.partition(b"\r\n\r\n")
                if not sep:
                    break
                self.buf, self.in_head = rest, False
            elif self.remaining:
                out.append(self.buf[: self.remaining])
                self.buf = self.buf[self.remaining :]
                self.remaining -= len(out[-1])
                self.skip = 0 if self.remaining else 2
            elif self.skip:
                dropped = min(self.skip, len(self.buf))
                self.buf, self.skip = self.buf[dropped:], self.skip - dropped
            else:
                size, sep, rest = self.buf.partition(b"\r\n")
                if not sep:
                    break
                self.buf, self.remaining = rest, int(size.split(b";")[0], 16)
                self.skip = 0 if self.remaining else 2  # last chunk: its CRLF, no trailers
        return b"".join(out)


def event_revisions(message: bytes) -> list[int]:
    result = json.loads(message).get("result", {})
    return [int(ev["kv"]["mod_revision"]) for ev in result.get("events", [])]


# --------------------------------------------------------------------------- fan-out


class LoopThread:
    """An asyncio event loop running in its own thread (the subscribers' side)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="bench-loop", daemon=True)

    def __enter__(self) -> LoopThread:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        if not self.thread.is_alive():
            self.loop.close()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


@dataclass
class FanoutRun:
    """Delivery latencies (s) of every (subscriber, event) pair that arrived.

    `latencies` are measured from the commit, observed as the earlier of the write call's
    return and the event's first delivery to any subscriber (both follow the commit);
    `from_start` from the moment the write call began (so including the durable commit).
    """

    latencies: list[float]
    from_start: list[float]
    expected: int

    @property
    def missing(self) -> int:
        return self.expected - len(self.latencies)


def delivery_latencies(
    writes: dict[int, tuple[float, float]], receipts: Iterable[tuple[int, float]], expected: int
) -> FanoutRun:
    """Latencies of receipts (revision, time) of the writes {revision: (start, return)}."""
    mine = [(rev, t) for rev, t in receipts if rev in writes]
    first: dict[int, float] = {}
    for rev, t in mine:
        first[rev] = min(t, first.get(rev, t))
    run = FanoutRun(latencies=[], from_start=[], expected=expected)
    for rev, t in mine:
        started, returned = writes[rev]
        run.latencies.append(t - min(returned, first[rev]))
        run.from_start.append(t - started)
    return run


def paced_writes(
    write: Callable[[int], int], events: int, interval: float
) -> dict[int, tuple[float, float]]:
    """Call write(n) -> revision every `interval` s; {revision: (call start, call return)}."""
    writes: dict[int, tuple[float, float]] = {}
    clock = time.perf_counter
    start = clock()
    for n in range(events):
        t0 = clock()
        revision = write(n)
        writes[revision] = (t0, clock())
        pause = start + (n + 1) * interval - clock()
        if pause > 0:
            time.sleep(pause)
    return writes


async def _open_watchers(port: int, prefix: str, count: int) -> list[WatchRecorder]:
    loop = asyncio.get_running_loop()
    request = watch_request(port, prefix)
    recorders = []
    for _ in range(count):
        recorder = WatchRecorder(request, created=loop.create_future())
        await loop.create_connection(lambda r=recorder: r, "127.0.0.1", port)
        recorders.append(recorder)
    await asyncio.gather(*(r.created for r in recorders if r.created is not None))
    return recorders


async def _close_watchers(recorders: list[WatchRecorder]) -> None:
    for recorder in recorders:
        if recorder.transport is not None:
            recorder.transport.close()


def watch_fanout(
    port: int, prefix: str, watchers: int, events: int, interval: float, value: bytes
) -> FanoutRun:
    """`watchers` gateway watch streams on `prefix`; `events` puts paced by `interval`."""
    puts = PutRequests(port, value)
    writer = SyncConnection(port)
    with LoopThread() as lt:
        recorders = lt.run(_open_watchers(port, prefix, watchers), timeout=120)
        try:

            def write(n: int) -> int:
                status, body = writer.request(puts.build(f"{prefix}e{n}"))
                if status != 200:
                    raise RuntimeError(f"etcd put failed: {status} {body[:200]!r}")
                return put_revision(body)

            writes = paced_writes(write, events, interval)
            time.sleep(max(1.0, 20 * interval))  # let the tail of the deliveries arrive
        finally:
            lt.run(_close_watchers(recorders), timeout=30)
            writer.close()
    receipts = (
        (revision, t)
        for recorder in recorders
        for t, message in recorder.messages()
        for revision in event_revisions(message)
    )
    return delivery_latencies(writes, receipts, watchers * events)
