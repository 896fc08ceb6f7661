"""The Reflector's recovery paths, driven by a scripted server and a recorded clock."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from ktui.client.informer import Informer
from ktui.client.reflector import Backoff, WatchState
from ktui.client.watch import WatchEvent

from .fakes import CONFIGMAPS, ScriptedServer, cm, listing, status, stream


class Stop(Exception):
    """Raised from the fake sleep to end the reflector once the script is played."""


def recorder(server: ScriptedServer, delays: list[float]):
    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        if not server.answers:
            raise Stop

    return sleep


async def play(server: ScriptedServer, **options) -> tuple[Informer, list, list[float]]:
    states: list[tuple[WatchState, str]] = []
    delays: list[float] = []
    client = server.client()
    informer = Informer(
        client.bind(CONFIGMAPS),
        on_state=lambda s, r: states.append((s, r)),
        sleep=recorder(server, delays),
        **options,
    )
    with pytest.raises(Stop):
        await informer.reflector.run()
    await client.aclose()
    return informer, states, delays


async def test_resumes_from_the_last_resource_version_and_bookmark() -> None:
    server = ScriptedServer(
        listing("10", cm("a", "5")),
        stream(("ADDED", cm("b", "11")), ("BOOKMARK", {"metadata": {"resourceVersion": "15"}})),
        stream(("MODIFIED", cm("a", "16", k="v"))),
    )
    informer, states, _ = await play(server)
    assert server.params(1)["resourceVersion"] == "10"
    assert server.params(1)["allowWatchBookmarks"] == "true"
    assert server.params(1)["watch"] == "true"
    assert server.params(2)["resourceVersion"] == "15"  # from the bookmark, no relist
    assert informer.reflector.lists == 1
    assert informer.get("ns/a")["data"] == {"k": "v"}
    assert [s for s, _ in states][:3] == [
        WatchState.LISTING,
        WatchState.SYNCED,
        WatchState.WATCHING,
    ]


async def test_in_stream_410_relists() -> None:
    server = ScriptedServer(
        listing("10", cm("a", "5"), cm("b", "6")),
        stream(("ERROR", status(410, "Expired", "too old resource version: 10 (20)"))),
        listing("30", cm("a", "5"), cm("c", "25")),
        stream(),
    )
    informer, states, _ = await play(server)
    assert (WatchState.RELISTING, "too old resource version: 10 (20)") in states
    assert "resourceVersion" not in server.params(2)  # relist at the newest version
    assert server.params(3)["resourceVersion"] == "30"
    assert sorted(informer.store.keys()) == ["ns/a", "ns/c"]
    changes = {n.key: n.type for n in informer.drain()}
    assert changes == {"ns/a": "ADDED", "ns/c": "ADDED"}  # b's ADDED then DELETED coalesced


async def test_http_410_on_watch_relists() -> None:
    server = ScriptedServer(
        listing("10"),
        httpx.Response(410, json=status(410, "Gone", "gone")),
        listing("40", cm("z", "39")),
    )
    informer, states, _ = await play(server)
    assert WatchState.RELISTING in [s for s, _ in states]
    assert informer.reflector.lists == 2 and "ns/z" in informer.store


async def test_network_errors_back_off_exponentially_then_recover() -> None:
    server = ScriptedServer(
        httpx.ConnectError("refused"),
        httpx.ConnectError("refused"),
        httpx.ConnectError("refused"),
        listing("10", cm("a", "5")),
        httpx.ReadError("connection reset"),
        stream(("ADDED", cm("b", "11"))),
    )
    informer, states, delays = await play(server, backoff=Backoff(initial=1, maximum=3, jitter=0))
    reconnecting = [r for s, r in states if s is WatchState.RECONNECTING]
    assert len(reconnecting) == 5  # 3 refused, 1 reset, then the script ran out
    assert "refused" in reconnecting[0] and "connection reset" in reconnecting[3]
    assert delays[:3] == [1, 2, 3]  # doubled, capped
    assert delays[3] == 1  # the successful list reset the back-off
    assert sorted(informer.store.keys()) == ["ns/a", "ns/b"]


async def test_server_errors_in_stream_reconnect_without_relisting() -> None:
    server = ScriptedServer(
        listing("10"),
        stream(("ADDED", cm("a", "12")), ("ERROR", status(500, "InternalError", "boom"))),
        stream(("ADDED", cm("b", "13"))),
    )
    informer, states, _ = await play(server)
    assert any(s is WatchState.RECONNECTING and "boom" in r for s, r in states)
    assert server.params(2)["resourceVersion"] == "12"
    assert informer.reflector.lists == 1


async def test_list_follows_continue_tokens() -> None:
    server = ScriptedServer(
        listing("10", cm("a", "1"), cont="tok"),
        listing("10", cm("b", "2")),
        stream(),
    )
    informer, _, _ = await play(server, page_size=1)
    assert server.params(0)["limit"] == "1"
    assert server.params(1)["continue"] == "tok"
    assert sorted(informer.store.keys()) == ["ns/a", "ns/b"]


def test_coalescing_rules() -> None:
    informer = Informer.__new__(Informer)
    informer._pending = {}
    informer._changed = asyncio.Event()
    informer._on_change = None
    informer._transform = None
    from ktui.client.indexer import Indexer

    informer.store = Indexer()
    ev = WatchEvent
    informer.apply([ev("ADDED", cm("a", "1")), ev("MODIFIED", cm("a", "2"))])
    informer.apply([ev("ADDED", cm("b", "3")), ev("DELETED", cm("b", "4"))])
    informer.apply([ev("ADDED", cm("c", "5"))])
    assert [(n.type, n.key) for n in informer.drain()] == [("ADDED", "ns/a"), ("ADDED", "ns/c")]
    informer.apply([ev("MODIFIED", cm("a", "6")), ev("DELETED", cm("a", "7"))])
    informer.apply([ev("DELETED", cm("c", "8")), ev("ADDED", cm("c", "9"))])
    drained = informer.drain()
    assert [(n.type, n.key) for n in drained] == [("DELETED", "ns/a"), ("MODIFIED", "ns/c")]
    assert drained[0].object["metadata"]["resourceVersion"] == "6"  # last known state
    assert informer.drain() == []
