"""The command palette (ctrl+p): kinds, namespaces, the objects in view, and actions.

Everything found here is also a key or a `:` command; the palette is how people find it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ktui.client import ApiError, ClientError

MAX_OBJECTS = 200  # rows of the current view offered; the table's filter finds the rest


class KtuiCommands(Provider):
    async def startup(self) -> None:
        self.kinds: list[tuple[str, str]] = []  # (display, command)
        self.namespaces: list[str] = []
        session = getattr(self.app, "session", None)
        if session is None:
            return
        try:
            resources = await session.client.discovery.resources()
            self.kinds = sorted(
                {
                    (f"{r.kind} ({r.qualified_name})", r.qualified_name)
                    for r in resources
                    if "list" in r.verbs
                }
            )
            namespaces = await (await session.client.resource("namespaces")).list()
            self.namespaces = sorted(ns["metadata"]["name"] for ns in namespaces.items)
        except (ApiError, ClientError):
            pass

    def _browser(self) -> Any:
        from ktui.screens.browser import BrowserScreen

        screen = self.screen
        return screen if isinstance(screen, BrowserScreen) else None

    def _candidates(self) -> list[tuple[str, Callable[[], Any], str]]:
        browser = self._browser()
        if browser is None:
            return []
        out: list[tuple[str, Callable[[], Any], str]] = []
        for display, command in self.kinds:
            out.append((f"Show {display}", partial(browser.run_command, command), "kind"))
        for namespace in self.namespaces:
            text = f":{browser.state.resource.name} {namespace}"
            out.append((f"Namespace {namespace}", partial(browser.run_command, text), "namespace"))
        out.append(
            (
                "All namespaces",
                partial(browser.run_command, f":{browser.state.resource.name} -A"),
                "namespace",
            )
        )
        out.append(("Events (live)", partial(browser.run_command, ":events"), "action"))
        out.append(("Xray of this kind", browser.action_xray, "action"))
        out.append(("New tab", browser.action_new_tab, "action"))
        for row in browser.view.table.visible_rows(MAX_OBJECTS):
            ref = browser.ref_of(row)
            out.append((f"Describe {ref.title}", partial(browser.open_describe, ref), "object"))
        return out

    async def discover(self) -> Hits:
        for text, callback, help_text in self._candidates()[:40]:
            yield DiscoveryHit(text, callback, help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for text, callback, help_text in self._candidates():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), callback, help=help_text)
