"""The log view with 1,000,000 lines of ~120 characters: `python -m bench._tui_logs [--quick]`.

ktui's LogView (bytes in a temp file + line offsets, rendering only visible rows) against
Textual's `Log` widget (the reference, measured in the same run), each in a process of its
own so RSS is the widget's own (ktui's three times, the median shown), headless at 200x50:

- open: feeding every line to the widget (in batches of 50,000, as a stream's batches
  would arrive; making the lines is not timed) → the first screen update showing them;
- end / home: the key (ktui's, never animated) or, for `Log`, `scroll_end/home(animate=
  False)` (its keys animate for a second) → the screen update;
- search: the lines holding a term that 100 lines hold, case-insensitive: ktui's
  `LogStore.search`, and from `LogView.search()` to the repaint showing the first match
  (the search runs in a thread); `Log` has no search: an app would scan `log.lines`;
- CPU while following 1,000 lines/s delivered in 100 ms batches (3 s);
- RSS added by the lines, after they are fed and the batches dropped.

Screen updates are timed by hooking `App._display` (which also renders the update as a
terminal write would): `pilot.pause()` sleeps at least 20 ms. With --quick the `Log`
reference gets 200,000 lines instead of 1,000,000 (its figures then scale roughly
linearly). `run(quick)` returns the figures for bench/tui.py; alone, this prints a table
and a `RESULT subject=tui_logs ...` line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Log

from ktui.widgets.log_view import LogView

LINES = 1_000_000
QUICK_REFERENCE_LINES = 200_000
BATCH = 50_000
FOLLOW_SECONDS = 3.0
REPEATS = 3  # ktui's case runs this many times, each figure's median is reported
TERM = "kube-probe/9.99"  # on every 10,000th line: 100 hits in a million
TARGETS = {"logs_open_ms": 500.0, "logs_end_ms": 50.0, "logs_rss_mb": 50.0}
WORDS = ["GET", "POST", "PUT", "/api/v1/pods", "/healthz", "/readyz"]
WORDS += ["200", "201", "404", "500", "ok", "retry", "cache"]


def make_lines(start: int, count: int) -> list[str]:
    """Lines like an access log, ~120 characters each, TERM on every 10,000th."""
    lines = []
    for i in range(start, start + count):
        agent = TERM if i % 10_000 == 5_000 else "Go-http-client/1.1"
        line = (
            f"2024-05-01T12:{i // 60000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z INFO "
            f"{WORDS[i % 3]} {WORDS[3 + i % 3]} status={WORDS[6 + i % 4]} bytes={i * 7 % 9999} "
            f"agent={agent} req={i:08d} {WORDS[10 + i % 3]}"
        )
        lines.append(line.ljust(120, "."))
    return lines


def batches(total: int) -> Iterator[list[str]]:
    for start in range(0, total, BATCH):
        yield make_lines(start, min(BATCH, total - start))


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


class PaintedLogView(LogView):
    searched_at = 0.0  # when the search thread's results reached the view

    def render_lines(self, crop: Region) -> list[Strip]:
        self.app.log_rendered = True  # type: ignore[attr-defined]
        return super().render_lines(crop)

    def _search_done(self, *args: Any) -> None:
        super()._search_done(*args)
        self.searched_at = time.perf_counter()


class PaintedLog(Log):
    def render_lines(self, crop: Region) -> list[Strip]:
        self.app.log_rendered = True  # type: ignore[attr-defined]
        return super().render_lines(crop)


class BenchApp(App):
    def __init__(self, widget: str) -> None:
        super().__init__()
        self.widget = widget
        self.log_rendered = False
        self.log_updates: list[float] = []  # perf_counter of updates that drew log lines

    def compose(self) -> ComposeResult:
        yield PaintedLogView() if self.widget == "ktui" else PaintedLog()

    def _display(self, screen: Any, renderable: Any) -> None:
        super()._display(screen, renderable)
        if renderable is not None:
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(self.console)  # what a terminal write costs
            if self.log_rendered:
                self.log_updates.append(time.perf_counter())
                self.log_rendered = False


async def painted_after(
    pilot: Any, app: BenchApp, start: float, ready: Callable[[], float] | None = None
) -> float:
    """Milliseconds from `start` to the first screen update drawing log lines after the
    time `ready()` returns (once non-zero; default: `start`). Updates are timestamped by
    the hook, not by this loop."""
    for _ in range(3000):
        await pilot.pause(0.005)
        after = ready() if ready is not None else start
        if after:
            painted = [t for t in app.log_updates if t > after]
            if painted:
                return (painted[0] - start) * 1000
    raise TimeoutError("no repaint")


async def measure(widget: str, total: int) -> dict[str, float]:
    app = BenchApp(widget)
    figures: dict[str, float] = {}
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause(0.2)
        gc.collect()
        base = rss_mb()
        view = app.query_one(PaintedLogView if widget == "ktui" else PaintedLog)
        feed = view.append if isinstance(view, LogView) else view.write_lines
        fed = fed_cpu = 0.0
        for batch in batches(total):
            start, cpu = time.perf_counter(), time.process_time()
            feed(batch)
            fed += time.perf_counter() - start
            fed_cpu += time.process_time() - cpu
        del batch
        start = time.perf_counter()
        tail = await painted_after(pilot, app, start)
        figures["open_ms"] = fed * 1000 + tail
        figures["feed_cpu_ms"] = fed_cpu * 1000  # the feeding's share, in CPU time

        if isinstance(view, LogView):
            await pilot.press("home")
            await pilot.pause(0.1)
            start = time.perf_counter()
            await pilot.press("end")
            figures["end_ms"] = await painted_after(pilot, app, start)
            start = time.perf_counter()
            await pilot.press("home")
            figures["home_ms"] = await painted_after(pilot, app, start)
            start = time.perf_counter()
            hits = view.store.search(TERM)
            figures["search_ms"] = (time.perf_counter() - start) * 1000
            figures["search_hits"] = len(hits)
            await pilot.pause(0.1)
            start = time.perf_counter()
            view.search(TERM)
            figures["search_paint_ms"] = await painted_after(
                pilot, app, start, lambda: view.searched_at
            )
            assert view.match_count == len(hits) and view.current_match == 1
        else:
            view.scroll_home(animate=False)
            await pilot.pause(0.1)
            start = time.perf_counter()
            view.scroll_end(animate=False, immediate=True)
            figures["end_ms"] = await painted_after(pilot, app, start)
            start = time.perf_counter()
            view.scroll_home(animate=False, immediate=True)
            figures["home_ms"] = await painted_after(pilot, app, start)
            start = time.perf_counter()
            term = TERM.lower()
            hits = [i for i, line in enumerate(view.lines) if term in line.lower()]
            figures["search_ms"] = (time.perf_counter() - start) * 1000
            figures["search_hits"] = len(hits)
        await app.workers.wait_for_complete()  # Log measures line widths in workers
        figures["follow_cpu_pct"] = await follow_cpu(pilot, view, total)
        await app.workers.wait_for_complete()
        gc.collect()
        figures["rss_added_mb"] = rss_mb() - base
        figures["lines"] = total
    return figures


async def follow_cpu(pilot: Any, view: LogView | Log, total: int) -> float:
    """CPU % of the process while 1,000 lines/s arrive in 100 ms batches, following the
    tail (batches fed by elapsed time: timers skip missed ticks)."""
    if isinstance(view, LogView):
        view.follow(True)
    else:
        view.scroll_end(animate=False)
    next_line, seconds = total, FOLLOW_SECONDS
    start, cpu = time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        due = total + int(elapsed * 1000)
        if due > next_line:
            lines = make_lines(next_line, due - next_line)
            view.append(lines) if isinstance(view, LogView) else view.write_lines(lines)
            next_line = due
        await pilot.pause(0.1)
    return (time.process_time() - cpu) / (time.perf_counter() - start) * 100


def run_case(widget: str, total: int) -> dict[str, float]:
    command = [sys.executable, "-m", "bench._tui_logs", "--case", widget, "--lines", str(total)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def run(quick: bool) -> dict[str, float]:
    """Figures for bench/tui.py: `logs_*` (ktui) and `log_widget_*` (Textual's Log)."""
    runs = [run_case("ktui", LINES) for _ in range(REPEATS)]
    ours = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    theirs = run_case("log", QUICK_REFERENCE_LINES if quick else LINES)
    figures = {
        "logs_open_ms": ours["open_ms"],
        "logs_end_ms": ours["end_ms"],
        "logs_home_ms": ours["home_ms"],
        "logs_search_ms": ours["search_ms"],
        "logs_search_paint_ms": ours["search_paint_ms"],
        "logs_rss_mb": ours["rss_added_mb"],
        "logs_feed_cpu_ms": ours["feed_cpu_ms"],
        "logs_follow_cpu_pct": ours["follow_cpu_pct"],
        "log_widget_lines": theirs["lines"],
        "log_widget_open_ms": theirs["open_ms"],
        "log_widget_end_ms": theirs["end_ms"],
        "log_widget_search_ms": theirs["search_ms"],
        "log_widget_rss_mb": theirs["rss_added_mb"],
        "log_widget_follow_cpu_pct": theirs["follow_cpu_pct"],
    }
    print_table(ours, theirs)
    return figures


def print_table(ours: dict[str, float], theirs: dict[str, float]) -> None:
    print(
        f"\nLog view: ktui LogView {ours['lines']:,.0f} lines vs Textual Log {theirs['lines']:,.0f}"
    )
    rows = [
        ("open_ms", "feed every line → first paint (ms)"),
        ("feed_cpu_ms", "  of which feeding, CPU time (ms)"),
        ("end_ms", "jump to the end → paint (ms)"),
        ("home_ms", "jump to the top → paint (ms)"),
        ("search_ms", "search, 100 hits per 1M lines (ms)"),
        ("search_paint_ms", "search → first match painted (ms)"),
        ("search_hits", "lines found"),
        ("follow_cpu_pct", "CPU following 1,000 lines/s (%)"),
        ("rss_added_mb", "RSS added (MB)"),
    ]
    print(f"  {'':40} {'LogView':>10} {'Log':>10}")
    for key, label in rows:
        mine, ref = ours.get(key), theirs.get(key)
        print(f"  {label:40} {_fmt(mine):>10} {_fmt(ref):>10}")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the Log reference on 200k lines")
    parser.add_argument("--case", choices=("ktui", "log"), help=argparse.SUPPRESS)
    parser.add_argument("--lines", type=int, default=LINES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:  # one measurement, in this process of its own
        print(json.dumps(asyncio.run(measure(args.case, args.lines))))
        return 0
    figures = run(args.quick)
    print("\nTargets:")
    for key, limit in TARGETS.items():
        verdict = "ok" if figures[key] < limit else "MISSED"
        print(f"  {key:16} {figures[key]:>8.1f}  < {limit:g}  {verdict}")
    parts = " ".join(f"{key}={value:.1f}" for key, value in figures.items())
    passed = sum(figures[key] < limit for key, limit in TARGETS.items())
    print(f"RESULT subject=tui_logs {parts} targets_passed={passed}/{len(TARGETS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
