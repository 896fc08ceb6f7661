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

import orjson

from engine.api.app import COMMON_HEADERS, Request
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
            body = api_bytes(self.rt, event.value, event.revision)
        return b'{"type":"%s","object":%s}\n' % (event.type.encode(), body)


async def serve_watch(
    req: Request, storage: APIStorage, watcher: Watcher, output: Output, include: str
) -> None:
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
    deadline = loop.time() + timeout
    initial = await watcher.open()
    await req.send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), *COMMON_HEADERS],
        }
    )
    disconnected = asyncio.ensure_future(_until_disconnect(req))
    try:
        if initial:
            await _write(req, writer, initial)
            if any(e.type == ERROR for e in initial):
                return
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            pending = asyncio.ensure_future(watcher.next())
            done, _ = await asyncio.wait(
                {pending, disconnected}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
            if pending not in done:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, WatchEnded, Exception):
                    await pending
                return
            try:
                events = pending.result()
            except WatchEnded as ended:
                log.debug("watch ended: %s", ended)
                return
            if events:
                await _write(req, writer, events)
                if any(e.type == ERROR for e in events):
                    return
    finally:
        watcher.close()
        disconnected.cancel()
        with contextlib.suppress(Exception):
            await req.send({"type": "http.response.body", "body": b"", "more_body": False})


async def _write(req: Request, writer: EventWriter, events: list[WatchEvent]) -> None:
    await req.send(
        {
            "type": "http.response.body",
            "body": b"".join(writer.encode(e) for e in events),
            "more_body": True,
        }
    )


async def _until_disconnect(req: Request) -> None:
    while True:
        message = await req.receive()
        if message["type"] == "http.disconnect":
            return
