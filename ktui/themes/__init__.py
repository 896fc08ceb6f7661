"""Colour themes: the shipped themes/*.toml at the top of the checkout, the user's own in
$XDG_CONFIG_HOME/ktui/themes/, turned into Textual themes and hot-reloaded.

The app calls, from on_mount:

    for problem in install_themes(self, config):
        self.notify(problem, severity="warning")
    start_theme_watcher(self)

and the themes appear in the command palette (ctrl+p → "Change theme")."""

from __future__ import annotations

from ktui.themes.install import (
    DEFAULT_THEME,
    builtin_themes_dir,
    install_themes,
    load_theme_dir,
    shipped_themes,
    theme_css_error,
)
from ktui.themes.schema import ThemeError, load_theme_file, load_theme_text
from ktui.themes.watcher import ThemeWatcher, start_theme_watcher

__all__ = [
    "DEFAULT_THEME",
    "ThemeError",
    "ThemeWatcher",
    "builtin_themes_dir",
    "install_themes",
    "load_theme_dir",
    "load_theme_file",
    "load_theme_text",
    "shipped_themes",
    "start_theme_watcher",
    "theme_css_error",
]
