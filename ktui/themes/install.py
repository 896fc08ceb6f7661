"""Registering the shipped and the user's themes with the app, and choosing the configured one."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from textual.app import App
from textual.theme import Theme

from ktui.config import Config, themes_dir
from ktui.themes.schema import ThemeError, load_theme_file

log = logging.getLogger(__name__)

DEFAULT_THEME = "ktui-dark"


def builtin_themes_dir() -> Path:
    """themes/ of this checkout, beside the ktui package (as sample_clusters/ is)."""
    return Path(__file__).resolve().parents[2] / "themes"


def load_theme_dir(directory: Path) -> tuple[dict[Path, Theme], list[str]]:
    """Every *.toml in a folder, by file; the files that fail become messages."""
    themes: dict[Path, Theme] = {}
    problems: list[str] = []
    try:
        paths = sorted(directory.glob("*.toml"))
    except OSError as exc:
        return themes, [f"{directory}: cannot list themes ({exc.strerror or exc})"]
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            theme = load_theme_file(path)
        except ThemeError as exc:
            problems.append(str(exc))
            continue
        if theme.name in seen:
            problems.append(
                f"{path}: theme {theme.name!r} is already defined in {seen[theme.name]}"
            )
            continue
        seen[theme.name] = path
        themes[path] = theme
    return themes, problems


def shipped_themes() -> dict[str, Theme]:
    themes, problems = load_theme_dir(builtin_themes_dir())
    for problem in problems:  # a packaging bug, not the user's doing
        log.error("shipped theme: %s", problem)
    return {theme.name: theme for theme in themes.values()}


def theme_css_error(app: App, theme: Theme) -> str | None:
    """Would the app's stylesheet parse with this theme? Checked on a copy, so that a bad
    value never reaches the live stylesheet (where it would fail in the middle of a repaint)."""
    variables = {
        **app.get_theme_variable_defaults(),
        **theme.to_color_system().generate(),
        **theme.variables,
    }
    stylesheet = app.stylesheet.copy()
    stylesheet.set_variables(variables)
    try:
        stylesheet.reparse()
    except Exception as exc:  # StylesheetError and friends: report, don't raise
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"theme {theme.name!r} breaks the app's styles: {first_line}"
    return None


def install_themes(
    app: App,
    config: Config,
    *,
    env: Mapping[str, str] = os.environ,
    user_dir: Path | None = None,
) -> list[str]:
    """Register the shipped themes and the user's (which win on equal names), select
    config.theme (an unknown one falls back to the default) and return what went wrong.

    Call from App.on_mount; the themes then also appear in the command palette's
    "Change theme"."""
    problems: list[str] = []
    for theme in shipped_themes().values():
        app.register_theme(theme)
    user_themes, user_problems = load_theme_dir(user_dir or themes_dir(env))
    problems += user_problems
    for path, theme in user_themes.items():
        error = theme_css_error(app, theme)
        if error:
            problems.append(f"{path}: {error}")
        else:
            app.register_theme(theme)

    wanted = config.theme
    if wanted in app.available_themes:
        app.theme = wanted
    else:
        # Textual's own default stays if even ours is missing (a broken install).
        fallback = DEFAULT_THEME if DEFAULT_THEME in app.available_themes else app.theme
        known = ", ".join(sorted(app.available_themes))
        problems.append(f"theme {wanted!r} not found; using {fallback!r}. Themes: {known}")
        app.theme = fallback
    return problems
