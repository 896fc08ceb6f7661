"""The Textual app: themes, keys and the browser, on one Session.

The app never talks to the engine: it gets a Session (a connected client) from the command
line and speaks the Kubernetes API, the same against the embedded lab and a real cluster.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding

from ktui.client import ApiError, ClientError
from ktui.keymap import apply_keymap
from ktui.model.view_state import ViewState
from ktui.palette import KtuiCommands
from ktui.refs import ObjectRef
from ktui.session import Session
from ktui.themes import install_themes, start_theme_watcher

log = logging.getLogger(__name__)


class KtuiApp(App[int]):
    TITLE = "ktui"
    COMMANDS = App.COMMANDS | {KtuiCommands}
    BINDINGS = [
        Binding("question_mark", "help_screen", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit_ctrl_c"),
    ]

    def __init__(
        self,
        session: Session,
        *,
        problems: list[str] | None = None,
        all_namespaces: bool = False,
    ) -> None:
        super().__init__()
        self.session = session
        self.all_namespaces = all_namespaces  # start on pods of every namespace (-A)
        self.problems = list(problems or [])  # startup messages shown once the screen is up

    async def on_mount(self) -> None:
        self.problems += install_themes(self, self.session.config)
        self.problems += apply_keymap(self, self.session.config.keymap)
        self.problems += self.session.config.problems
        for problem in self.problems:
            self.notify(problem, severity="warning", timeout=10)
        start_theme_watcher(self)
        self.open_browser()

    @work(exclusive=True, group="connect")
    async def open_browser(self) -> None:
        """Push the pods view once discovery answers; until then, retry and say why."""
        from ktui.screens.browser import BrowserScreen

        delay = 0.5
        while True:
            try:
                await self.session.client.load_exec_certificate()
                pods = await self.session.client.discovery.find("pods")
                break
            except (ApiError, ClientError) as error:
                self.notify(f"cannot reach the cluster: {error}; retrying", severity="error")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
        state = ViewState(pods, None if self.all_namespaces else (self.session.namespace,))
        await self.push_screen(BrowserScreen(self.session, state))
        self._who_am_i()

    @work(group="whoami")
    async def _who_am_i(self) -> None:
        if self.session.user:
            return
        try:
            review = await self.session.client.json(
                "POST",
                "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                body={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"},
            )
        except (ApiError, ClientError):
            return
        user = ((review.get("status") or {}).get("userInfo") or {}).get("username")
        if user:
            self.session.user = user
            from ktui.widgets.cluster_header import ClusterHeader

            for header in self.screen.query(ClusterHeader):
                header.show_session(self.session)

    async def on_events_screen_jump_to(self, message: Any) -> None:
        await self._jump_to(message.ref)

    async def on_xray_screen_jump_to(self, message: Any) -> None:
        await self._jump_to(message.ref)

    async def _jump_to(self, ref: ObjectRef) -> None:
        """Back to the browser, showing the object (Esc returns to the view before)."""
        from ktui.screens.browser import BrowserScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, BrowserScreen):
            self.pop_screen()
        if isinstance(self.screen, BrowserScreen):
            await self.screen.show_object(ref)

    async def on_unmount(self) -> None:
        await self.session.client.aclose()

    def action_help_screen(self) -> None:
        from ktui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())
