"""Helpers for driving the whole app with the Pilot."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.pilot import Pilot

from ktui.screens.browser import BrowserScreen


async def until(pilot: Pilot, predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Let the app run until `predicate()` holds (feeds deliver in batches, asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {predicate.__doc__ or predicate}")
        await pilot.pause(0.05)


async def browser(pilot: Pilot, *, synced: bool = True) -> BrowserScreen:
    """The browser once its first view is up (and, by default, has its first rows)."""
    await until(pilot, lambda: isinstance(pilot.app.screen, BrowserScreen))
    screen = pilot.app.screen
    assert isinstance(screen, BrowserScreen)
    await until(pilot, lambda: screen.query("ResourceView"))
    if synced:
        await until(pilot, lambda: screen.view.feed is not None and screen.view.feed.synced)
    return screen


async def command(pilot: Pilot, text: str) -> None:
    await pilot.press("colon")
    await pilot.press(*text)
    await pilot.press("enter")


def names(screen: BrowserScreen) -> list[str]:
    return [row.name for row in screen.view.table.visible_rows()]


def screen_text(screen: BrowserScreen) -> str:
    table = screen.view.table
    return "\n".join(table.render_line(y).text for y in range(table.size.height))
