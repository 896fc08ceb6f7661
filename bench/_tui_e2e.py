"""The whole app against a real engine: `python -m bench._tui_e2e [--pods 10000] [--quick]`.

1. `ktui serve` starts in its own process (HTTPS on loopback) and is filled with N pods
   in 20 namespaces through the API.
2. The app starts in a process of its own (headless, 200x50, `-A`: pods of every
   namespace) the way `ktui -A --kubeconfig F` does (the first LIST sent before the app
   is imported, ktui.first_list): time from spawning that process to the first screen
   update that shows the complete table (Python start, imports, connect, discovery, paged
   Table LIST, paint); on the way, when the UI is up and when the table holds every row.
3. A filter typed key by key: key → the screen update with the filtered rows.
4. 1,000 pod updates/s flow in from the engine (label patches from this process, real
   watch events) while the cursor is moved: key → the screen update showing it, p50/p95.
5. Peak RSS of the app process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

NAMESPACES = 20
FLOW_RATE = 1000  # pod updates per second during the key-to-paint measurement


# -- the parent: engine, pods, updates ------------------------------------------------


def start_engine(data: Path) -> tuple[subprocess.Popen[str], Path]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "ktui", "serve", "--data", str(data), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("kubeconfig:"):
            return proc, Path(line.split(":", 1)[1].strip())
    raise RuntimeError("the engine did not start")


def pod(i: int) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"pod-{i}", "labels": {"app": f"app-{i % 50}", "gen": "0"}},
        "spec": {"containers": [{"name": "main", "image": "nginx:1.27"}]},
    }


async def populate(kubeconfig: Path, n: int) -> None:
    from ktui.client import connect

    async with await connect(kubeconfig) as client:
        namespaces = await client.resource("namespaces")
        for k in range(NAMESPACES):
            await namespaces.create({"metadata": {"name": f"bench-{k}"}})
        pods = await client.resource("pods")
        queue = iter(range(n))

        async def worker() -> None:
            for i in queue:
                await pods.create(pod(i), f"bench-{i % NAMESPACES}")

        await asyncio.gather(*(worker() for _ in range(32)))


async def flow(kubeconfig: Path, n: int, stop: asyncio.Event) -> float:
    """Patch pod labels at FLOW_RATE/s until `stop`; returns the rate reached."""
    from ktui.client import connect

    async with await connect(kubeconfig) as client:
        pods = await client.resource("pods")
        sent, begin = 0, time.perf_counter()

        async def patch(i: int) -> None:
            body = {"metadata": {"labels": {"gen": str(sent)}}}
            await pods.patch(f"pod-{i}", body, f"bench-{i % NAMESPACES}", patch_type="merge")

        while not stop.is_set():
            due = int((time.perf_counter() - begin) * FLOW_RATE) - sent
            if due > 0:
                batch = [(sent + j) * 7919 % n for j in range(min(due, 200))]
                await asyncio.gather(*(patch(i) for i in batch), return_exceptions=True)
                sent += len(batch)
            else:
                await asyncio.sleep(0.01)
        return sent / (time.perf_counter() - begin)


async def drive_child(kubeconfig: Path, n: int, quick: bool) -> dict[str, float]:
    t0 = time.time()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench._tui_e2e",
        "--child",
        "--kubeconfig",
        str(kubeconfig),
        "--pods",
        str(n),
        "--t0",
        repr(t0),
        *(["--quick"] if quick else []),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None and child.stdin is not None
    stop = asyncio.Event()
    flowing: asyncio.Task[float] | None = None
    result: dict[str, float] = {}
    async for raw in child.stdout:
        line = raw.decode().strip()
        if line == "flow":
            flowing = asyncio.create_task(flow(kubeconfig, n, stop))
            await asyncio.sleep(1.0)  # the flow reaches its rate before keys are timed
            child.stdin.write(b"go\n")
            await child.stdin.drain()
        elif line.startswith("{"):
            result = json.loads(line)
    await child.wait()
    stop.set()
    if flowing is not None:
        result["flow_updates_per_s"] = await flowing
    return result


def run(quick: bool, sizes: tuple[int, ...] = (10_000, 50_000)) -> dict[str, float]:
    figures: dict[str, float] = {}
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="ktui-bench-e2e-") as tmp:
            engine, kubeconfig = start_engine(Path(tmp) / "data")
            try:
                began = time.perf_counter()
                asyncio.run(populate(kubeconfig, n))
                print(f"  {n:,} pods created in {time.perf_counter() - began:.1f} s", flush=True)
                result = asyncio.run(drive_child(kubeconfig, n, quick))
            finally:
                engine.terminate()
                engine.wait(timeout=30)
        suffix = f"_{n // 1000}k"
        for key, value in result.items():
            figures[f"app_{key}{suffix}"] = value
        print(f"  {n:,} pods: " + ", ".join(f"{k}={v:.1f}" for k, v in result.items()), flush=True)
    return figures


# -- the child: the app itself ----------------------------------------------------------


async def child_main(kubeconfig: Path, n: int, t0: float, quick: bool) -> dict[str, float]:
    from textual import events

    from ktui.app import KtuiApp
    from ktui.screens.browser import BrowserScreen
    from ktui.tui import connect_session

    updates: list[float] = []

    class TimedApp(KtuiApp):
        def _display(self, screen: Any, renderable: Any) -> None:
            super()._display(screen, renderable)
            if renderable is not None:
                updates.append(time.time())

    session = connect_session(kubeconfig, None, readonly=True)
    app = TimedApp(session, all_namespaces=True)
    out: dict[str, float] = {}
    async with app.run_test(size=(200, 50)):

        async def until(predicate: Any, limit: float = 120.0) -> None:
            deadline = time.time() + limit
            while not predicate():
                if time.time() > deadline:
                    raise TimeoutError("the app did not get there")
                await asyncio.sleep(0.002)

        async def painted_after(moment: float) -> float:
            await until(lambda: updates and updates[-1] > moment)
            return next(t for t in updates if t > moment)

        await until(
            lambda: isinstance(app.screen, BrowserScreen) and app.screen.query("ResourceView")
        )
        out["ui_up_ms"] = (time.time() - t0) * 1000  # where the time goes: UI, rows, paint
        browser = app.screen
        assert isinstance(browser, BrowserScreen)
        await until(lambda: browser.view.table.row_count >= n)
        complete = time.time()
        out["all_rows_ms"] = (complete - t0) * 1000
        out["first_table_ms"] = (await painted_after(complete) - t0) * 1000
        await asyncio.sleep(0.5)

        # A filter typed key by key ("pod-12": every key narrows).
        app.post_message(events.Key("slash", "/"))
        await asyncio.sleep(0.3)
        keys = []
        for char in "pod-12":
            seen = browser.view.table.visible_count
            start = time.time()
            app.post_message(events.Key(char if char != "-" else "minus", char))
            await until(
                lambda seen=seen, char=char: (
                    browser.view.table.visible_count != seen or char in "pod-"
                )
            )
            keys.append((await painted_after(start) - start) * 1000)
            await asyncio.sleep(0.15)
        out["filter_key_ms_p50"] = statistics.median(keys)
        out["filter_key_ms_max"] = max(keys)
        app.post_message(events.Key("enter", None))
        app.post_message(events.Key("escape", None))
        await until(lambda: browser.view.table.visible_count == browser.view.table.row_count)
        await asyncio.sleep(0.5)

        # Key → paint with 1,000 updates/s flowing in from the engine.
        print("flow", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        latencies = []
        key, stop = "down", time.time() + (4 if quick else 10)
        while time.time() < stop:
            await asyncio.sleep(0.1 + (len(latencies) % 5) * 0.02)
            before = browser.view.table.cursor_position
            start = time.time()
            app.post_message(events.Key(key, None))
            await until(lambda before=before: browser.view.table.cursor_position != before, 10)
            latencies.append((await painted_after(start) - start) * 1000)
            key = "up" if key == "down" else "down"
        latencies.sort()
        out["key_to_paint_p50_ms"] = statistics.median(latencies)
        out["key_to_paint_p95_ms"] = latencies[int(0.95 * (len(latencies) - 1))]
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        app.exit()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--kubeconfig", type=Path)
    parser.add_argument("--pods", type=int, default=0)
    parser.add_argument("--t0", type=float, default=0.0)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp())  # no user config
        # As `ktui -A --kubeconfig F` starts: the first LIST leaves before the app's imports.
        from ktui.cli import start_first_list

        start_first_list(args.kubeconfig, None, all_namespaces=True)
        result = asyncio.run(child_main(args.kubeconfig, args.pods, args.t0, args.quick))
        print(json.dumps(result), flush=True)
        return 0
    sizes = (args.pods,) if args.pods else (10_000,) if args.quick else (10_000, 50_000)
    figures = run(args.quick, sizes)
    print("RESULT subject=tui_e2e " + " ".join(f"{k}={v:.1f}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
