"""One table benchmark case, run in a process of its own (so RSS is the widget's own):

    python -m bench._tui_table --widget table|datatable --rows 50000 [--quick] [--gc-freeze]

prints one JSON object of figures (milliseconds, MB, %). bench/tui.py runs the cases and
compares them. Repaints are timed by hooking the app's screen update (`App._display`,
which also encodes the update as a terminal would): `pilot.pause()` sleeps at least 20 ms,
so a wall clock around it measures the pause, not the table.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import resource
import statistics
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widgets import DataTable, Input

from ktui.client import Column, TableRow
from ktui.widgets.resource_table import ResourceTable

COLUMNS = [
    Column("Name", "string", "name"),
    Column("Ready", "string"),
    Column("Status", "string"),
    Column("Restarts", "string"),
    Column("Age", "string"),
    Column("IP", "string", priority=1),
    Column("Node", "string", priority=1),
]
HEADERS = ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"]
APPS = ["web", "api", "worker", "cache", "ledger", "search", "queue", "auth", "front", "batch"]
STATUSES = ["Running"] * 8 + ["Pending", "CrashLoopBackOff"]
FILTER = "worker"  # each app is 10% of the pods; "w" also keeps "web"
QUIET_S = 0.25  # no screen update for this long: the operation has finished painting


def pod_row(i: int, status: str | None = None) -> TableRow:
    app = APPS[i % len(APPS)]
    name = f"{app}-6d4cf56db6-{i:06d}"
    meta = {
        "name": name,
        "namespace": f"team-{i % 20:02d}",
        "uid": f"00000000-0000-4000-8000-{i:012d}",
        "creationTimestamp": "2024-05-01T12:00:00Z",
        "labels": {"app": app, "pod-template-hash": "6d4cf56db6"},
    }
    cells = [
        name,
        "1/1",
        status or STATUSES[i % len(STATUSES)],
        str(i % 7),
        "25d",
        f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
        f"node-{i % 250:03d}",
    ]
    return TableRow(cells, {"metadata": meta})


def as_tuple(row: TableRow) -> tuple[str, ...]:
    return (row.namespace, *(str(c) for c in row.cells))


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


class QuietTable(ResourceTable):
    AGE_REFRESH_S = 3600.0  # no age ticks inside a timed window (the flow has updates anyway)

    def render_line(self, y: int) -> Strip:
        self.app.table_rendered = True  # type: ignore[attr-defined]
        return super().render_line(y)


class HookedDataTable(DataTable):
    def render_line(self, y: int) -> Strip:
        self.app.table_rendered = True  # type: ignore[attr-defined]
        return super().render_line(y)


class BenchApp(App):
    def __init__(self, widget: str) -> None:
        super().__init__()
        self.widget = widget
        self.updates: list[float] = []  # perf_counter at the end of each screen update
        self.table_updates: list[float] = []  # ... of those that repainted table lines
        self.table_rendered = False
        self.applied_filter = ""
        self.rows: list[TableRow] = []
        self.tuples: list[tuple[str, ...]] = []
        self.search: list[str] = []
        self.keys: dict[str, Any] = {}
        self.probe: Any = None  # the cursor before a timed key press
        self.probe_hit: float | None = None

    def compose(self) -> ComposeResult:
        if self.widget == "table":
            table = QuietTable(COLUMNS, wide=True)
            table.set_show_namespace(True)
            yield table
        else:
            yield HookedDataTable(cursor_type="row")
        yield Input(placeholder="filter")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False  # a blinking cursor repaints by itself
        if self.widget == "datatable":
            self.query_one(DataTable).add_columns(*HEADERS)

    def _display(self, screen: Any, renderable: Any) -> None:
        super()._display(screen, renderable)
        if renderable is not None:
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(self.console)  # what a terminal write costs
            now = time.perf_counter()
            self.updates.append(now)
            if self.table_rendered:
                self.table_updates.append(now)
                self.table_rendered = False
            if self.probe is not None and self.probe_hit is None and self.cursor() != self.probe:
                self.probe_hit = now  # the first update that shows the moved cursor

    # -- the operations, for both widgets ------------------------------------------------

    def load(self, rows: list[TableRow]) -> None:
        self.rows = rows
        if self.widget == "table":
            self.query_one(ResourceTable).reset(rows)
            return
        self.tuples = [as_tuple(r) for r in rows]
        self.search = ["\n".join(t).lower() for t in self.tuples]
        self._datatable_rows(range(len(rows)))

    def _datatable_rows(self, indexes: Any) -> None:
        table = self.query_one(DataTable)
        indexes = list(indexes)
        keys = table.add_rows(self.tuples[i] for i in indexes)
        self.keys = {self.rows[i].uid: k for i, k in zip(indexes, keys, strict=True)}

    def on_input_changed(self, event: Input.Changed) -> None:
        text = event.value
        if self.widget == "table":
            self.query_one(ResourceTable).set_filter(text)
        else:  # DataTable has no filter: clear it and add the matching rows again
            self.query_one(DataTable).clear()
            needle = text.lower()
            self._datatable_rows(i for i, s in enumerate(self.search) if needle in s)
        self.applied_filter = text

    def sort(self) -> None:
        if self.widget == "table":
            self.query_one(ResourceTable).sort_by("Status")
        else:
            table = self.query_one(DataTable)
            table.sort(list(table.columns)[3])

    def update(self, rows: list[TableRow]) -> None:
        if self.widget == "table":
            self.query_one(ResourceTable).apply([("MODIFIED", r) for r in rows])
            return
        table = self.query_one(DataTable)
        status = list(table.columns)[3]
        for row in rows:
            key = self.keys.get(row.uid)
            if key is not None:
                table.update_cell(key, status, row.cells[2])

    def cursor(self) -> Any:
        if self.widget == "table":
            return self.query_one(ResourceTable).cursor_position
        return self.query_one(DataTable).cursor_coordinate


async def settle(
    app: BenchApp, start: float, limit_s: float = 120.0, ready: Callable[[], bool] | None = None
) -> float:
    """Milliseconds from `start` to the last screen update that repainted table lines,
    once the operation is done (`ready`) and the screen has stopped updating: QUIET_S
    with no update while the event loop kept running (a loop blocked by the widget's own
    work is not quiet). Frames that only redraw a scrollbar, which the filter input's
    layout pass causes a frame later, do not count."""
    quiet_since = last_poll = time.perf_counter()
    seen = len(app.updates)
    while time.perf_counter() - start < limit_s:
        await asyncio.sleep(0.02)
        now = time.perf_counter()
        if now - last_poll > 0.1 or len(app.updates) != seen or (ready and not ready()):
            quiet_since, seen = now, len(app.updates)  # blocked, painting, or not done yet
        last_poll = now
        last = app.updates[-1] if app.updates else 0.0
        if last > start and now - quiet_since > QUIET_S:
            painted = [t for t in app.table_updates if t > start]
            return ((painted[-1] if painted else last) - start) * 1000
    return limit_s * 1000


async def press(app: BenchApp, key: str) -> None:
    char = key if len(key) == 1 else None
    app.post_message(events.Key(key, char))


async def quiet(app: BenchApp) -> None:
    """Until QUIET_S have passed with no screen update (counting from now)."""
    since, seen = time.perf_counter(), len(app.updates)
    while time.perf_counter() - since < QUIET_S:
        await asyncio.sleep(0.02)
        if len(app.updates) != seen:
            since, seen = time.perf_counter(), len(app.updates)


async def timed(
    app: BenchApp, action: Callable[[], Any], ready: Callable[[], bool] | None = None
) -> float:
    start = time.perf_counter()
    result = action()
    if asyncio.iscoroutine(result):
        await result
    return await settle(app, start, ready=ready)


async def key_to_paint_under_flow(app: BenchApp, n: int, seconds: float) -> dict[str, float]:
    """Press down/up every ~150 ms while 1,000 row updates/s arrive in 100 ms batches
    (by elapsed time: timers skip missed ticks). Latency: key → first screen update
    showing the moved cursor."""
    rng = random.Random(7)
    stop = time.perf_counter() + seconds
    sent = 0
    begin = time.perf_counter()

    async def feed() -> None:
        nonlocal sent
        while time.perf_counter() < stop:
            due = int((time.perf_counter() - begin) * 1000) - sent
            if due > 0:
                app.update([pod_row(rng.randrange(n), rng.choice(STATUSES)) for _ in range(due)])
                sent += due
            await asyncio.sleep(0.1)

    feeder = asyncio.create_task(feed())
    latencies: list[float] = []
    cpu0, wall0 = time.process_time(), time.perf_counter()
    key = "down"
    while time.perf_counter() < stop - 0.5:
        await asyncio.sleep(0.1 + rng.random() * 0.1)
        app.probe, app.probe_hit = app.cursor(), None
        start = time.perf_counter()
        await press(app, key)
        key = "up" if key == "down" else "down"
        while app.probe_hit is None and time.perf_counter() - start < 10:
            await asyncio.sleep(0.002)
        if app.probe_hit is not None:
            latencies.append((app.probe_hit - start) * 1000)
        app.probe = None
    cpu = (time.process_time() - cpu0) / (time.perf_counter() - wall0) * 100
    await feeder
    latencies.sort()
    return {
        "key_to_paint_p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "key_to_paint_p95_ms": latencies[int(0.95 * (len(latencies) - 1))]
        if latencies
        else float("nan"),
        "flow_updates_per_s": sent / seconds,
        "flow_cpu_pct": cpu,
    }


async def run_case(widget: str, n: int, quick: bool, gc_freeze: bool = False) -> dict[str, float]:
    rows = [pod_row(i) for i in range(n)]
    app = BenchApp(widget)
    out: dict[str, float] = {}
    slow = widget == "datatable" and n > 10_000 and quick  # its 50k filter pieces take > 30 s
    async with app.run_test(size=(200, 50)):
        await quiet(app)
        base = rss_mb()
        out["first_paint_ms"] = await timed(app, lambda: app.load(rows))
        out["rss_added_mb"] = rss_mb() - base
        if gc_freeze:  # what an app gets by freezing after loading (no full-GC pauses later)
            gc.freeze()
        if not slow:
            app.query_one(Input).focus()
            await quiet(app)  # the table repaints its cursor as it loses focus
            per_key = []
            for i, ch in enumerate(FILTER):
                typed = FILTER[: i + 1]
                done = lambda typed=typed: app.applied_filter == typed  # noqa: E731
                per_key.append(await timed(app, lambda ch=ch: press(app, ch), done))
            out["filter_key_ms_p95"] = max(per_key)  # of 6 keys: the worst
            out["filter_key_ms_p50"] = statistics.median(per_key)
            out["filter_first_key_ms"] = per_key[0]
            out["filter_clear_ms"] = await timed(
                app,
                lambda: setattr(app.query_one(Input), "value", ""),
                lambda: app.applied_filter == "",
            )
        out["sort_ms"] = await timed(app, app.sort)
        changed = [pod_row(i, "Error") for i in random.Random(3).sample(range(n), 1000)]
        out["update_1000_ms"] = await timed(app, lambda: app.update(changed))
        if widget == "table":
            app.query_one(ResourceTable).focus()
        else:
            app.query_one(DataTable).focus()
        await quiet(app)
        out.update(await key_to_paint_under_flow(app, n, 3.0 if quick else 8.0))
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widget", choices=["table", "datatable"], required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--gc-freeze", action="store_true")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run_case(args.widget, args.rows, args.quick, args.gc_freeze))))


if __name__ == "__main__":
    main()
