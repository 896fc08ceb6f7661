"""Log lines that are never dropped and cost little memory.

The bytes of every line live in an anonymous temporary file (deleted when closed); memory
holds one 8-byte offset per line (8 MB for a million lines), plus a 2-byte container index
per line when lines carry a prefix (the all-containers view). A line is read back with one
`pread`, so a view renders only what is visible, whatever the log's length (toolong's idea).

Search reads the file in line-aligned chunks of 1 MB (memory stays bounded) and finds
matches with `bytes.find`, mapping a hit to its line with `bisect` on the offsets
(ktui/model/log_search.py keeps a search's results up to date as lines arrive).
"""

from __future__ import annotations

import os
import re
import tempfile
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, repeat
from operator import add
from typing import BinaryIO

CHUNK_BYTES = 1 << 20  # search and save read this much at a time (bounded memory)
# Append large batches in slices: the joined text and its bytes stay small, so the
# allocator reuses the same memory instead of keeping big freed blocks (RSS).
SLICE_LINES = 4096
_NO_PREFIX = 0xFFFF


class LogStore:
    """An append-only sequence of lines: `len(store)`, `store.line(i)`, `store.search(...)`."""

    def __init__(self, directory: str | None = None) -> None:
        # open for the store's life; `close()` (or the view's unmount) deletes it
        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115
        self._fd = self._file.fileno()
        # offsets[i] is where line i starts; the last entry is the end of the data. Each
        # line is stored followed by b"\n", which the readers strip.
        self._offsets = array("Q", [0])
        self._prefix_ids: array | None = None  # array("H"), only once a prefix is seen
        self._prefixes: list[str] = []
        self._prefix_index: dict[str, int] = {}
        self._partial = b""  # `feed` data after the last newline, until it is completed
        self._partial_prefix: str | None = None
        self.max_line_bytes = 0  # an upper bound of the widest line's cells (bar tabs)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @property
    def size(self) -> int:
        """Bytes stored (lines and their newlines)."""
        return self._offsets[-1]

    @property
    def prefixes(self) -> list[str]:
        """Every prefix seen, in order of first appearance."""
        return list(self._prefixes)

    # -- writing -------------------------------------------------------------------------

    def append(self, lines: Sequence[str], prefixes: str | Sequence[str] | None = None) -> None:
        """Add complete lines (without their newline). `prefixes`: one for all of them, or
        one per line (the container each line came from)."""
        if not lines:
            return
        self._commit_partial()
        if len(lines) > SLICE_LINES:
            for start in range(0, len(lines), SLICE_LINES):
                part = slice(start, start + SLICE_LINES)
                some = prefixes if prefixes is None or isinstance(prefixes, str) else prefixes[part]
                self.append(lines[part], some)
            return
        text = "\n".join([*lines, ""])  # every line followed by its newline
        if text.count("\n") != len(lines):  # a "line" holding newlines: keep it one line
            lines = [line.replace("\r\n", "\n").replace("\n", "↵") for line in lines]
            text = "\n".join([*lines, ""])
        if text.isascii():  # O(1): the flag is computed when the string is built
            data = text.encode()  # the fast path; "replace" would cost 50% more
            lengths = list(map(len, lines))
        else:
            data = text.encode("utf-8", "replace")  # (lone surrogates)
            lengths = [
                len(line) if line.isascii() else len(line.encode("utf-8", "replace"))
                for line in lines
            ]
        self._write(data, lengths, prefixes)

    def feed(self, data: bytes | str, prefix: str | None = None) -> None:
        """Add raw log text that may end in the middle of a line; the partial line is kept
        until a later `feed` completes it or `flush` commits it."""
        if isinstance(data, str):
            data = data.encode("utf-8", "replace")
        if self._partial and prefix != self._partial_prefix:
            self.flush()
        data = self._partial + data
        end = data.rfind(b"\n") + 1
        self._partial, self._partial_prefix = data[end:], prefix
        if end:
            pieces = data[:end].split(b"\n")
            pieces.pop()  # the empty piece after the final newline
            self._write(data[:end], list(map(len, pieces)), prefix)

    def flush(self) -> None:
        """Commit a partial line left by `feed` (the stream ended without a newline)."""
        self._commit_partial()

    def _commit_partial(self) -> None:
        if self._partial:
            partial, self._partial = self._partial, b""
            self._write(partial + b"\n", [len(partial)], self._partial_prefix)

    def _write(
        self,
        data: bytes,
        lengths: list[int],
        prefixes: str | Sequence[str] | None,
    ) -> None:
        view = memoryview(data)
        while view:  # os.write may write less than asked for very large buffers
            view = view[os.write(self._fd, view) :]
        ends = accumulate(map(add, lengths, repeat(1)), initial=self._offsets[-1])
        next(ends)  # the initial value is already the last offset
        self._offsets.extend(ends)
        self.max_line_bytes = max(self.max_line_bytes, max(lengths))
        self._write_prefixes(prefixes, len(lengths))

    def _write_prefixes(self, prefixes: str | Sequence[str] | None, count: int) -> None:
        if prefixes is None and self._prefix_ids is None:
            return
        if self._prefix_ids is None:
            self._prefix_ids = array("H", repeat(_NO_PREFIX, len(self) - count))
        if prefixes is None or isinstance(prefixes, str):
            self._prefix_ids.extend(repeat(self._prefix_id(prefixes), count))
        else:
            ids = [self._prefix_id(p) for p in prefixes]
            if len(ids) != count:
                raise ValueError(f"{len(ids)} prefixes for {count} lines")
            self._prefix_ids.extend(ids)

    def _prefix_id(self, prefix: str | None) -> int:
        if prefix is None:
            return _NO_PREFIX
        index = self._prefix_index.get(prefix)
        if index is None:
            index = self._prefix_index[prefix] = len(self._prefixes)
            self._prefixes.append(prefix)
        return index

    # -- reading -------------------------------------------------------------------------

    def offset(self, index: int) -> int:
        """Where line `index` starts in the stored bytes (`len(store)`: the end)."""
        return self._offsets[index]

    def raw(self, index: int) -> bytes:
        """Line `index` as stored (UTF-8 bytes, no newline)."""
        if not 0 <= index < len(self):
            raise IndexError(index)
        start = self._offsets[index]
        return os.pread(self._fd, self._offsets[index + 1] - start - 1, start)

    def line(self, index: int) -> str:
        return self.raw(index).decode("utf-8", "replace")

    def lines(self, start: int, stop: int) -> list[str]:
        """Lines `start` to `stop` (exclusive) with a single read."""
        start, stop = max(0, start), min(stop, len(self))
        if start >= stop:
            return []
        begin = self._offsets[start]
        data = os.pread(self._fd, self._offsets[stop] - begin - 1, begin)
        return data.decode("utf-8", "replace").split("\n")

    def prefix(self, index: int) -> str | None:
        """The prefix (container) of line `index`, if it has one."""
        if self._prefix_ids is None:
            return None
        prefix_id = self._prefix_ids[index]
        return None if prefix_id == _NO_PREFIX else self._prefixes[prefix_id]

    # -- search --------------------------------------------------------------------------

    def search(
        self,
        pattern: str,
        *,
        regex: bool = False,
        ignore_case: bool = True,
        start: int = 0,
        stop: int | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> array:
        """Numbers of the lines in [start, stop) that contain `pattern` (a substring, or a
        regular expression with `regex`), in order, each once. Raises `re.error` for a
        bad expression. Safe to run in a thread while lines are appended."""
        stop = len(self) if stop is None else min(stop, len(self))
        hits = array("Q")
        if not pattern or start >= stop:
            return hits
        find_bytes = not regex and pattern.isascii()
        if find_bytes:
            needle = pattern.encode()
            lower = ignore_case and needle.lower() != needle.upper()
            needle = needle.lower() if lower else needle
        else:
            matcher = compile_pattern(pattern, regex=regex, ignore_case=ignore_case)
        for first, last in self._chunks(start, stop):
            if cancelled is not None and cancelled():
                break
            base = self._offsets[first]
            data = os.pread(self._fd, self._offsets[last] - base, base)
            if find_bytes:
                self._find_bytes(data.lower() if lower else data, needle, first, last, hits)
            else:
                _find_text(data.decode("utf-8", "replace"), matcher, first, hits)
        return hits

    def _find_bytes(self, data: bytes, needle: bytes, first: int, last: int, hits: array) -> None:
        offsets, base = self._offsets, self._offsets[first]
        position = data.find(needle)
        while position != -1:
            line = bisect_right(offsets, base + position, first, last) - 1
            hits.append(line)
            position = data.find(needle, offsets[line + 1] - base)  # on to the next line

    def _chunks(self, start: int, stop: int) -> Iterable[tuple[int, int]]:
        """Line ranges of about CHUNK_BYTES each (at least one line)."""
        offsets = self._offsets
        while start < stop:
            end = bisect_right(offsets, offsets[start] + CHUNK_BYTES, start + 1, stop + 1) - 1
            end = min(max(end, start + 1), stop)
            yield start, end
            start = end

    # -- saving and lifetime -------------------------------------------------------------

    def write_to(self, out: BinaryIO, *, with_prefix: bool = True, stop: int | None = None) -> int:
        """Write lines [0, stop) to `out`, each ended by a newline, `[container] ` before
        each line that has a prefix (as `kubectl logs --prefix`). Returns the line count."""
        stop = len(self) if stop is None else min(stop, len(self))
        for first, last in self._chunks(0, stop):
            base = self._offsets[first]
            data = os.pread(self._fd, self._offsets[last] - base, base)
            if not with_prefix or self._prefix_ids is None:
                out.write(data)
                continue
            for index, line in enumerate(data.split(b"\n")[: last - first], first):
                prefix = self.prefix(index)
                head = f"[{prefix}] ".encode() if prefix is not None else b""
                out.write(head + line + b"\n")
        return stop

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> LogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def compile_pattern(pattern: str, *, regex: bool = False, ignore_case: bool = True) -> re.Pattern:
    """The expression that finds `pattern` in a line's text (for search and highlights)."""
    flags = re.MULTILINE | (re.IGNORECASE if ignore_case else 0)
    return re.compile(pattern if regex else re.escape(pattern), flags)


def _find_text(text: str, matcher: re.Pattern, first: int, hits: array) -> None:
    """Lines of `text` (starting at line `first`) that `matcher` matches. Stored lines
    never contain a newline, so counting newlines maps a position to its line."""
    line, counted, position = first, 0, 0
    end = len(text) - 1  # without the last newline, so `$` and empty matches stay in range
    while (match := matcher.search(text, position, end)) is not None:
        line += text.count("\n", counted, match.start())
        counted = match.start()
        hits.append(line)
        position = text.find("\n", match.start()) + 1
        line, counted = line + 1, position
