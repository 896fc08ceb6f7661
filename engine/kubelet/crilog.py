"""Container output → a CRI-format log file, as containerd writes /var/log/pods/...:

    2026-11-22T08:17:08.123456789Z stdout F a whole line
    2026-11-22T08:17:08.123456789Z stderr P the start of a very long line...

A line longer than MAX_LINE is cut into partial (P) records; what is left at the end of
the stream without a newline is written as a full (F) record, as containerd does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

MAX_LINE = 16 * 1024


def rfc3339_nano(t: float) -> str:
    # A float holds microseconds exactly; finer digits would be noise.
    micros = round(t * 1_000_000)
    seconds, frac = divmod(micros * 1000, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{frac:09d}Z"


class CRILogWriter:
    """One container instance's log file; `write(stream, chunk)` as output arrives."""

    def __init__(self, path: Path, now: Callable[[], float] = time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._now = now
        self._file: IO[bytes] | None = open(path, "ab")  # noqa: SIM115 (open while it runs)
        self._pending = {"stdout": b"", "stderr": b""}

    def write(self, stream: str, chunk: bytes) -> None:
        if self._file is None:
            return
        data = self._pending[stream] + chunk
        records: list[bytes] = []
        stamp = rfc3339_nano(self._now()).encode()
        tag = stream.encode()
        while True:
            newline = data.find(b"\n")
            if newline < 0 or newline > MAX_LINE:
                if len(data) < MAX_LINE:
                    break
                records.append(b"%s %s P %s\n" % (stamp, tag, data[:MAX_LINE]))
                data = data[MAX_LINE:]
                continue
            line = data[:newline]
            if line.endswith(b"\r"):
                line = line[:-1]  # a terminal's CRLF is one line end
            records.append(b"%s %s F %s\n" % (stamp, tag, line))
            data = data[newline + 1 :]
        self._pending[stream] = data
        if records:
            self._file.write(b"".join(records))
            self._file.flush()

    def close(self) -> None:
        """Write what is left of each stream and close the file (idempotent)."""
        if self._file is None:
            return
        stamp = rfc3339_nano(self._now()).encode()
        for stream, rest in self._pending.items():
            if rest:
                self._file.write(b"%s %s F %s\n" % (stamp, stream.encode(), rest))
        self._pending = {"stdout": b"", "stderr": b""}
        self._file.close()
        self._file = None
