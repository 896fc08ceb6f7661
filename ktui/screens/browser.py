"""The main screen: tabs of live resource views, the `:` command line and the `/` filter.

Keys follow k9s where k9s has one (`:` `/` `d` `y` `e` `l` `p` `s` `shift+f` `ctrl+d`
`ctrl+k`, `0`-`9` namespaces, Enter/Esc to drill in and out); which keys work depends on
the kind shown, and the footer shows only those.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, TabbedContent, TabPane

from ktui.client import ApiError, APIResource, ClientError, TableRow
from ktui.model.commands import CommandError, parse_command
from ktui.model.view_state import ViewState, drill
from ktui.refs import ObjectRef
from ktui.screens.browser_actions import BrowserActions
from ktui.session import Session
from ktui.widgets.cluster_header import ClusterHeader
from ktui.widgets.resource_table import ResourceTable
from ktui.widgets.resource_view import ResourceView


class BrowserScreen(BrowserActions, Screen):
    CSS_PATH = "browser.tcss"
    BINDINGS = [
        Binding(":", "command", "Command", id="browser.command"),
        Binding("/", "filter", "Filter", id="browser.filter"),
        Binding("escape", "back", "Back", id="browser.back"),
        Binding("0", "namespace(0)", "All ns", id="browser.namespace_all"),
        *[
            Binding(str(n), f"namespace({n})", f"ns {n}", show=False, id=f"browser.namespace_{n}")
            for n in range(1, 10)
        ],
        Binding("w", "wide", "Wide", id="browser.wide"),
        Binding("ctrl+t", "new_tab", "New tab", id="browser.new_tab"),
        Binding("ctrl+w", "close_tab", "Close tab", id="browser.close_tab"),
        Binding("]", "next_tab", "Next tab", show=False, id="browser.next_tab"),
        Binding("[", "previous_tab", "Previous tab", show=False, id="browser.previous_tab"),
        Binding("x", "xray", "Xray", id="browser.xray"),
        Binding("N", "sort('name')", "Sort by name", show=False, id="browser.sort_name"),
        Binding("A", "sort('age')", "Sort by age", show=False, id="browser.sort_age"),
        Binding(">", "sort_next(1)", "Sort by next column", show=False, id="browser.sort_next"),
        Binding(
            "<", "sort_next(-1)", "Sort by previous column", show=False, id="browser.sort_previous"
        ),
        *BrowserActions.ACTION_BINDINGS,
    ]

    def __init__(self, session: Session, state: ViewState) -> None:
        super().__init__()
        self.session = session
        self.initial_state = state
        self.recent_namespaces: list[str] = []
        self._tabs = 0
        self._offer: tuple[object, ...] = ()
        self._remember_namespace(session.namespace)

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ClusterHeader(self.session)
        with TabbedContent(id="tabs"):
            yield self._new_pane(self.initial_state)
        yield Input(id="command", placeholder=":pods  :deploy -A  :po kube-system  :q")
        yield Input(id="filter", placeholder="/text  /regex  /!inverse  /-l app=web")
        yield Footer()

    def _new_pane(self, state: ViewState) -> TabPane:
        self._tabs += 1
        view = ResourceView(self.session, state, id=f"view-{self._tabs}")
        return TabPane(state.title, view, id=f"tab-{self._tabs}")

    def on_mount(self) -> None:
        self._suggest_kinds()
        self.refresh_header()

    @work(group="discovery")
    async def _suggest_kinds(self) -> None:
        try:
            resources = await self.session.client.discovery.resources()
        except (ApiError, ClientError):
            return
        words = sorted({name for r in resources if "list" in r.verbs for name in r.names()})
        self.query_one("#command", Input).suggester = SuggestFromList(
            words + ["ns", "events", "xray", "q"], case_sensitive=False
        )

    # -- the current view ---------------------------------------------------------------

    @property
    def view(self) -> ResourceView:
        pane = self.query_one(TabbedContent).active_pane
        if pane is None:  # the tabs are not laid out yet: there is one view
            return self.query(ResourceView).first()
        return pane.query_one(ResourceView)

    @property
    def state(self) -> ViewState:
        return self.view.state

    def refresh_header(self) -> None:
        view = self.view
        header = self.query_one(ClusterHeader)
        header.show_view(view.state, view.crumbs, view.table.row_count, view.table.visible_count)
        header.show_feed(view.feed_state, view.feed_reason)
        header.show_favourites(self.favourites)
        tabs = self.query_one(TabbedContent)
        pane = tabs.active_pane
        if pane is not None:
            tab = tabs.get_tab(pane)
            if str(tab.label) != view.state.title:
                tab.label = view.state.title
        # The footer is rebuilt on refresh_bindings: only when the keys on offer change
        # (another kind, a row under the cursor or none), not on every batch of rows.
        offer = (view.state.resource.name, view.state.containers, view.selected is not None)
        if offer != self._offer:
            self._offer = offer
            self.refresh_bindings()

    @on(ResourceView.Changed)
    def _view_changed(self, event: ResourceView.Changed) -> None:
        if event.view is self.view:
            self.refresh_header()

    @on(ResourceTable.CursorMoved)
    def _cursor_moved(self, event: ResourceTable.CursorMoved) -> None:
        offer = (self.state.resource.name, self.state.containers, event.row is not None)
        if offer != self._offer:
            self._offer = offer
            self.refresh_bindings()

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        tabs = self.query_one(TabbedContent)
        tabs.set_class(tabs.tab_count > 1, "several")
        self.refresh_header()
        self.view.table.focus()

    # -- `:` commands -------------------------------------------------------------------

    def action_command(self) -> None:
        box = self.query_one("#command", Input)
        box.value = ""
        box.add_class("shown")
        box.focus()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = self.state.filter
        box.add_class("shown")
        box.focus()

    def _close_inputs(self) -> None:
        for box in self.query(Input):
            box.remove_class("shown")
        self.view.table.focus()

    @on(Input.Submitted, "#command")
    async def _command_submitted(self, event: Input.Submitted) -> None:
        self._close_inputs()
        await self.run_command(event.value)

    @on(Input.Changed, "#filter")
    def _filter_typed(self, event: Input.Changed) -> None:
        table = self.view.table
        table.set_filter(event.value)
        self.view.history[-1] = self.state.with_(filter=event.value)
        self.refresh_header()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self._close_inputs()

    async def run_command(self, text: str) -> None:
        words = text.strip().lstrip(":").split(maxsplit=1)
        alias = self.session.config.aliases.get(words[0].lower()) if words else None
        if alias is not None:  # the alias, then whatever was typed after it
            text = " ".join([alias, *words[1:]])
        try:
            command = parse_command(text)
        except CommandError as error:
            self.notify(str(error), severity="error")
            return
        if command.special:
            await self.run_special(command)
            return
        try:
            resource = await self.session.client.discovery.find(command.name)
        except (ApiError, ClientError) as error:
            self.notify(f"{command.name}: {error}", severity="error")
            return
        if "list" not in resource.verbs:
            self.notify(f"{resource.name} cannot be listed", severity="error")
            return
        namespaces = self._namespaces_for(command.namespaces, command.all_namespaces)
        for namespace in command.namespaces:
            self._remember_namespace(namespace)
        state = ViewState(resource, namespaces, label_selector=command.selector)
        await self.view.show(state)

    def _namespaces_for(self, named: list[str], all_namespaces: bool) -> tuple[str, ...] | None:
        if all_namespaces:
            return None
        if named:
            return tuple(named)
        current = self.state.namespaces
        return (
            current
            if current is not None or self.state.all_namespaces
            else (self.session.namespace,)
        )

    async def run_special(self, command) -> None:  # noqa: ANN001 - a Command
        if command.name == "quit":
            self.app.exit()
        elif command.name == "help":
            await self.app.run_action("help_screen")
        elif command.name == "events":
            namespaces = self._namespaces_for(command.namespaces, command.all_namespaces)
            namespace = None if namespaces is None else namespaces[0]
            self.open_events(namespace)
        elif command.name == "xray":
            kind = command.args[0] if command.args else "deployments"
            self.open_xray(kind)
        elif command.name == "contexts":
            self.notify(
                f"context: {self.session.context} (start ktui --context NAME for another)",
            )
        elif command.name == "theme":
            if command.args:
                try:
                    self.app.theme = command.args[0]
                except Exception as error:  # an unknown theme name
                    self.notify(str(error), severity="error")
            else:
                self.app.search_themes()

    # -- namespaces ---------------------------------------------------------------------

    @property
    def favourites(self) -> list[str]:
        out: list[str] = []
        for name in [*self.session.config.favourites, *self.recent_namespaces]:
            if name not in out:
                out.append(name)
        return out[:9]

    def _remember_namespace(self, namespace: str) -> None:
        """Namespaces used get the next free number and keep it (numbers never shift while
        you work); past nine, the oldest one used makes room."""
        if namespace in self.recent_namespaces:
            return
        self.recent_namespaces.append(namespace)
        del self.recent_namespaces[:-9]

    async def action_namespace(self, number: int) -> None:
        if not self.state.resource.namespaced or self.state.containers:
            return
        if number == 0:
            await self.view.update_state(namespaces=None)
            return
        favourites = self.favourites
        if number > len(favourites):
            self.notify(f"no namespace on {number} yet (use :ns and Enter)")
            return
        namespace = favourites[number - 1]
        await self.view.update_state(namespaces=(namespace,))

    # -- drill down and back ------------------------------------------------------------

    @on(ResourceTable.Selected)
    async def _row_selected(self, event: ResourceTable.Selected) -> None:
        event.stop()
        await self.enter(event.row)

    async def enter(self, row: TableRow) -> None:
        state = self.state
        if state.containers:
            self.open_logs(row.name)
            return
        client = self.session.client
        pods = await self._find("pods")
        obj = None
        step = drill(state, row.name, row.namespace, pods)
        if step.needs_object:
            try:
                obj = await client.bind(state.resource).get(row.name, row.namespace or None)
            except (ApiError, ClientError) as error:
                self.notify(str(error), severity="error")
                return
            resources = await client.discovery.resources()

            def find(plural: str, group: str) -> APIResource | None:
                return next((r for r in resources if r.name == plural and r.group == group), None)

            step = drill(state, row.name, row.namespace, pods, obj, find)
        for note in step.notes:
            self.notify(note)
        if step.view is not None:
            if state.resource.kind == "Namespace":
                self._remember_namespace(row.name)
            await self.view.drill(step.view)
        elif step.describe:
            self.open_describe(self.ref_of(row))

    async def show_object(self, ref: ObjectRef) -> None:
        """One object in its kind's view (from events or xray); Esc goes back."""
        namespaces = (ref.namespace,) if ref.namespace else None
        state = ViewState(
            ref.resource,
            namespaces,
            field_selector=f"metadata.name={ref.name}",
            crumb=f"{ref.resource.name}/{ref.name}",
        )
        await self.view.drill(state)

    async def action_back(self) -> None:
        if any(box.has_class("shown") for box in self.query(Input)):
            if self.query_one("#filter", Input).has_class("shown"):
                self.query_one("#filter", Input).value = ""
            self._close_inputs()
            return
        if self.state.filter:
            self.view.table.set_filter("")
            self.view.history[-1] = self.state.with_(filter="")
            self.refresh_header()
            return
        await self.view.back()

    async def _find(self, name: str) -> APIResource | None:
        try:
            return await self.session.client.discovery.find(name)
        except (ApiError, ClientError):
            return None

    def ref_of(self, row: TableRow) -> ObjectRef:
        state = self.state
        if state.containers:
            pods = state.resource
            return ObjectRef(pods, state.pod, state.namespaces[0] if state.namespaces else None)
        namespace = row.namespace or None if state.resource.namespaced else None
        return ObjectRef(state.resource, row.name, namespace)

    # -- view toggles and tabs ----------------------------------------------------------

    async def action_wide(self) -> None:
        state = self.state
        self.view.history[-1] = state.with_(wide=not state.wide)
        self.view.table.set_columns(self.view.table.columns, wide=not state.wide)
        self.refresh_header()

    async def action_new_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        pane = self._new_pane(self.state.with_(filter=""))
        await tabs.add_pane(pane)
        tabs.active = pane.id or ""
        tabs.add_class("several")

    async def action_close_tab(self) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.tab_count <= 1:
            self.notify("the last tab stays open (q quits)")
            return
        await tabs.remove_pane(tabs.active)
        tabs.set_class(tabs.tab_count > 1, "several")

    def _cycle_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        panes = [pane.id for pane in tabs.query(TabPane)]
        if len(panes) > 1 and tabs.active in panes:
            tabs.active = panes[(panes.index(tabs.active) + step) % len(panes)] or ""

    def action_next_tab(self) -> None:
        self._cycle_tab(1)

    def action_previous_tab(self) -> None:
        self._cycle_tab(-1)

    def action_sort(self, column: str) -> None:
        """Sort by a column; the same key again reverses the order."""
        table = self.view.table
        names = [c.name.lower() for c in table.columns]
        if column in names:
            table.sort_by(column)
            self.refresh_header()

    def action_sort_next(self, step: int) -> None:
        table = self.view.table
        names = [c.name for c in table.columns if table.wide or c.priority == 0]
        if not names:
            return
        lowered = [name.lower() for name in names]
        current = (table.sort_column or "").lower()
        index = lowered.index(current) if current in lowered else -step
        table.sort_by(names[(index + step) % len(names)], reverse=False)
        self.refresh_header()

    def action_xray(self) -> None:
        self.open_xray(self.state.resource.name)
