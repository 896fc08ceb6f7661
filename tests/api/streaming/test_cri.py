"""The CRI log file reader on its own: records, kubelet's timestamp format, and where
the last N lines start in a file larger than a read block."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.api.rest.streaming.cri import BLOCK, parse, tail_offset

T = "2024-05-06T07:08:09.123456789Z"


def test_records_keep_the_newline_of_full_lines_only() -> None:
    full = parse(f"{T} stdout F hello world\n".encode())
    part = parse(f"{T} stderr P hel\n".encode())
    assert full is not None and part is not None
    assert (full.stream, full.partial, full.text) == (b"stdout", False, b"hello world\n")
    assert (part.stream, part.partial, part.text) == (b"stderr", True, b"hel")
    assert parse(b"not a record\n") is None


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        (T, T),
        ("2024-05-06T07:08:09.5Z", "2024-05-06T07:08:09.500000000Z"),
        ("2024-05-06T07:08:09Z", "2024-05-06T07:08:09.000000000Z"),
        ("2024-05-06T07:08:09.25+02:00", "2024-05-06T07:08:09.250000000+02:00"),
    ],
)
def test_stamps_have_nine_fraction_digits(written: str, printed: str) -> None:
    record = parse(f"{written} stdout F x\n".encode())
    assert record is not None
    assert record.stamp().decode() == printed


def test_seconds_parse_nanosecond_times() -> None:
    record = parse(f"{T} stdout F x\n".encode())
    assert record is not None
    assert record.seconds() == pytest.approx(1714979289.123457, abs=1e-5)


def write(path: Path, lines: list[tuple[str, str]]) -> bytes:
    data = "".join(f"{T} stdout {tag} {text}\n" for tag, text in lines).encode()
    path.write_bytes(data)
    return data


def test_tail_in_a_file_larger_than_a_block(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    lines = [("F", f"line {i} " + "x" * (i % 97)) for i in range(20000)]
    data = write(path, lines)
    assert len(data) > 10 * BLOCK
    for n in (1, 2, 1000, 19999):
        offset = tail_offset(path, n)
        assert data[offset:].count(b"\n") == n
        assert data[offset:].startswith(f"{T} stdout F line {20000 - n} ".encode())
    assert tail_offset(path, 20000) == 0
    assert tail_offset(path, 50000) == 0
    assert tail_offset(path, 0) == len(data)


def test_tail_counts_a_run_of_partial_records_as_one_line(tmp_path: Path) -> None:
    path = tmp_path / "partial.log"
    data = write(
        path,
        [("F", "a"), ("P", "b1"), ("P", "b2"), ("F", "b3"), ("F", "c"), ("P", "d-unfinished")],
    )
    # lines: a | b1b2b3 | c | d-unfinished (still being written)
    assert data[tail_offset(path, 1) :].startswith(f"{T} stdout P d".encode())
    assert data[tail_offset(path, 2) :].startswith(f"{T} stdout F c".encode())
    assert data[tail_offset(path, 3) :].startswith(f"{T} stdout P b1".encode())
    assert tail_offset(path, 4) == 0
