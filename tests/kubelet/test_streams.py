"""exec, attach and port-forward as the API server calls them: the node agent's methods,
awaited on another thread's event loop (here the test's, there the API server's)."""

from __future__ import annotations

import asyncio
import socket

import pytest
from kubernetes import client as k8s

from engine.api.status import StatusError
from engine.cluster import Cluster

from .helpers import alive, pod, sh, until


def running(core: k8s.CoreV1Api, ns: str, name: str) -> dict | None:
    found = core.read_namespaced_pod(name, ns)
    if found.status.phase != "Running":
        return None
    return core.api_client.sanitize_for_serialization(found)


async def drain(read) -> bytes:
    out = b""
    while chunk := await read():
        out += chunk
    return out


@pytest.fixture
def shell(lab: Cluster, core: k8s.CoreV1Api, ns: str):
    spec = pod(
        "shell",
        sh("main", "sleep 300", env=[{"name": "GREETING", "value": "hello"}]),
        {"name": "echo", "image": "busybox", "command": ["cat"], "stdin": True, "stdinOnce": True},
    )
    core.create_namespaced_pod(ns, spec)
    found = until(lambda: running(core, ns, "shell"), what="Running")
    agent = lab.api.node_agents.get("node-a")
    assert agent is not None
    return agent, found


def test_exec_runs_beside_the_container_with_its_environment(shell):
    agent, found = shell

    async def run() -> tuple[bytes, bytes, int]:
        process = await agent.exec(
            found,
            "main",
            ["sh", "-c", "echo $GREETING; pwd; echo oops >&2; exit 4"],
            tty=False,
            stdin=False,
        )
        out, err = await asyncio.gather(drain(process.read_stdout), drain(process.read_stderr))
        return out, err, await process.wait()

    out, err, code = asyncio.run(run())
    lines = out.decode().splitlines()
    assert lines[0] == "hello" and lines[1].endswith("/root")
    assert (err, code) == (b"oops\n", 4)


def test_exec_with_stdin_and_with_a_terminal(shell):
    agent, found = shell

    async def piped() -> bytes:
        process = await agent.exec(found, "main", ["cat"], tty=False, stdin=True)
        await process.write_stdin(b"through a pipe\n")
        await process.close_stdin()
        out = await drain(process.read_stdout)
        assert await process.wait() == 0
        return out

    async def terminal() -> bytes:
        process = await agent.exec(
            found, "main", ["sh", "-c", "tty; stty size"], tty=True, stdin=True
        )
        process.resize(100, 30)
        out = await drain(process.read_stdout)
        await process.wait()
        return out

    assert asyncio.run(piped()) == b"through a pipe\n"
    text = asyncio.run(terminal()).decode()
    assert "/dev/pts/" in text


def test_attach_joins_the_containers_own_process(shell):
    agent, found = shell

    async def run() -> bytes:
        session = await agent.attach(found, "echo", tty=False, stdin=True)
        await session.write_stdin(b"to the container\n")
        first = await asyncio.wait_for(session.read_stdout(), 5)
        await session.close_stdin()  # stdinOnce: the container's stdin closes, cat exits
        assert await asyncio.wait_for(session.wait(), 5) == 0
        return first

    assert asyncio.run(run()) == b"to the container\n"


def test_unknown_or_stopped_containers_are_errors(shell):
    agent, found = shell
    with pytest.raises(StatusError) as unknown:
        asyncio.run(agent.exec(found, "nope", ["true"], tty=False, stdin=False))
    assert unknown.value.code == 400
    with pytest.raises(StatusError) as missing:
        asyncio.run(agent.exec(found, "main", ["no-such-command-here"], tty=False, stdin=False))
    assert "executable file not found" in missing.value.message


def test_port_forward_connects_to_the_pods_port(shell):
    agent, found = shell
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    async def run() -> None:
        reader, writer = await agent.port_forward(found, port)
        accepted, _ = await asyncio.get_running_loop().run_in_executor(None, listener.accept)
        writer.write(b"ping")
        await writer.drain()
        assert accepted.recv(4) == b"ping"
        accepted.sendall(b"pong")
        assert await reader.readexactly(4) == b"pong"
        writer.close()
        accepted.close()

    asyncio.run(run())
    listener.close()
    with pytest.raises(StatusError) as refused:
        asyncio.run(agent.port_forward(found, port))
    assert "connection refused" in refused.value.message.lower()


def test_what_exec_started_dies_with_the_container(shell, core: k8s.CoreV1Api, ns: str):
    agent, found = shell

    async def run() -> int:
        process = await agent.exec(found, "main", ["sleep", "300"], tty=False, stdin=False)
        assert alive(process.proc.pid)
        await asyncio.to_thread(core.delete_namespaced_pod, "shell", ns, grace_period_seconds=1)
        return await asyncio.wait_for(process.wait(), 10)

    assert asyncio.run(run()) == 128 + 9  # SIGKILL, with the container
