"""What the API server needs from a node agent (kubelet) to serve a pod's streams.

kube-apiserver answers pods/log, pods/exec, pods/attach and pods/portforward by calling
the kubelet of the pod's node. Here the kubelets run in the same process, so the API
server finds them in a `NodeAgents` registry and calls them directly; everything else
(authentication, RBAC, the pod's existence and phase, the container name, the query
options, the wire protocol to the client) stays on the API server's side.

A node agent raises `StatusError` for what only it knows ("container is waiting to
start", "previous terminated container not found") with the codes kubelet uses (400).

Loops: the API server awaits these methods on its own event loop; an agent that keeps
state on another thread must make them safe to call from there.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from engine.registry.types import Obj


@dataclass(frozen=True, slots=True)
class ContainerLog:
    """One container's log as kubelet keeps it: a CRI-format file, one line per record,
    ``<RFC3339Nano time> <stdout|stderr> <F|P> <text>\\n`` (P: a partial line continues
    in the next record, F: the line ends here)."""

    path: Path
    # False once the container has exited and will write no more: `follow` ends when the
    # file is drained and this is False.
    running: Callable[[], bool]


class ExecProcess(Protocol):
    """A process started in a container (exec) or a container's own process (attach)."""

    async def write_stdin(self, data: bytes) -> None: ...
    async def close_stdin(self) -> None: ...
    def resize(self, columns: int, rows: int) -> None: ...
    async def read_stdout(self) -> bytes:
        """The next chunk of stdout (with a tty: of the terminal); b"" at the end."""
        ...

    async def read_stderr(self) -> bytes:
        """The next chunk of stderr; b"" at the end (at once with a tty)."""
        ...

    async def wait(self) -> int:
        """The exit code (128 + n after signal n)."""
        ...

    def kill(self) -> None:
        """Stop the process now (the client went away)."""
        ...


class NodeAgent(Protocol):
    node_name: str

    def container_log(self, pod: Obj, container: str, *, previous: bool) -> ContainerLog: ...

    async def exec(
        self, pod: Obj, container: str, command: list[str], *, tty: bool, stdin: bool
    ) -> ExecProcess: ...

    async def attach(self, pod: Obj, container: str, *, tty: bool, stdin: bool) -> ExecProcess: ...

    async def port_forward(
        self, pod: Obj, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """A TCP connection to `port` in the pod's network namespace."""
        ...


class NodeAgents:
    """The node agents running in this process, by node name (thread-safe)."""

    def __init__(self) -> None:
        self._agents: dict[str, NodeAgent] = {}
        self._lock = threading.Lock()

    def register(self, agent: NodeAgent) -> None:
        with self._lock:
            self._agents[agent.node_name] = agent

    def unregister(self, node_name: str) -> None:
        with self._lock:
            self._agents.pop(node_name, None)

    def get(self, node_name: str) -> NodeAgent | None:
        with self._lock:
            return self._agents.get(node_name)
