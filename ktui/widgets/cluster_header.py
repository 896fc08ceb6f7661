"""The header above every view: where you are (context, cluster, version, user, namespaces),
how big the cluster is (nodes, pods), how you got here (breadcrumbs) and whether the
connection is live (a banner while it reconnects).

The browser feeds it with `show_view` / `show_feed` / `show_favourites`; anything else can
call `update(field=value, ...)`. Given a Session, it counts nodes and pods itself every
`count_every` seconds with a one-item list request: kube-apiserver reports how many remain
(remainingItemCount), so counting a 50,000-pod cluster costs one small request. A server that
does not say is counted by metadata-only pages, at most COUNT_PAGES of them ("10,000+").
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

import orjson
from textual import work
from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from ktui.client import ApiError, ClientError

if TYPE_CHECKING:
    from ktui.model.view_state import ViewState
    from ktui.session import Session

CONNECTED = "connected"
RECONNECTING = "reconnecting"
LOADING = "loading"
COUNT_PAGE = 500
COUNT_PAGES = 20
ACCEPT_METADATA = (
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json"
)


@dataclass(frozen=True)
class HeaderFields:
    context: str = ""
    cluster: str = ""
    version: str = ""
    user: str = ""
    namespaces: tuple[str, ...] | None = ()  # None: all namespaces; (): not known yet
    nodes: int | str | None = None  # None: not counted (yet, or not allowed); str: "10,000+"
    pods: int | str | None = None
    readonly: bool = False
    breadcrumbs: tuple[str, ...] = ()
    rows: int | None = None  # rows of the current view
    visible: int | None = None  # rows left after the filter
    favourites: tuple[str, ...] = ()
    connection: str = CONNECTED  # connected | loading | reconnecting
    connection_reason: str = ""


FIELD_NAMES = frozenset(f.name for f in fields(HeaderFields))


class ClusterHeader(Widget):
    DEFAULT_CSS = """
    ClusterHeader {
        dock: top;
        height: auto;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    ClusterHeader > Static {
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    ClusterHeader > #header-banner {
        display: none;
        background: $error;
        color: $text;
        text-style: bold;
    }
    ClusterHeader.-reconnecting > #header-banner {
        display: block;
    }
    """

    def __init__(
        self,
        session: Session | None = None,
        *,
        count_every: float | None = 30.0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.session = session
        self.count_every = count_every
        self.fields = HeaderFields()
        if session is not None:
            self.fields = self._session_fields(session)

    def compose(self) -> ComposeResult:
        yield Static(id="header-info")
        yield Static(id="header-crumbs")
        yield Static(id="header-banner")

    def on_mount(self) -> None:
        self._render_fields()
        if self.session is not None and self.count_every:
            self._count_loop()

    # -- what callers use ---------------------------------------------------------------

    def update(self, **changes: Any) -> None:
        """Set any of HeaderFields' fields; unknown names are a programming error."""
        unknown = set(changes) - FIELD_NAMES
        if unknown:
            raise TypeError(f"ClusterHeader.update: unknown field(s) {sorted(unknown)}")
        for key in ("breadcrumbs", "favourites"):
            if key in changes:
                changes[key] = tuple(changes[key])
        if "namespaces" in changes and changes["namespaces"] is not None:
            changes["namespaces"] = tuple(changes["namespaces"])
        new = replace(self.fields, **changes)
        if new != self.fields:
            self.fields = new
            self._render_fields()

    def show_session(self, session: Session) -> None:
        current = self._session_fields(session)
        self.update(
            context=current.context,
            cluster=current.cluster,
            version=current.version or self.fields.version,  # keep one asked of /version
            user=current.user,
            readonly=current.readonly,
        )

    def show_view(
        self, state: ViewState, crumbs: Sequence[str], rows: int | None, visible: int | None
    ) -> None:
        namespaces = state.namespaces if state.resource.namespaced else self.fields.namespaces
        self.update(namespaces=namespaces, breadcrumbs=crumbs, rows=rows, visible=visible)

    def show_feed(self, state: Any, reason: str = "") -> None:
        """The view's watch state (ktui.client WatchState, or its string value)."""
        value = getattr(state, "value", state)
        if value == "reconnecting":
            self.update(connection=RECONNECTING, connection_reason=reason)
        elif value in ("listing", "relisting"):
            self.update(connection=LOADING, connection_reason=reason)
        else:
            self.update(connection=CONNECTED, connection_reason="")

    def show_favourites(self, favourites: Sequence[str]) -> None:
        self.update(favourites=favourites)

    # -- rendering ----------------------------------------------------------------------

    @staticmethod
    def _session_fields(session: Session) -> HeaderFields:
        return HeaderFields(
            context=session.context,
            cluster=session.cluster,
            version=session.server_version,
            user=session.user,
            namespaces=(session.namespace,),
            readonly=session.readonly or session.config.readonly,
        )

    def _render_fields(self) -> None:
        if not self.is_mounted or not self.query("#header-info"):
            return  # not composed yet, or being torn down: on_mount renders
        f = self.fields
        self.query_one("#header-info", Static).update(info_line(f))
        self.query_one("#header-crumbs", Static).update(crumbs_line(f))
        self.query_one("#header-banner", Static).update(banner_line(f))
        self.set_class(f.connection == RECONNECTING, "-reconnecting")

    # -- counting -----------------------------------------------------------------------

    @work(exclusive=True, group="header-counts")
    async def _count_loop(self) -> None:
        assert self.session is not None and self.count_every
        if not self.fields.version:
            version = await server_version(self.session)
            if version:
                self.update(version=version)
        while True:
            nodes = await count_objects(self.session, "nodes")
            pods = await count_objects(self.session, "pods")
            changes = {k: v for k, v in (("nodes", nodes), ("pods", pods)) if v is not None}
            if changes:
                self.update(**changes)
            await asyncio.sleep(self.count_every)


async def server_version(session: Session) -> str:
    """gitVersion from /version, or "" when the server will not say."""
    try:
        body = await session.client.json("GET", "/version")
    except (ApiError, ClientError, ValueError):
        return ""
    version = body.get("gitVersion") if isinstance(body, dict) else None
    return version if isinstance(version, str) else ""


async def count_objects(
    session: Session, resource: str, *, page: int = COUNT_PAGE, pages: int = COUNT_PAGES
) -> int | str | None:
    """How many objects of a kind the cluster holds: an int, "N+" when there were more than
    `pages` pages to count, None when unknown (forbidden, unreachable)."""
    try:
        res = await session.client.resource(resource)
        path = res.path(None, None, all_namespaces=res.resource.namespaced)
        params: dict[str, object] = {"limit": 1}
        counted = 0
        for _ in range(pages + 1):
            response = await session.client.request(
                "GET", path, params=params, accept=ACCEPT_METADATA
            )
            body = orjson.loads(response.content)
            meta = body.get("metadata") or {}
            counted += len(body.get("items") or [])
            if "remainingItemCount" in meta:
                return counted + int(meta["remainingItemCount"])
            if not meta.get("continue"):
                return counted
            # The server pins later pages to the first page's revision via the token.
            params = {"limit": page, "continue": meta["continue"]}
        return f"{counted:,}+"
    except (ApiError, ClientError, ValueError, TypeError):
        return None


def info_line(f: HeaderFields) -> Content:
    parts: list[Content] = [
        Content.from_markup("[b $accent]⎈[/] [b]$context[/]", context=f.context or "?")
    ]

    def add(label: str, value: str) -> None:
        parts.append(Content.from_markup("[dim]$label[/] [b]$value[/]", label=label, value=value))

    if f.cluster and f.cluster != f.context:
        add("cluster", f.cluster)
    if f.version:
        add("version", f.version)
    if f.user:
        add("user", f.user)
    add("ns", namespaces_text(f.namespaces))
    add("nodes", _count(f.nodes))
    add("pods", _count(f.pods))
    if f.favourites:
        shown = " ".join(f"{i}:{name}" for i, name in enumerate(f.favourites, 1))
        add("fav", shown)
    line = Content("  ").join(parts)
    if f.readonly:
        line = line + Content("  ") + Content.from_markup("[b reverse $warning] READ-ONLY [/]")
    return line


def crumbs_line(f: HeaderFields) -> Content:
    crumbs = list(f.breadcrumbs)
    parts = [Content.from_markup("[dim]$crumb[/]", crumb=c) for c in crumbs[:-1]]
    if crumbs:
        parts.append(Content.from_markup("[b $primary]$crumb[/]", crumb=crumbs[-1]))
    line = Content(" › ").join(parts)
    if f.rows is not None:
        shown = (
            f"{f.visible}/{f.rows}"
            if f.visible is not None and f.visible != f.rows
            else f"{f.rows}"
        )
        line = line + Content.from_markup("  [dim]$shown rows[/]", shown=shown)
    state = {
        CONNECTED: "[$success]● live[/]",
        LOADING: "[$warning]◌ loading[/]",
        RECONNECTING: "[$error]○ reconnecting[/]",
    }.get(f.connection, "")
    if state and (crumbs or f.rows is not None):
        line = line + Content("  ") + Content.from_markup(state)
    return line


def banner_line(f: HeaderFields) -> Content:
    if f.connection != RECONNECTING:
        return Content("")
    reason = f" — {f.connection_reason}" if f.connection_reason else ""
    return Content(f"⚠ connection lost, reconnecting{reason}")


def namespaces_text(namespaces: tuple[str, ...] | None) -> str:
    if namespaces is None:
        return "all"
    return ",".join(namespaces) if namespaces else "-"


def _count(value: int | str | None) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else f"{value:,}"
