"""Logs, exec, attach, port-forward and events against the fake kubelet (the engine does
not serve those subresources yet); legacy discovery comes along for free."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from ktui.client import BadRequest, Client, ClusterConfig, InternalError
from ktui.client.exec import STDERR, STDOUT
from ktui.client.portforward import PortForwardError

from .fake_kubelet import FakeKubelet, serve_fake


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[str, FakeKubelet]]:
    with serve_fake() as served:
        yield served


@pytest.fixture
async def client(fake: tuple[str, FakeKubelet]) -> AsyncIterator[Client]:
    async with Client(ClusterConfig(server=fake[0], namespace="ns", token="t")) as c:
        yield c


async def test_logs_pass_every_option(client: Client, fake) -> None:
    lines = [
        line
        async for line in client.logs(
            "p", container="b", tail_lines=5, since_seconds=60, timestamps=True, previous=True
        )
    ]
    flags = "previous=true,sinceSeconds=60,tailLines=5,timestamps=true"
    assert lines == [f"b line0 {flags}", f"b line1 {flags}", "partial-last"]


async def test_logs_follow_streams_until_the_end(client: Client) -> None:
    lines = [line async for line in client.logs("p", follow=True)]
    assert lines[:3] == ["a line0 follow=true", "a line1 follow=true", "a line2 follow=true"]


async def test_logs_of_a_bad_container_is_a_clear_error(client: Client) -> None:
    with pytest.raises(BadRequest, match='container "missing" is not valid'):
        async for _ in client.logs("p", container="missing"):
            pass


async def test_logs_of_all_containers(client: Client) -> None:
    got = [item async for item in client.all_logs("p", tail_lines=1)]
    assert [c for c, _ in got] == ["init", "init", "init", "a", "a", "a", "b", "b", "b"]
    followed = [item async for item in client.all_logs("p", follow=True)]
    assert sorted({c for c, _ in followed}) == ["a", "b", "init"]
    assert len(followed) == 12
    assert client.discovery.aggregated is False  # the fake only speaks legacy discovery


async def test_exec_stdin_round_trip_and_exit_code(client: Client) -> None:
    result = await client.run("p", ["cat"], input=b"hello\n")
    assert (result.stdout, result.stderr, result.exit_code) == (b"hello\n", b"", 0)


async def test_exec_non_zero_exit_code(client: Client) -> None:
    result = await client.run("p", ["fail"])
    assert result.exit_code == 3
    assert result.stderr == b"oops\n"


async def test_exec_failure_status_raises(client: Client) -> None:
    with pytest.raises(InternalError, match="executable file not found"):
        await client.run("p", ["nosuch"])


async def test_exec_interactive_with_tty_and_resize(client: Client) -> None:
    async with client.exec("p", ["cat"], stdin=True, tty=True) as session:
        assert session.protocol == "v5.channel.k8s.io"
        await session.resize(80, 24)
        assert await session.read() == (STDOUT, b'resize {"Width":80,"Height":24}')
        await session.write(b"ls\n")
        assert await session.read() == (STDOUT, b"ls\n")
        await session.close_stdin()
        assert await session.wait() == 0


async def test_attach(client: Client) -> None:
    async with client.attach("p", stdin=True) as session:
        await session.write(b"x")
        channel, data = await session.read()
        assert (channel, data) == (STDOUT, b"x")
        assert channel != STDERR
        await session.close_stdin()
        assert await session.wait() == 0


async def test_exec_on_a_missing_pod_is_not_found(client: Client) -> None:
    from ktui.client import NotFound

    with pytest.raises(NotFound):
        await client.run("nope", ["cat"])


async def test_port_forward_channels(client: Client) -> None:
    async with client.port_forward("p", [8080, 9090]) as session:
        await session.write(9090, b"ping")
        assert await session.read(9090) == b"9090:PING"
        await session.write(8080, b"a")
        assert await session.read(8080) == b"8080:A"
        await session.write(8080, b"error")
        with pytest.raises(PortForwardError, match="connection refused"):
            await session.read(8080)


async def test_forward_a_local_port(client: Client) -> None:
    server = await client.forward("p", 5432)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"select")
    await writer.drain()
    assert await reader.read(100) == b"5432:SELECT"
    writer.close()
    server.close()
    await server.wait_closed()


async def test_events_of_an_object(client: Client, fake) -> None:
    events = await client.events_for(
        {"kind": "Pod", "metadata": {"name": "p", "namespace": "ns", "uid": "u1"}}
    )
    assert [e["metadata"]["name"] for e in events] == ["e1", "e2"]  # oldest first
    path, query = fake[1].state["requests"][-1]
    assert path == "/api/v1/namespaces/ns/events"
    assert query["fieldSelector"] == [
        "involvedObject.name=p,involvedObject.namespace=ns,involvedObject.kind=Pod,"
        "involvedObject.uid=u1"
    ]
