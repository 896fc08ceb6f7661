"""A search of a log that keeps up with the stream, and the "matching lines only" filter.

`LogSearch` holds what a view needs: the pattern (and its compiled expression for
highlights), the matching line numbers found so far, how far the log has been searched,
the match the user jumped to, and the optional `LineFilter`. The view decides when to
search (inline for a few new lines, in a thread for a large backlog); `find` is safe to
run in a thread, `add` applies the result on the UI's side.

`LineFilter` is the "matching lines only, with N lines of context" view (grep -C): runs of
line numbers with a separator row between runs, so it too is virtual over line numbers.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from ktui.model.log_store import LogStore, compile_pattern


class LogSearch:
    """A case-insensitive search (substring, or regular expression with `regex`). Raises
    `re.error` for a bad expression."""

    def __init__(self, pattern: str, *, regex: bool = False, context: int | None = None) -> None:
        self.pattern = pattern
        self.regex = regex
        self.matcher = compile_pattern(pattern, regex=regex)
        self.matches = array("Q")  # line numbers, ascending
        self.searched = 0  # lines [0, searched) have been searched
        self.running = False  # a thread is searching
        self.current: int | None = None  # index into matches of the match jumped to
        self.filter = LineFilter(context) if context is not None else None

    def restarted(self) -> LogSearch:
        """The same search on a new log (a restarted stream): nothing found yet."""
        return LogSearch(self.pattern, regex=self.regex, context=self.context)

    @property
    def context(self) -> int | None:
        return self.filter.context if self.filter is not None else None

    @property
    def current_line(self) -> int | None:
        return None if self.current is None else self.matches[self.current]

    def backlog_bytes(self, store: LogStore) -> int:
        """Bytes of the log not searched yet."""
        return store.size - store.offset(min(self.searched, len(store)))

    def find(self, store: LogStore, stop: int) -> array:
        """Matching lines in [searched, stop): no state changes, so a thread may run it."""
        return store.search(self.pattern, regex=self.regex, start=self.searched, stop=stop)

    def add(self, hits: Iterable[int], searched: int, line_count: int) -> None:
        """Record what `find` found up to `searched` in a log now `line_count` long."""
        hits = array("Q", hits)
        self.matches.extend(hits)
        self.searched = searched
        if self.filter is not None:
            self.filter.extend(hits, line_count)

    def set_context(self, context: int | None, line_count: int) -> None:
        """Filter to matching lines with `context` lines around each; None: no filter."""
        if context is None:
            self.filter = None
            return
        self.filter = LineFilter(context)
        self.filter.extend(self.matches, self.searched)
        self.filter.extend((), line_count)

    def first_from(self, line: int) -> int:
        """Index of the first match at or after `line`, wrapping to the first."""
        index = bisect_left(self.matches, line)
        return index if index < len(self.matches) else 0

    def last_until(self, line: int) -> int:
        """Index of the last match at or before `line`, wrapping to the last."""
        index = bisect_right(self.matches, line) - 1
        return index if index >= 0 else len(self.matches) - 1


class LineFilter:
    """Rows of a "matching lines only" view: each match with `context` lines either side,
    overlapping or touching runs merged, one separator row between runs (as grep -C).
    Grows with `extend` as new matches and lines arrive; memory is O(runs)."""

    def __init__(self, context: int = 0) -> None:
        self.context = context
        self._starts = array("Q")  # first line of each run
        self._ends = array("Q")  # one past the last line of each run
        self._rows = array("Q")  # the row of each run's first line
        self._last_match = -1

    def extend(self, matches: Iterable[int], line_count: int) -> None:
        """Add matches (ascending, after every earlier one) of a log now `line_count` long."""
        context, starts, ends, rows = self.context, self._starts, self._ends, self._rows
        if ends:  # lines that arrived after the last match are its trailing context
            ends[-1] = max(ends[-1], min(line_count, self._last_match + context + 1))
        for match in matches:
            low, high = max(0, match - context), min(line_count, match + context + 1)
            if ends and low <= ends[-1]:
                ends[-1] = max(ends[-1], high)
            else:
                rows.append(self.row_count + 1 if ends else 0)
                starts.append(low)
                ends.append(high)
            self._last_match = match

    @property
    def row_count(self) -> int:
        if not self._ends:
            return 0
        return self._rows[-1] + self._ends[-1] - self._starts[-1]

    def line_at(self, row: int) -> int | None:
        """The line shown on `row`, or None for a separator (or a row past the end)."""
        run = bisect_right(self._rows, row) - 1
        if run < 0:
            return None
        line = self._starts[run] + row - self._rows[run]
        return line if line < self._ends[run] else None

    def row_of(self, line: int) -> int | None:
        """The row showing `line`, or None when the filter hides it."""
        run = bisect_right(self._starts, line) - 1
        if run < 0 or line >= self._ends[run]:
            return None
        return self._rows[run] + line - self._starts[run]
