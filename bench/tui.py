"""Benchmark the TUI: `python -m bench.tui [--quick]`.

Sections (each a function `(quick) -> {figure: value}`, run in order; add more to SECTIONS):

1. table: ktui's ResourceTable against Textual's DataTable (the reference, in the same run)
   with 10,000 and 50,000 synthetic pods (kubectl's `get pods -A -o wide` columns), headless
   at 200x50, each case in a process of its own (bench/_tui_table.py; ktui's three times,
   the median shown): first complete paint, each keystroke of a filter typed into an
   Input, clearing it, a sort, 1,000 row updates, and key-press → repaint p50/p95 while
   1,000 row updates/s arrive in 100 ms batches; RSS added by the rows and peak RSS.
   DataTable has no filter: it is cleared and refilled per keystroke, as an app would
   have to. With --quick the DataTable 50k filter pieces (over 30 s) are skipped and the
   update flow lasts 3 s instead of 8 s.
2. e2e: the whole app in its own process against `ktui serve` holding 10k/50k pods
   (bench/_tui_e2e.py), started as `ktui -A --kubeconfig F` starts (the first LIST sent
   before the app is imported): spawn → complete first table, filter keys, key → paint
   while 1,000 real pod updates/s flow from the engine, peak RSS.
3. logs: `bench/_tui_logs.py`'s `run(quick)` when that module exists.

Targets (issue 5): 50,000 pods painted < 1 s; a filter keystroke repainted < 50 ms;
key → repaint p95 < 50 ms with 1,000 updates/s flowing; RSS < 300 MB. The machine may be
shared and noisy: the DataTable ratio, measured in the same run, is the steadier figure.
The last line is `RESULT subject=tui ...`.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import statistics
import subprocess
import sys
from collections.abc import Callable

SIZES = (10_000, 50_000)
TARGETS = {  # figure: (limit, unit)
    "table_first_paint_ms_50k": (1000, "ms"),
    "filter_key_ms_p95_50k": (50, "ms"),
    "key_to_paint_p95_ms_50k": (50, "ms"),
    "rss_mb": (300, "MB"),
}
ROWS = [  # (figure, label) in the order printed
    ("first_paint_ms", "first complete paint (ms)"),
    ("filter_first_key_ms", "filter: first keystroke (ms)"),
    ("filter_key_ms_p50", "filter: keystroke p50 (ms)"),
    ("filter_key_ms_p95", "filter: keystroke worst of 6 (ms)"),
    ("filter_clear_ms", "clear the filter (ms)"),
    ("sort_ms", "sort by STATUS (ms)"),
    ("update_1000_ms", "1,000 row updates → repaint (ms)"),
    ("key_to_paint_p50_ms", "key → repaint p50, 1,000 upd/s (ms)"),
    ("key_to_paint_p95_ms", "key → repaint p95, 1,000 upd/s (ms)"),
    ("flow_cpu_pct", "CPU during the update flow (%)"),
    ("rss_added_mb", "RSS added by the rows (MB)"),
    ("peak_rss_mb", "peak RSS of the process (MB)"),
]


GC_FREEZE = False  # set by --gc-freeze
REPEATS = {"table": 3, "datatable": 1}


def run_case(widget: str, rows: int, quick: bool) -> dict[str, float]:
    """ktui's cases three times (the median of each figure: the machine may be noisy),
    DataTable's once (it takes minutes, and is slower by far more than the noise)."""
    runs = [r for r in (run_once(widget, rows, quick) for _ in range(REPEATS[widget])) if r]
    if not runs:
        return {}
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def run_once(widget: str, rows: int, quick: bool) -> dict[str, float]:
    command = [sys.executable, "-m", "bench._tui_table", "--widget", widget, "--rows", str(rows)]
    if quick:
        command.append("--quick")
    if GC_FREEZE:
        command.append("--gc-freeze")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    except subprocess.TimeoutExpired:
        print(f"  {widget} {rows}: timed out", file=sys.stderr)
        return {}
    if done.returncode != 0 or not done.stdout.strip():
        print(f"  {widget} {rows}: failed\n{done.stderr[-2000:]}", file=sys.stderr)
        return {}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _fmt(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table_section(quick: bool) -> dict[str, float]:
    cases: dict[tuple[str, int], dict[str, float]] = {}
    for rows in SIZES:
        for widget in ("table", "datatable"):
            print(f"  running {widget} with {rows:,} rows...", file=sys.stderr, flush=True)
            cases[widget, rows] = run_case(widget, rows, quick)
    header = f"{'':38}" + "".join(
        f"{label:>12}"
        for n in SIZES
        for label in (f"ktui {n // 1000}k", f"DataTbl {n // 1000}k", "ratio")
    )
    print("\nResource table (ResourceTable vs Textual DataTable, same run)")
    print(header)
    for key, label in ROWS:
        cells = []
        for n in SIZES:
            ours, theirs = cases["table", n].get(key), cases["datatable", n].get(key)
            ratio = theirs / ours if ours and theirs and "pct" not in key else None
            cells += [_fmt(ours), _fmt(theirs), f"{ratio:.1f}x" if ratio else "-"]
        print(f"{label:38}" + "".join(f"{c:>12}" for c in cells))
    out: dict[str, float] = {}
    for (widget, n), figures in cases.items():
        for key, value in figures.items():
            if widget == "datatable":
                name = f"datatable_{key}"
            else:
                name = "table_first_paint_ms" if key == "first_paint_ms" else key
            out[f"{name}_{n // 1000}k"] = value
        if widget == "table" and n == max(SIZES) and "peak_rss_mb" in figures:
            out["rss_mb"] = figures["peak_rss_mb"]
    for n in SIZES:
        ours, theirs = (
            cases["table", n].get("first_paint_ms"),
            cases["datatable", n].get("first_paint_ms"),
        )
        if ours and theirs:
            out[f"first_paint_ratio_{n // 1000}k"] = theirs / ours
        ours, theirs = (cases[w, n].get("key_to_paint_p95_ms") for w in ("table", "datatable"))
        if ours and theirs:
            out[f"key_to_paint_p95_ratio_{n // 1000}k"] = theirs / ours
    return out


def e2e_section(quick: bool) -> dict[str, float]:
    """The whole app against `ktui serve` holding 10k (and, without --quick, 50k) pods:
    spawn → complete first table, filter keys, key → paint under 1,000 real updates/s
    (bench/_tui_e2e.py)."""
    from bench._tui_e2e import run

    return run(quick, (10_000,) if quick else (10_000, 50_000))


def logs_section(quick: bool) -> dict[str, float]:
    """The log view's figures, from another helper's bench/_tui_logs.py when present."""
    if importlib.util.find_spec("bench._tui_logs") is None:
        return {}
    module = importlib.import_module("bench._tui_logs")
    return dict(module.run(quick))


SECTIONS: list[tuple[str, Callable[[bool], dict[str, float]]]] = [
    ("table", table_section),
    ("e2e", e2e_section),
    ("logs", logs_section),
]


def result_line(figures: dict[str, float]) -> str:
    passed = sum(1 for key, (limit, _) in TARGETS.items() if figures.get(key, math.inf) < limit)
    parts = [f"{k}={v:.1f}" for k, v in figures.items() if not math.isnan(v)]
    return f"RESULT subject=tui {' '.join(parts)} targets_passed={passed}/{len(TARGETS)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, skip >30 s pieces")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after loading the rows in both widgets, as an app may do: a full "
        "collection walks every row held (70+ ms at 10k rows) and can land on a keystroke",
    )
    args = parser.parse_args(argv)
    global GC_FREEZE
    GC_FREEZE = args.gc_freeze
    figures: dict[str, float] = {}
    for name, section in SECTIONS:
        try:
            figures.update(section(args.quick))
        except Exception as error:  # one broken section must not hide the others' figures
            print(f"section {name} failed: {error!r}", file=sys.stderr)
    print("\nTargets:")
    for key, (limit, unit) in TARGETS.items():
        value = figures.get(key)
        verdict = "n/a" if value is None else ("ok" if value < limit else "MISSED")
        print(f"  {key:28} {_fmt(value):>8} {unit}  < {limit} {unit}  {verdict}")
    print(result_line(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
