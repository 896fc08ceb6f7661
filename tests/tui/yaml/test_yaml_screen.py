"""The YAML screen, driven by keys: kubectl's text, managedFields on `m`, refresh, search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Static, TextArea

from ktui.refs import ObjectRef
from ktui.screens.yaml_view import YamlScreen
from ktui.session import Session

from ..conftest import pod
from ..describe.kubectl_cli import kubectl, needs_kubectl
from ..harness import Harness


async def settle(pilot: Any, screen: YamlScreen) -> None:
    await pilot.pause()
    await screen.workers.wait_for_complete()
    await pilot.pause()


def shown(screen: YamlScreen) -> str:
    return screen.query_one("#yaml-body", TextArea).text


def status(screen: YamlScreen) -> str:
    return str(screen.query_one("#inspect-status", Static).content)


async def pod_ref(session: Session) -> ObjectRef:
    pods = await session.client.resource("pods")
    return ObjectRef.of(pods.resource, await pods.create(pod("web")))


@needs_kubectl
async def test_shows_what_kubectl_prints_and_m_toggles_managed_fields(
    session: Session, kubeconfig: Path
) -> None:
    ref = await pod_ref(session)
    screen = YamlScreen(session, ref)
    async with Harness(session, lambda: screen).run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        area = screen.query_one("#yaml-body", TextArea)
        assert area.read_only and area.language == "yaml"
        assert shown(screen) == await kubectl(
            kubeconfig, "get", "pod", "web", "-n", session.namespace, "-o", "yaml"
        )
        assert status(screen) == "managedFields hidden (m)"
        await pilot.press("m")
        assert "  managedFields:\n" in shown(screen)
        assert status(screen) == "managedFields shown (m)"
        assert shown(screen) == await kubectl(
            kubeconfig, "get", "pod", "web", "-n", session.namespace, "-o", "yaml",
            "--show-managed-fields",
        )  # fmt: skip
        await pilot.press("m")
        assert "managedFields" not in shown(screen)


async def test_typing_does_not_edit_and_r_fetches_again(session: Session) -> None:
    ref = await pod_ref(session)
    screen = YamlScreen(session, ref)
    async with Harness(session, lambda: screen).run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        before = shown(screen)
        await pilot.press("x", "enter", "backspace")
        assert shown(screen) == before
        pods = await session.client.resource("pods")
        await pods.patch("web", {"metadata": {"labels": {"team": "payments"}}}, session.namespace)
        await pilot.press("r")
        await settle(pilot, screen)
        assert "    team: payments\n" in shown(screen)


async def test_search_selects_each_match(session: Session) -> None:
    ref = await pod_ref(session)
    screen = YamlScreen(session, ref)
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        area = screen.query_one("#yaml-body", TextArea)
        await pilot.press("slash", *"image", "enter")
        count = shown(screen).count("image")
        assert count >= 2
        assert status(screen) == f"/image: 1 of {count}"
        assert area.selected_text == "image"
        first = area.selection
        await pilot.press("n")
        assert status(screen) == f"/image: 2 of {count}"
        assert area.selected_text == "image" and area.selection != first
        await pilot.press("escape")
        assert app.screen is not screen


async def test_a_missing_object_is_a_message(session: Session) -> None:
    pods = await session.client.resource("pods")
    screen = YamlScreen(session, ObjectRef(pods.resource, "ghost", session.namespace))
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, screen)
        assert shown(screen) == '# pods "ghost" not found\n'
        assert status(screen) == 'pods "ghost" not found'
        await pilot.press("m")  # nothing to toggle, nothing breaks
        assert app.screen is screen
