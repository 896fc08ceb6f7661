"""Pods that really run on the TUI engine's node (local processes started by its kubelet),
and a scripted terminal for the shell: it types each command once the remote side has
written what the step waits for."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from ktui.client import Client, NotFound, connect

from ..conftest import NODE


def container(name: str, script: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script], **fields}


def pod_on_node(name: str, *containers: dict[str, Any], **spec: Any) -> dict[str, Any]:
    """A pod bound to the kubelet's node (there is no scheduler), stopped at once on delete."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "nodeName": NODE,
            "terminationGracePeriodSeconds": 0,
            "containers": list(containers),
            **spec,
        },
    }


async def wait_for(probe, what: str, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    """Poll `probe()` (async) until it returns something true."""
    async with asyncio.timeout(timeout):
        while not (value := await probe()):
            await asyncio.sleep(0.05)
    assert value, what
    return value


class RunningPods:
    """Creates pods on the node, waits for what the test needs, deletes them at the end
    (so their processes stop with the test, not with the session)."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.names: list[str] = []

    async def create(self, manifest: dict[str, Any]) -> None:
        pods = await self.client.resource("pods")
        await pods.create(manifest)
        self.names.append(manifest["metadata"]["name"])

    async def status(self, name: str) -> dict[str, Any]:
        pods = await self.client.resource("pods")
        return (await pods.get(name)).get("status") or {}

    async def start(self, manifest: dict[str, Any]) -> None:
        """Create and wait until every container runs."""
        await self.create(manifest)
        name = manifest["metadata"]["name"]

        async def running() -> bool:
            status = await self.status(name)
            states = [c.get("state") or {} for c in status.get("containerStatuses") or []]
            return status.get("phase") == "Running" and all("running" in s for s in states)

        await wait_for(running, f"pod {name} to run")

    async def delete_all(self, kubeconfig: Path) -> None:
        # A client of its own: the app closed the test's client when it quit.
        async with await connect(kubeconfig) as client:
            pods = await client.resource("pods")
            for name in self.names:
                with contextlib.suppress(NotFound):  # a test may have deleted it
                    await pods.delete(name, self.client.namespace, grace_period=0)


@pytest.fixture
async def running_pods(
    client: Client, namespace: str, kubeconfig: Path
) -> AsyncIterator[RunningPods]:
    pods = RunningPods(client)
    yield pods
    await pods.delete_all(kubeconfig)


class ScriptedTerminal:
    """A LocalTerminal (ktui.terminal.shell) that plays `steps`: (wait until the output
    matches this regular expression, then type this). After the last step it types
    nothing more."""

    def __init__(self, steps: list[tuple[bytes, bytes]], size: tuple[int, int] = (100, 30)):
        self.steps = [(re.compile(expect), keys) for expect, keys in steps]
        self.output = bytearray()
        self.cols_rows = size
        self._wrote = asyncio.Event()
        self.entered = self.exited = False

    async def read(self) -> bytes:
        if not self.steps:
            await asyncio.Event().wait()  # the user types nothing more
        expect, keys = self.steps.pop(0)
        while not expect.search(self.output):
            self._wrote.clear()
            await self._wrote.wait()
        return keys

    def write(self, data: bytes) -> None:
        self.output.extend(data)
        self._wrote.set()

    def size(self) -> tuple[int, int]:
        return self.cols_rows

    async def resized(self) -> None:
        await asyncio.Event().wait()

    def __enter__(self) -> ScriptedTerminal:
        self.entered = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.exited = True
