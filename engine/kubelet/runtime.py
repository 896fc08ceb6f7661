"""The process runtime's files: a sandbox directory per pod under DATA/kubelet/<node>/.

    pods/<namespace>_<name>_<uid>/            the pod's sandbox (as /var/log/pods/... names it)
        root/                                 the containers' working directory by default
        <container>/<restartCount>.log        one CRI log per container instance (the
                                              current and the previous one are kept)
        <container>/<restartCount>.pid        "<pid> <start time>" while the instance runs

The .pid files let a kubelet that starts after a crash of the engine kill what the last
one left running, and nothing else (the start time tells a reused pid apart).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shlex
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

from engine.registry.types import Obj

from .process import ContainerInstance, ContainerProcess, process_start_time

log = logging.getLogger(__name__)

STAND_IN_SECONDS = 3600


class ProcessRuntime:
    name = "process"
    runs_processes = True

    def __init__(self, root: Path) -> None:
        self.root = root
        self.pods = root / "pods"

    def new_process(
        self,
        argv: list[str],
        env: dict[str, str],
        cwd: Path,
        log_path: Path,
        *,
        tty: bool = False,
        stdin: bool = False,
        now: Callable[[], float] | None = None,
    ) -> ContainerInstance:
        return ContainerProcess(argv, env, cwd, log_path, tty=tty, stdin=stdin, now=now)

    def pod_dir(self, pod: Obj) -> Path:
        meta = pod.get("metadata") or {}
        return (
            self.pods / f"{meta.get('namespace', '')}_{meta.get('name', '')}_{meta.get('uid', '')}"
        )

    def create_sandbox(self, pod: Obj) -> Path:
        root = self.pod_dir(pod) / "root"
        root.mkdir(parents=True, exist_ok=True)
        return root

    def remove_sandbox(self, pod: Obj) -> None:
        shutil.rmtree(self.pod_dir(pod), ignore_errors=True)

    def log_path(self, pod: Obj, container: str, instance: int) -> Path:
        return self.pod_dir(pod) / container / f"{instance}.log"

    def prune_logs(self, pod: Obj, container: str, current: int) -> None:
        """Keep the current instance's log and the previous one (`logs --previous`)."""
        folder = self.pod_dir(pod) / container
        for path in folder.glob("*.log"):
            if path.stem.isdigit() and int(path.stem) < current - 1:
                with contextlib.suppress(OSError):
                    path.unlink()

    def working_dir(self, pod: Obj, container: Obj) -> Path:
        """`workingDir` when it is a directory of this machine, else that path inside the
        pod's sandbox (created); the sandbox's root/ when there is none."""
        root = self.pod_dir(pod) / "root"
        wanted = str(container.get("workingDir") or "")
        if wanted and os.path.isabs(wanted) and os.path.isdir(wanted):
            return Path(wanted)
        path = root / wanted.lstrip("/") if wanted else root
        path.mkdir(parents=True, exist_ok=True)
        return path

    def base_env(self, pod: Obj, cwd: Path) -> dict[str, str]:
        """What an image would provide: a PATH, a HOME, the pod's name as HOSTNAME."""
        meta = pod.get("metadata") or {}
        return {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(self.pod_dir(pod) / "root"),
            "HOSTNAME": str(meta.get("name", "")),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
        }

    def reap_orphans(self) -> int:
        """Kill the process groups a previous engine left running; returns how many."""
        killed = 0
        for pid_file in self.pods.glob("*/*/*.pid"):
            try:
                pid_text, _, started = pid_file.read_text().strip().partition(" ")
                pid = int(pid_text)
            except (OSError, ValueError):
                pid = 0
                started = ""
            if pid and started and process_start_time(pid) == started:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
                    killed += 1
            with contextlib.suppress(OSError):
                pid_file.unlink()
        if killed:
            log.warning("killed %d container processes left by a previous engine", killed)
        return killed


def stand_in(container: Obj) -> list[str]:
    """A container without a command: the image's entrypoint is unknown here, so an idle
    process stands in for it (says so once in its log, exits 0 on SIGTERM)."""
    image = str(container.get("image", ""))
    line = (
        f"ktui process runtime: {image or 'the image'} is not run here (no command given, "
        "its entrypoint is unknown); an idle stand-in keeps the container running"
    )
    script = (
        f"trap 'exit 0' TERM INT; echo {shlex.quote(line)}; "
        f"while :; do sleep {STAND_IN_SECONDS} & wait $!; done"
    )
    return ["/bin/sh", "-c", script]
