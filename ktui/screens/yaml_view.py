"""`y`: the live object as YAML, exactly as `kubectl get -o yaml` prints it.

    app.push_screen(YamlScreen(session, ref))

Highlighted and read-only (a TextArea: arrows, page keys and selection work); managedFields
hidden as kubectl hides them, `m` shows them; `/` searches (n / N), `r` fetches again,
Esc back. Failures become a message in the view.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from ktui.describe.kubeyaml import to_yaml
from ktui.describe.search import Match
from ktui.refs import ObjectRef
from ktui.session import Session

from .describe import TextInspector


class YamlScreen(TextInspector):
    DEFAULT_CSS = """
    YamlScreen > #yaml-body { height: 1fr; border: none; }
    """
    TITLE_VERB = "YAML"
    BINDINGS = [
        Binding("escape", "back", "Back", id="yaml.back"),
        Binding("r", "refresh", "Refresh", id="yaml.refresh"),
        Binding("m", "toggle_managed_fields", "managedFields", id="yaml.managed_fields"),
        Binding("slash", "search", "Search", id="yaml.search"),
        Binding("n", "next_match", "Next match", id="yaml.next"),
        Binding("N", "previous_match", "Previous match", id="yaml.previous"),
    ]

    def __init__(self, session: Session, ref: ObjectRef, *, managed_fields: bool = False) -> None:
        super().__init__(session, ref)
        self.managed_fields = managed_fields
        self.obj: dict[str, Any] | None = None

    def compose_body(self) -> ComposeResult:
        yield TextArea(
            "",
            language="yaml",
            read_only=True,
            show_line_numbers=True,
            soft_wrap=False,
            id="yaml-body",
        )

    def on_mount(self) -> None:
        self.focus_body()
        super().on_mount()

    async def fetch(self) -> str:
        resource = self.session.client.bind(self.ref.resource)
        self.obj = None  # a failed refresh must not leave `m` showing a stale object
        self.obj = await resource.get(self.ref.name, self.ref.namespace)
        return to_yaml(self.obj, managed_fields=self.managed_fields)

    def action_toggle_managed_fields(self) -> None:
        self.managed_fields = not self.managed_fields
        if self.obj is None:
            return
        self.text = to_yaml(self.obj, managed_fields=self.managed_fields)
        self.show_text(self.text)
        self._research(keep_position=False)

    def status_hint(self) -> str:
        shown = "shown" if self.managed_fields else "hidden"
        return f"managedFields {shown} (m)"

    def _area(self) -> TextArea:
        return self.query_one("#yaml-body", TextArea)

    def show_text(self, text: str) -> None:
        area = self._area()
        top, cursor = area.scroll_offset.y, area.cursor_location
        area.load_text(text)
        # Refreshing keeps the reader where they were.
        row = min(cursor[0], max(area.document.line_count - 1, 0))
        area.move_cursor((row, 0))
        area.scroll_to(y=top, animate=False, force=True)

    def show_error(self, message: str) -> None:
        self.text = ""
        self._area().load_text(f"# {message}\n")

    def show_matches(self, matches: list[Match], current: Match | None) -> None:
        if current is None or self.error:
            return
        area = self._area()
        area.selection = Selection((current.line, current.start), (current.line, current.end))
        area.scroll_cursor_visible(center=True, animate=False)

    def reading_line(self) -> int:
        return self._area().cursor_location[0]

    def focus_body(self) -> None:
        self._area().focus()
