"""`s` on a pod whose shell cannot start (its node has no kubelet, the pod is gone): the
app says why and keeps running — it never suspends the screen for a shell that cannot
start. A real shell: tests/tui/streams/test_shell.py."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from ktui.refs import ObjectRef
from ktui.session import Session
from ktui.terminal.shell import open_shell

from ..conftest import pod
from ..harness import Harness


class PodScreen(Screen):
    """Stands in for the pods view: `s` shells into one pod."""

    BINDINGS = [Binding("s", "shell", "Shell", id="test.shell")]

    def __init__(self, session: Session, ref: ObjectRef) -> None:
        super().__init__()
        self.session, self.ref = session, ref

    def compose(self):
        yield Static(self.ref.title)

    def action_shell(self) -> None:
        open_shell(self.app, self.session, self.ref)


async def test_s_on_a_pod_of_a_node_without_kubelet_says_so(session: Session) -> None:
    pods = await session.client.resource("pods")
    # Bound and running as far as the API knows; no kubelet serves its node.
    created = await pods.create(pod("web", nodeName="lab-node-1"))
    created["status"] = {"phase": "Running"}
    await pods.replace(created, subresource="status")
    ref = ObjectRef.of(pods.resource, created)
    screen = PodScreen(session, ref)
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        suspended: list[object] = []
        app.app_suspend_signal.subscribe(screen, suspended.append)
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1, messages
        assert messages[0].startswith("shell into web: ")
        assert "node lab-node-1 has no kubelet serving it" in messages[0], messages
        assert [n.severity for n in app._notifications] == ["error"]
        assert suspended == []
        assert app.screen is screen and app.is_running


async def test_s_on_a_missing_pod_says_not_found(session: Session) -> None:
    pods = await session.client.resource("pods")
    ref = ObjectRef(pods.resource, "ghost", session.namespace)
    screen = PodScreen(session, ref)
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and "ghost" in messages[0], messages
