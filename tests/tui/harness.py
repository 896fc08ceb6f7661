"""A bare app that shows one screen, so each screen is tested on its own with the Pilot:

async with Harness(session, lambda: DescribeScreen(session, ref)).run_test() as pilot: ...
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.screen import Screen

from ktui.session import Session


class Harness(App):
    def __init__(self, session: Session, make_screen: Callable[[], Screen]) -> None:
        super().__init__()
        self.session = session
        self._make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self._make_screen())
