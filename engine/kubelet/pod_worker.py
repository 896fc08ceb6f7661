"""One pod on one node: its containers' lives, from the sandbox to the last exit.

A worker runs the init containers one after the other, then supervises every container
at once; each supervisor starts an instance, waits for it to exit and restarts it as the
restart policy and the crash back-off say. Every change of state is published as the
pod's status (pods/status), only when it differs from what was last written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import TYPE_CHECKING, Any

from engine.api.status import StatusError
from engine.registry.types import Obj

from .backoff import human_seconds
from .environment import ContainerConfigError, command_line, container_env
from .node_status import rfc3339
from .pod_status import OWN_CONDITIONS, pod_status
from .probes import Prober
from .process import ContainerInstance, StartError
from .records import ContainerRecord, terminated, waiting
from .runtime import stand_in

if TYPE_CHECKING:
    from .kubelet import Kubelet

log = logging.getLogger(__name__)

CONFIG_RETRY_SECONDS = 2.0
TERMINAL = ("Succeeded", "Failed")


def should_restart(policy: str, code: int) -> bool:
    return policy == "Always" or (policy == "OnFailure" and code != 0)


class PodWorker:
    def __init__(self, kubelet: Kubelet, pod: Obj) -> None:
        self.kubelet = kubelet
        self.pod = pod
        meta = pod["metadata"]
        self.uid = str(meta.get("uid", ""))
        self.key = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
        spec = pod.get("spec") or {}
        self.policy = str(spec.get("restartPolicy", "Always"))
        self.inits = [ContainerRecord(c, init=True) for c in spec.get("initContainers") or ()]
        self.mains = [ContainerRecord(c) for c in spec.get("containers") or ()]
        first = "PodInitializing" if self.inits else "ContainerCreating"
        for record in self.inits + self.mains:
            record.state = waiting(first if record.init or not self.inits else "PodInitializing")
        status = pod.get("status") or {}
        self.start_time = str(status.get("startTime") or rfc3339(kubelet.clock.time()))
        self.sandbox = False
        self.forced_phase = ""
        self.stopping = asyncio.Event()
        self.quiet = False  # the engine stops: the status stays as it was
        self.terminated = asyncio.Event()
        self._task: asyncio.Future[Any] | None = None
        self._published: Obj | None = None
        self._publishing = asyncio.Lock()
        self._instances: dict[str, int] = {}  # container → instances started so far
        self.passive = status.get("phase") in TERMINAL
        self._restore(status)

    # -- what was there before this kubelet ---------------------------------------------

    def _restore(self, status: Obj) -> None:
        """Take over the containers' history from the status (the engine restarted: the
        processes are gone, so a container that was running has ended)."""
        by_name = {
            s.get("name"): s
            for s in (status.get("initContainerStatuses") or [])
            + (status.get("containerStatuses") or [])
        }
        for record in self.inits + self.mains:
            old = by_name.get(record.name)
            if not old:
                continue
            record.restart_count = int(old.get("restartCount") or 0)
            record.last_state = old.get("lastState") or {}
            record.container_id = str(old.get("containerID") or "")
            state = old.get("state") or {}
            if record.container_id:
                self._instances[record.name] = record.restart_count + 1
            if "running" in state and not self.passive:
                record.state = terminated(
                    255,
                    state["running"].get("startedAt", ""),
                    rfc3339(self.kubelet.clock.time()),
                    record.container_id,
                    "the engine restarted and the container's process was gone",
                    "Unknown",
                )
            elif state:
                record.state = state
        if self.passive:
            self.sandbox = True

    # -- the lifecycle --------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            if self.passive:
                return
            self.kubelet.runtime.create_sandbox(self.pod)
            self.sandbox = True
            await self.publish()
            sidecars = []
            for record in self.inits:
                if record.sidecar:
                    sidecars.append(asyncio.ensure_future(self._supervise(record)))
                    if not await self._first_start(record):
                        return
                elif not record.succeeded and not await self._run_init(record):
                    return
            for record in self.mains:
                if (
                    "waiting" in record.state
                    and record.state["waiting"]["reason"] == "PodInitializing"
                ):
                    record.state = waiting("ContainerCreating")
            await asyncio.gather(*(self._supervise(r) for r in self.mains), *sidecars)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("pod %s: worker failed", self.key)

    async def _run_init(self, record: ContainerRecord) -> bool:
        while not self.stopping.is_set():
            code = await self._run_instance(record)
            if code is None:
                return False
            if code == 0:
                return True
            if self.policy == "Never" or not await self._back_off(record):
                return False
        return False

    async def _first_start(self, record: ContainerRecord) -> bool:
        """Wait until a sidecar has started once (the next init container waits for it)."""
        while not record.container_id:
            if await self._sleep(0.05):
                return False
        return True

    async def _supervise(self, record: ContainerRecord) -> None:
        policy = "Always" if record.sidecar else self.policy
        if "terminated" in record.state and not should_restart(
            policy, record.state["terminated"]["exitCode"]
        ):
            return  # it finished before the engine restarted
        while not self.stopping.is_set():
            code = await self._run_instance(record)
            if code is None or not should_restart(policy, code):
                return
            if not await self._back_off(record):
                return

    async def _back_off(self, record: ContainerRecord) -> bool:
        """Wait out the crash back-off; False when the pod stops meanwhile."""
        backoff = self.kubelet.backoff
        key = f"{self.uid}/{record.name}"
        remaining = backoff.remaining(key, record.finished_mono)
        if remaining > 0:
            record.last_state = record.state
            meta = self.pod["metadata"]
            record.state = waiting(
                "CrashLoopBackOff",
                f"back-off {human_seconds(backoff.duration(key))} restarting failed "
                f"container={record.name} pod={meta['name']}_{meta.get('namespace', '')}"
                f"({self.uid})",
            )
            self._event(
                record,
                "BackOff",
                f"Back-off restarting failed container {record.name} in pod "
                f"{meta['name']}_{meta.get('namespace', '')}({self.uid})",
                warning=True,
            )
            await self.publish()
            if await self._sleep(remaining):
                return False
        backoff.next(key, record.finished_mono)
        return not self.stopping.is_set()

    async def _sleep(self, seconds: float) -> bool:
        """Sleep, or less when the pod stops; True when it stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)
        return self.stopping.is_set()

    async def _run_instance(self, record: ContainerRecord) -> int | None:
        """Start one instance of the container and wait for its exit code (None: the pod
        is stopping, or the container cannot be configured yet)."""
        kubelet = self.kubelet
        while True:
            if self.stopping.is_set():
                return None
            try:
                env = await container_env(
                    self.pod, record.spec, kubelet.lookup, kubelet.allocatable
                )
                break
            except ContainerConfigError as exc:
                record.state = waiting("CreateContainerConfigError", str(exc))
                self._event(record, "Failed", f"Error: {exc}", warning=True)
                await self.publish()
                if await self._sleep(CONFIG_RETRY_SECONDS):
                    return None
        cwd = kubelet.runtime.working_dir(self.pod, record.spec)
        full_env = {**kubelet.runtime.base_env(self.pod, cwd), **env}
        argv = command_line(record.spec, full_env) or stand_in(record.spec)
        instance = self._instances.get(record.name, 0)
        self._instances[record.name] = instance + 1
        if instance > 0 and "terminated" in record.state:
            record.last_state = record.state
        record.restart_count = instance
        record.env, record.cwd = full_env, cwd
        kubelet.runtime.prune_logs(self.pod, record.name, instance)
        process = kubelet.runtime.new_process(
            argv,
            full_env,
            cwd,
            kubelet.runtime.log_path(self.pod, record.name, instance),
            tty=bool(record.spec.get("tty")),
            stdin=bool(record.spec.get("stdin")),
            now=kubelet.clock.time,
        )
        started = rfc3339(kubelet.clock.time())
        try:
            await process.start()
        except StartError as exc:
            self._event(
                record,
                "Failed",
                f'Error: failed to start container "{record.name}": {exc}',
                warning=True,
            )
            record.container_id = ""
            record.state = terminated(128, started, started, "", str(exc), "StartError")
            record.finished_mono = kubelet.clock.monotonic()
            await self.publish()
            return 128
        if self.stopping.is_set():  # deleted while it was starting: terminate saw no process
            process.signal(signal.SIGKILL)
        self._event(record, "Created", f"Created container {record.name}")
        self._event(record, "Started", f"Started container {record.name}")
        record.process = process
        record.container_id = process.container_id
        record.state = {"running": {"startedAt": started}}
        prober = Prober(
            record,
            process,
            self.publish,
            lambda why: self._kill(record, process, why),
            lambda message: self._event(record, "Unhealthy", message, warning=True),
        )
        probe = prober.needed and kubelet.runtime.runs_processes  # nothing to probe else
        probing = asyncio.ensure_future(prober.run()) if probe else None
        if probing is None:
            record.started = True
            # An init container reads ready once it completed; a sidecar while it runs.
            record.ready = record.sidecar or not record.init
            await self.publish()
        code = await process.wait()
        record.kill_execs()
        if probing is not None:
            probing.cancel()
        record.started = False
        record.ready = record.init and not record.sidecar and code == 0
        record.finished_mono = kubelet.clock.monotonic()
        record.state = terminated(code, started, rfc3339(kubelet.clock.time()), record.container_id)
        await self.publish()
        return code

    async def _kill(self, record: ContainerRecord, process: ContainerInstance, why: str) -> None:
        """Stop one instance (a failed liveness or startup probe) within the grace period."""
        self._event(record, "Killing", why)
        process.signal(signal.SIGTERM)
        grace = float((self.pod.get("spec") or {}).get("terminationGracePeriodSeconds", 30))
        try:
            await asyncio.wait_for(process.wait(), min(grace, self.kubelet.timing.grace_cap))
        except TimeoutError:
            process.signal(signal.SIGKILL)

    # -- stopping ---------------------------------------------------------------------

    async def terminate(self, grace: float, *, publish: bool = True) -> None:
        """SIGTERM every container, SIGKILL what is left after `grace` seconds."""
        self.quiet = not publish
        self.stopping.set()
        records = [r for r in self.inits + self.mains if r.process and r.process.running]
        if publish:
            for record in records:
                self._event(record, "Killing", f"Stopping container {record.name}")
        running = [r.process for r in records if r.process is not None]
        for process in running:
            process.signal(signal.SIGTERM)
        if running:
            waits = asyncio.gather(*(p.wait() for p in running))
            try:
                await asyncio.wait_for(asyncio.shield(waits), grace)
            except TimeoutError:
                for process in running:
                    process.signal(signal.SIGKILL)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waits, self.kubelet.timing.kill_wait)
        if self._task is not None:
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(self._task, 1.0)
        for record in self.inits + self.mains:  # one that started meanwhile
            if record.process is not None and record.process.running:
                record.process.signal(signal.SIGKILL)
        if publish and not self.passive:
            self.forced_phase = "Succeeded" if all(r.succeeded for r in self.mains) else "Failed"
            await self.publish()
        self.terminated.set()

    def _event(self, record: ContainerRecord, reason: str, message: str, **kw: bool) -> None:
        if not self.quiet:
            field = "initContainers" if record.init else "containers"
            path = f"spec.{field}{{{record.name}}}"
            self.kubelet.events.emit(self.pod, reason, message, field_path=path, **kw)

    # -- status -------------------------------------------------------------------------

    def status(self) -> Obj:
        # Transition times continue from what this worker wrote last (the watch may bring
        # an older status back); conditions other writers added come from the pod.
        written = self._published or {}
        theirs = [
            c
            for c in (self.pod.get("status") or {}).get("conditions") or ()
            if c.get("type") not in OWN_CONDITIONS
        ]
        previous = {
            **(self.pod.get("status") or {}),
            "conditions": (written.get("conditions") or []) + theirs
            if written
            else (self.pod.get("status") or {}).get("conditions") or [],
        }
        return pod_status(
            {**self.pod, "status": previous},
            self.inits,
            self.mains,
            sandbox=self.sandbox,
            start_time=self.start_time,
            now=rfc3339(self.kubelet.clock.time()),
            forced_phase=self.forced_phase,
        )

    async def publish(self) -> None:
        if self.passive or self.quiet:
            return
        async with self._publishing:
            status = self.status()
            if status == self._published:
                return
            meta = self.pod["metadata"]
            try:
                updated = await self.kubelet.client.patch(
                    "v1",
                    "Pod",
                    meta["name"],
                    {"status": status},
                    meta.get("namespace", ""),
                    subresource="status",
                )
            except StatusError as exc:
                if exc.code != 404:
                    log.warning("pod %s: status not written: %s", self.key, exc.message)
                return
            self._published = status
            self.pod = {**self.pod, "status": updated.get("status", status)}

    def record(self, name: str) -> ContainerRecord | None:
        return next((r for r in self.inits + self.mains if r.name == name), None)

    def update(self, pod: Obj) -> None:
        """A newer version of the pod (deletionTimestamp, labels for fieldRefs...)."""
        self.pod = pod
