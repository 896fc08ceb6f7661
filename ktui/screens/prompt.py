"""PromptScreen: one labelled value (replicas, an image), checked before it is accepted.
Enter submits, Esc cancels (dismisses None)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

Validator = Callable[[str], "str | None"]  # the value -> an error message, or None if fine


def replicas_value(text: str) -> str | None:
    if not text.strip().isdigit():
        return "replicas must be a whole number >= 0"
    return None


def non_empty(text: str) -> str | None:
    return None if text.strip() else "a value is required"


class PromptScreen(ModalScreen["str | None"]):
    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen #prompt-dialog {
        width: 70; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    PromptScreen #prompt-title { text-style: bold; margin-bottom: 1; }
    PromptScreen #prompt-error { color: $error; height: auto; }
    PromptScreen #prompt-hint { color: $text-muted; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="prompt.cancel")]

    def __init__(
        self,
        label: str,
        default: str = "",
        *,
        title: str = "",
        validator: Validator | None = None,
        placeholder: str = "",
    ) -> None:
        super().__init__()
        self.label = label
        self.default = default
        self.title_text = title
        self.validator = validator
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog"):
            if self.title_text:
                yield Static(self.title_text, id="prompt-title", markup=False)
            yield Static(self.label, id="prompt-label", markup=False)
            yield Input(self.default, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-error", markup=False)
            yield Static("Enter: ok    Esc: cancel", id="prompt-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self.validator(value) if self.validator else None
        if problem:
            self.query_one("#prompt-error", Static).update(problem)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
