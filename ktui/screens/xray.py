"""The xray view: a tree of how objects hang together (k9s `:xray`).

Deployment → ReplicaSet → Pod → container, StatefulSet/DaemonSet/Job → Pod,
CronJob → Job → Pod, Service → endpoint addresses → Pod. The tree itself is built by
ktui.model.xray from plain lists; this screen fetches them and draws glyphs and colours.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static, Tree
from textual.widgets.tree import TreeNode

from ktui.client import ApiError, ClientError, UnknownResource
from ktui.model import xray
from ktui.model.xray import Health, XrayNode
from ktui.refs import ObjectRef
from ktui.session import Session

GLYPHS: dict[Health, str] = {
    Health.OK: "●",
    Health.PENDING: "◐",
    Health.WARNING: "▲",
    Health.ERROR: "✖",
    Health.DONE: "✔",
    Health.UNKNOWN: "?",
}

# Kinds that are optional on a server (EndpointSlices may be absent or forbidden): a
# failure to list them is not worth a message; the tree is drawn from the rest.
_OPTIONAL = {"endpointslices", "endpoints"}


class XrayScreen(Screen):
    DEFAULT_CSS = """
    XrayScreen > #xray-title { height: 1; padding: 0 1; background: $panel; }
    XrayScreen > Tree { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="xray.back"),
        Binding("r", "refresh", "Refresh", id="xray.refresh"),
        Binding("enter", "open", "Open", id="xray.open"),
        Binding("space", "toggle", "Expand/collapse", id="xray.toggle"),
    ]

    class JumpTo(Message):
        """Open this object (Enter on a node; a container or endpoint opens its pod)."""

        def __init__(self, ref: ObjectRef) -> None:
            super().__init__()
            self.ref = ref

    def __init__(self, session: Session, namespace: str | None, kind: str = "deployments") -> None:
        super().__init__()
        self.session = session
        self.namespace = namespace  # None: all namespaces
        self.kind = kind
        self.root_kind: str | None = None  # the ROOT_KINDS key, once resolved
        self.forest: list[XrayNode] = []
        self._collapsed: set[tuple[str, ...]] = set()  # node paths the user folded

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="xray-title")
        tree: Tree[XrayNode] = Tree("xray", id="xray-tree")
        tree.show_root = False
        tree.auto_expand = False  # Enter opens the object; space folds
        yield tree
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Tree).focus()
        self.action_refresh()

    def _title(self, counts: str = "loading…") -> str:
        where = self.namespace or "all namespaces"
        return f"xray {self.root_kind or self.kind} ({where}) — {counts}"

    # -- loading ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self._load()

    @work(exclusive=True, group="xray-load")
    async def _load(self) -> None:
        client = self.session.client
        try:
            if self.root_kind is None:
                self.root_kind = await _root_kind(self.session, self.kind)
        except (UnknownResource, ApiError, ClientError) as error:
            self._show_error(str(error))
            return
        plurals = xray.ROOT_KINDS[self.root_kind]

        async def fetch(plural: str) -> tuple[str, list[dict[str, Any]] | BaseException]:
            try:
                res = await client.resource(plural)
                listed = await res.list(self.namespace, all_namespaces=self.namespace is None)
                return plural, listed.items
            except (ClientError, OSError) as error:
                return plural, error

        lists: dict[str, list[dict[str, Any]]] = {}
        for plural, result in await asyncio.gather(*(fetch(p) for p in plurals)):
            if isinstance(result, BaseException):
                if plural == plurals[0]:
                    self._show_error(f"{plural}: {result}")
                    return
                if plural not in _OPTIONAL:
                    self.notify(f"xray: {plural}: {result}", severity="warning")
                continue
            lists[plural] = result
        self.forest = xray.build(self.root_kind, lists)
        self._draw()

    def _show_error(self, message: str) -> None:
        self.query_one("#xray-title", Static).update(self._title("failed"))
        self.notify(message, severity="error")

    # -- drawing ------------------------------------------------------------------------

    def _draw(self) -> None:
        tree: Tree[XrayNode] = self.query_one(Tree)
        cursor = _path_of(tree.cursor_node) if tree.cursor_node is not None else None
        tree.clear()
        found: TreeNode[XrayNode] | None = None
        for node in self.forest:
            found = self._add(tree.root, node, (), cursor) or found
        tree.root.expand()
        # Node lines exist once the tree has rebuilt them, after this refresh.
        if found is not None:
            self.call_after_refresh(tree.move_cursor, found)
        elif self.forest:
            self.call_after_refresh(tree.move_cursor_to_line, 0)
        total = sum(1 for n in self.forest for _ in n.walk())
        counts = f"{len(self.forest)} {self.root_kind}, {total} objects"
        self.query_one("#xray-title", Static).update(self._title(counts))

    def _add(
        self,
        parent: TreeNode[XrayNode],
        node: XrayNode,
        path: tuple[str, ...],
        cursor: tuple[str, ...] | None,
    ) -> TreeNode[XrayNode] | None:
        path = (*path, node.label)
        label = self._label(node)
        if node.children:
            branch = parent.add(label, data=node, expand=path not in self._collapsed)
        else:
            branch = parent.add_leaf(label, data=node)
        found = branch if path == cursor else None
        for child in node.children:
            found = self._add(branch, child, path, cursor) or found
        return found

    def _label(self, node: XrayNode) -> Text:
        colours = _health_colours(self)
        text = Text()
        text.append(f"{GLYPHS[node.health]} ", style=colours[node.health])
        text.append(f"{node.kind} ", style="dim")
        text.append(node.name, style="bold")
        if node.namespace and self.namespace is None and node.kind not in _INNER:
            text.append(f" ({node.namespace})", style="dim")
        if node.detail:
            text.append(f"  {node.detail}", style=colours[node.health])
        return text

    @on(Tree.NodeCollapsed)
    def _collapsed_node(self, event: Tree.NodeCollapsed[XrayNode]) -> None:
        self._collapsed.add(_path_of(event.node))

    @on(Tree.NodeExpanded)
    def _expanded_node(self, event: Tree.NodeExpanded[XrayNode]) -> None:
        self._collapsed.discard(_path_of(event.node))

    # -- keys ---------------------------------------------------------------------------

    def action_toggle(self) -> None:
        node = self.query_one(Tree).cursor_node
        if node is not None and node.allow_expand:
            node.toggle()

    def action_open(self) -> None:
        node = self.query_one(Tree).cursor_node
        if node is None or node.data is None:
            return
        target = xray.target_of(node.data)
        if target is None:
            self.notify(f"{node.data.label}: no object to open", severity="warning")
            return
        self._jump(target)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[XrayNode]) -> None:
        # The tree's own Enter binding (and a mouse click) select: open the object.
        event.stop()
        self.action_open()

    @work(group="xray-jump")
    async def _jump(self, target: tuple[str, str, str, str | None]) -> None:
        api_version, kind, name, namespace = target
        try:
            resource = await self.session.client.discovery.for_kind(api_version, kind)
        except (ClientError, OSError) as error:
            self.notify(f"cannot open {kind} {name}: {error}", severity="error")
            return
        self.post_message(
            self.JumpTo(ObjectRef(resource, name, namespace if resource.namespaced else None))
        )

    def action_back(self) -> None:
        self.dismiss()


_INNER = {"Container", "InitContainer", "Endpoint"}


def _path_of(node: TreeNode[XrayNode]) -> tuple[str, ...]:
    path: list[str] = []
    current: TreeNode[XrayNode] | None = node
    while current is not None and current.data is not None:
        path.append(current.data.label)
        current = current.parent
    return tuple(reversed(path))


def _health_colours(screen: Screen) -> dict[Health, str]:
    """Colours from the current theme, so light and high-contrast themes stay readable."""
    theme = screen.app.current_theme
    ok = theme.success or "green"
    warn = theme.warning or "yellow"
    return {
        Health.OK: ok,
        Health.PENDING: warn,
        Health.WARNING: warn,
        Health.ERROR: theme.error or "red",
        Health.DONE: "dim",
        Health.UNKNOWN: "dim",
    }


async def _root_kind(session: Session, kind: str) -> str:
    """`deploy`, `Deployment`, `svc`... → the ROOT_KINDS key; others are refused."""
    if kind in xray.ROOT_KINDS:
        return kind
    resource = await session.client.discovery.find(kind)
    if resource.name not in xray.ROOT_KINDS:
        kinds = ", ".join(xray.ROOT_KINDS)
        raise UnknownResource(f"xray does not show {resource.name} (it shows {kinds})")
    return resource.name
