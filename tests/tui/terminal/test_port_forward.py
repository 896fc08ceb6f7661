"""The port-forward modal on pods whose tunnel cannot open (their node has no kubelet),
not running, or a taken local port: pick a port, start, see the error, stop it.
A forward that carries traffic: tests/tui/streams/test_port_forward.py."""

from __future__ import annotations

import asyncio

from textual.widgets import Input, Select

from ktui.refs import ObjectRef
from ktui.screens.port_forward import ForwardList, PortForwards, PortForwardScreen
from ktui.session import Session

from ..conftest import pod
from ..harness import Harness


async def running_pod(session: Session, name: str = "web", **spec) -> ObjectRef:
    pods = await session.client.resource("pods")
    manifest = pod(name, nodeName="lab-node-1", **spec)
    manifest["spec"]["containers"][0]["ports"] = [
        {"containerPort": 80, "name": "http"},
        {"containerPort": 53, "protocol": "UDP"},
    ]
    created = await pods.create(manifest)
    created["status"] = {"phase": "Running"}
    await pods.replace(created, subresource="status")
    return ObjectRef.of(pods.resource, created)


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_start_see_the_tunnels_error_and_stop(session: Session) -> None:
    ref = await running_pod(session)
    forwards = PortForwards()
    screen = PortForwardScreen(session, ref, forwards)
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await screen.workers.wait_for_complete()
        await pilot.pause()
        select = screen.query_one("#pf-remote", Select)
        assert select.value == 80  # the declared TCP port; the UDP one is not offered
        assert select.selection == 80
        screen.query_one("#pf-local", Input).value = "0"
        await pilot.press("ctrl+s")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        [forward] = list(forwards)
        assert forward.remote_port == 80 and forward.local_port > 0
        listing = screen.query_one(ForwardList)
        assert listing.option_count == 1
        assert f"127.0.0.1:{forward.local_port} → pods/web" in str(
            listing.get_option_at_index(0).prompt
        )

        reader, writer = await asyncio.open_connection("127.0.0.1", forward.local_port)
        writer.write(b"GET / HTTP/1.0\r\n\r\n")
        assert await reader.read() == b""  # the tunnel could not open: closed
        writer.close()
        for _ in range(50):
            if forward.errors:
                break
            await pilot.pause()
        assert forward.connections == 1 and forward.errors == 1
        errors = [m for m in notes(app) if m.startswith("port-forward ")]
        assert errors and "node lab-node-1 has no kubelet serving it" in errors[0], notes(app)
        await pilot.pause()
        assert "1 failed" in str(listing.get_option_at_index(0).prompt)

        listing.focus()
        await pilot.press("x")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert len(forwards) == 0 and listing.option_count == 0
        try:
            _, w = await asyncio.open_connection("127.0.0.1", forward.local_port)
            w.close()
            refused = False
        except OSError:
            refused = True
        assert refused

        await pilot.press("escape")
        assert app.screen is not screen


async def test_a_pod_that_is_not_running_is_refused(session: Session) -> None:
    pods = await session.client.resource("pods")
    created = await pods.create(pod("pending"))
    forwards = PortForwards()
    screen = PortForwardScreen(session, ObjectRef.of(pods.resource, created), forwards)
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await screen.workers.wait_for_complete()
        # No declared ports: the container port is typed.
        assert not screen.query_one("#pf-remote", Select).display
        field = screen.query_one("#pf-remote-input", Input)
        assert field.display and field.has_focus
        await pilot.press("8", "0", "8", "0", "enter")
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert len(forwards) == 0
        assert any("is not running (phase Pending)" in m for m in notes(app)), notes(app)


async def test_a_taken_local_port_is_a_message(session: Session) -> None:
    ref = await running_pod(session, "busy")
    taken = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
    port = taken.sockets[0].getsockname()[1]
    forwards = PortForwards()
    screen = PortForwardScreen(session, ref, forwards)
    app = Harness(session, lambda: screen)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await screen.workers.wait_for_complete()
            screen.query_one("#pf-local", Input).value = str(port)
            await pilot.click("#pf-start")
            await screen.workers.wait_for_complete()
            await pilot.pause()
            assert len(forwards) == 0
            assert any(m.startswith(f"local port {port}: ") for m in notes(app)), notes(app)
    finally:
        taken.close()
