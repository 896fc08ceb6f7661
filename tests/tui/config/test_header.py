"""The cluster header: where you are, how big the cluster is, how you got here, and
whether the connection is live."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from ktui.client import APIResource, Client
from ktui.client.reflector import WatchState
from ktui.model.view_state import ViewState
from ktui.session import Session
from ktui.widgets.cluster_header import ClusterHeader, count_objects
from tests.tui.conftest import pod
from tests.tui.harness import Harness


class HeaderScreen(Screen):
    def __init__(self, session: Session | None = None) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield ClusterHeader(self.session)
        yield Static("body")


def lines(screen: Screen) -> dict[str, str]:
    header = screen.query_one(ClusterHeader)
    return {s.id or "": str(s.content) for s in header.query(Static) if s.display}


class Bare(App):
    def on_mount(self) -> None:
        self.push_screen(HeaderScreen())


async def test_fields_breadcrumbs_and_counts_are_shown() -> None:
    app = Bare()
    async with app.run_test(size=(140, 10)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(ClusterHeader)
        header.update(
            context="prod",
            cluster="eks-eu",
            version="v1.31.2",
            user="alice",
            namespaces=["web", "api"],
            nodes=12,
            pods=48213,
            readonly=True,
            breadcrumbs=["deployments(web)", "pods(frontend)", "containers(frontend-7d9)"],
            rows=50,
            visible=7,
        )
        await pilot.pause()
        shown = lines(app.screen)
        info = shown["header-info"]
        for text in (
            "⎈ prod",
            "cluster eks-eu",
            "version v1.31.2",
            "user alice",
            "ns web,api",
            "nodes 12",
            "pods 48,213",
            "READ-ONLY",
        ):
            assert text in info
        crumbs = shown["header-crumbs"]
        assert crumbs.startswith("deployments(web) › pods(frontend) › containers(frontend-7d9)")
        assert "7/50 rows" in crumbs
        assert "● live" in crumbs
        assert "header-banner" not in shown  # no banner while connected

        header.update(namespaces=None, readonly=False, visible=50)
        await pilot.pause()
        shown = lines(app.screen)
        assert "ns all" in shown["header-info"]
        assert "READ-ONLY" not in shown["header-info"]
        assert "50 rows" in shown["header-crumbs"] and "/50" not in shown["header-crumbs"]


async def test_the_browser_feeds_view_state_and_favourites() -> None:
    pods = APIResource("", "v1", "Pod", "pods", namespaced=True)
    nodes = APIResource("", "v1", "Node", "nodes", namespaced=False)
    app = Bare()
    async with app.run_test(size=(140, 10)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(ClusterHeader)
        state = ViewState(pods, ("web", "api"))
        header.show_view(state, [state.title], 12, 12)
        header.show_favourites(["web", "kube-system"])
        await pilot.pause()
        shown = lines(app.screen)
        assert "ns web,api" in shown["header-info"]
        assert "fav 1:web 2:kube-system" in shown["header-info"]
        assert shown["header-crumbs"].startswith("pods(web,api)  12 rows")

        # A cluster-scoped kind keeps the namespaces the user chose.
        header.show_view(ViewState(nodes), ["pods(web,api)", "nodes"], 3, 1)
        await pilot.pause()
        shown = lines(app.screen)
        assert "ns web,api" in shown["header-info"]
        assert shown["header-crumbs"].startswith("pods(web,api) › nodes  1/3 rows")

        header.show_view(ViewState(pods, None), ["pods(all)"], 0, 0)
        header.show_feed(WatchState.LISTING)
        await pilot.pause()
        shown = lines(app.screen)
        assert "ns all" in shown["header-info"]
        assert "◌ loading" in shown["header-crumbs"]


async def test_a_lost_connection_shows_a_banner_until_the_watch_is_back() -> None:
    app = Bare()
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        header = app.screen.query_one(ClusterHeader)
        header.update(breadcrumbs=["pods(default)"])
        header.show_feed(WatchState.RECONNECTING, "connection refused")
        await pilot.pause()
        shown = lines(app.screen)
        assert shown["header-banner"] == "⚠ connection lost, reconnecting — connection refused"
        assert "○ reconnecting" in shown["header-crumbs"]
        banner = header.query_one("#header-banner")
        assert banner.region.height == 1  # really on screen

        header.show_feed(WatchState.WATCHING)
        await pilot.pause()
        shown = lines(app.screen)
        assert "header-banner" not in shown
        assert "● live" in shown["header-crumbs"]


async def test_the_header_reads_the_session_and_counts_the_cluster(
    session: Session, client: Client, namespace: str
) -> None:
    pods = await client.resource("pods")
    for name in ("a", "b", "c", "d", "e"):
        await pods.create(pod(name), namespace=namespace)
    expected_pods = len((await pods.list(all_namespaces=True)).items)
    expected_nodes = len((await (await client.resource("nodes")).list()).items)
    assert expected_pods >= 5
    # The server says how many remain (remainingItemCount): one request, even with no
    # page budget for counting the rest by hand.
    assert await count_objects(session, "pods", page=2, pages=0) == expected_pods
    assert await count_objects(session, "pods") == expected_pods

    async with Harness(session, lambda: HeaderScreen(session)).run_test(size=(140, 10)) as pilot:
        header = pilot.app.screen.query_one(ClusterHeader)
        for _ in range(100):  # the count runs in a worker: wait for it
            if header.fields.pods is not None:
                break
            await pilot.pause(0.05)
        info = lines(pilot.app.screen)["header-info"]
        assert "⎈ lab" in info
        assert "version v1.32.0" in info
        assert "user admin" in info
        assert f"ns {namespace}" in info
        assert f"pods {expected_pods:,}" in info
        assert f"nodes {expected_nodes:,}" in info


async def test_an_unknown_server_version_is_asked_for(session: Session, client: Client) -> None:
    session.server_version = ""
    expected = (await client.json("GET", "/version"))["gitVersion"]
    assert expected
    async with Harness(session, lambda: HeaderScreen(session)).run_test(size=(140, 10)) as pilot:
        header = pilot.app.screen.query_one(ClusterHeader)
        for _ in range(100):
            if header.fields.version:
                break
            await pilot.pause(0.05)
        assert f"version {expected}" in lines(pilot.app.screen)["header-info"]
