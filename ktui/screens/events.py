"""`:events`: a live tail of the cluster's events, newest first by when they last happened.

An Informer lists then watches core/v1 Events (it resumes, relists on 410 and backs off
on errors by itself); its changes are coalesced per event and handed to the table at most
every BATCH_SECONDS, never one refresh per event. Rows come from ktui.model.event_rows,
which computes "last seen" as kubectl does. `w` shows warnings only; Enter opens the
object the event is about.
"""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from ktui.client import ClientError, Informer, TableRow, WatchState
from ktui.model import event_rows
from ktui.model.event_rows import LAST_SEEN, EventLog
from ktui.refs import ObjectRef
from ktui.session import Session
from ktui.widgets.resource_table import ResourceTable

BATCH_SECONDS = 0.08  # at most ~12 table updates a second, however busy the cluster


def involved_selector(ref: ObjectRef) -> str:
    """The field selector for the events about one object (as `kubectl describe`)."""
    terms = [f"involvedObject.name={ref.name}", f"involvedObject.kind={ref.resource.kind}"]
    if ref.namespace:
        terms.append(f"involvedObject.namespace={ref.namespace}")
    return ",".join(terms)


class EventsScreen(Screen):
    DEFAULT_CSS = """
    EventsScreen > #events-title { height: 1; padding: 0 1; background: $panel; }
    EventsScreen > ResourceTable { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="events.back"),
        Binding("w", "toggle_warnings", "Warnings only", id="events.warnings"),
        Binding("enter", "jump", "Go to object", id="events.jump"),
    ]

    class JumpTo(Message):
        """Open the object an event is about."""

        def __init__(self, ref: ObjectRef) -> None:
            super().__init__()
            self.ref = ref

    def __init__(
        self,
        session: Session,
        namespace: str | None,
        involved: ObjectRef | None = None,
        *,
        warnings_only: bool = False,
    ) -> None:
        super().__init__()
        self.session = session
        self.namespace = namespace  # None: all namespaces
        self.involved = involved  # only the events about this object
        self.events = EventLog(warnings_only)
        self.state = WatchState.LISTING
        self.reason = ""
        self.batches = 0  # table updates applied (the first one is the full list)

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="events-title")
        yield ResourceTable(event_rows.columns(with_namespace=self.namespace is None))
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(ResourceTable)
        # A live age, sorted newest first (ties in arrival order, timeless events last).
        table.set_live_age(LAST_SEEN, event_rows.row_last_seen)
        table.sort_by(LAST_SEEN, False)
        table.focus()
        self._watch()

    # -- the header ---------------------------------------------------------------------

    def _title(self) -> str:
        if self.involved is not None:
            scope = self.involved.title
        else:
            scope = self.namespace or "all namespaces"
        parts = [f"Events ({scope})", f"{self.events.shown} shown"]
        if self.events.warnings_only:
            parts.append("warnings only")
        if self.state is not WatchState.WATCHING and self.state is not WatchState.SYNCED:
            parts.append(f"{self.state.value}{': ' + self.reason if self.reason else ''}")
        return " · ".join(parts)

    def _update_title(self) -> None:
        self.query_one("#events-title", Static).update(self._title())

    def _on_state(self, state: WatchState, reason: str) -> None:
        if state is WatchState.RECONNECTING and self.state is not WatchState.RECONNECTING:
            self.notify(f"events: {reason}", severity="warning")  # once, not every retry
        self.state, self.reason = state, reason
        if self.is_attached:
            self._update_title()

    # -- the feed -----------------------------------------------------------------------

    @work(exclusive=True, group="events-watch")
    async def _watch(self) -> None:
        client = self.session.client
        try:
            resource = await client.discovery.for_kind("v1", "Event")
        except (ClientError, OSError) as error:
            self.notify(f"events: {error}", severity="error")
            return
        scope_all = self.namespace is None or self.involved is not None
        informer = Informer(
            client.bind(resource),
            namespace=None if scope_all else self.namespace,
            all_namespaces=scope_all,
            field_selector=involved_selector(self.involved) if self.involved else None,
            indexers={},  # looked up by key only
            on_state=self._on_state,
        )
        informer.start()
        try:
            while True:
                changes = await informer.changes()
                self._apply([(n.type, n.object) for n in changes])
                # Let the next changes pile up: one table update per interval at most.
                await asyncio.sleep(BATCH_SECONDS)
        finally:
            await informer.stop()

    def _apply(self, changes: list[tuple[str, dict]]) -> None:
        table = self.query_one(ResourceTable)
        updates = self.events.apply(changes)
        if self.batches == 0:
            table.reset(self.events.visible())
        elif updates:
            table.apply(updates)
        self.batches += 1
        self._update_title()

    # -- keys ---------------------------------------------------------------------------

    def action_toggle_warnings(self) -> None:
        rows = self.events.set_warnings_only(not self.events.warnings_only)
        self.query_one(ResourceTable).reset(rows)
        self._update_title()

    def action_jump(self) -> None:
        row = self.query_one(ResourceTable).selected_row
        if row is not None:
            self._jump(row)

    @on(ResourceTable.Selected)
    def _selected(self, message: ResourceTable.Selected) -> None:
        message.stop()
        self._jump(message.row)

    @work(group="events-jump")
    async def _jump(self, row: TableRow) -> None:
        target = event_rows.involved(row.object)
        if not target.kind or not target.name:
            self.notify("this event names no object", severity="warning")
            return
        discovery = self.session.client.discovery
        try:
            if target.api_version:
                resource = await discovery.for_kind(target.api_version, target.kind)
            else:
                resource = await discovery.find(target.kind)
        except (ClientError, OSError) as error:
            self.notify(f"cannot open {target.label}: {error}", severity="error")
            return
        namespace = target.namespace if resource.namespaced else None
        self.post_message(self.JumpTo(ObjectRef(resource, target.name, namespace)))

    def action_back(self) -> None:
        self.dismiss()
