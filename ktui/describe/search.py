"""Finding text in a describe or YAML view: case-insensitive unless the query has capitals
(as in less and vim's smartcase), one match per occurrence, in reading order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    line: int
    start: int  # column of the first character
    end: int  # column after the last character


def find_matches(text: str, query: str) -> list[Match]:
    if not query:
        return []
    smart = query if any(ch.isupper() for ch in query) else query.lower()
    matches: list[Match] = []
    for number, line in enumerate(text.split("\n")):
        haystack = line if smart is query else line.lower()
        start = haystack.find(smart)
        while start >= 0:
            matches.append(Match(number, start, start + len(smart)))
            start = haystack.find(smart, start + max(len(smart), 1))
    return matches


def next_index(matches: list[Match], current: int | None, step: int) -> int | None:
    """The match after (step=1) or before (step=-1) `current`, wrapping around."""
    if not matches:
        return None
    if current is None:
        return 0 if step > 0 else len(matches) - 1
    return (current + step) % len(matches)


def first_at_or_after(matches: list[Match], line: int) -> int | None:
    """The first match on or below `line` (where the reader is), else the first one."""
    for index, match in enumerate(matches):
        if match.line >= line:
            return index
    return 0 if matches else None
