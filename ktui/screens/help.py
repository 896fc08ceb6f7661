"""`?`: every key that works on the screen below, after the user's remapping, grouped by
what defines it (the focused widget first, then its containers, the screen, the app), with
each binding's id so it can be remapped in config.toml's [keymap]."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ktui.config import config_path


@dataclass(frozen=True)
class HelpEntry:
    keys: tuple[str, ...]  # as displayed ("?", "^d", "F")
    description: str
    binding_id: str | None
    enabled: bool = True


@dataclass
class HelpGroup:
    title: str
    entries: list[HelpEntry] = field(default_factory=list)


def group_title(node: DOMNode) -> str:
    """A readable name for what defines bindings: BINDING_GROUP_TITLE, else the class name
    without its Screen/Widget suffix ("BrowserScreen" -> "Browser")."""
    title = getattr(node, "BINDING_GROUP_TITLE", None)
    if title:
        return title
    if isinstance(node, App):
        return "Everywhere"
    name = type(node).__name__
    stripped = re.sub(r"(Screen|Widget)$", "", name) or name
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", stripped)


def binding_groups(screen: Screen) -> list[HelpGroup]:
    """The bindings active on `screen` (what a key press there would do), by defining node.

    Built on Screen.active_bindings, so the keymap is applied, shadowed keys are left out
    and actions a node's check_action hides are left out; system bindings are skipped."""
    app = screen.app
    nodes: dict[int, DOMNode] = {}
    # (node, binding) -> keys reaching it: one row per binding, however many keys it has.
    rows: dict[tuple[int, object], tuple[list[str], Binding, bool]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system:
            continue
        nodes.setdefault(id(active.node), active.node)
        ident = binding.id or (binding.action, binding.description)
        keys, _, _ = rows.setdefault((id(active.node), ident), ([], binding, active.enabled))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)

    groups = {node_key: HelpGroup(group_title(node)) for node_key, node in nodes.items()}
    for (node_key, _), (keys, binding, enabled) in rows.items():
        description = binding.description or binding.tooltip or binding.action
        groups[node_key].entries.append(HelpEntry(tuple(keys), description, binding.id, enabled))
    for node_key, group in groups.items():
        order = declaration_order(nodes[node_key])
        group.entries.sort(key=lambda e: order.get(e.binding_id or e.description, len(order)))
    return [group for group in groups.values() if group.entries]


def declaration_order(node: DOMNode) -> dict[str, int]:
    """Bindings in the order their classes declare them, the node's own class first (so a
    screen's keys come before the tab/shift+tab it inherits from Textual)."""
    order: dict[str, int] = {}
    for cls in type(node).__mro__:
        for binding in vars(cls).get("BINDINGS", ()):
            if isinstance(binding, Binding):
                order.setdefault(binding.id or binding.description, len(order))
    return order


def group_text(group: HelpGroup) -> Content:
    """Aligned columns: keys, what they do, the id to remap them by."""
    keys = [", ".join(entry.keys) for entry in group.entries]
    texts = [e.description if e.enabled else f"{e.description} (not here)" for e in group.entries]
    key_width = max(map(len, keys), default=0)
    text_width = max(map(len, texts), default=0)
    lines = []
    for entry, key, text in zip(group.entries, keys, texts, strict=True):
        markup = "[b $accent]$key[/]  $text  [dim]$binding_id[/]"
        if not entry.enabled:
            markup = "[dim]$key  $text[/]  [dim]$binding_id[/]"
        lines.append(
            Content.from_markup(
                markup,
                key=key.ljust(key_width),
                text=text.ljust(text_width),
                binding_id=entry.binding_id or "",
            )
        )
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """Shows the bindings of `target` (default: the screen below this one)."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 90;
        max-width: 100%;
        height: auto;
        max-height: 90%;
        background: $surface;
        border: round $primary;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        padding: 0 1;
    }
    HelpScreen .help-group-title {
        margin-top: 1;
        text-style: bold;
        color: $primary;
    }
    HelpScreen .help-group {
        height: auto;
    }
    HelpScreen #help-hint {
        margin-top: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close help", id="help.close"),
    ]

    def __init__(self, target: Screen | None = None) -> None:
        super().__init__()
        self._target = target
        self.groups: list[HelpGroup] = []

    def _screen_below(self) -> Screen:
        if self._target is not None:
            return self._target
        stack = self.app.screen_stack
        index = stack.index(self) if self in stack else len(stack)
        return stack[max(index - 1, 0)]

    def compose(self) -> ComposeResult:
        target = self._screen_below()
        self.groups = binding_groups(target)
        with VerticalScroll(id="help-body") as body:
            body.border_title = f"Keys — {group_title(target)}"
            body.border_subtitle = "esc / ? closes"
            for group in self.groups:
                yield Static(group.title, classes="help-group-title")
                yield Static(group_text(group), classes="help-group")
            yield Static(
                Content.from_markup(
                    "Remap any key by its id in $path, e.g.\n[b]\\[keymap][/]\n"
                    '"browser.describe" = "D"',
                    path=str(config_path()),
                ),
                id="help-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
