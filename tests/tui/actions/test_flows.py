"""The action keys end to end: a dialog first, then the change (or a refusal in read-only
mode), then a message. A plain screen stands in for the browser that calls these."""

from __future__ import annotations

import pytest
from textual.screen import Screen
from textual.widgets import Input

from ktui.client import Client, NotFound
from ktui.refs import ObjectRef
from ktui.screens import action_flows as flows
from ktui.screens.confirm import ConfirmScreen
from ktui.screens.prompt import PromptScreen
from ktui.session import Session

from ..editor.recording import RecordingHarness, until
from .objects import get, make_controller, make_deployment, make_node, pod_names, pod_on


class Browser(Screen):
    pass


def app_for(session: Session) -> RecordingHarness:
    return RecordingHarness(session, Browser)


async def test_delete_asks_first_no_keeps_it_yes_deletes(session: Session) -> None:
    ref = await make_deployment(session.client)
    app = app_for(session)
    async with app.run_test(size=(100, 30)) as pilot:
        worker = flows.delete_flow(app.screen, session, ref)
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert app.screen.dangerous and "Delete deployment.apps/web?" in app.screen.question
        await pilot.press("n")
        await worker.wait()
        assert await get(session.client, ref)  # still there

        worker = flows.delete_flow(app.screen, session, ref)
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await worker.wait()
        assert app.said('deployment.apps "web" deleted')
    with pytest.raises(NotFound):
        await get(session.client, ref)


async def test_kill_asks_then_removes_at_once(session: Session) -> None:
    node = await make_node(session.client)
    await pod_on(session.client, "p", node, terminationGracePeriodSeconds=30)
    pods = await session.client.resource("pods")
    ref = ObjectRef(pods.resource, "p", session.namespace)
    app = app_for(session)
    async with app.run_test(size=(100, 30)) as pilot:
        worker = flows.delete_flow(app.screen, session, ref, kill=True)
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        assert "Kill pod/p?" in app.screen.question
        await pilot.press("y")
        await worker.wait()
    assert await pod_names(session.client, node) == set()


async def test_read_only_mode_refuses_every_action_without_asking(session: Session) -> None:
    session.readonly = True
    ref = await make_deployment(session.client, replicas=2)
    node = await make_node(session.client)
    app = app_for(session)
    async with app.run_test(size=(100, 30)) as pilot:
        host = app.screen
        started = [
            flows.delete_flow(host, session, ref),
            flows.delete_flow(host, session, ref, kill=True),
            flows.scale_flow(host, session, ref),
            flows.restart_flow(host, session, ref),
            flows.rollback_flow(host, session, ref),
            flows.set_image_flow(host, session, ref),
            flows.cordon_flow(host, session, node),
            flows.drain_flow(host, session, node),
        ]
        await pilot.pause()
        assert started == [None] * 8
        assert app.screen is host  # no dialog opened
        assert sum("read-only mode" in m for s, m in app.messages if s == "error") == 8
    after = await get(session.client, ref)
    assert after["spec"]["replicas"] == 2
    nodes = await session.client.resource("nodes")
    assert not (await nodes.get(node)).get("spec", {}).get("unschedulable")


async def test_scale_prompts_with_the_current_replicas(session: Session) -> None:
    ref = await make_deployment(session.client, replicas=2)
    app = app_for(session)
    async with app.run_test(size=(100, 30)) as pilot:
        worker = flows.scale_flow(app.screen, session, ref)
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the prompt")
        field = app.screen.query_one(Input)
        assert field.value == "2"
        await pilot.press("backspace", "x", "enter")  # refused by the validator
        assert isinstance(app.screen, PromptScreen)
        field.value = ""
        await pilot.press("4", "enter")
        await worker.wait()
        assert app.said("deployment.apps/web scaled to 4")
    assert (await get(session.client, ref))["spec"]["replicas"] == 4


async def test_set_image_prompts_with_the_current_image(session: Session) -> None:
    ref = await make_deployment(session.client, image="nginx:1.27")
    app = app_for(session)
    async with app.run_test(size=(100, 30)) as pilot:
        worker = flows.set_image_flow(app.screen, session, ref)
        await until(pilot, lambda: isinstance(app.screen, PromptScreen), "the prompt")
        field = app.screen.query_one(Input)
        assert field.value == "nginx:1.27"
        field.value = "nginx:1.28"
        await pilot.press("enter")
        await worker.wait()
    containers = (await get(session.client, ref))["spec"]["template"]["spec"]["containers"]
    assert containers[0]["image"] == "nginx:1.28"


async def test_restart_and_rollback_errors_are_shown_not_raised(session: Session) -> None:
    ref = await make_deployment(session.client)
    app = app_for(session)
    async with app.run_test(size=(100, 30)) as pilot:
        worker = flows.rollback_flow(app.screen, session, ref)
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await worker.wait()
        assert app.said("no rollout history", "error")
        worker = flows.restart_flow(app.screen, session, ref)
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await worker.wait()
        assert app.said("deployment.apps/web restarted")
    template = (await get(session.client, ref))["spec"]["template"]
    assert "kubectl.kubernetes.io/restartedAt" in template["metadata"]["annotations"]


async def test_cordon_and_drain_from_the_keys(session: Session) -> None:
    client: Client = session.client
    node = await make_node(client)
    rs = await make_controller(client, "ReplicaSet", "web")
    await pod_on(client, "web-1", node, owner_obj=rs)
    await pod_on(client, "bare", node)
    app = app_for(session)
    async with app.run_test(size=(100, 30)) as pilot:
        worker = flows.cordon_flow(app.screen, session, node)
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await worker.wait()
        assert app.said(f"node/{node} cordoned")

        worker = flows.drain_flow(app.screen, session, node, timeout=5)
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        # The bare pod stops the drain; the user is asked whether to force it.
        await until(
            pilot,
            lambda: isinstance(app.screen, ConfirmScreen) and "anyway" in app.screen.question,
            "the force question",
        )
        assert await pod_names(client, node) == {"web-1", "bare"}
        await pilot.press("y")
        await worker.wait()
        assert app.said(f"node/{node} drained")
    assert await pod_names(client, node) == set()
