"""Watch over HTTP: a chunked stream of `{"type":…,"object":…}` lines.

Each event is serialized once; events that arrive together go out in one write. The
stream ends at `timeoutSeconds` (default: a random 30–60 min, as kube-apiserver), when
the client goes away, or when the store ends the watch (too slow: the client re-watches
from its last resourceVersion). A 410 for a compacted resourceVersion is an in-stream
ERROR event, after which the server closes the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable

import orjson

from engine.api.app import COMMON_HEADERS, Request, Send
from engine.api.storage.service import APIStorage
from engine.api.storage.views import api_bytes
from engine.api.storage.watching import (
    BOOKMARK,
    ERROR,
    INITIAL_EVENTS_END,
    WatchEnded,
    Watcher,
    WatchEvent,
)
from engine.registry.types import ResourceType

from .negotiation import JSON, METADATA, TABLE, Output
from .responses import partial, table

log = logging.getLogger(__name__)

MIN_TIMEOUT = 1800.0


class EventWriter:
    """Turns WatchEvents into the bytes of one stream (Table headers on the first row)."""

    def __init__(self, rt: ResourceType, output: Output, storage: APIStorage, include: str) -> None:
        self.rt = rt
        self.output = output
        self.storage = storage
        self.include = include
        self.headers_sent = False

    def encode(self, event: WatchEvent) -> bytes:
        if event.type == ERROR:
            assert event.error is not None
            body = event.error.to_bytes()
        elif event.type == BOOKMARK:
            meta: dict[str, object] = {
                "resourceVersion": str(event.revision),
                "creationTimestamp": None,
            }
            if event.initial_end:
                meta["annotations"] = {INITIAL_EVENTS_END: "true"}
            body = orjson.dumps(
                {"kind": self.rt.kind, "apiVersion": self.rt.api_version, "metadata": meta}
            )
        elif self.output.format == TABLE:
            rows = table(
                self.rt,
                [event.object(self.rt)],
                self.storage.clock.time(),
                self.output,
                self.include,
                headers=not self.headers_sent,
            )
            self.headers_sent = True
            rows["metadata"] = {"resourceVersion": str(event.revision)}
            body = orjson.dumps(rows)
        elif self.output.format == METADATA:
            body = orjson.dumps(partial(event.object(self.rt), self.output.version))
        elif event.obj is not None:
            body = orjson.dumps(event.obj)
        else:
            assert event.value is not None
            return SHARED_LINES.line(self.rt, event.type, event.value, event.revision)
        return b'{"type":"%s","object":%s}\n' % (event.type.encode(), body)


class SharedLines:
    """The JSON lines of events that every stream of a kind sends alike (stored bytes, no
    filter): 1,000 streams on a namespace serialize each event once, not 1,000 times.

    Keyed by the identity of the stored value (the store hands the same bytes to every
    watch), kept alive by the entry; the oldest entries go first.
    """

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._lines: dict[tuple[int, int, str, int], tuple[bytes, ResourceType, bytes]] = {}

    def line(self, rt: ResourceType, type_: str, value: bytes, revision: int) -> bytes:
        key = (id(value), revision, type_, id(rt))
        lines = self._lines
        hit = lines.get(key)
        if hit is not None and hit[0] is value and hit[1] is rt:
            return hit[2]
        line = b'{"type":"%s","object":%s}\n' % (type_.encode(), api_bytes(rt, value, revision))
        if len(lines) >= self.size:
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                del lines[next(iter(lines))]
        lines[key] = (value, rt, line)
        return line


SHARED_LINES = SharedLines()


async def serve_watch(
    req: Request, storage: APIStorage, watcher: Watcher, output: Output, include: str
) -> None:
    """Stream the watch until its timeout, the client's disconnect, or the store ends it.

    One task per stream, awaiting the watcher directly: the timeout is one timer for the
    whole stream and the disconnect one waiting task, and either cancels the stream's
    task (told apart from a cancellation from outside by `ending`). Per event this costs
    one wake-up and one write, not a new task, an `asyncio.wait` and a timer.
    """
    timeout = watcher.opts.timeout_seconds
    if timeout is None or timeout <= 0:
        timeout = MIN_TIMEOUT * (1 + random.random())
    writer = EventWriter(
        watcher.rt,
        output if output.format in (JSON, TABLE, METADATA) else Output(JSON),
        storage,
        include,
    )
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    ending = False

    def end(_: object = None) -> None:
        nonlocal ending
        if not ending:
            ending = True
            task.cancel()

    timer: asyncio.TimerHandle | None = None
    disconnected: asyncio.Future[None] | None = None
    send = req.send
    encode = writer.encode
    next_events = watcher.next
    try:
        initial = await watcher.open()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), *COMMON_HEADERS],
            }
        )
        timer = loop.call_later(timeout, end)
        disconnected = asyncio.ensure_future(_until_disconnect(req))
        disconnected.add_done_callback(end)
        if initial:
            await _write(send, encode, initial)
            if initial[-1].type == ERROR:  # an ERROR event comes alone, and ends the stream
                return
        while True:
            try:
                events = await next_events()
            except WatchEnded as ended:
                log.debug("watch ended: %s", ended)
                return
            if not events:
                continue
            if len(events) == 1:
                await send(
                    {"type": "http.response.body", "body": encode(events[0]), "more_body": True}
                )
            else:
                await _write(send, encode, events)
            if events[-1].type == ERROR:
                return
    except asyncio.CancelledError:
        if not ending:
            raise  # cancelled from outside (the server stopping): not ours to swallow
        uncancel = getattr(task, "uncancel", None)  # Python 3.11+: undo our own cancel()
        if uncancel is not None and uncancel() > 0:
            raise  # cancelled from outside as well
    finally:
        ending = True  # from here on, end() does nothing
        if timer is not None:
            timer.cancel()
        if disconnected is not None:
            disconnected.remove_done_callback(end)
            disconnected.cancel()
        watcher.close()
        if req.started:
            with contextlib.suppress(Exception):
                await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _write(
    send: Send, encode: Callable[[WatchEvent], bytes], events: list[WatchEvent]
) -> None:
    body = b"".join(map(encode, events))
    await send({"type": "http.response.body", "body": body, "more_body": True})


async def _until_disconnect(req: Request) -> None:
    while True:
        message = await req.receive()
        if message["type"] == "http.disconnect":
            return
