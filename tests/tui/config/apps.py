"""Small apps for the config/theme/keymap/help tests: no cluster needed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from ktui.config import Config
from ktui.keymap import apply_keymap
from ktui.themes import install_themes


class Counter(Screen):
    """A screen with remappable bindings that visibly count key presses."""

    BINDINGS = [
        Binding("c", "count", "Count", id="demo.count"),
        Binding("r", "reset", "Reset", id="demo.reset"),
        Binding("w", "wide", "Wide", show=False, id="demo.wide"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def compose(self) -> ComposeResult:
        yield Static("0", id="count")
        yield Footer()

    def action_count(self) -> None:
        self.count += 1
        self.query_one("#count", Static).update(str(self.count))

    def action_reset(self) -> None:
        self.count = 0
        self.query_one("#count", Static).update("0")

    def action_wide(self) -> None:
        pass


class ConfiguredApp(App):
    """Applies a Config the way KtuiApp does, and records what it tells the user."""

    BINDINGS = [Binding("question_mark", "help", "Help", id="app.help")]
    # An app variable used as a text style: a theme giving it a colour must be refused.
    CSS = "#count { text-style: $count-emphasis; }"

    def __init__(self, config: Config, *, user_themes: Path | None = None) -> None:
        super().__init__()
        self.config = config
        self.user_themes = user_themes
        self.problems: list[str] = []
        self.notes: list[tuple[str, str]] = []  # (severity, message) of every notify

    def on_mount(self) -> None:
        self.problems += install_themes(self, self.config, user_dir=self.user_themes)
        self.problems += apply_keymap(self, self.config.keymap)
        self.push_screen(Counter())

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return {"count-emphasis": "bold"}

    def notify(self, message: str, *args: Any, severity: str = "information", **kw: Any) -> None:
        self.notes.append((severity, message))
        super().notify(message, *args, severity=severity, **kw)

    def action_help(self) -> None:
        from ktui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
