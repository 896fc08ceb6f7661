"""A node agent for tests: container logs are CRI files the test writes, exec runs the
command as a local process (no container), attach talks to a `cat` started for it, and
port-forward connects to 127.0.0.1. It records what the API server asked of it."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from engine.api.node_agents import ContainerLog
from engine.api.status import StatusError

Obj = dict[str, Any]


def cri_time(seconds: float) -> str:
    """RFC3339Nano as a runtime writes it (trailing zeros of the fraction trimmed)."""
    moment = datetime.fromtimestamp(seconds, timezone.utc)
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


class LocalProcess:
    """ExecProcess over an asyncio subprocess."""

    def __init__(self, proc: asyncio.subprocess.Process, agent: FakeAgent) -> None:
        self.proc = proc
        self.agent = agent

    async def write_stdin(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        await self.proc.stdin.drain()

    async def close_stdin(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.agent.calls.append(("close_stdin",))

    def resize(self, columns: int, rows: int) -> None:
        self.agent.calls.append(("resize", columns, rows))

    async def read_stdout(self) -> bytes:
        assert self.proc.stdout is not None
        return await self.proc.stdout.read(65536)

    async def read_stderr(self) -> bytes:
        if self.proc.stderr is None:
            return b""
        return await self.proc.stderr.read(65536)

    async def wait(self) -> int:
        code = await self.proc.wait()
        return 128 - code if code < 0 else code

    def kill(self) -> None:
        self.agent.calls.append(("kill",))
        if self.proc.returncode is None:
            self.proc.kill()


@dataclass
class LogFile:
    path: Path
    alive: threading.Event = field(default_factory=threading.Event)

    def write(self, *records: tuple[float, str, str, str]) -> None:
        """(time, stream, tag, text) records; an F record's text gets its newline."""
        with open(self.path, "a", encoding="utf-8") as file:
            for when, stream, tag, text in records:
                file.write(f"{cri_time(when)} {stream} {tag} {text}\n")

    def running(self) -> bool:
        return self.alive.is_set()


class FakeAgent:
    def __init__(self, node_name: str, directory: Path) -> None:
        self.node_name = node_name
        self.directory = directory
        self.logs: dict[tuple[str, str, bool], LogFile] = {}
        self.calls: list[tuple[Any, ...]] = []
        self.refuse: StatusError | None = None  # raised by exec/attach when set

    def log_file(self, pod: str, container: str, *, previous: bool = False) -> LogFile:
        key = (pod, container, previous)
        if key not in self.logs:
            name = f"{pod.replace('/', '_')}_{container}_{int(previous)}.log"
            self.logs[key] = LogFile(self.directory / name)
            self.logs[key].path.touch()
        return self.logs[key]

    def container_log(self, pod: Obj, container: str, *, previous: bool) -> ContainerLog:
        meta = pod["metadata"]
        key = (f"{meta['namespace']}/{meta['name']}", container, previous)
        self.calls.append(("log", *key))
        found = self.logs.get(key)
        if found is None:
            if previous:
                raise StatusError(
                    400,
                    "BadRequest",
                    f'previous terminated container "{container}" in pod "{meta["name"]}" '
                    "not found",
                )
            raise StatusError(
                400,
                "BadRequest",
                f'container "{container}" in pod "{meta["name"]}" is waiting to start: '
                "ContainerCreating",
            )
        return ContainerLog(found.path, found.running)

    async def exec(
        self, pod: Obj, container: str, command: list[str], *, tty: bool, stdin: bool
    ) -> LocalProcess:
        self.calls.append(("exec", pod["metadata"]["name"], container, command, tty, stdin))
        if self.refuse is not None:
            raise self.refuse
        proc = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT if tty else asyncio.subprocess.PIPE,
        )
        return LocalProcess(proc, self)

    async def attach(self, pod: Obj, container: str, *, tty: bool, stdin: bool) -> LocalProcess:
        self.calls.append(("attach", pod["metadata"]["name"], container, tty, stdin))
        if self.refuse is not None:
            raise self.refuse
        script = "echo attached; exec cat" if stdin else "echo attached"
        proc = await asyncio.create_subprocess_exec(
            "sh",
            "-c",
            script,
            stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return LocalProcess(proc, self)

    async def port_forward(
        self, pod: Obj, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self.calls.append(("port_forward", pod["metadata"]["name"], port))
        return await asyncio.open_connection("127.0.0.1", port)
