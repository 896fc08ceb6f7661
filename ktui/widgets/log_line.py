"""One log line as the log view draws it: container prefix, ANSI colours decoded, control
characters made harmless, tabs expanded, very long lines cut, search matches highlighted;
and, with wrap on, lines cut into screen rows for the visible window only."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.strip import Strip

MAX_LINE_CHARS = 10_000  # longer lines are drawn cut (saving keeps them whole)
PREFIX_COLOURS = ("cyan", "magenta", "green", "yellow", "bright_blue", "bright_red")
# C0 controls and DEL would move the terminal's cursor: drop CR, show the rest as "�"
# (ESC is kept for ANSI colour sequences, which are decoded)
_CONTROLS: dict[int, str | None] = {
    c: "\ufffd" for c in (*range(0, 9), *range(11, 27), *range(28, 32), 127)
}
_CONTROLS[13] = None


@dataclass(frozen=True)
class LineStyles:
    """The view's styles, from its component classes."""

    base: Style
    match: Style
    current: Style
    cut: Style


def line_text(
    raw: str,
    styles: LineStyles,
    *,
    prefix: str | None = None,
    prefix_width: int = 0,
    prefix_index: int = 0,
    matcher: re.Pattern | None = None,
    current: bool = False,
) -> Text:
    """The Text of one line; `current` marks the line of the match jumped to."""
    cut = len(raw) - MAX_LINE_CHARS
    if cut > 0:
        raw = raw[:MAX_LINE_CHARS]
    raw = raw.translate(_CONTROLS)
    if "\x1b" in raw:
        body = Text.from_ansi(raw)
        body.plain = body.plain.replace("\x1b", "\ufffd")  # a stray ESC, same length
    else:
        body = Text(raw)
    if "\t" in body.plain:
        body.expand_tabs()
    text = Text(no_wrap=True, end="")
    if prefix is not None:
        colour = PREFIX_COLOURS[prefix_index % len(PREFIX_COLOURS)]
        text.append(prefix.ljust(prefix_width) + " ", Style(color=colour, bold=True))
    start = len(text)
    text.append_text(body)
    if cut > 0:
        text.append(f" … {cut:,} more characters", styles.cut)
    if matcher is not None:
        for match in matcher.finditer(body.plain):
            if match.end() > match.start():
                text.stylize(styles.match, start + match.start(), start + match.end())
    if current:
        text.stylize_before(styles.current)
    text.stylize_before(styles.base)
    return text


def line_strip(text: Text, console: object) -> Strip:
    return Strip(text.render(console), text.cell_len)  # type: ignore[arg-type]


def wrap_strip(strip: Strip, width: int, style: Style) -> list[Strip]:
    """`strip` cut into rows of `width` cells (hard wrap, as terminals and `less` do)."""
    length = strip.cell_length
    if length <= width:
        return [strip.crop_extend(0, width, style)]
    cuts = [*range(width, length, width), length]
    return [part.crop_extend(0, width, style) for part in strip.divide(cuts)]


def tail_anchor(rows: int, height: int, rows_of: Callable[[int], int]) -> tuple[int, bool]:
    """The first row of the last screenful when wrapped (`rows_of(row)`: screen rows of
    a row), and whether the rows from there fill the screen."""
    total, row = 0, rows - 1
    while row >= 0:
        total += rows_of(row)
        if total >= height:
            return row, True
        row -= 1
    return 0, False


def wrapped_window(
    top: int,
    rows: int,
    height: int,
    wrap_row: Callable[[int], list[Strip]],
    *,
    from_bottom: bool,
) -> tuple[list[Strip], tuple[int, int]]:
    """The screen rows of the window starting at row `top` (or, `from_bottom`, ending with
    the last row), and the rows [first, last) it shows."""
    window: list[Strip] = []
    if from_bottom:
        row = rows
        while row > 0 and len(window) < height:
            row -= 1
            window[:0] = wrap_row(row)
        return window[-height:], (row, rows)
    row = top
    while row < rows and len(window) < height:
        window.extend(wrap_row(row))
        row += 1
    return window[:height], (top, row)
