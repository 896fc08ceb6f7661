"""ktui's client against the engine over TLS (a Cluster as `ktui serve` runs it, with a
real kubelet whose containers are local processes): exec with stdin and exit code,
logs (follow, tail, previous), attach and port-forward."""

from __future__ import annotations

import asyncio
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.cluster import Cluster
from engine.kubelet import KubeletTiming
from ktui.client import BadRequest, Client, InternalError, connect

NODE = "node-a"
FAST = KubeletTiming(
    lease_renew=0.3,
    node_status_report=1.0,
    backoff_initial=0.3,
    backoff_max=1.2,
    grace_cap=5.0,
    kill_wait=2.0,
)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root: Path = tmp_path_factory.mktemp("client-streams")
    folder = root / "lab"
    (folder / "manifests").mkdir(parents=True)
    (folder / "cluster.toml").write_text(f'name = "streams"\n\n[[nodes]]\nname = "{NODE}"\n')
    lab = Cluster(root / "data", cluster_dir=folder, port=0, kubelet_timing=FAST)
    lab.start()
    assert lab.url.startswith("https://")
    yield lab
    lab.stop()


@pytest.fixture
async def client(cluster: Cluster) -> AsyncIterator[Client]:
    async with await connect(cluster.kubeconfig_path) as instance:
        name = f"t-{uuid.uuid4().hex[:8]}"
        namespaces = await instance.resource("namespaces")
        await namespaces.create({"metadata": {"name": name}})
        instance.namespace = name
        yield instance


def pod(name: str, command: list[str], **spec: Any) -> dict[str, Any]:
    container = {"name": "main", "image": "busybox:1.36", "command": command}
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"nodeName": NODE, "containers": [container], **spec},
    }


async def until(probe, what: str, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not (value := await probe()):
            await asyncio.sleep(0.05)
    assert value, what
    return value


async def start(client: Client, manifest: dict[str, Any]) -> None:
    pods = await client.resource("pods")
    await pods.create(manifest)

    async def running() -> bool:
        status = (await pods.get(manifest["metadata"]["name"])).get("status") or {}
        return status.get("phase") == "Running"

    await until(running, "the pod to run")


async def test_exec_with_stdin_and_exit_code(client: Client) -> None:
    await start(client, pod("shell", ["sh", "-c", "sleep 300"]))
    result = await client.run("shell", ["cat"], input=b"through stdin\n")
    assert (result.stdout, result.exit_code) == (b"through stdin\n", 0)
    failed = await client.run("shell", ["sh", "-c", "echo oops >&2; exit 3"])
    assert (failed.stderr, failed.exit_code) == (b"oops\n", 3)
    with pytest.raises(InternalError, match="executable file not found"):
        await client.run("shell", ["no-such-binary-here"])
    with pytest.raises(BadRequest, match="container nope is not valid for pod shell"):
        await client.run("shell", ["true"], container="nope")


async def test_logs_follow_tail_and_previous(client: Client) -> None:
    script = ["sh", "-c", "echo one; sleep 1; echo two; sleep 1; echo three"]
    await start(client, pod("brief", script, restartPolicy="Never"))
    followed = [line async for line in client.logs("brief", follow=True)]
    assert followed == ["one", "two", "three"]
    assert [line async for line in client.logs("brief", tail_lines=1)] == ["three"]
    stamped = [line async for line in client.logs("brief", timestamps=True, tail_lines=1)]
    assert stamped[0].endswith("Z three")

    pods = await client.resource("pods")
    await pods.create(pod("crash", ["sh", "-c", "echo attempt; exit 1"]))

    async def restarted() -> bool:
        statuses = ((await pods.get("crash")).get("status") or {}).get("containerStatuses")
        return bool(statuses) and statuses[0].get("restartCount", 0) >= 1

    await until(restarted, "a restart")
    assert [line async for line in client.logs("crash", previous=True)] == ["attempt"]


async def test_port_forward(client: Client) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ["sh", "-c", f"exec {sys.executable} -m http.server {port} --bind 127.0.0.1"]
    await start(client, pod("web", server))

    async def listening() -> bool:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            return False
        writer.close()
        return True

    await until(listening, "the server to listen")
    local = await client.forward("web", port)
    try:
        reader, writer = await asyncio.open_connection(
            "127.0.0.1", local.sockets[0].getsockname()[1]
        )
        writer.write(b"GET / HTTP/1.0\r\n\r\n")
        await writer.drain()
        answer = await reader.read()
        writer.close()
    finally:
        local.close()
        await local.wait_closed()
    assert answer.startswith(b"HTTP/1.0 200")


async def test_attach_sees_new_output_and_detaches(client: Client) -> None:
    await start(client, pod("talker", ["sh", "-c", "sleep 1; echo later; sleep 300"]))
    async with client.attach("talker") as session:
        got = b""
        while b"later" not in got:
            item = await session.read()
            assert item is not None, "the attach stream ended early"
            got += item[1]
    pods = await client.resource("pods")
    assert (await pods.get("talker"))["status"]["phase"] == "Running"


async def test_exec_with_a_terminal_is_a_shell_with_a_tty(client: Client) -> None:
    """The API server's loop is uvloop: a tty exec must still get its controlling pty."""
    await start(client, pod("term", ["sh", "-c", "sleep 300"]))
    async with client.exec("term", ["sh"], stdin=True, tty=True) as session:
        await session.resize(100, 30)
        await session.write(b"tty; stty size; exit 4\n")
        screen = b""
        async for _, data in session.output():
            screen += data
        assert await session.wait() == 4
    text = screen.decode()
    assert "/dev/pts/" in text
    assert "30 100" in text
