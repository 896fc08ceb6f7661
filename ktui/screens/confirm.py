"""Yes/no dialogs: ConfirmScreen asks a question (y/Enter yes, n/Esc no); DiffScreen asks
it under a coloured unified diff, so a change is seen before it is applied."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ktui.model.diff import diff_counts


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True (yes) or False (no). `dangerous` paints it in the error colour,
    for deletes, kills and drains."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen #confirm-dialog {
        width: auto; min-width: 40; max-width: 90%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    ConfirmScreen #confirm-dialog.dangerous { border: thick $error; }
    ConfirmScreen #confirm-title { text-style: bold; margin-bottom: 1; }
    ConfirmScreen #confirm-dialog.dangerous #confirm-title { color: $error; }
    ConfirmScreen #confirm-body { height: auto; max-height: 30; margin-bottom: 1; }
    ConfirmScreen #confirm-hint { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(
        self,
        question: str,
        *,
        title: str = "Confirm",
        dangerous: bool = False,
        body: RenderableType | None = None,
    ) -> None:
        super().__init__()
        self.question = question
        self.title_text = title
        self.dangerous = dangerous
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dangerous" if self.dangerous else ""):
            yield Static(self.title_text, id="confirm-title", markup=False)
            if self.body is not None:
                with VerticalScroll(id="confirm-body"):
                    yield Static(self.body, id="confirm-body-text", markup=False)
            yield Static(self.question, id="confirm-question", markup=False)
            yield Static("y / Enter: yes    n / Esc: no", id="confirm-hint", markup=False)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def render_diff(lines: list[str]) -> Text:
    """A unified diff with + lines green, - lines red and hunk headers dimmed."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for line in lines:
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        else:
            style = ""
        text.append(line + "\n", style=style)
    text.rstrip()
    return text


class DiffScreen(ConfirmScreen):
    """`Apply these changes?` under the diff of what the server would store."""

    DEFAULT_CSS = """
    DiffScreen #confirm-dialog { width: 90%; }
    DiffScreen #confirm-body { height: auto; max-height: 70vh; border: round $panel; }
    """

    def __init__(
        self, lines: list[str], *, title: str = "Changes", question: str = "Apply these changes?"
    ) -> None:
        added, removed = diff_counts(lines)
        super().__init__(f"{question}  (+{added} -{removed})", title=title, body=render_diff(lines))
        self.lines = lines
