"""An injectable log source the test drives line by line, and a pod reference."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from ktui.refs import ObjectRef
from ktui.session import Session


class FakeLogs:
    """`source=` for LogsScreen: yields what the test sends; stays open like `follow`
    until `end()`; `fail(error)` raises in the stream. Records each call's options."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self._queues: list[asyncio.Queue] = []

    async def __call__(self, **options: Any) -> AsyncIterator[tuple[str, str]]:
        self.calls.append(options)
        queue: asyncio.Queue = asyncio.Queue()
        self._queues.append(queue)
        while True:
            item = await queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def send(self, *lines: str, container: str = "main") -> None:
        for line in lines:
            self._queues[-1].put_nowait((container, line))

    def end(self) -> None:
        self._queues[-1].put_nowait(None)

    def fail(self, error: BaseException) -> None:
        self._queues[-1].put_nowait(error)


@pytest.fixture
def logs() -> FakeLogs:
    return FakeLogs()


@pytest.fixture
async def pod_ref(session: Session) -> ObjectRef:
    pods = await session.client.resource("pods")
    return ObjectRef(pods.resource, "web-1", session.namespace)


async def until(pilot: Pilot, condition: Callable[[], bool], tries: int = 100) -> None:
    """Let the app run until `condition()` holds (batches land every ~80 ms)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition(), "the app never reached the expected state"
