"""Benchmark engine/store against etcd, side by side: `python -m bench.store`.

1. Durable puts/s of 2 KB values with 1, 8 and 64 concurrent writers (distinct keys):
   asyncio tasks awaiting store.acreate (the target: engine/api calls the store from its
   event loop), then OS threads calling store.create (informational).
2. One range over 10,000 keys of 2 KB under a prefix (median of several runs).
3. Watch fan-out: 1,000 subscribers on a prefix, paced writes, delivery latency measured
   from the commit to each subscriber receiving the event.

Our store is driven in-process (threads or tasks for puts, one asyncio loop for the
subscribers); etcd through its JSON gRPC-gateway with a raw HTTP/1.1 client (see
bench/etcd.py). See docs/performance.md. The last line is `RESULT subject=store ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench import etcd
from bench.etcd import FanoutRun, LoadRun, LoopThread, delivery_latencies, paced_writes
from engine.store import EventType, Store, WatchClosed

if TYPE_CHECKING:
    from engine.store import Watch

VALUE = random.Random(0).randbytes(2048)
LEVELS = (1, 8, 64)
RANGE_KEYS = 10_000
WATCHERS = 1_000
FILL_WRITERS = 64
PREFIX = "/registry/bench/"
RANGE_PREFIX = PREFIX + "range/ns/"
FANOUT_PREFIX = PREFIX + "fanout/ns/"

TARGET_RATIO_64 = 3.0
TARGET_RANGE_MS = 10.0
TARGET_FANOUT_P99_MS = 10.0


@dataclass
class Config:
    seconds: float
    range_runs: int
    fanout_events: int
    fanout_interval: float
    with_etcd: bool


@dataclass
class Side:
    """Everything measured for one system (our store or etcd)."""

    puts: dict[int, LoadRun] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)  # cores used during each level
    range_ms: float | None = None
    fanout: FanoutRun | None = None
    note: str = ""
    threads: Side | None = None  # our store's puts again, from OS threads (create)


# --------------------------------------------------------------------------- helpers


def percentile(values: Sequence[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def fs_type(path: str) -> str:
    """Filesystem type of the mount holding `path` (from /proc/mounts)."""
    best, kind = "", "?"
    real = os.path.realpath(path)
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return kind
    for line in mounts:
        parts = line.split()
        mount = parts[1]
        inside = real == mount or real.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) > len(best):
            best, kind = mount, parts[2]
    return kind


def data_root() -> str:
    """A temp root on a real disk, so fsync costs what it costs (not tmpfs)."""
    default = tempfile.gettempdir()
    if fs_type(default) not in ("tmpfs", "ramfs"):
        return default
    return str(Path(__file__).resolve().parents[1])


def busy_cpu_seconds() -> float:
    """User and system CPU time of every process since boot (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system = (int(x) for x in fields[:3])  # not irq/softirq: not per process
    return (user + nice + system) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process and its waited-for children (etcd, once stopped)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass
class Machine:
    """How busy the machine was: the bench shares it with whatever else runs."""

    load_at_start: tuple[float, float, float] = field(default_factory=os.getloadavg)
    busy0: float = field(default_factory=busy_cpu_seconds)
    own0: float = field(default_factory=own_cpu_seconds)
    wall0: float = field(default_factory=time.monotonic)

    def foreign_cores(self) -> float:
        """Average cores used by other processes since the start of the run."""
        others = (busy_cpu_seconds() - self.busy0) - (own_cpu_seconds() - self.own0)
        return max(0.0, others) / (time.monotonic() - self.wall0)


def run_threads(count: int, target: Callable[[int], None]) -> None:
    """Run target(i) in `count` threads; re-raise the first exception any of them hit."""
    errors: list[BaseException] = []

    def guarded(i: int) -> None:
        try:
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


# --------------------------------------------------------------------------- our store


def store_put_level(store: Store, writers: int, seconds: float, prefix: str) -> LoadRun:
    """`writers` threads creating distinct keys for `seconds`; one latency per put."""
    latencies: list[list[float]] = [[] for _ in range(writers)]
    started: list[float] = []
    barrier = threading.Barrier(writers, action=lambda: started.append(time.perf_counter()))

    def writer(i: int) -> None:
        mine, clock = latencies[i], time.perf_counter
        barrier.wait()
        deadline = started[0] + seconds
        n = 0
        while clock() < deadline:
            t0 = clock()
            store.create(f"{prefix}w{i}-{n}", VALUE)
            mine.append(clock() - t0)
            n += 1

    run_threads(writers, writer)
    elapsed = time.perf_counter() - started[0]
    return LoadRun(latencies=[x for mine in latencies for x in mine], elapsed=elapsed)


async def _async_put_level(store: Store, writers: int, seconds: float, prefix: str) -> LoadRun:
    latencies: list[float] = []
    clock = time.perf_counter
    start = clock()
    deadline = start + seconds

    async def writer(i: int) -> None:
        n = 0
        while clock() < deadline:
            t0 = clock()
            await store.acreate(f"{prefix}w{i}-{n}", VALUE)
            latencies.append(clock() - t0)
            n += 1

    await asyncio.gather(*(writer(i) for i in range(writers)))
    return LoadRun(latencies=latencies, elapsed=clock() - start)


def store_async_put_level(store: Store, writers: int, seconds: float, prefix: str) -> LoadRun:
    """`writers` asyncio tasks on one event loop awaiting store.acreate for `seconds`."""
    return asyncio.run(_async_put_level(store, writers, seconds, prefix))


def store_fill(store: Store, keys: list[str]) -> None:
    def writer(i: int) -> None:
        for key in keys[i::FILL_WRITERS]:
            store.create(key, VALUE)

    run_threads(FILL_WRITERS, writer)


def store_range_ms(store: Store, prefix: str, runs: int) -> float:
    first = store.range(prefix)  # warm-up, and check what one range returns
    if len(first.items) != RANGE_KEYS or first.more:
        raise RuntimeError(f"range returned {len(first.items)} items (more={first.more})")
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        store.range(prefix)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


class Receipts:
    """(revision, time) of every delivery, in two flat arrays: no per-delivery object for
    the garbage collector to track, so the bench adds as little GC work as it can."""

    def __init__(self) -> None:
        self.revisions = array("q")
        self.times = array("d")

    def __len__(self) -> int:
        return len(self.times)

    def __iter__(self) -> Iterator[tuple[int, float]]:
        return zip(self.revisions, self.times, strict=True)


async def _consume(watch: Watch, sink: Receipts) -> None:
    revisions, times = sink.revisions, sink.times
    try:
        async for batch in watch:
            received = time.perf_counter()
            for event in batch:
                if event.type is EventType.PUT:
                    revisions.append(event.revision)
                    times.append(received)
    except WatchClosed:
        pass


async def _open_watches(
    store: Store, prefix: str, count: int, sink: Receipts
) -> list[tuple[Watch, asyncio.Task[None]]]:
    watches = [store.watch(prefix) for _ in range(count)]
    return [(w, asyncio.create_task(_consume(w, sink))) for w in watches]


async def _close_watches(subscribers: list[tuple[Watch, asyncio.Task[None]]]) -> None:
    for watch, _ in subscribers:
        watch.close()
    tasks = [task for _, task in subscribers]
    _, pending = await asyncio.wait(tasks, timeout=5)
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def store_fanout(store: Store, watchers: int, events: int, interval: float) -> FanoutRun:
    """`watchers` watches consumed on one asyncio loop (own thread); paced creates."""
    sink = Receipts()
    expected = watchers * events
    with LoopThread() as lt:
        subscribers = lt.run(_open_watches(store, FANOUT_PREFIX, watchers, sink), timeout=60)
        try:
            writes = paced_writes(
                lambda n: store.create(f"{FANOUT_PREFIX}e{n}", VALUE).mod_revision,
                events,
                interval,
            )
            wait_for(lambda: len(sink) >= expected, timeout=10)
        finally:
            lt.run(_close_watches(subscribers), timeout=30)
    return delivery_latencies(writes, sink, expected)


PutLevel = Callable[[Store, int, float, str], LoadRun]


def store_puts(store: Store, config: Config, side: Side, level: PutLevel, name: str) -> None:
    for writers in LEVELS:
        log(f"store: {writers} {name} for {config.seconds:g} s")
        cpu0 = time.process_time()
        run = level(store, writers, config.seconds, f"{PREFIX}pods/{name}{writers}/")
        side.puts[writers] = run
        side.cpu[writers] = (time.process_time() - cpu0) / run.elapsed


@contextlib.contextmanager
def fresh_store(root: str) -> Iterator[Store]:
    with tempfile.TemporaryDirectory(prefix="bench-store-", dir=root) as path:
        store = Store(path)
        try:
            yield store
        finally:
            store.close()


def bench_store(config: Config, root: str) -> Side:
    side = Side(note="in-process; asyncio tasks await store.acreate, one loop consumes watches")
    side.threads = Side()
    with fresh_store(root) as store:
        store_puts(store, config, side, store_async_put_level, "tasks")
        store_puts(store, config, side.threads, store_put_level, "threads")
    # A fresh store holding exactly the range keys, so that the range and fan-out figures
    # do not depend on how many keys the put levels happened to write.
    with fresh_store(root) as store:
        log(f"store: filling {RANGE_KEYS} keys, timing range")
        store_fill(store, [f"{RANGE_PREFIX}k{i:05d}" for i in range(RANGE_KEYS)])
        side.range_ms = store_range_ms(store, RANGE_PREFIX, config.range_runs)
        log(f"store: fan-out to {WATCHERS} watches, {config.fanout_events} events")
        side.fanout = store_fanout(store, WATCHERS, config.fanout_events, config.fanout_interval)
    return side


# --------------------------------------------------------------------------- etcd


def etcd_puts(server: etcd.EtcdServer, config: Config, side: Side) -> None:
    for writers in LEVELS:
        log(f"etcd: {writers} writer(s) for {config.seconds:g} s")
        cpu0 = server.cpu_seconds()
        prefix = f"{PREFIX}pods/c{writers}/"
        run = etcd.put_load(server.port, writers, config.seconds, prefix, VALUE)
        side.puts[writers] = run
        side.cpu[writers] = (server.cpu_seconds() - cpu0) / run.elapsed


def etcd_range_ms(port: int, runs: int) -> float:
    etcd.fill(port, [f"{RANGE_PREFIX}k{i:05d}" for i in range(RANGE_KEYS)], VALUE)
    times, count = etcd.time_ranges(port, RANGE_PREFIX, runs)
    if count != RANGE_KEYS:
        raise RuntimeError(f"etcd range counted {count} keys")
    return statistics.median(times) * 1000


def bench_etcd(config: Config, root: str) -> Side:
    with etcd.EtcdServer(base_dir=root) as server:
        side = Side(note=f"etcd {server.version} via the {etcd.DRIVER}")
        etcd_puts(server, config, side)
        log(f"etcd: filling {RANGE_KEYS} keys, timing range")
        side.range_ms = etcd_range_ms(server.port, config.range_runs)
        log(f"etcd: fan-out to {WATCHERS} gateway watch streams, {config.fanout_events} events")
        side.fanout = etcd.watch_fanout(
            server.port,
            FANOUT_PREFIX,
            WATCHERS,
            config.fanout_events,
            config.fanout_interval,
            VALUE,
        )
    return side


# --------------------------------------------------------------------------- report


def fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def ratio(ours: Side | None, ref: Side | None, writers: int) -> float | None:
    if ours is None or ref is None or writers not in ref.puts or not ref.puts[writers].rate:
        return None
    return ours.puts[writers].rate / ref.puts[writers].rate


def put_metrics(prefix: str, side: Side | None, key: str) -> dict[str, float | None]:
    """puts/s (key "rate") or a latency percentile in ms (key "p50"/"p99") per level."""
    out: dict[str, float | None] = {}
    for writers in LEVELS:
        run = side.puts.get(writers) if side else None
        if key == "rate":
            out[f"{prefix}puts_per_s_{writers}"] = run.rate if run else None
        else:
            q = 0.50 if key == "p50" else 0.99
            lat = percentile(run.latencies, q) if run else None
            out[f"{prefix}put_{key}_ms_{writers}"] = ms(lat)
    return out


def fanout_metrics(prefix: str, side: Side | None) -> dict[str, float | None]:
    lat = side.fanout.latencies if side and side.fanout else []
    return {
        f"{prefix}fanout_p50_ms": ms(percentile(lat, 0.50)),
        f"{prefix}fanout_p99_ms": ms(percentile(lat, 0.99)),
    }


def metrics(ours: Side, ref: Side | None) -> dict[str, float | None]:
    """Every figure of the run, in the order of the RESULT line."""
    m = {**put_metrics("", ours, "rate"), **put_metrics("etcd_", ref, "rate")}
    m.update({f"ratio_{writers}": ratio(ours, ref, writers) for writers in LEVELS})
    m.update(put_metrics("threads_", ours.threads, "rate"))
    m["threads_ratio_64"] = ratio(ours.threads, ref, 64)
    m["range_10k_ms"] = ours.range_ms
    m["etcd_range_10k_ms"] = ref.range_ms if ref else None
    m.update({**fanout_metrics("", ours), **fanout_metrics("etcd_", ref)})
    for prefix, side in (("", ours), ("etcd_", ref)):
        m.update({**put_metrics(prefix, side, "p50"), **put_metrics(prefix, side, "p99")})
    return m


def targets(m: dict[str, float | None]) -> dict[str, bool | None]:
    def check(key: str, ok: Callable[[float], bool]) -> bool | None:
        value = m[key]
        return None if value is None else ok(value)

    return {
        "ratio_64": check("ratio_64", lambda v: v >= TARGET_RATIO_64),
        "range_10k_ms": check("range_10k_ms", lambda v: v < TARGET_RANGE_MS),
        "fanout_p99_ms": check("fanout_p99_ms", lambda v: v < TARGET_FANOUT_P99_MS),
    }


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.rjust(w) if i else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


PUT_COLUMNS = (
    "durable puts of 2 KB",
    *("store/s", "p50 ms", "p99 ms", "cores"),
    *("etcd/s", "p50 ms", "p99 ms", "cores"),
    *("ratio", "target"),
)


def level_cells(side: Side | None, writers: int) -> list[str]:
    run = side.puts.get(writers) if side else None
    if side is None or run is None:
        return ["n/a"] * 4
    return [
        fmt(run.rate, 0),
        fmt(ms(percentile(run.latencies, 0.50))),
        fmt(ms(percentile(run.latencies, 0.99))),
        fmt(side.cpu.get(writers)),
    ]


def put_rows(ours: Side, ref: Side | None, ok: dict[str, bool | None]) -> list[list[str]]:
    """Asyncio tasks first (what the target is about), then threads against the same etcd."""
    rows = [list(PUT_COLUMNS)]
    for writers in LEVELS:
        target = f">= {TARGET_RATIO_64:g}x {verdict(ok['ratio_64'])}" if writers == 64 else ""
        rows.append(
            [
                f"  {writers} asyncio task{'s' if writers > 1 else ''} (acreate)",
                *level_cells(ours, writers),
                *level_cells(ref, writers),
                fmt(ratio(ours, ref, writers)),
                target,
            ]
        )
    for writers in LEVELS:
        rows.append(
            [
                f"  {writers} writer thread{'s' if writers > 1 else ''} (create)",
                *level_cells(ours.threads, writers),
                *([""] * 4),
                fmt(ratio(ours.threads, ref, writers)),
                "",
            ]
        )
    return rows


def other_rows(
    m: dict[str, float | None], ok: dict[str, bool | None], config: Config
) -> list[list[str]]:
    return [
        ["", "store", "etcd", "target"],
        [
            f"range {RANGE_KEYS:,} keys, ms (median of {config.range_runs})",
            fmt(m["range_10k_ms"]),
            fmt(m["etcd_range_10k_ms"]),
            f"< {TARGET_RANGE_MS:g} ms {verdict(ok['range_10k_ms'])}",
        ],
        [
            f"fan-out {WATCHERS:,} watchers, p50 ms",
            fmt(m["fanout_p50_ms"]),
            fmt(m["etcd_fanout_p50_ms"]),
            "",
        ],
        [
            f"fan-out {WATCHERS:,} watchers, p99 ms",
            fmt(m["fanout_p99_ms"]),
            fmt(m["etcd_fanout_p99_ms"]),
            f"< {TARGET_FANOUT_P99_MS:g} ms {verdict(ok['fanout_p99_ms'])}",
        ],
    ]


def fanout_note(name: str, run: FanoutRun | None) -> str:
    if run is None:
        return f"  {name} fan-out: n/a"
    p99 = fmt(ms(percentile(run.from_start, 0.99)))
    return (
        f"  {name} fan-out: {len(run.latencies):,}/{run.expected:,} deliveries "
        f"({run.missing:,} missing); p99 from the write call's start: {p99} ms"
    )


def header(
    config: Config, machine: Machine, root: str, ours: Side, ref: Side | None, etcd_error: str
) -> list[str]:
    now = datetime.datetime.now().astimezone()
    load = ", ".join(f"{x:.2f}" for x in machine.load_at_start)
    etcd_note = ref.note if ref else f"n/a ({etcd_error or 'skipped with --no-etcd'})"
    return [
        f"engine/store vs etcd -- {now:%Y-%m-%d %H:%M %Z}, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}",
        f"load average at start {load}; other processes used {machine.foreign_cores():.2f} "
        "cores on average during the run",
        f"data dirs under {root} ({fs_type(root)}), values of {len(VALUE)} B, "
        f"{config.seconds:g} s per put level",
        f"  store: {ours.note}",
        f"  etcd:  {etcd_note}",
        "",
    ]


def notes(config: Config, ours: Side, ref: Side | None) -> list[str]:
    return [
        fanout_note("store", ours.fanout),
        fanout_note("etcd", ref.fanout if ref else None),
        f"  fan-out: {config.fanout_events} creates, one every "
        f"{config.fanout_interval * 1000:g} ms; delivery latency = receipt - commit, the",
        "  commit observed as the earlier of the write call's return and the event's first",
        "  delivery to any subscriber",
        "  cores: CPU used per second of wall time -- store: the whole bench process",
        "  (writer tasks and threads included); etcd: the etcd server process alone.",
        "  Target rows: asyncio tasks on one event loop awaiting acreate, as engine/api calls",
        "  the store. Thread rows: our store again from OS threads (store.create), where GIL",
        "  hand-offs between 64 threads cost about half the rate; ratio vs etcd, no target",
        "  etcd figures include the gateway's JSON/base64 transcoding (kube-apiserver uses gRPC)",
        f"  etcd load generator CPU: {client_cpu(ref)}",
        *etcd_errors(ref),
    ]


def etcd_errors(ref: Side | None) -> list[str]:
    errors = sum(run.errors for run in ref.puts.values()) if ref else 0
    return [f"  etcd answered {errors} puts with an error (not counted)"] if errors else []


def report(
    config: Config, machine: Machine, root: str, ours: Side, ref: Side | None, etcd_error: str
) -> str:
    m = metrics(ours, ref)
    ok = targets(m)
    passed = sum(1 for v in ok.values() if v)
    result = " ".join(f"{k}={fmt(v, 0 if 'per_s' in k else 2)}" for k, v in m.items())
    return "\n".join(
        [
            *header(config, machine, root, ours, ref, etcd_error),
            table(put_rows(ours, ref, ok)),
            "",
            table(other_rows(m, ok, config)),
            *notes(config, ours, ref),
            "",
            f"RESULT subject=store {result} targets_passed={passed}/3",
        ]
    )


def client_cpu(ref: Side | None) -> str:
    if ref is None or not ref.puts:
        return "n/a"
    worst = max(run.client_cpu or 0.0 for run in ref.puts.values())
    return f"at most {worst:.2f} core during the put levels (not the bottleneck if well below 1)"


# --------------------------------------------------------------------------- main


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> Config:
    parser = argparse.ArgumentParser(
        prog="python -m bench.store", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--seconds", type=float, default=None, help="duration of each put level (3)"
    )
    parser.add_argument("--no-etcd", action="store_true", help="skip etcd (ratios n/a)")
    parser.add_argument("--quick", action="store_true", help="1 s levels, fewer runs and events")
    args = parser.parse_args(argv)
    quick = args.quick
    return Config(
        seconds=args.seconds if args.seconds is not None else (1.0 if quick else 3.0),
        range_runs=3 if quick else 9,
        fanout_events=50 if quick else 200,
        fanout_interval=0.02,
        with_etcd=not args.no_etcd,
    )


def main(argv: list[str] | None = None) -> int:
    config = parse_args(argv)
    machine = Machine()
    root = data_root()
    ours = bench_store(config, root)
    ref, etcd_error = None, ""
    if config.with_etcd:
        try:
            ref = bench_etcd(config, root)
        except Exception as exc:  # noqa: BLE001 - the store figures still stand
            etcd_error = f"etcd failed: {exc}"
            log(etcd_error)
    print(report(config, machine, root, ours, ref, etcd_error))
    return 0


if __name__ == "__main__":
    sys.exit(main())
