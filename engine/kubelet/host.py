"""The kubelets of a cluster, on one worker thread with one event loop.

Their work is waiting (on watches, on processes, on timers), so one loop serves every
node cheaply; each kubelet registers itself in the API server's NodeAgents once its Node
exists, and leaves it before its containers are stopped.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from engine.clock import Clock

from .config import KubeletTiming, NodeConfig
from .kubelet import Kubelet

log = logging.getLogger(__name__)

START_TIMEOUT = 30.0
STOP_TIMEOUT = 30.0


class KubeletHost:
    def __init__(
        self,
        api: Any,
        nodes: list[NodeConfig],
        data_dir: Path,
        *,
        clock: Clock | None = None,
        timing: KubeletTiming | None = None,
    ) -> None:
        self.api = api
        client = api.local_client()
        self.kubelets = [
            Kubelet(node, client, data_dir, clock=clock, timing=timing) for node in nodes
        ]
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread; returns once every node is registered (raises if one fails)."""
        if not self.kubelets:
            return
        loop = self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="ktui-kubelets", daemon=True)
        self._thread.start()
        started: Future[None] = asyncio.run_coroutine_threadsafe(self._start_all(), loop)
        started.result(START_TIMEOUT)

    async def _start_all(self) -> None:
        for kubelet in self.kubelets:
            await kubelet.start()
            self.api.node_agents.register(kubelet)

    def kubelet(self, node: str) -> Kubelet | None:
        return next((k for k in self.kubelets if k.node_name == node), None)

    def stop(self) -> None:
        """Stop every kubelet and kill every container process (idempotent)."""
        loop, thread = self.loop, self._thread
        if loop is None or thread is None:
            return
        for kubelet in self.kubelets:
            self.api.node_agents.unregister(kubelet.node_name)
        if thread.is_alive():
            stopping = asyncio.run_coroutine_threadsafe(self._stop_all(), loop)
            try:
                stopping.result(STOP_TIMEOUT)
            except Exception:
                log.exception("stopping the kubelets")
            loop.call_soon_threadsafe(loop.stop)
            thread.join(STOP_TIMEOUT)
        if not loop.is_running():
            loop.close()
        self.loop = self._thread = None

    async def _stop_all(self) -> None:
        await asyncio.gather(*(k.stop() for k in self.kubelets), return_exceptions=True)
        # Whatever else is left on the loop (pumps, supervisors) ends with it.
        current = asyncio.current_task()
        rest = [t for t in asyncio.all_tasks() if t is not current]
        for task in rest:
            task.cancel()
        await asyncio.gather(*rest, return_exceptions=True)
