"""`u` in the browser on a StatefulSet or DaemonSet, the whole app driven by the Pilot: a
question, then the older template back in the cluster and kubectl's words in a toast.
(The app closes the session's client when it exits: the cluster is read inside.)"""

from __future__ import annotations

import pytest
from textual.app import App

from ktui.app import KtuiApp
from ktui.client import Client
from ktui.screens.browser import BrowserScreen
from ktui.session import Session

from ..app.pilot import browser, command, names, until
from .objects import create, get, image_of, record_revision, ref_to, rolled_out_set, workload_set

SETS = [("StatefulSet", "sts"), ("DaemonSet", "ds")]


def said(app: App, text: str, severity: str = "information") -> bool:
    return any(n.message == text and n.severity == severity for n in app._notifications)


def asking(app: App) -> bool:
    return type(app.screen).__name__ == "ConfirmScreen"


async def showing(pilot, kind: str, alias: str) -> BrowserScreen:
    """The browser listing the test's `alias` objects, `web` under the cursor."""
    screen = await browser(pilot)
    await command(pilot, alias)
    await until(pilot, lambda: screen.state.resource.kind == kind and names(screen) == ["web"])
    return screen


@pytest.mark.parametrize(("kind", "alias"), SETS)
async def test_u_asks_then_puts_the_previous_template_back(
    session: Session, client: Client, namespace: str, kind: str, alias: str
) -> None:
    _, ref = await rolled_out_set(client, kind, "web")
    async with KtuiApp(session).run_test(size=(140, 30)) as pilot:
        screen = await showing(pilot, kind, alias)
        assert screen.check_action("rollback", ()) is True
        await pilot.press("u")
        await until(pilot, lambda: asking(pilot.app))
        question = f"Roll back {kind.lower()}.apps/web to its previous revision?"
        assert pilot.app.screen.question == question
        await pilot.press("n")
        await until(pilot, lambda: pilot.app.screen is screen)
        assert image_of(await get(client, ref)) == "busybox:2"  # "no" changed nothing

        await pilot.press("u")
        await until(pilot, lambda: asking(pilot.app))
        await pilot.press("y")
        await until(pilot, lambda: said(pilot.app, f"{kind.lower()}.apps/web rolled back"))
        assert image_of(await get(client, ref)) == "busybox:1"


@pytest.mark.parametrize(("kind", "alias"), SETS)
async def test_nothing_to_roll_back_to_is_an_error_message(
    session: Session, client: Client, namespace: str, kind: str, alias: str
) -> None:
    resource = "statefulsets" if kind == "StatefulSet" else "daemonsets"
    obj = await create(client, resource, workload_set(kind, "web", "busybox:1"))
    await record_revision(client, obj, 1)
    async with KtuiApp(session).run_test(size=(140, 30)) as pilot:
        await showing(pilot, kind, alias)
        await pilot.press("u")
        await until(pilot, lambda: asking(pilot.app))
        await pilot.press("y")
        await until(pilot, lambda: said(pilot.app, "no last revision to roll back to", "error"))
        after = await get(client, await ref_to(client, resource, obj))
        assert after["metadata"]["resourceVersion"] == obj["metadata"]["resourceVersion"]


@pytest.mark.parametrize(("kind", "alias"), SETS)
async def test_read_only_offers_no_rollback(
    session: Session, client: Client, namespace: str, kind: str, alias: str
) -> None:
    session.readonly = True
    _, ref = await rolled_out_set(client, kind, "web")
    async with KtuiApp(session).run_test(size=(140, 30)) as pilot:
        screen = await showing(pilot, kind, alias)
        assert screen.check_action("rollback", ()) is False
        await pilot.press("u")
        await pilot.pause(0.2)
        assert pilot.app.screen is screen  # no question: nothing was offered
        assert image_of(await get(client, ref)) == "busybox:2"
