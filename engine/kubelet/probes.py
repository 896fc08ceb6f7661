"""Startup, liveness and readiness probes of one container instance (exec, httpGet,
tcpSocket), as kubelet's prober runs them.

Until a startup probe succeeds the container is not `started` and the other probes wait;
readiness decides `ready` (false until the first success when there is a probe);
a liveness or startup probe that fails `failureThreshold` times in a row kills the
instance, and the restart policy decides what comes next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from engine.registry.types import Obj

from .process import ContainerInstance, exit_code
from .records import ContainerRecord

log = logging.getLogger(__name__)

USER_AGENT = "kube-probe/1.32"


@dataclass
class ProbeResult:
    ok: bool
    message: str = ""


async def run_probe(probe: Obj, record: ContainerRecord, timeout: float) -> ProbeResult:
    try:
        if "exec" in probe:
            command = [str(c) for c in (probe["exec"] or {}).get("command") or ()]
            return await asyncio.wait_for(_exec(command, record), timeout)
        if "httpGet" in probe:
            return await asyncio.wait_for(_http(probe["httpGet"] or {}, record), timeout)
        if "tcpSocket" in probe:
            port = _port((probe["tcpSocket"] or {}).get("port"), record)
            _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
            writer.close()
            return ProbeResult(True)
    except TimeoutError:
        return ProbeResult(False, f"probe timed out after {timeout:g}s")
    except (OSError, ValueError) as exc:
        return ProbeResult(False, str(exc))
    return ProbeResult(True)  # a kind this runtime does not probe (grpc) counts as passing


async def _exec(command: list[str], record: ContainerRecord) -> ProbeResult:
    if not command:
        return ProbeResult(False, "exec probe without a command")
    proc = await asyncio.create_subprocess_exec(
        *command,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=record.cwd,
        env=record.env,
        start_new_session=True,
    )
    try:
        output, _ = await proc.communicate()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    code = exit_code(proc.returncode or 0)
    text = output.decode("utf-8", "replace").strip()
    return ProbeResult(code == 0, text or f"command exited with {code}")


def _port(value: object, record: ContainerRecord) -> int:
    if isinstance(value, int):
        return value
    for port in record.spec.get("ports") or ():
        if port.get("name") == value:
            return int(port["containerPort"])
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise ValueError(f"port {value!r} is not a container port")


async def _http(action: Obj, record: ContainerRecord) -> ProbeResult:
    port = _port(action.get("port"), record)
    host = str(action.get("host") or "127.0.0.1")
    path = str(action.get("path") or "/")
    tls = str(action.get("scheme", "HTTP")).upper() == "HTTPS"
    context = None
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # kubelet does not verify probe certificates
    reader, writer = await asyncio.open_connection(host, port, ssl=context)
    headers = {"Host": f"{host}:{port}", "User-Agent": USER_AGENT, "Accept": "*/*"}
    for header in action.get("httpHeaders") or ():
        headers[str(header.get("name"))] = str(header.get("value", ""))
    headers["Connection"] = "close"
    request = f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    writer.write((request + "\r\n").encode())
    await writer.drain()
    status_line = (await reader.readline()).decode("latin-1").split()
    writer.close()
    code = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    if 200 <= code < 400:
        return ProbeResult(True)
    return ProbeResult(False, f"HTTP probe failed with statuscode: {code}")


class Prober:
    """The probes of one running instance; `run()` until the instance ends."""

    def __init__(
        self,
        record: ContainerRecord,
        process: ContainerInstance,
        changed: Callable[[], Awaitable[None]],
        kill: Callable[[str], Awaitable[None]],
        unhealthy: Callable[[str], None],
    ) -> None:
        self.record = record
        self.process = process
        self.changed = changed  # publish the pod's status
        self.kill = kill  # stop the instance, saying why
        self.unhealthy = unhealthy  # record a failed probe (an event)
        spec = record.spec
        self.startup = spec.get("startupProbe")
        self.liveness = spec.get("livenessProbe")
        self.readiness = spec.get("readinessProbe")

    @property
    def needed(self) -> bool:
        return bool(self.startup or self.liveness or self.readiness)

    async def run(self) -> None:
        record = self.record
        record.started = not self.startup
        record.ready = record.started and not self.readiness
        await self.changed()
        tasks = []
        if self.startup:
            await self._loop("startup", self.startup)
            if not self.process.running:
                return
            record.started = True
            record.ready = not self.readiness
            await self.changed()
        if self.liveness:
            tasks.append(asyncio.ensure_future(self._loop("liveness", self.liveness)))
        if self.readiness:
            tasks.append(asyncio.ensure_future(self._loop("readiness", self.readiness)))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()

    async def _loop(self, kind: str, probe: Obj) -> None:
        period = max(float(probe.get("periodSeconds") or 10), 0.1)
        timeout = max(float(probe.get("timeoutSeconds") or 1), 0.1)
        failures_allowed = int(probe.get("failureThreshold") or 3)
        successes_needed = int(probe.get("successThreshold") or 1)
        await asyncio.sleep(float(probe.get("initialDelaySeconds") or 0))
        failures = successes = 0
        while self.process.running:
            result = await run_probe(probe, self.record, timeout)
            if not self.process.running:
                return
            if result.ok:
                failures, successes = 0, successes + 1
                if kind == "startup":
                    return
                if kind == "readiness" and successes >= successes_needed and not self.record.ready:
                    self.record.ready = True
                    await self.changed()
            else:
                successes, failures = 0, failures + 1
                log.info("%s probe of %s failed: %s", kind, self.record.name, result.message)
                self.unhealthy(f"{kind.capitalize()} probe failed: {result.message}")
                if kind == "readiness" and failures >= failures_allowed and self.record.ready:
                    self.record.ready = False
                    await self.changed()
                if kind != "readiness" and failures >= failures_allowed:
                    await self.kill(
                        f"Container {self.record.name} failed {kind} probe, will be restarted"
                    )
                    return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), period)
