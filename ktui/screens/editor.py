"""EditorScreen: `e` on an object. Its live YAML (managedFields hidden) in a highlighted
TextArea; ctrl+s checks the text (YAML, then a server dry run with fieldValidation=Strict),
shows the diff of what the server would store and applies it once confirmed.

Errors point at the text: a YAML syntax error or a field the server names (`spec.foo`,
`spec.replicas`) moves the cursor to that line. The object keeps the resourceVersion it was
loaded at, so a change made on the server meanwhile is a Conflict, offered as a reload.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from ktui.actions import dry_run_replace, field_paths, replace
from ktui.client import ApiError, ClientError, Conflict
from ktui.model.diff import diff_objects
from ktui.model.yaml_edit import (
    YamlSyntaxError,
    identity_change,
    line_of,
    object_to_yaml,
    parse_object,
)
from ktui.refs import ObjectRef
from ktui.session import Session

from .confirm import ConfirmScreen, DiffScreen

READ_ONLY = "read-only mode"
CONFLICT = "{what} changed on the server since you opened it; reload? (your edits are lost)"
HINT = "ctrl+s save    ctrl+r reload    esc close"


class EditorScreen(Screen[None]):
    DEFAULT_CSS = """
    EditorScreen #editor-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    EditorScreen #editor-text { height: 1fr; }
    EditorScreen #editor-status { height: auto; max-height: 4; padding: 0 1; color: $text-muted; }
    EditorScreen #editor-status.error { color: $error; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="editor.save", priority=True),
        Binding("ctrl+r", "reload", "Reload", id="editor.reload", priority=True),
        Binding("escape", "close", "Close", id="editor.close", priority=True),
    ]

    def __init__(self, session: Session, ref: ObjectRef) -> None:
        super().__init__()
        self.session = session
        self.ref = ref
        self.live: dict[str, Any] | None = None  # as last read from the server
        self.original_text = ""  # the text loaded, to tell whether there are edits
        self.saving = False

    def compose(self) -> ComposeResult:
        mode = " (read-only)" if self.session.readonly else ""
        yield Static(f"edit {self.ref.title}{mode}", id="editor-title", markup=False)
        yield TextArea.code_editor("", language="yaml", read_only=True, id="editor-text")
        yield Static("loading…", id="editor-status", markup=False)
        yield Footer()

    @property
    def area(self) -> TextArea:
        return self.query_one("#editor-text", TextArea)

    @property
    def dirty(self) -> bool:
        return self.live is not None and self.area.text != self.original_text

    def on_mount(self) -> None:
        self.area.focus()
        self.load()

    # -- messages -----------------------------------------------------------------------

    def show_status(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#editor-status", Static)
        status.update(message)
        status.set_class(error, "error")

    def fail(self, message: str) -> None:
        self.show_status(message, error=True)
        self.notify(message, severity="error")

    def jump_to(self, line: int, column: int | None = None) -> None:
        """Put the cursor on `line` (0-based), at `column` or the line's first character."""
        area = self.area
        line = max(0, min(line, area.document.line_count - 1))
        if column is None:
            text = area.document.get_line(line)
            column = len(text) - len(text.lstrip())
        area.move_cursor((line, column), center=True)
        area.focus()

    # -- load ---------------------------------------------------------------------------

    @work(exclusive=True, group="editor-load")
    async def load(self) -> None:
        res = self.session.client.bind(self.ref.resource)
        try:
            obj = await res.get(self.ref.name, self.ref.namespace)
        except ClientError as error:
            self.fail(f"cannot load {self.ref.title}: {error}")
            return
        self.set_live(obj)

    def set_live(self, obj: dict[str, Any]) -> None:
        self.live = obj
        self.original_text = object_to_yaml(obj)
        area = self.area
        area.load_text(self.original_text)
        area.read_only = self.session.readonly
        self.show_status(READ_ONLY if self.session.readonly else HINT)

    def action_reload(self) -> None:
        if not self.dirty:
            self.load()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.load()

        self.app.push_screen(ConfirmScreen("Discard your edits and reload?"), answered)

    # -- close --------------------------------------------------------------------------

    def action_close(self) -> None:
        if not self.dirty or self.session.readonly:
            self.dismiss()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss()

        question = f"Discard your unsaved changes to {self.ref.title}?"
        self.app.push_screen(ConfirmScreen(question, title="Unsaved changes"), answered)

    # -- save ---------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.session.readonly:
            self.fail(READ_ONLY)
            return
        if self.live is None or self.saving:
            return
        try:
            edited = parse_object(self.area.text)
        except YamlSyntaxError as error:
            self.fail(str(error))
            if error.line:
                self.jump_to(error.line - 1, error.column - 1)
            return
        problem = identity_change(self.live, edited)
        if problem:
            self.fail(problem)
            return
        self.saving = True
        self.save(edited)

    @work(exclusive=True, group="editor-save")
    async def save(self, edited: dict[str, Any]) -> None:
        try:
            await self._save(edited)
        finally:
            self.saving = False

    async def _save(self, edited: dict[str, Any]) -> None:
        assert self.live is not None
        client, ref = self.session.client, self.ref
        self.show_status("checking with the server (dry run)…")
        try:
            preview = await dry_run_replace(client, ref, edited)
        except ClientError as error:
            await self.rejected(error)
            return
        lines = diff_objects(self.live, preview)
        if not lines:
            self.show_status("no changes")
            self.notify("no changes to apply")
            return
        self.show_status("the server accepts it (dry run): review the changes")
        if not await self.app.push_screen_wait(DiffScreen(lines, title=f"edit {ref.title}")):
            self.show_status("not applied; " + HINT)
            return
        try:
            stored, message = await replace(client, ref, edited)
        except ClientError as error:
            await self.rejected(error)
            return
        self.live = stored
        self.original_text = self.area.text
        self.notify(message)
        self.dismiss()

    async def rejected(self, error: ClientError) -> None:
        """Show why the server refused the edit, with the cursor on the field it names."""
        if isinstance(error, Conflict):
            self.fail(f"conflict: {error}")
            question = CONFLICT.format(what=self.ref.title)
            if await self.app.push_screen_wait(ConfirmScreen(question, title="Conflict")):
                self.load()
            return
        self.fail(str(error))
        if isinstance(error, ApiError) and error.code in (400, 422):  # BadRequest, Invalid
            text = self.area.text
            for path in field_paths(error):
                line = line_of(text, path)
                if line is not None:
                    self.jump_to(line)
                    return


def editor_screen(session: Session, ref: ObjectRef) -> Screen[None]:
    """The editor the configuration asks for: the in-app one, or $EDITOR (`editor =
    "external"`)."""
    if session.config.editor == "external":
        from .external_editor import ExternalEditorScreen

        return ExternalEditorScreen(session, ref)
    return EditorScreen(session, ref)
