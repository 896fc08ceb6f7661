"""GET pods/{name}/log: PodLogOptions, validated as kube-apiserver does, then the
container's CRI log file streamed as kubelet serves it (text/plain; `follow` keeps the
answer open until the container has stopped and its file is drained, or the client goes).

File reads run in a worker thread, a block at a time, so a large log never blocks the
event loop; the answer goes out in pieces as it is read.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.api.app import COMMON_HEADERS, Request
from engine.api.node_agents import ContainerLog
from engine.api.status import StatusError

from . import query as q
from .cri import BLOCK, Record, parse, tail_offset

log = logging.getLogger(__name__)

TEXT_PLAIN = b"text/plain"
POLL_SECONDS = 0.1  # how often `follow` looks for new lines


@dataclass(frozen=True, slots=True)
class LogOptions:
    container: str
    follow: bool
    previous: bool
    timestamps: bool
    since_seconds: int | None
    since_time: float | None
    tail_lines: int | None
    limit_bytes: int | None

    @classmethod
    def from_query(cls, query: q.Query, name: str) -> LogOptions:
        opts = cls(
            container=(query.get("container") or [""])[0],
            follow=q.flag(query, "follow"),
            previous=q.flag(query, "previous"),
            timestamps=q.flag(query, "timestamps"),
            since_seconds=q.integer(query, "sinceSeconds"),
            since_time=q.timestamp(query, "sinceTime"),
            tail_lines=q.integer(query, "tailLines"),
            limit_bytes=q.integer(query, "limitBytes"),
        )
        opts.validate(name, (query.get("sinceTime") or [""])[0])
        return opts

    def validate(self, name: str, since_time_text: str) -> None:
        """ValidatePodLogOptions → 422 PodLogOptions "name" is invalid: ..."""
        errors: list[tuple[str, str]] = []
        if self.tail_lines is not None and self.tail_lines < 0:
            errors.append(
                (
                    "tailLines",
                    f"Invalid value: {self.tail_lines}: must be greater than or equal to 0",
                )
            )
        if self.limit_bytes is not None and self.limit_bytes < 1:
            errors.append(
                ("limitBytes", f"Invalid value: {self.limit_bytes}: must be greater than 0")
            )
        if self.since_seconds is not None and self.since_time is not None:
            errors.append(
                ("", "Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified")
            )
        elif self.since_seconds is not None and self.since_seconds < 1:
            errors.append(
                ("sinceSeconds", f"Invalid value: {self.since_seconds}: must be greater than 0")
            )
        if errors:
            raise invalid_options(name, errors)

    def since(self, now: float) -> float | None:
        if self.since_time is not None:
            return self.since_time
        if self.since_seconds is not None:
            return now - self.since_seconds
        return None


def invalid_options(name: str, errors: list[tuple[str, str]]) -> StatusError:
    """errors.NewInvalid(Kind("PodLogOptions"), name, errs), field paths as Go prints
    them (an empty path still gets its ": ")."""
    texts = [f"{field}: {body}" for field, body in errors]
    message = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    causes = [
        {"reason": _cause_reason(body), "message": body, "field": field} for field, body in errors
    ]
    return StatusError(
        422,
        "Invalid",
        f'PodLogOptions "{name}" is invalid: {message}',
        {"name": name, "kind": "PodLogOptions", "causes": causes},
    )


def _cause_reason(body: str) -> str:
    return "FieldValueForbidden" if body.startswith("Forbidden") else "FieldValueInvalid"


class LogWriter:
    """Records → the bytes kubelet's logWriter writes: since filter, timestamp prefixes
    at the start of each line, and the byte limit (a cut line ends the stream)."""

    def __init__(self, opts: LogOptions, since: float | None) -> None:
        self.timestamps = opts.timestamps
        self.since = since
        self.remaining = opts.limit_bytes
        self.at_line_start = True

    @property
    def full(self) -> bool:
        return self.remaining is not None and self.remaining <= 0

    def write(self, record: Record, out: bytearray) -> None:
        starts_line = self.at_line_start
        self.at_line_start = not record.partial
        if self.since is not None and record.seconds() < self.since:
            return
        line = record.text
        if self.timestamps and starts_line:
            line = record.stamp() + b" " + line
        if self.remaining is not None:
            line = line[: self.remaining]
            self.remaining -= len(line)
        out += line


class LogReader:
    """Reads a log file forward from an offset, handing out whole file lines."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: BinaryIO | None = None
        self.pending = b""

    def open(self, offset: int) -> bool:
        try:
            self.file = open(self.path, "rb")  # noqa: SIM115 (closed by close())
        except FileNotFoundError:
            return False
        self.file.seek(offset)
        return True

    def read(self) -> list[bytes]:
        """The complete lines written since the last call (blocking: run in a thread)."""
        if self.file is None and not self.open(0):
            return []
        assert self.file is not None
        chunk = self.file.read(BLOCK)
        if not chunk:
            return []
        data = self.pending + chunk
        cut = data.rfind(b"\n") + 1
        self.pending = data[cut:]
        if not cut:
            return [b""]  # a long unfinished line: keep reading
        # Only "\n" ends a record: a "\r" inside a line (a progress bar) is text.
        return [line + b"\n" for line in data[: cut - 1].split(b"\n")]

    def rest(self) -> bytes:
        """What is left once the writer has stopped: an unterminated last line."""
        pending, self.pending = self.pending, b""
        return pending

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


async def stream_log(
    req: Request,
    container_log: ContainerLog,
    opts: LogOptions,
    now: float,
    stopping: threading.Event,
) -> None:
    """Send the log as the answer; `follow` also ends when `stopping` is set."""
    send = req.send

    async def write(chunk: bytes) -> None:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})

    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", TEXT_PLAIN), *COMMON_HEADERS],
        }
    )
    try:
        await _until_disconnect(req, _copy(container_log, opts, now, write, stopping))
    finally:
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": b"", "more_body": False})


# What apiserver's wsstream.Reader speaks when a log is read over a WebSocket: each
# piece of the log is one message, raw or base64 text (no channel byte).
LOG_PROTOCOLS = {"binary.k8s.io": True, "base64.binary.k8s.io": False, "": True}


async def stream_log_websocket(
    req: Request,
    container_log: ContainerLog,
    opts: LogOptions,
    now: float,
    stopping: threading.Event,
    protocol: str,
) -> None:
    """The log over a WebSocket (browsers and dashboards read it so)."""
    binary = LOG_PROTOCOLS[protocol]

    async def write(chunk: bytes) -> None:
        if binary:
            await req.send({"type": "websocket.send", "bytes": chunk})
        else:
            await req.send({"type": "websocket.send", "text": base64.b64encode(chunk).decode()})

    if (await req.receive())["type"] != "websocket.connect":
        return
    accept: dict[str, object] = {"type": "websocket.accept"}
    if protocol:
        accept["subprotocol"] = protocol
    await req.send(accept)
    try:
        await _until_disconnect(req, _copy(container_log, opts, now, write, stopping))
    finally:
        with contextlib.suppress(Exception):
            await req.send({"type": "websocket.close", "code": 1000})


async def _copy(
    container_log: ContainerLog,
    opts: LogOptions,
    now: float,
    write: Callable[[bytes], Awaitable[None]],
    stopping: threading.Event,
) -> None:
    path = container_log.path
    offset = 0
    if opts.tail_lines is not None:
        try:
            offset = await asyncio.to_thread(tail_offset, path, opts.tail_lines)
        except FileNotFoundError:
            offset = 0
    reader = LogReader(path)
    writer = LogWriter(opts, opts.since(now))
    try:
        await asyncio.to_thread(reader.open, offset)
        while True:
            alive = opts.follow and container_log.running() and not stopping.is_set()
            lines = await asyncio.to_thread(reader.read)
            drained = not lines
            if drained:
                if alive:
                    await asyncio.sleep(POLL_SECONDS)
                    continue
                lines = [reader.rest()]  # an unterminated last line, if any
            out = bytearray()
            for line in lines:
                record = parse(line) if line else None
                if record is not None:
                    writer.write(record, out)
                if writer.full:
                    break
            if out:
                await write(bytes(out))
            if drained or writer.full:
                return
    finally:
        await asyncio.to_thread(reader.close)


async def _until_disconnect(req: Request, work: Awaitable[None]) -> None:
    """Run `work`; stop it if the client goes away first."""
    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(_disconnected(req))
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in (task, gone):
            pending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task  # re-raises what the work raised


async def _disconnected(req: Request) -> None:
    while (await req.receive())["type"] not in ("http.disconnect", "websocket.disconnect"):
        pass
