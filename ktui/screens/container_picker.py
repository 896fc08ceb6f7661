"""The logs screen's container switch (`a`): one container of the pod, or all of them."""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

ALL = "\0all"  # the "all containers" choice


class ContainerPicker(ModalScreen[str | None]):
    """Choose one container of the pod, or all of them; Esc keeps the current choice."""

    BINDINGS = [Binding("escape", "dismiss_picker", "Cancel", id="logs.containers.cancel")]
    DEFAULT_CSS = """
    ContainerPicker { align: center middle; }
    ContainerPicker > OptionList { width: 50; height: auto; max-height: 20; border: round $accent; }
    """

    def __init__(self, names: list[str], current: str | None) -> None:
        super().__init__()
        self._names = names
        self._current = current

    def compose(self) -> ComposeResult:
        options = [Option("all containers", id=ALL)]
        options += [Option(Text(name), id=name) for name in self._names]
        picker = OptionList(*options)
        picker.border_title = "Logs of"
        yield picker

    def on_mount(self) -> None:
        picker = self.query_one(OptionList)
        if self._current is not None:
            with contextlib.suppress(OptionDoesNotExist):  # leave the first highlighted
                picker.highlighted = picker.get_option_index(self._current)
        picker.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_dismiss_picker(self) -> None:
        self.dismiss(None)
