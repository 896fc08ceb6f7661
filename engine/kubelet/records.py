"""What a kubelet knows about one container of a pod (the runtime's side of its status)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
from dataclasses import dataclass, field
from pathlib import Path

from engine.registry.types import Obj

from .process import ContainerInstance


@dataclass
class ContainerRecord:
    spec: Obj
    init: bool = False
    restart_count: int = 0
    state: Obj = field(default_factory=lambda: {"waiting": {"reason": "ContainerCreating"}})
    last_state: Obj = field(default_factory=dict)
    process: ContainerInstance | None = None
    container_id: str = ""
    ready: bool = False
    started: bool = False
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    finished_mono: float = 0.0  # when the last instance exited (crash back-off)
    exec_pids: set[int] = field(default_factory=set)  # exec sessions: they die with it

    @property
    def name(self) -> str:
        return str(self.spec.get("name", ""))

    @property
    def sidecar(self) -> bool:
        """An init container with restartPolicy Always runs beside the others."""
        return self.init and self.spec.get("restartPolicy") == "Always"

    @property
    def initialized(self) -> bool:
        """Done as an init container: completed, or (a sidecar) started once."""
        return self.succeeded or (self.sidecar and bool(self.container_id))

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.running

    def kill_execs(self) -> None:
        """What `kubectl exec` started in the container goes with it (its PID namespace)."""
        for pid in list(self.exec_pids):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)

    @property
    def succeeded(self) -> bool:
        return (self.state.get("terminated") or {}).get("exitCode") == 0

    def status(self) -> Obj:
        image = str(self.spec.get("image", ""))
        out: Obj = {
            "name": self.name,
            "state": self.state,
            "lastState": self.last_state,
            "ready": self.ready,
            "restartCount": self.restart_count,
            "image": image,
            "imageID": image_id(image) if self.container_id else "",
            "started": self.started,
        }
        if self.container_id:
            out["containerID"] = self.container_id
        return out


def image_id(image: str) -> str:
    """No image is pulled: a stable digest of the reference stands in for the image's."""
    return "sha256:" + hashlib.sha256(image.encode()).hexdigest()


def waiting(reason: str, message: str = "") -> Obj:
    out: Obj = {"reason": reason}
    if message:
        out["message"] = message
    return {"waiting": out}


def terminated(
    code: int, started: str, finished: str, container_id: str, message: str = "", reason: str = ""
) -> Obj:
    out: Obj = {
        "exitCode": code,
        "reason": reason or ("Completed" if code == 0 else "Error"),
        "startedAt": started,
        "finishedAt": finished,
    }
    if message:
        out["message"] = message
    if container_id:
        out["containerID"] = container_id
    return {"terminated": out}
