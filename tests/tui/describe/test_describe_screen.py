"""The describe screen, driven by keys: what it shows, refresh, search, errors, Esc."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.widgets import Input, Static

import ktui.screens.describe as describe_screen
from ktui.client import Forbidden
from ktui.describe import describe
from ktui.refs import ObjectRef
from ktui.screens.describe import DescribeScreen
from ktui.session import Session

from ..conftest import pod
from ..harness import Harness


async def settle(pilot: Any, screen: DescribeScreen) -> None:
    await pilot.pause()
    await screen.workers.wait_for_complete()
    await pilot.pause()


def body(screen: DescribeScreen) -> Text:
    content = screen.query_one("#describe-body", Static).content
    assert isinstance(content, Text)
    return content


def status(screen: DescribeScreen) -> str:
    return str(screen.query_one("#inspect-status", Static).content)


async def pod_ref(session: Session, name: str = "web") -> ObjectRef:
    pods = await session.client.resource("pods")
    created = await pods.create(pod(name, labels={"app": name, "tier": "front"}))
    return ObjectRef.of(pods.resource, created)


async def test_shows_the_describe_text_with_keys_lit(session: Session) -> None:
    ref = await pod_ref(session)
    expected = await describe(session.client, ref)
    screen = DescribeScreen(session, ref)
    async with Harness(session, lambda: screen).run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        shown = body(screen)
        assert shown.plain == expected
        assert str(screen.query_one("#inspect-title", Static).content) == (
            f"Describe pods/web ({session.namespace})"
        )
        # "Name:" is lit as a section key; the value after it is not.
        styled = {shown.plain[span.start : span.end] for span in shown.spans}
        assert "Name:" in styled and "Image:" in styled
        assert "web" not in styled


async def test_r_describes_again(session: Session) -> None:
    ref = await pod_ref(session)
    screen = DescribeScreen(session, ref)
    async with Harness(session, lambda: screen).run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        assert "team=payments" not in body(screen).plain
        pods = await session.client.resource("pods")
        await pods.patch("web", {"metadata": {"labels": {"team": "payments"}}}, session.namespace)
        await pilot.press("r")
        await settle(pilot, screen)
        assert "team=payments" in body(screen).plain


async def test_slash_searches_and_n_moves_between_matches(session: Session) -> None:
    ref = await pod_ref(session)
    screen = DescribeScreen(session, ref)
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        await pilot.press("slash")
        bar = screen.query_one("#inspect-search", Input)
        assert bar.has_focus
        await pilot.press(*"front")
        assert status(screen) == "/front: 1 of 1"
        await pilot.press("enter")
        assert not bar.has_class("visible")
        await pilot.press("slash", "backspace", "backspace", "backspace", "backspace", "backspace")
        await pilot.press(*"nginx", "enter")
        total = body(screen).plain.count("nginx")
        assert total >= 1
        assert status(screen) == f"/nginx: 1 of {total}"
        current = [s for s in body(screen).spans if s.style.bold and s.style.reverse]
        assert [body(screen).plain[s.start : s.end] for s in current] == ["nginx"]
        await pilot.press("N")
        assert status(screen) == f"/nginx: {total} of {total}"
        await pilot.press("n")
        assert status(screen) == f"/nginx: 1 of {total}"
        await pilot.press("slash", *"no-such-text")  # the last query is selected: replaced
        assert status(screen) == "/no-such-text: no match"
        await pilot.press("escape")  # closes the search bar, keeps the screen
        assert app.screen is screen
        await pilot.press("escape")
        assert app.screen is not screen


async def test_a_missing_object_is_a_message_not_a_crash(session: Session) -> None:
    pods = await session.client.resource("pods")
    ref = ObjectRef(pods.resource, "ghost", session.namespace)
    screen = DescribeScreen(session, ref)
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        assert body(screen).plain == 'pods "ghost" not found'
        assert status(screen) == 'pods "ghost" not found'
        assert app.screen is screen
        await pilot.press("slash", *"x", "enter", "n")  # searching nothing stays calm
        assert app.screen is screen


async def test_forbidden_is_shown(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    async def forbidden(client: Any, ref: ObjectRef) -> str:
        raise Forbidden(403, {"message": 'pods "web" is forbidden: User "dev" cannot get'})

    monkeypatch.setattr(describe_screen, "describe", forbidden)
    pods = await session.client.resource("pods")
    screen = DescribeScreen(session, ObjectRef(pods.resource, "web", session.namespace))
    notes: list[str] = []
    monkeypatch.setattr(Harness, "notify", lambda self, message, **kw: notes.append(message))
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        assert "is forbidden" in body(screen).plain
        assert notes and "is forbidden" in notes[0]


async def test_end_and_home_jump_without_animation(session: Session) -> None:
    nodes = await session.client.resource("pods")
    long = pod("long", labels={f"label-{i:02d}": "x" for i in range(60)})
    ref = ObjectRef.of(nodes.resource, await nodes.create(long))
    screen = DescribeScreen(session, ref)
    async with Harness(session, lambda: screen).run_test(size=(100, 20)) as pilot:
        await settle(pilot, screen)
        scroll = screen.query_one("#describe-scroll")
        assert scroll.max_scroll_y > 0
        await pilot.press("end")
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("home")
        assert scroll.scroll_y == 0
        await pilot.press("G")
        assert scroll.scroll_y == scroll.max_scroll_y
        await pilot.press("g")
        assert scroll.scroll_y == 0
