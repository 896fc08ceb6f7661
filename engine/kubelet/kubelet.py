"""The kubelet of one node: registers the Node, renews its Lease, runs the pods bound to it.

Pods reach it client-go style: a list, then a watch from the list's resourceVersion
(relisting when the watch ends), filling a cache keyed by uid; every event only puts the
uid on a queue, and `sync_pod(uid)` compares the cached pod with what runs — so a missed
or repeated event changes nothing, and a restarted kubelet converges the same way.

It talks to the API server through the in-process client as system:node:<name> (RBAC's
system:node role, bound to system:nodes as kube-apiserver's Node authorizer would allow).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from engine.api.auth.users import node_user
from engine.api.node_agents import ContainerLog
from engine.api.status import StatusError
from engine.clock import Clock
from engine.registry.types import Obj

from .backoff import Backoff
from .config import KubeletTiming, NodeConfig
from .events import EventRecorder
from .logs import container_log
from .node_status import lease_object, node_object, node_status
from .pod_worker import PodWorker
from .runtime import ProcessRuntime
from .simulated import SimulatedRuntime
from .streams import AttachSession, ExecSession, open_port, running_record

log = logging.getLogger(__name__)

FIELD_MANAGER = "kubelet"
RETRY_SECONDS = 1.0


class Kubelet:
    def __init__(
        self,
        config: NodeConfig,
        client: Any,
        data_dir: Path,
        *,
        clock: Clock | None = None,
        timing: KubeletTiming | None = None,
    ) -> None:
        self.config = config
        self.node_name = config.name
        self.client = client.as_user(node_user(config.name), FIELD_MANAGER)
        self.data_dir = data_dir
        self.clock = clock or Clock()
        self.timing = timing or KubeletTiming()
        runtime = SimulatedRuntime if config.runtime == "simulated" else ProcessRuntime
        self.runtime: ProcessRuntime = runtime(data_dir / "kubelet" / config.name)
        self.backoff = Backoff(self.timing.backoff_initial, self.timing.backoff_max, self.clock)
        self.events = EventRecorder(self.client, config.name, self.clock)
        self.allocatable: Obj = {}
        self.node: Obj = {}
        self.pods: dict[str, Obj] = {}  # uid → the latest pod seen (the informer's cache)
        self.workers: dict[str, PodWorker] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()
        self._tasks: list[asyncio.Task[Any]] = []
        self._terminating: dict[str, asyncio.Task[Any]] = {}

    # -- start and stop -------------------------------------------------------------------

    async def start(self) -> None:
        """Register the node, then run the loops in the background."""
        self.loop = asyncio.get_running_loop()
        self.runtime.reap_orphans()
        await self.register()
        for loop in (self._heartbeat(), self._watch_pods(), self._work()):
            self._tasks.append(asyncio.ensure_future(loop))

    async def stop(self) -> None:
        """Stop the loops and every container (statuses are left as they were: a kubelet
        that starts again on this data directory restarts what ran)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        await asyncio.gather(
            *(w.terminate(self.timing.kill_wait, publish=False) for w in self.workers.values()),
            return_exceptions=True,
        )
        for task in self._terminating.values():
            task.cancel()

    # -- the Node and its Lease ------------------------------------------------------------

    async def register(self) -> None:
        wanted = node_object(self.config, self.data_dir, self.clock.time())
        self.allocatable = wanted["status"]["allocatable"]
        try:
            self.node = await self.client.create(wanted)
            return
        except StatusError as exc:
            if exc.code != 409:
                raise
        # Registered before: take our labels back, then report a fresh status.
        node = await self.client.get("v1", "Node", self.node_name)
        labels = {**(node["metadata"].get("labels") or {}), **wanted["metadata"]["labels"]}
        if labels != node["metadata"].get("labels"):
            node = await self.client.patch(
                "v1", "Node", self.node_name, {"metadata": {"labels": labels}}
            )
        self.node = node
        await self.report_status()

    async def report_status(self) -> None:
        previous = (self.node.get("status") or {}).get("conditions")
        status = node_status(self.config, self.data_dir, self.clock.time(), previous)
        self.node = await self.client.patch(
            "v1", "Node", self.node_name, {"status": status}, subresource="status"
        )

    async def renew_lease(self, lease: Obj | None) -> Obj:
        wanted = lease_object(self.node, self.timing.lease_duration, self.clock.time())
        if lease is None:
            try:
                return await self.client.create(wanted)
            except StatusError as exc:
                if exc.code != 409:
                    raise
            lease = await self.client.get(
                "coordination.k8s.io/v1", "Lease", self.node_name, "kube-node-lease"
            )
        lease = {**lease, "spec": {**(lease.get("spec") or {}), **wanted["spec"]}}
        return await self.client.update(lease)

    async def _heartbeat(self) -> None:
        lease: Obj | None = None
        last_report = self.clock.monotonic()
        while True:
            try:
                lease = await self.renew_lease(lease)
                if self.clock.monotonic() - last_report >= self.timing.node_status_report:
                    await self.report_status()
                    last_report = self.clock.monotonic()
            except StatusError as exc:
                lease = None  # a conflict or a deleted lease: read it again next time
                log.warning("node %s: heartbeat failed: %s", self.node_name, exc.message)
            await asyncio.sleep(self.timing.lease_renew)

    # -- pods: list, watch, queue, sync -----------------------------------------------------

    async def _watch_pods(self) -> None:
        selector = f"spec.nodeName={self.node_name}"
        while True:
            try:
                listed = await self.client.list("v1", "Pod", field_selector=selector)
                seen = {p["metadata"]["uid"]: p for p in listed["items"]}
                for uid in set(self.pods) - set(seen):
                    self.pods.pop(uid, None)
                    self._enqueue(uid)
                for uid, pod in seen.items():
                    self.pods[uid] = pod
                    self._enqueue(uid)
                rv = listed["metadata"]["resourceVersion"]
                async for event in self.client.watch(
                    "v1", "Pod", resource_version=rv, field_selector=selector
                ):
                    if event["type"] == "ERROR":
                        break
                    pod = event["object"]
                    uid = pod["metadata"]["uid"]
                    if event["type"] == "DELETED":
                        self.pods.pop(uid, None)
                    else:
                        self.pods[uid] = pod
                    self._enqueue(uid)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("node %s: pod watch failed (%s); relisting", self.node_name, exc)
            await asyncio.sleep(RETRY_SECONDS)

    def _enqueue(self, uid: str) -> None:
        if uid not in self._queued:
            self._queued.add(uid)
            self._queue.put_nowait(uid)

    async def _work(self) -> None:
        while True:
            uid = await self._queue.get()
            self._queued.discard(uid)
            try:
                await self.sync_pod(uid)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("node %s: syncing pod %s failed", self.node_name, uid)

    async def sync_pod(self, uid: str) -> None:
        pod = self.pods.get(uid)
        worker = self.workers.get(uid)
        if pod is None:
            if worker is not None and uid not in self._terminating:
                # Deleted without us (grace period 0): stop what runs, quickly.
                await worker.terminate(self.timing.kill_wait, publish=False)
                self._forget(worker)
            return
        if worker is None:
            worker = self.workers[uid] = PodWorker(self, pod)
            if not pod["metadata"].get("deletionTimestamp"):
                worker.start()
        else:
            worker.update(pod)
        if pod["metadata"].get("deletionTimestamp") and uid not in self._terminating:
            self._terminating[uid] = asyncio.ensure_future(self._terminate_and_delete(worker))

    def _grace(self, pod: Obj) -> float:
        meta, spec = pod["metadata"], pod.get("spec") or {}
        grace = meta.get("deletionGracePeriodSeconds")
        if grace is None:
            grace = spec.get("terminationGracePeriodSeconds", 30)
        return float(min(max(int(grace or 0), 0), self.timing.grace_cap))

    async def _terminate_and_delete(self, worker: PodWorker) -> None:
        """Graceful deletion's end on the node: stop the containers, then remove the pod
        (grace period 0, with its uid as precondition) as kubelet's status manager does."""
        try:
            await worker.terminate(self._grace(worker.pod))
            meta = worker.pod["metadata"]
            try:
                await self.client.delete(
                    "v1",
                    "Pod",
                    meta["name"],
                    meta.get("namespace", ""),
                    grace_period_seconds=0,
                    uid=worker.uid,
                )
            except StatusError as exc:
                if exc.code not in (404, 409):
                    log.warning("pod %s: not deleted: %s", worker.key, exc.message)
        finally:
            self._forget(worker)
            self._terminating.pop(worker.uid, None)

    def _forget(self, worker: PodWorker) -> None:
        self.workers.pop(worker.uid, None)
        self.backoff.forget(f"{worker.uid}/")
        self.events.forget(worker.uid)
        self.runtime.remove_sandbox(worker.pod)

    async def lookup(self, kind: str, namespace: str, name: str) -> Obj | None:
        """A ConfigMap or Secret for a container's environment (None when missing)."""
        try:
            return await self.client.get("v1", kind, name, namespace)
        except StatusError as exc:
            if exc.code == 404:
                return None
            raise

    # -- NodeAgent: what the API server calls (on its own loop) ---------------------------

    def _no_processes(self, what: str) -> None:
        if not self.runtime.runs_processes:
            raise StatusError(
                400,
                "BadRequest",
                f"{what} is not possible: node {self.node_name} is simulated (no processes run)",
            )

    def _worker(self, pod: Obj) -> PodWorker | None:
        return self.workers.get(str((pod.get("metadata") or {}).get("uid", "")))

    def container_log(self, pod: Obj, container: str, *, previous: bool) -> ContainerLog:
        return container_log(self.runtime, pod, self._worker(pod), container, previous)

    async def exec(
        self, pod: Obj, container: str, command: list[str], *, tty: bool, stdin: bool
    ) -> ExecSession:
        worker = self._worker(pod)
        record = worker.record(container) if worker is not None else None
        running_record(record, container, pod["metadata"].get("name", ""))
        assert record is not None
        self._no_processes("exec")
        if not command:
            raise StatusError(
                400, "BadRequest", "you must specify at least one command for the container"
            )
        return await ExecSession.start(record, command, tty=tty, stdin=stdin)

    async def attach(self, pod: Obj, container: str, *, tty: bool, stdin: bool) -> AttachSession:
        worker = self._worker(pod)
        record = worker.record(container) if worker is not None else None
        process = running_record(record, container, pod["metadata"].get("name", ""))
        assert record is not None
        return AttachSession(process, bool(record.spec.get("stdinOnce")))

    async def port_forward(
        self, pod: Obj, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self._no_processes("port-forward")
        return await open_port(port, pod["metadata"].get("name", ""))
