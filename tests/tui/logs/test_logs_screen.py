"""LogsScreen as a user drives it: lines from an injected source (so each test sends
exactly the lines it needs), keys, what the view shows; and the engine's refusals shown
as messages. Real containers' logs: tests/tui/streams/test_logs.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from rich.style import Style
from textual.pilot import Pilot

from ktui.client import Forbidden
from ktui.refs import ObjectRef
from ktui.screens.logs import ContainerPicker, LogsScreen
from ktui.session import Session
from ktui.widgets.log_view import LogView
from tests.tui.harness import Harness

from ..conftest import pod
from .conftest import FakeLogs, until


def numbered(count: int, start: int = 0, needle_every: int = 0) -> list[str]:
    lines = []
    for i in range(start, start + count):
        mark = " needle" if needle_every and i % needle_every == 0 else ""
        lines.append(f"line {i:04d}{mark}")
    return lines


@asynccontextmanager
async def open_logs(
    session: Session,
    pod_ref: ObjectRef,
    logs: FakeLogs,
    size: tuple[int, int] = (100, 30),
    **options,
) -> AsyncIterator[tuple[Harness, Pilot]]:
    """The logs screen of `pod_ref` fed by `logs`, once it has asked for its stream."""
    app = Harness(session, lambda: LogsScreen(session, pod_ref, source=logs, **options))
    async with app.run_test(size=size) as pilot:
        await until(pilot, lambda: bool(logs.calls))
        yield app, pilot


def status(app: Harness) -> str:
    return str(app.screen.query_one("#logs-status").render())


def view_of(app: Harness) -> LogView:
    return app.screen.query_one(LogView)


def shown(app: Harness) -> list[str]:
    return [row for row in view_of(app).visible_text() if row]


async def test_lines_from_the_stream_appear_in_order(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs, container="main") as (app, pilot):
        logs.send("first", "second", "third")
        await until(pilot, lambda: view_of(app).line_count == 3)
        assert shown(app) == ["first", "second", "third"]
        await until(pilot, lambda: "3 lines" in status(app))
        assert "main" in status(app)
        options = logs.calls[0]
        assert options["container"] == "main" and options["follow"] is True
        assert options["tail_lines"] == session.config.logs.tail
        assert options["timestamps"] is False and options["previous"] is False


async def test_follow_keeps_the_last_line_visible_as_lines_arrive(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs) as (app, pilot):
        for batch in range(5):
            logs.send(*numbered(100, start=batch * 100))
            count = (batch + 1) * 100
            await until(pilot, lambda count=count: view_of(app).line_count == count)
            await pilot.pause()
            assert shown(app)[-1] == f"line {count - 1:04d}"
        assert view_of(app).following
        assert "following" in status(app)


async def test_scrolling_up_stops_following_and_end_resumes(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs) as (app, pilot):
        logs.send(*numbered(200))
        await until(pilot, lambda: view_of(app).line_count == 200)
        await pilot.press("pageup")
        view = view_of(app)
        assert not view.following
        await until(pilot, lambda: view.scroll_y == view.scroll_target_y < view.max_scroll_y)
        before = shown(app)
        assert before[-1] != "line 0199"
        logs.send(*numbered(50, start=200))
        await until(pilot, lambda: view_of(app).line_count == 250)
        await pilot.pause()
        assert shown(app) == before  # the view stays where the user put it
        assert "paused" in status(app)
        await pilot.press("end")
        await pilot.pause()
        assert view_of(app).following and shown(app)[-1] == "line 0249"
        await pilot.press("home")
        await pilot.pause()
        assert shown(app)[0] == "line 0000" and not view_of(app).following
        await pilot.press("f")
        await pilot.pause()
        assert view_of(app).following and shown(app)[-1] == "line 0249"


async def test_search_highlights_matches_and_n_moves_between_them(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs) as (app, pilot):
        logs.send(*numbered(300, needle_every=100))  # needles on lines 0, 100, 200
        await until(pilot, lambda: view_of(app).line_count == 300)
        await pilot.press("home", "slash", *"NEEDLE", "enter")
        await pilot.pause()
        view = view_of(app)
        assert "1/3 matches" in status(app)
        assert "line 0000 needle" in shown(app)
        await pilot.press("n")
        await pilot.pause()
        assert "2/3 matches" in status(app)
        rows = shown(app)
        assert "line 0100 needle" in rows and "line 0000 needle" not in rows
        # the match is drawn in the match style, the rest of the line is not
        y = view.visible_text().index("line 0100 needle")
        match = view.get_component_rich_style("log-view--match")
        segments = [s for s in view.render_line(y) if s.text.strip()]
        styled = {s.text: (s.style or Style()).bgcolor for s in segments}
        assert styled["needle"] == match.bgcolor
        assert styled.get("line 0100 ") != match.bgcolor
        await pilot.press("n")
        await pilot.pause()
        assert "3/3 matches" in status(app) and "line 0200 needle" in shown(app)
        await pilot.press("n")  # wraps around
        await pilot.pause()
        assert "1/3 matches" in status(app)
        await pilot.press("N")
        await pilot.pause()
        assert "3/3 matches" in status(app)
        logs.send("a new needle arrives")  # matches follow the stream
        await until(pilot, lambda: "3/4 matches" in status(app))


async def test_context_filter_shows_only_matching_lines_with_context(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs) as (app, pilot):
        logs.send(*numbered(300, needle_every=100))
        await until(pilot, lambda: view_of(app).line_count == 300)
        await pilot.press("slash", *"needle", "enter", "c")
        await pilot.pause()
        assert "only matching lines (with 0 lines of context)" in status(app)
        rows = shown(app)
        assert [r for r in rows if r.startswith("line")] == [
            "line 0000 needle",
            "line 0100 needle",
            "line 0200 needle",
        ]
        assert len(rows) == 5  # two separators between the three runs
        await pilot.press("c")
        await pilot.pause()
        rows = [r for r in shown(app) if r.startswith("line")]
        assert rows == [
            *["line 0000 needle", "line 0001", "line 0002"],
            *["line 0098", "line 0099", "line 0100 needle", "line 0101", "line 0102"],
            *["line 0198", "line 0199", "line 0200 needle", "line 0201", "line 0202"],
        ]
        logs.send("line 0300 needle", "line 0301", "line 0302", "line 0303")
        await until(pilot, lambda: view_of(app).line_count == 304)
        await pilot.pause()
        rows = [r for r in shown(app) if r.startswith("line")]
        assert rows[-3:] == ["line 0300 needle", "line 0301", "line 0302"]
        await pilot.press("c", "c")  # 5, then off
        await pilot.pause()
        assert "only matching" not in status(app)
        assert len(shown(app)) == view_of(app).scrollable_content_region.height


async def test_wrap_shows_a_long_line_on_several_rows(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs, size=(60, 20)) as (app, pilot):
        long = "".join(f"{i:03d}-" for i in range(40))  # 160 characters
        logs.send("short", long, "after")
        await until(pilot, lambda: view_of(app).line_count == 3)
        await pilot.pause()
        width = view_of(app).scrollable_content_region.width
        assert shown(app) == ["short", long[:width], "after"]
        await pilot.press("w")
        await pilot.pause()
        rows = shown(app)
        assert rows[0] == "short" and rows[-1] == "after"
        assert "".join(rows[1:-1]) == long and len(rows) == 2 + -(-len(long) // width)
        assert "wrap" in status(app)
        # following with wrap on: new lines still show at the bottom
        logs.send(*numbered(40))
        await until(pilot, lambda: view_of(app).line_count == 43)
        await pilot.pause()
        assert shown(app)[-1] == "line 0039"


async def test_save_writes_exactly_the_lines(
    session: Session,
    pod_ref: ObjectRef,
    logs: FakeLogs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_DOWNLOAD_DIR", str(tmp_path))
    lines = ["plain", "ünïcode ✓", "", "\tindented", "last"]
    async with open_logs(session, pod_ref, logs, container="main") as (app, pilot):
        logs.send(*lines)
        await until(pilot, lambda: view_of(app).line_count == len(lines))
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: any("Saved 5 lines" in str(n.message) for n in app._notifications)
        )
        (saved,) = tmp_path.iterdir()
        assert saved.name.startswith("web-1-main-") and saved.suffix == ".log"
        assert saved.read_text(encoding="utf-8") == "\n".join(lines) + "\n"
        assert any(str(saved) in str(n.message) for n in app._notifications)


async def test_all_containers_are_prefixed_and_saved_with_their_container(
    session: Session,
    pod_ref: ObjectRef,
    logs: FakeLogs,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("XDG_DOWNLOAD_DIR", raising=False)
    async with open_logs(session, pod_ref, logs, all_containers=True) as (app, pilot):
        assert logs.calls[0]["all_containers"] is True
        logs.send("from the app", container="app")
        logs.send("from the sidecar", container="sidecar")
        await until(pilot, lambda: view_of(app).line_count == 2)
        await pilot.pause()
        assert shown(app) == ["app     from the app", "sidecar from the sidecar"]
        assert "all containers" in status(app)
        await pilot.press("ctrl+s")
        await until(
            pilot, lambda: any("Saved 2 lines" in str(n.message) for n in app._notifications)
        )
        (saved,) = tmp_path.iterdir()
        assert saved.read_text() == "[app] from the app\n[sidecar] from the sidecar\n"


async def test_timestamps_restream_with_timestamps(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs) as (app, pilot):
        logs.send("no time")
        await until(pilot, lambda: view_of(app).line_count == 1)
        await pilot.press("t")
        await until(pilot, lambda: len(logs.calls) == 2)
        assert logs.calls[1]["timestamps"] is True
        logs.send("2024-05-01T12:00:00Z with time")
        await until(pilot, lambda: view_of(app).line_count == 1 and "with time" in shown(app)[0])
        assert shown(app) == ["2024-05-01T12:00:00Z with time"]
        assert "timestamps" in status(app)


async def test_previous_logs_do_not_follow(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs, previous=True) as (app, pilot):
        assert logs.calls[0]["previous"] is True and logs.calls[0]["follow"] is False
        logs.send("the crash")
        logs.end()
        await until(pilot, lambda: "ended" in status(app))
        assert shown(app) == ["the crash"] and "(previous)" in status(app)


async def test_a_stream_error_is_shown_not_raised(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs) as (app, pilot):
        logs.send("before the error")
        logs.fail(Forbidden(403, {"reason": "Forbidden", "message": "pods/log is forbidden"}))
        message = app.screen.query_one("#logs-message")
        await until(pilot, lambda: message.display)
        assert "pods/log is forbidden" in str(message.render())
        assert shown(app) == ["before the error"]
        assert isinstance(app.screen, LogsScreen)


async def test_a_node_no_kubelet_serves_is_shown_as_a_message(session: Session) -> None:
    pods = await session.client.resource("pods")
    await pods.create(pod("web-1", nodeName="node-1"))  # bound, but no kubelet serves it
    ref = ObjectRef(pods.resource, "web-1", session.namespace)
    app = Harness(session, lambda: LogsScreen(session, ref))
    async with app.run_test(size=(100, 30)) as pilot:
        message = app.screen.query_one("#logs-message")
        await until(pilot, lambda: message.display, tries=250)
        text = str(message.render())
        assert "node node-1 has no kubelet serving it" in text
        await until(pilot, lambda: "failed" in status(app))
        assert isinstance(app.screen, LogsScreen)
        assert any("no kubelet" in str(n.message) for n in app._notifications)


async def test_a_pending_pod_says_it_has_no_host(session: Session) -> None:
    pods = await session.client.resource("pods")
    await pods.create(pod("pending"))
    ref = ObjectRef(pods.resource, "pending", session.namespace)
    app = Harness(session, lambda: LogsScreen(session, ref))
    async with app.run_test(size=(100, 30)) as pilot:
        message = app.screen.query_one("#logs-message")
        await until(pilot, lambda: message.display, tries=250)
        assert "does not have a host assigned" in str(message.render())
        await pilot.press("f", "w", "n", "c")  # keys still answer, nothing breaks
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen)


async def test_containers_switch_restreams_the_chosen_container(
    session: Session, logs: FakeLogs
) -> None:
    pods = await session.client.resource("pods")
    manifest = pod("two")
    manifest["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})
    await pods.create(manifest)
    ref = ObjectRef(pods.resource, "two", session.namespace)
    app = Harness(session, lambda: LogsScreen(session, ref, source=logs))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: bool(logs.calls))
        assert logs.calls[0]["container"] == "main"  # the first one by default
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ContainerPicker))
        await pilot.press("down", "enter")  # all containers, main (highlighted), sidecar
        await until(pilot, lambda: len(logs.calls) == 2)
        assert logs.calls[1]["container"] == "sidecar"
        assert logs.calls[1]["all_containers"] is False
        assert isinstance(app.screen, LogsScreen) and "sidecar" in status(app)


async def test_a_pod_with_one_container_has_nothing_to_switch(
    session: Session, logs: FakeLogs
) -> None:
    pods = await session.client.resource("pods")
    await pods.create(pod("single"))
    ref = ObjectRef(pods.resource, "single", session.namespace)
    app = Harness(session, lambda: LogsScreen(session, ref, source=logs))
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: bool(logs.calls))
        await pilot.press("a")
        await until(
            pilot, lambda: any("single container" in str(n.message) for n in app._notifications)
        )
        assert isinstance(app.screen, LogsScreen) and len(logs.calls) == 1


async def test_escape_clears_the_search_then_goes_back(
    session: Session, pod_ref: ObjectRef, logs: FakeLogs
) -> None:
    async with open_logs(session, pod_ref, logs) as (app, pilot):
        logs.send(*numbered(10, needle_every=5))
        await until(pilot, lambda: view_of(app).line_count == 10)
        await pilot.press("slash", *"needle")
        await pilot.press("escape")  # closes the search box, nothing searched
        assert isinstance(app.screen, LogsScreen) and "matches" not in status(app)
        await pilot.press("slash", *"needle", "enter")
        await pilot.pause()
        assert "1/2 matches" in status(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LogsScreen) and "matches" not in status(app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, LogsScreen))
