"""The events screen against the lab engine, with Events created directly."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from textual.message import Message

from ktui.client import ResourceClient
from ktui.refs import ObjectRef
from ktui.screens.events import EventsScreen
from ktui.session import Session
from ktui.widgets.resource_table import ResourceTable

from ..harness import Harness


def ts(seconds_ago: float, micro: bool = False) -> str:
    # From the moment of the call: the suite may reach this test minutes after import.
    moment = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def event(name: str, kind: str, obj: str, type_: str = "Normal", ns: str = "", **fields) -> dict:
    api_version = {"Deployment": "apps/v1", "Pod": "v1"}[kind]
    involved = {"apiVersion": api_version, "kind": kind, "name": obj}
    if ns:
        involved["namespace"] = ns
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name},
        "involvedObject": involved,
        "reason": f"Reason{name.title().replace('-', '')}",
        "message": f"about {name}",
        "type": type_,
        **fields,
    }


NEW_API = {"reportingComponent": "tests", "reportingInstance": "tests-1", "action": "Test"}


async def events_client(session: Session) -> ResourceClient:
    return session.client.bind(await session.client.discovery.for_kind("v1", "Event"))


async def seed(session: Session) -> ResourceClient:
    events = await events_client(session)
    ns = session.namespace
    # Created first and first seen an hour ago, but its series says it happened 10s ago:
    # it is the newest (sorting by lastTimestamp or eventTime would put it last).
    await events.create(
        event(
            "recurring",
            "Deployment",
            "web",
            "Warning",
            eventTime=ts(3600, micro=True),
            series={"count": 12, "lastObservedTime": ts(10, micro=True)},
            **NEW_API,
        ),
        ns,
    )
    # The events about web-1 name its namespace, as components write them; the others
    # leave it out (the event's own namespace is then the object's).
    await events.create(
        event(
            "old", "Pod", "web-1", ns=ns, lastTimestamp=ts(1800), firstTimestamp=ts(2000), count=2
        ),
        ns,
    )
    await events.create(
        event("mid", "Pod", "web-1", "Warning", ns=ns, eventTime=ts(300, micro=True), **NEW_API),
        ns,
    )
    await events.create(event("first-only", "Pod", "web-2", firstTimestamp=ts(1200)), ns)
    return events


def shown(table: ResourceTable) -> list[str]:
    return [table.model.row_at(i).name for i in range(table.visible_count)]


async def settle(pilot, screen: EventsScreen, until) -> None:
    """Until `until()` holds, for up to 15 s of the app running (a busy machine is slow)."""
    for _ in range(300):
        if until():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never reached; shown: {shown(screen.query_one(ResourceTable))}")


async def test_newest_first_warnings_toggle_live_tail_and_jump(session: Session) -> None:
    events = await seed(session)
    seen: list[Message] = []
    screen = EventsScreen(session, session.namespace)
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(160, 40), message_hook=seen.append) as pilot:
        table = screen.query_one(ResourceTable)
        await settle(pilot, screen, lambda: table.visible_count == 4)
        assert shown(table) == ["recurring", "mid", "first-only", "old"]
        header, first = table.model.header_text(), table.model.line(0)[0]
        assert header.split() == ["LAST", "SEEN↑", "TYPE", "REASON", "OBJECT", "MESSAGE", "COUNT"]
        # As the user reads it: a live age, then the columns kubectl shows.
        assert re.match(
            r"^ \d+s +Warning +ReasonRecurring +deployment/web +about recurring +12$", first
        )
        assert table.model.line(3)[0].split()[-4:] == ["pod/web-1", "about", "old", "2"]

        await pilot.press("w")
        assert shown(table) == ["recurring", "mid"]
        assert "warnings only" in str(screen.query_one("#events-title").render())
        await pilot.press("w")
        assert shown(table) == ["recurring", "mid", "first-only", "old"]

        # A new event arrives through the watch: on top. A repeat moves an old one up.
        await events.create(event("fresh", "Pod", "web-3", lastTimestamp=ts(0)), session.namespace)
        await settle(pilot, screen, lambda: table.visible_count == 5)
        assert shown(table)[0] == "fresh"
        old = await events.get("old", session.namespace)
        old.update(count=3, lastTimestamp=ts(5))
        await events.replace(old, session.namespace)
        await settle(pilot, screen, lambda: shown(table)[:3] == ["fresh", "old", "recurring"])
        # A Normal event arriving while warnings only is not shown.
        await pilot.press("w")
        await events.create(event("quiet", "Pod", "web-4", lastTimestamp=ts(0)), session.namespace)
        await settle(pilot, screen, lambda: len(screen.events) == 6)
        assert shown(table) == ["recurring", "mid"]

        # Enter on the top row opens the Deployment the event is about.
        table.move_cursor(0)
        await pilot.press("enter")

        def jumps() -> list[EventsScreen.JumpTo]:
            # The hook sees a message at each hop of its bubbling: count distinct ones.
            return list({id(m): m for m in seen if isinstance(m, EventsScreen.JumpTo)}.values())

        await settle(pilot, screen, lambda: jumps())
        await pilot.pause()
        jumps = jumps()
        assert len(jumps) == 1
        ref = jumps[0].ref
        assert (ref.resource.api_version, ref.resource.name, ref.name, ref.namespace) == (
            "apps/v1",
            "deployments",
            "web",
            session.namespace,
        )

        await pilot.press("escape")
        assert app.screen is not screen


async def test_events_of_one_object(session: Session) -> None:
    await seed(session)
    pods = await session.client.resource("pods")
    screen = EventsScreen(session, None, ObjectRef(pods.resource, "web-1", session.namespace))
    app = Harness(session, lambda: screen)
    async with app.run_test(size=(160, 40)) as pilot:
        table = screen.query_one(ResourceTable)
        await settle(pilot, screen, lambda: table.visible_count == 2)
        await pilot.pause()
        assert shown(table) == ["mid", "old"]
        assert table.model.header_text().split()[-1] == "NAMESPACE"  # scope: all namespaces
        assert "Events (pods/web-1" in str(screen.query_one("#events-title").render())
