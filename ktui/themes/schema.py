"""A theme file (TOML) → a `textual.theme.Theme`, with every mistake named.

name = "my-theme"            # optional: defaults to the file's name without .toml
dark = true
primary = "#5fafff"          # required; every colour Textual CSS accepts
secondary = "#8787d7"
accent = "#ffaf5f"
foreground = "#d0d0d0"
background = "#1c1c1c"
surface = "#262626"
panel = "#303030"
success = "#5faf5f"
warning = "#ffaf00"
error = "#ff5f5f"
# optional fine tuning: boost, text_alpha (0..1), luminosity_spread (0..1)

[variables]                  # Textual theme variables, e.g.
"footer-key-foreground" = "#5fafff"
"block-cursor-text-style" = "bold"
"input-selection-background" = "#5fafff 35%"
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import Theme

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

COLOURS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "success",
    "warning",
    "error",
    "boost",
)
FRACTIONS = ("text_alpha", "luminosity_spread")
KEYS = ("name", "dark", "variables", "description", "author", *COLOURS, *FRACTIONS)
# Textual turns the name into the CSS class "-theme-<name>": keep it a valid identifier.
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_VARIABLE = re.compile(r"^[a-z][a-z0-9-]*$")
_PERCENT = re.compile(r"^\d{1,3}(\.\d+)?%$")


class ThemeError(ValueError):
    """A theme file that cannot be used; str() is the message for the user."""


def load_theme_file(path: Path) -> Theme:
    """Read and validate one theme file. Raises ThemeError with a readable message."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ThemeError(f"{path}: cannot read it ({reason})") from None
    return load_theme_text(text, default_name=path.stem, source=str(path))


def load_theme_text(text: str, *, default_name: str, source: str = "<theme>") -> Theme:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"{source}: not valid TOML: {exc}") from None
    return theme_from_dict(data, default_name=default_name, source=source)


def theme_from_dict(data: dict[str, Any], *, default_name: str, source: str) -> Theme:
    problems: list[str] = []
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}; known: {', '.join(KEYS)}")

    name = data.get("name", default_name)
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(
            f"name {name!r} must start with a letter and use only letters, digits, '-' and '_'"
        )
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        problems.append(f"dark must be true or false, not {dark!r}")

    colours: dict[str, str] = {}
    if "primary" not in data:
        problems.append('primary is required (the main colour, e.g. primary = "#0178d4")')
    for key in COLOURS:
        if key in data:
            error = _colour_error(data[key])
            if error:
                problems.append(f"{key}: {error}")
            else:
                colours[key] = data[key]

    fractions: dict[str, float] = {}
    for key in FRACTIONS:
        if key in data:
            value = data[key]
            if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
                fractions[key] = float(value)
            else:
                problems.append(f"{key} must be a number from 0 to 1, not {value!r}")

    variables = _variables(data.get("variables", {}), problems)

    if problems:
        raise ThemeError(f"{source}: " + "; ".join(problems))
    theme = Theme(name=name, dark=dark, variables=variables, **colours, **fractions)
    try:
        # Textual derives shades from these; fail here, not while painting the screen.
        theme.to_color_system().generate()
    except Exception as exc:  # a ColorSystem failure is a bad file, never a crash
        raise ThemeError(f"{source}: the colours do not make a theme: {exc}") from None
    return theme


def _colour_error(value: Any) -> str | None:
    if not isinstance(value, str):
        return f'expected a colour string like "#1e1e2e", got {value!r}'
    try:
        Color.parse(value)
    except ColorParseError:
        return f'{value!r} is not a colour (use "#rrggbb", "rgb(r,g,b)" or a colour name)'
    return None


def _variables(value: Any, problems: list[str]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(f"[variables] must be a table of name = value, not {value!r}")
        return {}
    variables: dict[str, str] = {}
    for name, raw in value.items():
        if not _VARIABLE.match(name):
            problems.append(
                f"variables: {name!r} is not a variable name (like footer-key-foreground)"
            )
        elif not isinstance(raw, str) or not _css_value_ok(name, raw):
            kind = (
                "text styles (bold, reverse, underline, none...)"
                if name.endswith("style")
                else 'a colour, optionally with an alpha like "#5fafff 35%"'
            )
            problems.append(f"variables.{name}: {raw!r} is not {kind}")
        else:
            variables[name] = raw
    return variables


def _css_value_ok(name: str, value: str) -> bool:
    """What Textual's theme variables hold, by name: "...style" ones text styles ("bold
    reverse"), all others a colour, "auto", or a $variable, optionally with an alpha ("35%").

    A wrong kind of value would otherwise fail later, when a widget using it first mounts."""
    tokens = value.split()
    if not tokens:
        return False
    if name.endswith("style"):
        return all(token in VALID_STYLE_FLAGS for token in tokens)
    first, rest = tokens[0], tokens[1:]
    if len(rest) > 1 or (rest and not _PERCENT.match(rest[0])):
        return False
    if first in ("auto", "initial"):
        return True
    if first.startswith("$"):
        return bool(_VARIABLE.match(first[1:]))
    try:
        Color.parse(first)
    except ColorParseError:
        return False
    return True
