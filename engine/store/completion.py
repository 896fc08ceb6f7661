"""Handing results back to callers: threads wait on a Future; asyncio callers are settled
in one `call_soon_threadsafe` per event loop per batch instead of one per write (each
costs a wake-up of the loop, which dominated group commit with many async writers)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from concurrent.futures import Future
from typing import Any


class LoopFuture:
    """An asyncio future to settle from the writer thread."""

    __slots__ = ("loop", "future")

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.future: asyncio.Future[Any] = self.loop.create_future()


Target = Future[Any] | LoopFuture


def settle(outcomes: Iterable[tuple[Target, object]]) -> None:
    """Give each target its outcome: an exception to raise or a value to return."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], object]]] = {}
    for target, outcome in outcomes:
        if isinstance(target, LoopFuture):
            by_loop.setdefault(target.loop, []).append((target.future, outcome))
        elif isinstance(outcome, BaseException):
            target.set_exception(outcome)
        else:
            target.set_result(outcome)
    for loop, items in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop has nobody waiting
            loop.call_soon_threadsafe(_settle_on_loop, items)


def _settle_on_loop(items: list[tuple[asyncio.Future[Any], object]]) -> None:
    for future, outcome in items:
        if future.done():  # the caller was cancelled
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
