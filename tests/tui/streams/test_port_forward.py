"""Shift+F in the browser on a pod whose container serves HTTP: a request to the local
port gets the container's answer through the engine's tunnel; stopping closes the port."""

from __future__ import annotations

import asyncio
import socket
import sys

from textual.widgets import Input, Select

from ktui.app import KtuiApp
from ktui.screens.port_forward import ForwardList, PortForwardScreen
from ktui.session import Session

from ..app.pilot import browser, names, until
from .conftest import RunningPods, container, pod_on_node, wait_for


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def get(port: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.0\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer


async def test_shift_f_forwards_a_local_port_to_the_container(
    session: Session, running_pods: RunningPods
) -> None:
    port = free_port()  # pods share the host's network: the server listens here
    serve = f"exec {sys.executable} -m http.server {port} --bind 127.0.0.1"
    web = container("web", serve, ports=[{"containerPort": port, "name": "http"}])
    await running_pods.start(pod_on_node("web", web))

    async def listening() -> bool:
        try:
            return (await get(port)).startswith(b"HTTP/1.0 200")
        except OSError:
            return False

    await wait_for(listening, "the server to listen")
    async with KtuiApp(session).run_test(size=(120, 40)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["web"])
        await pilot.press("F")  # what a terminal sends for Shift+F
        await until(pilot, lambda: isinstance(pilot.app.screen, PortForwardScreen))
        modal = pilot.app.screen
        assert isinstance(modal, PortForwardScreen)
        select = modal.query_one("#pf-remote", Select)
        await until(pilot, lambda: select.value == port)  # the declared port, preselected
        # The pod listens on this machine's own ports: the same local port is its port.
        local = modal.query_one("#pf-local", Input)
        assert local.value == "" and "any free port" in local.placeholder
        local.value = str(port)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("own port" in n.message for n in pilot.app._notifications))
        assert len(modal.forwards) == 0
        local.value = ""  # the default: any free port
        await pilot.press("ctrl+s")
        await until(pilot, lambda: len(modal.forwards) == 1)
        [forward] = list(modal.forwards)
        assert forward.remote_port == port and forward.local_port not in (0, port)

        answer = await get(forward.local_port)
        assert answer.startswith(b"HTTP/1.0 200") and b"Directory listing" in answer
        listing = modal.query_one(ForwardList)

        def row() -> str:
            return str(listing.get_option_at_index(0).prompt) if listing.option_count else ""

        await until(pilot, lambda: "1 conn" in row())  # the count follows the connections
        assert row().startswith(f"127.0.0.1:{forward.local_port} → pods/web")
        assert forward.errors == 0

        # A connection still open when the forward stops is cut, not left behind.
        held, _ = await asyncio.open_connection("127.0.0.1", forward.local_port)
        await until(pilot, lambda: len(forward.tunnels) == 1)
        listing.focus()
        await pilot.press("x")
        await until(pilot, lambda: len(modal.forwards) == 0)
        async with asyncio.timeout(10):  # a guard against a hang, not a measure
            assert await held.read() == b""
        try:
            await get(forward.local_port)
            refused = False
        except OSError:
            refused = True
        assert refused


async def test_a_port_nothing_listens_on_is_reported(
    session: Session, running_pods: RunningPods
) -> None:
    await running_pods.start(pod_on_node("quiet", container("main", "exec sleep 300")))
    closed = free_port()
    async with KtuiApp(session).run_test(size=(120, 40)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["quiet"])
        await pilot.press("F")
        await until(pilot, lambda: isinstance(pilot.app.screen, PortForwardScreen))
        modal = pilot.app.screen
        assert isinstance(modal, PortForwardScreen)
        field = modal.query_one("#pf-remote-input", Input)  # no declared ports: typed
        await until(pilot, lambda: field.display and field.has_focus)
        modal.query_one("#pf-local", Input).value = "0"
        await pilot.press(*str(closed), "enter")
        await until(pilot, lambda: len(modal.forwards) == 1)
        [forward] = list(modal.forwards)
        try:
            assert await get(forward.local_port) == b""  # the tunnel closes the connection
            await until(pilot, lambda: forward.errors == 1)
            notes = [n.message for n in pilot.app._notifications]
            errors = [m for m in notes if m.startswith(f"port-forward {forward.key}: ")]
            assert errors and f"port {closed} to pod quiet" in errors[0], notes
            assert "connection refused" in errors[0]
        finally:
            await modal.forwards.stop(forward)
