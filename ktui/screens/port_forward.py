"""`shift-f` port-forward: choose a container port and a local port, start, list, stop.

Forwards live in a `PortForwards` registry, not in the modal: they keep running after it
closes, and the modal lists every active one (with its connection and error counts) so
any can be stopped. Each local connection opens its own tunnel (as kubectl does); a
tunnel that fails is reported as a message, where ktui.client's `forward()` would drop it
silently, which is why the listener is built here on `client.port_forward`.

A pod whose IP is a loopback address (the lab engine's process runtime: containers are
processes of this machine) listens on this machine's own ports, so the same local port
would be the pod's port itself: taken, or, when nothing listens there, a tunnel into the
forward's own listener, again and again. Such pods get any free local port by default,
and the same port is refused with a message.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from ktui.client import Client, ClientError, PortForwardError
from ktui.refs import ObjectRef
from ktui.session import Session

ErrorCallback = Callable[["ActiveForward", str], None]
ANY_PORT_HINT = "any free port (the pod shares this host's ports)"


@dataclass
class ActiveForward:
    pod: ObjectRef
    remote_port: int
    local_port: int
    host: str
    server: asyncio.Server
    connections: int = 0
    errors: int = 0
    last_error: str = ""
    tunnels: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.host}:{self.local_port}"

    @property
    def label(self) -> str:
        text = f"{self.host}:{self.local_port} → {self.pod.title} :{self.remote_port}"
        text += f"  {self.connections} conn"
        if self.errors:
            text += f", {self.errors} failed: {self.last_error}"
        return text


class PortForwards:
    """The port-forwards running in this app (one registry per app)."""

    def __init__(self) -> None:
        self._items: dict[str, ActiveForward] = {}

    def __iter__(self) -> Iterator[ActiveForward]:
        return iter(list(self._items.values()))

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: str) -> ActiveForward | None:
        return self._items.get(key)

    async def start(
        self,
        client: Client,
        pod: ObjectRef,
        remote_port: int,
        local_port: int = 0,
        host: str = "127.0.0.1",
        on_error: ErrorCallback | None = None,
    ) -> ActiveForward:
        """Listen on host:local_port (0: any free port). Raises OSError if it is taken."""
        forward: ActiveForward | None = None

        async def tunnel(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            assert forward is not None
            forward.connections += 1
            task = asyncio.current_task()
            if task is not None:
                forward.tunnels.add(task)
            try:
                async with client.port_forward(pod.name, [remote_port], pod.namespace) as pf:
                    await _pipe(reader, writer, pf, remote_port)
            except (ClientError, PortForwardError, OSError) as error:
                forward.errors += 1
                forward.last_error = str(error) or type(error).__name__
                if on_error is not None:
                    on_error(forward, forward.last_error)
            finally:
                if task is not None:
                    forward.tunnels.discard(task)
                writer.close()

        server = await asyncio.start_server(tunnel, host, local_port)
        port = server.sockets[0].getsockname()[1]
        forward = ActiveForward(pod, remote_port, port, host, server)
        self._items[forward.key] = forward
        return forward

    async def stop(self, forward: ActiveForward) -> None:
        """Stop listening and cut the connections still open (as kubectl's Ctrl+C does)."""
        self._items.pop(forward.key, None)
        forward.server.close()
        tunnels = list(forward.tunnels)
        for task in tunnels:
            task.cancel()
        await asyncio.gather(*tunnels, return_exceptions=True)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(forward.server.wait_closed(), 1.0)

    async def stop_all(self) -> None:
        for forward in self:
            await self.stop(forward)


async def _pipe(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pf: Any, port: int
) -> None:
    async def upstream() -> None:
        while data := await reader.read(65536):
            await pf.write(port, data)

    task = asyncio.create_task(upstream())
    try:
        while data := await pf.read(port):
            writer.write(data)
            await writer.drain()
    finally:
        task.cancel()
        with contextlib.suppress(BaseException):
            await task


# The registry used when a caller does not pass one: forwards outlive every screen.
FORWARDS = PortForwards()


def container_ports(pod: dict[str, Any]) -> list[tuple[str, int]]:
    """(label, port) for every TCP port the pod's containers declare."""
    out = []
    for c in (pod.get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if (p.get("protocol") or "TCP") != "TCP" or not p.get("containerPort"):
                continue  # port-forward tunnels TCP only
            name = f" ({p['name']})" if p.get("name") else ""
            out.append((f"{c.get('name', '')} {p['containerPort']}/TCP{name}", p["containerPort"]))
    return out


def shares_local_ports(pod: dict[str, Any] | None) -> bool:
    """Does the pod listen on this machine's own ports (its IP is a loopback address)?"""
    ip = ((pod or {}).get("status") or {}).get("podIP")
    try:
        return bool(ip) and ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def parse_port(text: str, *, allow_zero: bool) -> int | None:
    text = text.strip()
    if not text.isdigit():
        return None
    port = int(text)
    low = 0 if allow_zero else 1
    return port if low <= port <= 65535 else None


class ForwardList(OptionList):
    BINDINGS = [
        Binding("x,delete", "stop", "Stop forward", id="port_forward.stop"),
    ]

    def action_stop(self) -> None:
        if self.highlighted is not None:
            option = self.get_option_at_index(self.highlighted)
            self.screen.stop_forward(option.id or "")  # type: ignore[attr-defined]


class PortForwardScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    PortForwardScreen { align: center middle; }
    PortForwardScreen > Vertical {
        width: 90; height: auto; max-height: 90%; padding: 1 2;
        border: thick $primary; background: $surface;
    }
    PortForwardScreen Horizontal { height: auto; }
    PortForwardScreen Label { width: 16; padding: 1 0 0 0; }
    PortForwardScreen #pf-remote, PortForwardScreen #pf-remote-input { width: 1fr; }
    PortForwardScreen #pf-local { width: 1fr; }
    PortForwardScreen #pf-title, PortForwardScreen #pf-active-title { text-style: bold; }
    PortForwardScreen #pf-active-title { margin-top: 1; }
    PortForwardScreen ForwardList { height: auto; max-height: 10; }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="port_forward.close"),
        Binding("ctrl+s", "start", "Start forward", id="port_forward.start"),
    ]

    def __init__(
        self, session: Session, pod: ObjectRef, forwards: PortForwards | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.pod = pod
        self.forwards = forwards if forwards is not None else FORWARDS
        self.pod_object: dict[str, Any] | None = None
        self._local_edited = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Port-forward {self.pod.title}", id="pf-title")
            with Horizontal():
                yield Label("Container port")
                yield Select[int]([], prompt="loading ports…", id="pf-remote")
                yield Input(placeholder="port", id="pf-remote-input", type="integer")
            with Horizontal():
                yield Label("Local port")
                yield Input(placeholder="same (0 = any free port)", id="pf-local", type="integer")
                yield Button("Start", id="pf-start", variant="primary")
            yield Static("Active forwards (x stops one)", id="pf-active-title")
            yield ForwardList(id="pf-active")

    def on_mount(self) -> None:
        self.query_one("#pf-remote-input").display = False
        self._refresh_list()
        self._load_pod()
        # Connection and error counts change while the modal is open.
        self.set_interval(0.5, self._refresh_counts)

    @work(exclusive=True, group="port-forward-pod")
    async def _load_pod(self) -> None:
        select = self.query_one("#pf-remote", Select)
        try:
            pods = self.session.client.bind(self.pod.resource)
            self.pod_object = await pods.get(self.pod.name, self.pod.namespace)
        except (ClientError, OSError) as error:
            self.notify(f"{self.pod.title}: {error}", severity="error")
            self.pod_object = None
        if shares_local_ports(self.pod_object):
            self.query_one("#pf-local", Input).placeholder = ANY_PORT_HINT
        ports = container_ports(self.pod_object or {})
        if ports:
            select.set_options(ports)
            select.value = ports[0][1]
            select.focus()
        else:  # nothing declared: type the port (undeclared ports forward all the same)
            select.display = False
            field = self.query_one("#pf-remote-input", Input)
            field.display = True
            field.focus()

    # -- the form -----------------------------------------------------------------------

    def _remote_port(self) -> int | None:
        select = self.query_one("#pf-remote", Select)
        if select.display:
            return select.value if isinstance(select.value, int) else None
        return parse_port(self.query_one("#pf-remote-input", Input).value, allow_zero=False)

    @on(Input.Changed, "#pf-local")
    def _local_changed(self, event: Input.Changed) -> None:
        self._local_edited = bool(event.value)

    @on(Select.Changed, "#pf-remote")
    def _remote_changed(self, event: Select.Changed) -> None:
        if shares_local_ports(self.pod_object):
            return  # the default stays "any free port"
        if not self._local_edited and isinstance(event.value, int):
            # Keep the default visible: the local port is the container port.
            self.query_one("#pf-local", Input).placeholder = f"{event.value} (0 = any free port)"

    @on(Input.Submitted)
    @on(Button.Pressed, "#pf-start")
    def _submitted(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        remote = self._remote_port()
        if remote is None:
            self.notify("choose a container port (1-65535)", severity="error")
            return
        text = self.query_one("#pf-local", Input).value
        shared = shares_local_ports(self.pod_object)
        default = 0 if shared else remote
        local = parse_port(text, allow_zero=True) if text.strip() else default
        if local is None:
            self.notify("the local port must be 0-65535 (0 = any free port)", severity="error")
            return
        if shared and local == remote:
            self.notify(
                f"{self.pod.title} runs on this machine's network: local port {local} is "
                "the pod's own port; choose another one (0 = any free port)",
                severity="error",
            )
            return
        self._start(remote, local)

    @work(group="port-forward-start")
    async def _start(self, remote: int, local: int) -> None:
        phase = ((self.pod_object or {}).get("status") or {}).get("phase")
        if self.pod_object is not None and phase != "Running":
            # As kubectl: a pod that is not running has nothing to forward to.
            self.notify(
                f"{self.pod.title} is not running (phase {phase or 'unknown'})",
                severity="error",
            )
            return
        app = self.app

        def failed(forward: ActiveForward, message: str) -> None:
            app.notify(f"port-forward {forward.key}: {message}", severity="error")
            if self.is_attached:
                self._refresh_list()

        try:
            forward = await self.forwards.start(
                self.session.client, self.pod, remote, local, on_error=failed
            )
        except OSError as error:
            self.notify(f"local port {local}: {error.strerror or error}", severity="error")
            return
        self.notify(f"forwarding {forward.host}:{forward.local_port} → :{remote}")
        self._refresh_list()

    # -- the list -----------------------------------------------------------------------

    def _refresh_counts(self) -> None:
        listing = self.query_one(ForwardList)
        labels = [f.label for f in self.forwards]
        shown = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        if labels != shown:
            self._refresh_list()

    def _refresh_list(self) -> None:
        listing = self.query_one(ForwardList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options([Option(f.label, id=f.key) for f in self.forwards])
        if listing.option_count:
            listing.highlighted = min(highlighted or 0, listing.option_count - 1)

    def stop_forward(self, key: str) -> None:
        forward = self.forwards.get(key)
        if forward is not None:
            self._stop(forward)

    @work(group="port-forward-stop")
    async def _stop(self, forward: ActiveForward) -> None:
        await self.forwards.stop(forward)
        self.notify(f"stopped {forward.key}")
        self._refresh_list()

    def action_close(self) -> None:
        self.dismiss(None)
