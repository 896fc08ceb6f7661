"""The xray screen against the lab engine: hand-made Deployment → ReplicaSet → Pods."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Tree

from ktui.screens.xray import XrayScreen
from ktui.session import Session

from ..conftest import deployment
from ..harness import Harness
from .objects import RUNNING_STATUS, owned_pod, replicaset


async def make_workload(session: Session) -> None:
    client = session.client
    deploys, sets, pods = (
        await client.resource("deployments"),
        await client.resource("replicasets"),
        await client.resource("pods"),
    )
    deploy = await deploys.create(deployment("web", replicas=2))
    rs = await sets.create(replicaset("web-7f9c4", deploy, replicas=2))
    p1 = await pods.create(owned_pod("web-7f9c4-aaaaa", rs))
    await pods.create(owned_pod("web-7f9c4-bbbbb", rs))
    await pods.create(owned_pod("unowned", {"metadata": {"name": "x", "uid": "nobody"}}))
    p1["status"] = RUNNING_STATUS
    await pods.replace(p1, subresource="status")


def lines(screen: XrayScreen, details: bool = False) -> list[str]:
    """The visible tree, indented by depth: glyph, kind and name (and the detail)."""
    tree = screen.query_one(Tree)
    out = []

    def walk(node, depth: int) -> None:
        for child in node.children:
            text = child.label.plain if details else child.label.plain.split("  ")[0]
            out.append("  " * depth + text)
            if child.is_expanded:
                walk(child, depth + 1)

    walk(tree.root, 0)
    return out


async def test_xray_shows_the_owner_tree_and_enter_jumps(session: Session) -> None:
    await make_workload(session)
    seen: list[Message] = []
    screen = XrayScreen(session, session.namespace, "deploy")
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await pilot.pause()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert lines(screen) == [
            "◐ Deployment web",
            "  ◐ ReplicaSet web-7f9c4",
            "    ✖ Pod web-7f9c4-aaaaa",
            "      ● Container main",
            "      ✖ Container sidecar",
            "    ◐ Pod web-7f9c4-bbbbb",
            "      ◐ Container main",
            "      ◐ Container sidecar",
        ]
        shown = lines(screen, details=True)
        assert shown[0] == "◐ Deployment web  0/2 ready"
        assert shown[4].startswith("      ✖ Container sidecar  CrashLoopBackOff, 3 restarts")
        assert not any("unowned" in line for line in shown)

        # Down to the first pod's first container; Enter opens the pod it runs in.
        for _ in range(3):
            await pilot.press("down")
        await pilot.press("enter")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        # The hook sees a message at each hop of its bubbling: count distinct ones.
        jumps = list({id(m): m for m in seen if isinstance(m, XrayScreen.JumpTo)}.values())
        assert len(jumps) == 1
        ref = jumps[0].ref
        assert (ref.resource.name, ref.name, ref.namespace) == (
            "pods",
            "web-7f9c4-aaaaa",
            session.namespace,
        )

        # Space folds the pod; a refresh keeps it folded and the cursor where it was.
        await pilot.press("up", "space")
        assert len(lines(screen)) == 6
        pods = await session.client.resource("pods")
        await pods.delete("web-7f9c4-bbbbb")
        await pilot.press("r")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert lines(screen) == [
            "◐ Deployment web",
            "  ◐ ReplicaSet web-7f9c4",
            "    ✖ Pod web-7f9c4-aaaaa",
        ]
        assert screen.query_one(Tree).cursor_node.data.name == "web-7f9c4-aaaaa"

        await pilot.press("escape")
        assert app.screen is not screen


async def test_xray_of_an_unknown_kind_says_so(session: Session) -> None:
    screen = XrayScreen(session, session.namespace, "configmaps")
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert any("xray does not show configmaps" in n.message for n in app._notifications)
        assert lines(screen) == []
