"""SVG snapshots of the main screens, against an engine seeded with fixed objects.

Ages are the one thing that moves: the tables' clock is set 400 days ahead, so every AGE
reads "400d" whatever second the objects were created in.
Update after an intended change: `pytest tests/tui/snapshots --snapshot-update`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from engine.cluster import Cluster
from ktui.app import KtuiApp
from ktui.tui import connect_session

from ..app.pilot import browser, until

LAB = Path(__file__).parent / "lab"
SIZE = (130, 32)


@pytest.fixture(scope="module")
def snapshot_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = Cluster(tmp_path_factory.mktemp("snap-lab"), cluster_dir=LAB, port=0)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def app(snapshot_engine: Cluster, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> KtuiApp:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no user settings
    session = connect_session(snapshot_engine.kubeconfig_path, None, readonly=False)
    session.config.namespace = "snap"
    session.server_version = "v1.32.4-ktui"
    return KtuiApp(session)


async def ready(pilot: Pilot, rows: int) -> None:
    screen = await browser(pilot)
    await until(pilot, lambda: screen.view.table.row_count == rows)
    await until(pilot, lambda: pilot.app.session.user)
    freeze_ages(pilot)


def freeze_ages(pilot: Pilot) -> None:
    later = time.time() + 400 * 86400
    for table in pilot.app.screen.query("ResourceTable"):
        table.model.clock = lambda: later
        table.refresh()


def test_pods_view(app: KtuiApp, snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot, 3)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_filtered_pods_view(app: KtuiApp, snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot, 3)
        await pilot.press("slash", *"web")
        await until(pilot, lambda: pilot.app.screen.view.table.visible_count == 2)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_deployments_then_drill_into_pods(app: KtuiApp, snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot, 3)
        await pilot.press("colon", *"deploy", "enter")
        await until(pilot, lambda: pilot.app.screen.view.state.resource.kind == "Deployment")
        await until(pilot, lambda: pilot.app.screen.view.table.row_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen.view.state.label_selector == "app=web")
        await until(pilot, lambda: pilot.app.screen.view.table.row_count == 2)
        freeze_ages(pilot)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_containers_of_a_pod(app: KtuiApp, snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot, 3)
        await pilot.press("slash", *"abcde", "enter")
        await until(pilot, lambda: pilot.app.screen.view.table.visible_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen.view.table.row_count == 2)
        freeze_ages(pilot)
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help_screen(app: KtuiApp, snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await ready(pilot, 3)
        await pilot.press("question_mark")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")
        await pilot.pause(0.2)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
