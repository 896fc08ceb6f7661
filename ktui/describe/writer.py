"""kubectl's PrefixWriter over a port of Go's text/tabwriter, so columns line up exactly as
`kubectl describe` lines them up.

kubectl builds describe text with `tabwriter.NewWriter(buf, 0, 8, 2, ' ', 0)`: cells end at a
tab; a column is as wide as its widest cell plus two spaces, within a *block* of consecutive
lines that have that column. A line without any tab ends every block (the writer flushes),
which is why each section of a describe aligns on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, LEVEL_4 = range(5)
_SEPARATORS = re.compile(r"[\t\v\n\f]")
# cli-runtime's printers.WriteEscaped: terminal control sequences never reach the screen.
_ESCAPES = str.maketrans({"\x1b": "^[", "\r": "\\r"})


@dataclass
class _Cell:
    text: str
    htab: bool  # ended by a tab (not \v or the end of the line)


class TabWriter:
    """Go's text/tabwriter with minwidth 0, padding 2, padchar ' ' and no flags."""

    def __init__(self, minwidth: int = 0, padding: int = 2) -> None:
        self.minwidth = minwidth
        self.padding = padding
        self._out: list[str] = []
        self._lines: list[list[_Cell]] = [[]]
        self._cell = ""  # the current, unterminated cell

    def write(self, text: str) -> None:
        start = 0
        for match in _SEPARATORS.finditer(text):
            ch = match.group()
            self._cell += text[start : match.start()]
            start = match.end()
            line = self._lines[-1]
            line.append(_Cell(self._cell, ch == "\t"))
            self._cell = ""
            if ch in "\n\f":
                self._lines.append([])
                # A one-cell line cannot affect the columns below it: Go flushes here.
                if ch == "\f" or len(line) == 1:
                    self.flush()
        self._cell += text[start:]

    def flush(self) -> None:
        if self._cell:
            self._lines[-1].append(_Cell(self._cell, False))
            self._cell = ""
        self._format(0, len(self._lines), [])
        self._lines = [[]]

    def getvalue(self) -> str:
        self.flush()
        return "".join(self._out)

    def _format(self, line0: int, line1: int, widths: list[int]) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(self._lines[this]) - 1:
                this += 1
                continue
            # A column block starts here: print what is above it, then size the column.
            self._write_lines(line0, this, widths)
            line0 = this
            width = self.minwidth
            while this < line1 and column < len(self._lines[this]) - 1:
                width = max(width, len(self._lines[this][column].text) + self.padding)
                this += 1
            widths.append(width)
            self._format(line0, this, widths)
            widths.pop()
            line0 = this
        self._write_lines(line0, line1, widths)

    def _write_lines(self, line0: int, line1: int, widths: list[int]) -> None:
        out = self._out
        for i in range(line0, line1):
            for j, cell in enumerate(self._lines[i]):
                out.append(cell.text)
                if j < len(widths):
                    out.append(" " * (widths[j] - len(cell.text)))
            if i + 1 == len(self._lines):
                out.append(self._cell)  # the last buffered line has no newline yet
            else:
                out.append("\n")


class PrefixWriter:
    """kubectl's PrefixWriter: two spaces of indent per level, text escaped for terminals."""

    def __init__(self, out: TabWriter, indent: int = 0) -> None:
        self.out = out
        self.indent = indent

    def write(self, level: int, text: str) -> None:
        self.out.write(("  " * (level + self.indent) + text).translate(_ESCAPES))

    def write_line(self, *parts: object) -> None:
        """Go's fmt.Sprintln: parts joined by spaces, then a newline."""
        text = " ".join(str(p) for p in parts) + "\n"
        if self.indent:
            self.write(0, text)
        else:
            self.out.write(text.translate(_ESCAPES))

    def flush(self) -> None:
        self.out.flush()

    def nested(self, indent: int) -> PrefixWriter:
        return PrefixWriter(self.out, self.indent + indent)


def tabbed(build: Callable[[PrefixWriter], None]) -> str:
    """kubectl's tabbedString: run `build` on a fresh writer and return the aligned text."""
    out = TabWriter()
    build(PrefixWriter(out))
    return out.getvalue()
