"""Container logs: one container (follow, tail, since, timestamps, previous) or every
container of a pod, merged as they arrive, each line tagged with its container."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Client


async def stream_logs(
    client: Client,
    pod: str,
    namespace: str | None = None,
    *,
    container: str | None = None,
    follow: bool = False,
    tail_lines: int | None = None,
    since_seconds: int | None = None,
    since_time: str | None = None,
    timestamps: bool = False,
    previous: bool = False,
    limit_bytes: int | None = None,
) -> AsyncIterator[str]:
    """Lines of a container's log (without the newline), until it ends or, with `follow`,
    until the container stops or the caller stops iterating."""
    path = f"/api/v1/namespaces/{namespace or client.namespace}/pods/{pod}/log"
    params: dict[str, Any] = {
        "container": container,
        "follow": follow,
        "tailLines": tail_lines,
        "sinceSeconds": since_seconds,
        "sinceTime": since_time,
        "timestamps": timestamps,
        "previous": previous,
        "limitBytes": limit_bytes,
    }
    async with client.stream(path, params=params, accept="*/*", read_timeout=None) as response:
        pending = b""
        async for chunk in response.aiter_bytes():
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line.decode("utf-8", "replace")
        if pending:
            yield pending.decode("utf-8", "replace")


def container_names(pod: dict[str, Any], include_init: bool = True) -> list[str]:
    spec = pod.get("spec") or {}
    init = [c["name"] for c in spec.get("initContainers") or []] if include_init else []
    return init + [c["name"] for c in spec.get("containers") or []]


async def stream_all_containers(
    client: Client, pod: str, namespace: str | None = None, **options: Any
) -> AsyncIterator[tuple[str, str]]:
    """(container, line) from every container of the pod (`kubectl logs --all-containers`):
    in container order without `follow`, interleaved as lines arrive with it."""
    pods = await client.resource("pods")
    names = container_names(await pods.get(pod, namespace))
    if not options.get("follow"):
        for name in names:
            async for line in stream_logs(client, pod, namespace, container=name, **options):
                yield name, line
        return
    queue: asyncio.Queue[tuple[str, str | None] | BaseException] = asyncio.Queue()

    async def pump(name: str) -> None:
        try:
            async for line in stream_logs(client, pod, namespace, container=name, **options):
                queue.put_nowait((name, line))
        except Exception as error:  # surfaced to the consumer, not swallowed
            queue.put_nowait(error)
        finally:
            queue.put_nowait((name, None))

    tasks = [asyncio.create_task(pump(n)) for n in names]
    try:
        running = len(tasks)
        while running:
            item = await queue.get()
            if isinstance(item, BaseException):
                raise item
            name, line = item
            if line is None:
                running -= 1
            else:
                yield name, line
    finally:
        for task in tasks:
            task.cancel()
