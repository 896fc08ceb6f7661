"""The CRI log file format kubelet reads (pkg/kubelet/kuberuntime/logs):

    2016-10-06T00:17:09.669794202Z stdout F the whole line\n
    2016-10-06T00:17:10.113242941Z stderr P the start of a long line, and\n
    2016-10-06T00:17:10.113242941Z stderr F  its end\n

`F` ends a log line (its newline is the line's own); `P` is a piece of a line that goes
on in the next record (its newline belongs to the file, not to the log).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

BLOCK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Record:
    time: bytes  # as written (RFC 3339 with nanoseconds)
    stream: bytes  # stdout | stderr
    partial: bool
    text: bytes  # an F record keeps its newline; a P record has none

    def seconds(self) -> float:
        """The time as seconds since the epoch (0.0 when it does not parse)."""
        text = self.time.decode("ascii", "replace")
        head, dot, rest = text.partition(".")
        if dot:  # fromisoformat takes at most microseconds: keep 6 digits
            digits = len(rest) - len(rest.lstrip("0123456789"))
            text = f"{head}.{rest[:digits][:6].ljust(6, '0')}{rest[digits:]}"
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return 0.0

    def stamp(self) -> bytes:
        """The time as kubelet prints it with timestamps=true: RFC3339Nano with all nine
        fraction digits (timeFormatOut), keeping the zone as written."""
        head, dot, rest = self.time.partition(b".")
        if not dot:
            for i, byte in enumerate(head):
                if i > 10 and byte in b"Z+-":
                    return head[:i] + b".000000000" + head[i:]
            return head
        digits = len(rest) - len(rest.lstrip(b"0123456789"))
        return head + b"." + rest[:digits][:9].ljust(9, b"0") + rest[digits:]


def parse(line: bytes) -> Record | None:
    """One file line (with its newline, if any) → a Record; None if it is not CRI."""
    first = line.find(b" ")
    second = line.find(b" ", first + 1) if first > 0 else -1
    third = line.find(b" ", second + 1) if second > 0 else -1
    if third < 0:
        return None
    tag = line[second + 1 : third]
    partial = tag.split(b":", 1)[0] == b"P"
    text = line[third + 1 :]
    if partial and text.endswith(b"\n"):
        text = text[:-1]
    return Record(line[:first], line[first + 1 : second], partial, text)


def tail_offset(path: Path, lines: int) -> int:
    """Where the last `lines` log lines start (a run of P records and its F is one line;
    a P run still being written at the end counts as one). Blocking: run in a thread."""
    if lines <= 0:
        return os.path.getsize(path)
    with open(path, "rb") as file:
        end = file.seek(0, os.SEEK_END)
        pos = end
        buffer = b""
        found = 0
        # Count line ends from the last record back; ours start after end number lines+1.
        scanned_last = False
        while pos > 0:
            start = max(0, pos - BLOCK)
            file.seek(start)
            buffer = file.read(pos - start) + buffer
            pos = start
            # Walk complete file lines from the end of what has been read.
            stop = len(buffer)
            while True:
                cut = buffer.rfind(b"\n", 0, stop - 1 if stop else 0)
                if cut < 0 and pos > 0:
                    break  # the line's start is in an earlier block
                line_start = cut + 1
                record = parse(buffer[line_start:stop])
                ends_line = record is None or not record.partial
                if not scanned_last:
                    scanned_last = True
                    if not ends_line:
                        found += 1  # a P run at the end: the unfinished last line
                if ends_line:
                    found += 1
                    if found > lines:
                        return pos + stop
                stop = line_start
                if cut < 0:
                    return 0
            buffer = buffer[:stop]
        return 0
