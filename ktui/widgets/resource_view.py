"""One live resource view: a ResourceTable fed by a TableFeed, with a history of views.

A tab of the browser holds one ResourceView. `show(state)` switches what it shows (the old
feed stops, the new one lists and watches); `drill`/`back` move along the breadcrumbs.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from ktui.client import ApiError, ClientError, Reflector, TableRow, WatchState
from ktui.client.reflector import ReflectorSink
from ktui.client.watch import WatchEvent
from ktui.feeds import FeedBatch, TableFeed
from ktui.model.containers import COLUMNS as CONTAINER_COLUMNS
from ktui.model.containers import container_rows
from ktui.model.view_state import ViewState
from ktui.session import Session
from ktui.widgets.resource_table import ResourceTable


class ResourceView(Vertical):
    DEFAULT_CSS = """
    ResourceView { height: 1fr; }
    ResourceView > #view-message { height: auto; padding: 0 1; color: $warning; display: none; }
    ResourceView > #view-message.shown { display: block; }
    ResourceView > ResourceTable { height: 1fr; }
    """

    class Changed(Message):
        """The view (kind, namespaces, counts, feed state) changed: headers redraw."""

        def __init__(self, view: ResourceView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, session: Session, state: ViewState, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.history: list[ViewState] = [state]
        self.feed: TableFeed | None = None
        self._pod_watch: asyncio.Task[None] | None = None
        self.feed_state: WatchState | None = None
        self.feed_reason = ""
        self.table = ResourceTable()
        self.message = ""  # what the message line says (a watch error, a vanished pod)

    @property
    def state(self) -> ViewState:
        return self.history[-1]

    @property
    def crumbs(self) -> list[str]:
        return [state.title for state in self.history]

    def compose(self) -> ComposeResult:
        yield Static(self.message, id="view-message", classes="shown" if self.message else "")
        yield self.table

    async def on_mount(self) -> None:
        await self._start()

    async def on_unmount(self) -> None:
        await self._stop()

    # -- navigation ---------------------------------------------------------------------

    async def show(self, state: ViewState) -> None:
        """Replace the current view (a new `:` command): history restarts from it."""
        self.history = [state]
        await self._start()

    async def drill(self, state: ViewState) -> None:
        self.history.append(state)
        await self._start()

    async def back(self) -> bool:
        if len(self.history) < 2:
            return False
        self.history.pop()
        await self._start()
        return True

    async def update_state(self, **changes: Any) -> None:
        """Change the current view in place (namespace, filter, wide) and restart it."""
        self.history[-1] = self.state.with_(**changes)
        await self._start()

    # -- feeds --------------------------------------------------------------------------

    async def _stop(self) -> None:
        if self.feed is not None:
            await self.feed.stop()
            self.feed = None
        if self._pod_watch is not None:
            self._pod_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._pod_watch
            self._pod_watch = None

    async def _start(self) -> None:
        await self._stop()
        state = self.state
        self.feed_state, self.feed_reason = WatchState.LISTING, ""
        self.say("")
        self.table.set_columns([], wide=state.wide)
        self.table.set_show_namespace(state.several_namespaces and not state.containers)
        self.table.set_filter(state.filter)
        client = self.session.client
        if state.containers:
            self.table.set_columns(CONTAINER_COLUMNS, wide=state.wide)
            pods = client.bind(state.resource)
            namespace = state.namespaces[0] if state.namespaces else None
            self._pod_watch = asyncio.create_task(self._watch_pod(pods, namespace, state.pod))
        else:
            self.feed = TableFeed(
                client.bind(state.resource),
                self._deliver,
                namespaces=None if state.namespaces is None else list(state.namespaces),
                label_selector=state.label_selector,
                field_selector=state.field_selector,
            )
            self.feed.start()
        self.post_message(self.Changed(self))

    def _deliver(self, batch: FeedBatch) -> None:
        if batch.columns is not None:
            self.table.set_columns(batch.columns, wide=self.state.wide)
            self.table.set_filter(self.state.filter)
        if batch.reset is not None:
            self.table.reset(batch.reset)
        if batch.changes:
            self.table.apply(batch.changes)
        if batch.state is not None:
            self._feed_state(batch.state, batch.reason)
        self.post_message(self.Changed(self))

    def _feed_state(self, state: WatchState, reason: str) -> None:
        self.feed_state, self.feed_reason = state, reason
        if state == WatchState.RECONNECTING:
            self.say(f"⚠ {reason}")
        elif state in (WatchState.SYNCED, WatchState.WATCHING):
            self.say("")

    async def _watch_pod(self, pods: Any, namespace: str | None, name: str) -> None:
        view = self

        class Sink(ReflectorSink):
            def replace(self, items: list[dict[str, Any]], resource_version: str) -> None:
                view._pod_rows(items[0] if items else None)

            def apply(self, events: list[WatchEvent]) -> None:
                last = events[-1]
                view._pod_rows(None if last.type == "DELETED" else last.object)

        reflector = Reflector(
            pods,
            Sink(),
            namespace=namespace,
            field_selector=f"metadata.name={name}",
            on_state=lambda state, reason: self._feed_state(state, reason),
        )
        try:
            await reflector.run()
        except (ClientError, ApiError) as error:
            self.say(str(error))

    def _pod_rows(self, pod: dict[str, Any] | None) -> None:
        if pod is None:
            self.table.reset([])
            self.say(f"pod {self.state.pod} is gone")
        else:
            self.table.reset(container_rows(pod))
        self.post_message(self.Changed(self))

    # -- helpers ------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.message = text
        for message in self.query("#view-message").results(Static):
            message.update(text)
            message.set_class(bool(text), "shown")

    @property
    def selected(self) -> TableRow | None:
        return self.table.selected_row

    @property
    def targets(self) -> list[TableRow]:
        """The rows an action applies to: the marked ones, else the one under the cursor."""
        marked = self.table.marked_rows
        if marked:
            return marked
        row = self.table.selected_row
        return [row] if row is not None else []
