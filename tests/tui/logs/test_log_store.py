"""LogStore and LineFilter: what a log view relies on, without a UI."""

from __future__ import annotations

import io
import re

import pytest

from ktui.model.log_search import LineFilter
from ktui.model.log_store import CHUNK_BYTES, LogStore


@pytest.fixture
def store() -> LogStore:
    with LogStore() as instance:
        yield instance


def test_append_keeps_every_line_in_order(store: LogStore) -> None:
    store.append(["first", "second"])
    store.append(["third"])
    assert len(store) == 3
    assert [store.line(i) for i in range(3)] == ["first", "second", "third"]
    assert store.lines(0, 3) == ["first", "second", "third"]
    assert store.lines(1, 99) == ["second", "third"]
    assert store.size == len(b"first\nsecond\nthird\n")
    assert [store.offset(i) for i in range(4)] == [0, 6, 13, 19]


def test_empty_lines_and_out_of_range(store: LogStore) -> None:
    store.append(["", "x", ""])
    assert [store.line(i) for i in range(3)] == ["", "x", ""]
    with pytest.raises(IndexError):
        store.line(3)
    assert store.search("x") == store.search("X")  # case-insensitive by default
    assert list(store.search("x")) == [1]


def test_unicode_lines_keep_their_offsets(store: LogStore) -> None:
    store.append(["ascii", "größe ✓ 日本語", "Ünïcode at the end"])
    store.append(["after"])
    assert store.line(1) == "größe ✓ 日本語"
    assert store.line(3) == "after"
    assert list(store.search("日本")) == [1]
    assert list(store.search("ünï")) == [2]  # non-ASCII, case-insensitive
    assert list(store.search("AFTER")) == [3]


def test_a_line_holding_newlines_stays_one_line(store: LogStore) -> None:
    store.append(["one\ntwo", "three"])
    assert len(store) == 2
    assert store.line(0) == "one↵two"
    assert store.line(1) == "three"


def test_very_long_lines(store: LogStore) -> None:
    long = "x" * 1_000_000 + "needle" + "y" * (CHUNK_BYTES + 10)
    store.append(["short", long, "needle too"])
    assert store.line(1) == long
    assert store.max_line_bytes == len(long)
    assert list(store.search("needle")) == [1, 2]


def test_lines_without_a_trailing_newline_across_batches(store: LogStore) -> None:
    store.feed(b"hel")
    assert len(store) == 0
    store.feed(b"lo\nwor")
    assert [store.line(i) for i in range(len(store))] == ["hello"]
    store.feed("ld\n")
    store.feed(b"\xc3")  # half of a UTF-8 character
    store.feed(b"\xa9t\xc3\xa9")
    store.flush()
    assert [store.line(i) for i in range(len(store))] == ["hello", "world", "été"]
    store.append(["appended"])
    assert store.line(3) == "appended"


def test_feed_commits_a_partial_line_before_complete_lines(store: LogStore) -> None:
    store.feed(b"partial")
    store.append(["whole"])
    assert [store.line(i) for i in range(len(store))] == ["partial", "whole"]


def test_search_returns_each_matching_line_once(store: LogStore) -> None:
    store.append(["a needle, another NEEDLE", "hay", "Needle", "hay", "needlework"])
    assert list(store.search("needle")) == [0, 2, 4]
    assert list(store.search("needle", ignore_case=False)) == [0, 4]
    assert list(store.search("needle", start=1, stop=4)) == [2]
    assert list(store.search("nothing")) == []
    assert list(store.search("")) == []
    assert list(store.search("123")) == []


def test_regex_search(store: LogStore) -> None:
    store.append(["GET /api 200", "POST /api 500", "get /health 200", "x"])
    assert list(store.search(r"^(get|post) .* 200$", regex=True)) == [0, 2]
    assert list(store.search(r"\d{3}$", regex=True)) == [0, 1, 2]
    assert list(store.search(r"^", regex=True)) == [0, 1, 2, 3]  # empty matches: every line
    assert list(store.search(r"x$", regex=True)) == [3]
    with pytest.raises(re.error):
        store.search("(", regex=True)


def test_search_across_many_chunks_finds_every_hit(store: LogStore) -> None:
    lines = [f"line {i:06d} " + "." * 100 for i in range(100_000)]
    for i in range(0, 100_000, 997):
        lines[i] += " ERROR"
    for start in range(0, len(lines), 7_000):
        store.append(lines[start : start + 7_000])
    assert len(store) == 100_000
    assert store.size > 8 * 1024 * 1024  # more than one chunk
    expected = list(range(0, 100_000, 997))
    assert list(store.search("error")) == expected
    assert list(store.search(r"ERR.R$", regex=True)) == expected
    assert store.line(99_999) == lines[99_999]


def test_search_can_be_cancelled(store: LogStore) -> None:
    store.append(["needle"] * 10)
    assert list(store.search("needle", cancelled=lambda: True)) == []


def test_prefixes_per_line(store: LogStore) -> None:
    store.append(["plain"])
    store.append(["a1", "b1", "a2"], prefixes=["app", "sidecar", "app"])
    store.append(["a3"], prefixes="app")
    assert [store.prefix(i) for i in range(5)] == [None, "app", "sidecar", "app", "app"]
    assert store.prefixes == ["app", "sidecar"]
    with pytest.raises(ValueError):
        store.append(["x", "y"], prefixes=["only one"])


def test_write_to_writes_exactly_the_lines(store: LogStore) -> None:
    store.append(["one", "twö", ""])
    out = io.BytesIO()
    assert store.write_to(out) == 3
    assert out.getvalue() == "one\ntwö\n\n".encode()
    store.append(["four"], prefixes="main")
    out = io.BytesIO()
    store.write_to(out)
    assert out.getvalue() == "one\ntwö\n\n[main] four\n".encode()


def test_line_filter_keeps_matches_with_context_and_separators() -> None:
    rows = LineFilter(context=1)
    rows.extend([2, 3, 8], line_count=10)
    shown = [rows.line_at(row) for row in range(rows.row_count)]
    assert shown == [1, 2, 3, 4, None, 7, 8, 9]  # None: the separator between runs
    assert rows.row_of(8) == 6
    assert rows.row_of(5) is None
    assert rows.line_at(99) is None


def test_line_filter_grows_with_new_lines_and_matches() -> None:
    rows = LineFilter(context=2)
    rows.extend([0], line_count=1)
    assert [rows.line_at(r) for r in range(rows.row_count)] == [0]
    rows.extend([], line_count=5)  # trailing context arrives
    assert [rows.line_at(r) for r in range(rows.row_count)] == [0, 1, 2]
    rows.extend([4], line_count=10)  # touches the run: merged, no separator
    assert [rows.line_at(r) for r in range(rows.row_count)] == [0, 1, 2, 3, 4, 5, 6]
    rows.extend([20], line_count=21)
    assert [rows.line_at(r) for r in range(rows.row_count)] == [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        None,
        18,
        19,
        20,
    ]


def test_line_filter_without_context_shows_only_matches() -> None:
    rows = LineFilter(context=0)
    rows.extend([5, 6, 9], line_count=10)
    assert [rows.line_at(r) for r in range(rows.row_count)] == [5, 6, None, 9]
