"""ExternalEditorScreen: the `e` key with `editor = "external"` in the config. The object's
YAML goes to a temp file, the app is suspended while $VISUAL / $EDITOR (else vi) edits it,
then the same path as the in-app editor: parse → server dry run (fieldValidation=Strict) →
diff → confirm → apply. As `kubectl edit`, a failure reopens the file with the error on top.

The screen shows nothing of its own: it runs the flow in a worker and closes when done.
"""

from __future__ import annotations

import inspect
import os
import shlex
import subprocess
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult, SuspendNotSupported
from textual.screen import Screen
from textual.widgets import Static

from ktui.actions import dry_run_replace, replace
from ktui.client import ClientError, Conflict
from ktui.model.diff import diff_objects
from ktui.model.yaml_edit import (
    HIDDEN,
    YamlSyntaxError,
    identity_change,
    object_to_yaml,
    parse_object,
    without,
)
from ktui.refs import ObjectRef
from ktui.session import Session

from .confirm import ConfirmScreen, DiffScreen

RunEditor = Callable[[Path], "Awaitable[None] | None"]
HEADER = """\
# Edit the object below and save to apply it (after a preview of the changes).
# Lines beginning with '#' are ignored; an empty file cancels the edit.
"""


DONE = object()  # the flow is over (applied, declined or nothing to do)
RELOAD = object()  # start again from the object on the server


def without_header(text: str) -> str:
    """The text below the leading comment block (our header and the last error)."""
    lines = text.splitlines(True)
    start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return "".join(lines[start:])


def without_comments(text: str) -> str:
    return "".join(line for line in text.splitlines(True) if not line.lstrip().startswith("#"))


def editor_command() -> list[str]:
    """$VISUAL, then $EDITOR (either may carry arguments: `code --wait`), else vi."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return shlex.split(command)


class ExternalEditorScreen(Screen[None]):
    def __init__(
        self, session: Session, ref: ObjectRef, *, run_editor: RunEditor | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.ref = ref
        self.run_editor: RunEditor = run_editor or self.suspend_and_edit

    def compose(self) -> ComposeResult:
        yield Static(f"editing {self.ref.title} in an external editor…", markup=False)

    def on_mount(self) -> None:
        self.flow()

    def suspend_and_edit(self, path: Path) -> None:
        """Hand the terminal to the editor until it exits."""
        with self.app.suspend():
            subprocess.run([*editor_command(), str(path)], check=False)

    async def edit(self, path: Path) -> None:
        outcome = self.run_editor(path)
        if inspect.isawaitable(outcome):
            await outcome

    async def again(self, message: str) -> bool:
        """Tell what went wrong; True if the user wants to fix it in the editor."""
        self.notify(message, severity="error")
        return bool(
            await self.app.push_screen_wait(
                ConfirmScreen(f"{message}\n\nEdit again?", title=f"edit {self.ref.title}")
            )
        )

    @work(exclusive=True, group="external-editor")
    async def flow(self) -> None:
        if self.session.readonly:
            self.notify("read-only mode", severity="error")
            self.dismiss()
            return
        fd, name = tempfile.mkstemp(prefix="ktui-edit-", suffix=".yaml")
        os.close(fd)
        path = Path(name)
        try:
            await self.edit_loop(path)
        except SuspendNotSupported:
            self.notify("this terminal cannot run an external editor", severity="error")
        except OSError as error:
            self.notify(f"cannot run the editor: {error}", severity="error")
        finally:
            path.unlink(missing_ok=True)
            if self.app.screen is self:
                self.dismiss()

    async def load(self) -> dict[str, Any] | None:
        try:
            return await self.session.client.bind(self.ref.resource).get(
                self.ref.name, self.ref.namespace
            )
        except ClientError as error:
            self.notify(f"cannot load {self.ref.title}: {error}", severity="error")
            return None

    async def edit_loop(self, path: Path) -> None:
        live = await self.load()
        if live is None:
            return
        text, note = object_to_yaml(live), ""
        while True:
            path.write_text(HEADER + note + text, encoding="utf-8")
            await self.edit(path)
            written = path.read_text(encoding="utf-8")
            text = without_header(written)
            if not without_comments(text).strip():
                self.notify("edit cancelled, no changes made")
                return
            try:
                edited = parse_object(written)  # line numbers as in the file the user saw
                problem = identity_change(live, edited)
            except YamlSyntaxError as error:
                edited, problem = None, str(error)
            if problem is None and edited is not None:
                if edited == without(live, HIDDEN):
                    self.notify("edit cancelled, no changes made")
                    return
                outcome = await self.submit(live, edited)
                if outcome is DONE:
                    return
                if outcome is RELOAD:
                    reloaded = await self.load()
                    if reloaded is None:
                        return
                    live, text, note = reloaded, object_to_yaml(reloaded), ""
                    continue
                problem = str(outcome)
            if not await self.again(problem):
                return
            note = "".join(f"# error: {line}\n" for line in problem.splitlines())

    async def submit(self, live: dict[str, Any], edited: dict[str, Any]) -> str | object:
        """Dry run, diff, confirm, apply: DONE, RELOAD, or the error for the user to fix."""
        client, ref = self.session.client, self.ref
        try:
            preview = await dry_run_replace(client, ref, edited)
        except Conflict:
            return await self.conflict()
        except ClientError as error:
            return str(error)
        lines = diff_objects(live, preview)
        if not lines:
            self.notify("no changes to apply")
            return DONE
        if not await self.app.push_screen_wait(DiffScreen(lines, title=f"edit {ref.title}")):
            self.notify("not applied")
            return DONE
        try:
            _, message = await replace(client, ref, edited)
        except Conflict:
            return await self.conflict()
        except ClientError as error:
            return str(error)
        self.notify(message)
        return DONE

    async def conflict(self) -> object:
        question = f"{self.ref.title} changed on the server since you opened it; reload?"
        if await self.app.push_screen_wait(ConfirmScreen(question, title="Conflict")):
            return RELOAD
        return DONE
