"""Run `ktui serve` as a user would (a subprocess) and talk to it with kubectl and httpx."""

from __future__ import annotations

import base64
import os
import queue
import signal
import ssl
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

REPO = Path(__file__).resolve().parents[2]
KUBECTL = "/usr/bin/kubectl"
START_TIMEOUT = 60.0  # generous: a stuck start fails the test instead of hanging it


@dataclass
class Served:
    """A running `ktui serve` subprocess."""

    proc: subprocess.Popen[str]
    data: Path
    stderr_path: Path
    kubeconfig: Path
    stdout: list[str] = field(default_factory=list)

    @property
    def config(self) -> dict:
        return yaml.safe_load(self.kubeconfig.read_text())

    @property
    def server(self) -> str:
        return self.config["clusters"][0]["cluster"]["server"]

    @property
    def token(self) -> str:
        return self.config["users"][0]["user"]["token"]

    @property
    def ca_pem(self) -> str:
        data = self.config["clusters"][0]["cluster"]["certificate-authority-data"]
        return base64.b64decode(data).decode()

    @property
    def port(self) -> int:
        return int(self.server.rsplit(":", 1)[1])

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cadata=self.ca_pem)

    def client(self, token: str | None = None, base_url: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(
            base_url=base_url or self.server,
            verify=self.ssl_context(),
            headers=headers,
            timeout=10,
        )

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Signal the server and wait for it; returns its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text()


def ktui_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "ktui", *args]


def isolated_env(tmp: Path) -> dict[str, str]:
    """An environment that keeps ktui and kubectl away from the real home directory."""
    env = dict(os.environ)
    env["HOME"] = str(tmp / "home")
    env["XDG_DATA_HOME"] = str(tmp / "xdg-data")
    env.pop("KUBECONFIG", None)
    return env


def start(args: list[str], tmp: Path, env: dict[str, str] | None = None) -> Served:
    """Start `python -m ktui ARGS`; returns once it printed its kubeconfig line."""
    tmp.mkdir(parents=True, exist_ok=True)
    stderr_path = tmp / f"stderr-{len(list(tmp.glob('stderr-*')))}.txt"
    with open(stderr_path, "w") as stderr:
        proc = subprocess.Popen(
            ktui_command(*args),
            cwd=REPO,
            env=env or isolated_env(tmp),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(proc, lines), daemon=True).start()
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            proc.kill()
            raise AssertionError(f"ktui printed no kubeconfig line; stdout: {seen}") from None
        if line is None:
            proc.wait()
            raise AssertionError(
                f"ktui exited ({proc.returncode}) before serving; stderr: {stderr_path.read_text()}"
            )
        seen.append(line)
        if line.startswith("kubeconfig: "):
            served = Served(proc, tmp, stderr_path, Path(line.removeprefix("kubeconfig: ")), seen)
            threading.Thread(target=_collect, args=(lines, seen), daemon=True).start()
            return served


def _pump(proc: subprocess.Popen[str], lines: queue.Queue[str | None]) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.put(line.rstrip("\n"))
    lines.put(None)


def _collect(lines: queue.Queue[str | None], into: list[str]) -> None:
    while (line := lines.get()) is not None:
        into.append(line)


def serve(tmp: Path, *extra: str) -> Served:
    return start(["serve", "--port", "0", "--data", str(tmp / "data"), *extra], tmp)


def kubectl(kubeconfig: Path, *args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KUBECTL, "--kubeconfig", str(kubeconfig), *args],
        env=isolated_env(tmp),
        capture_output=True,
        text=True,
        timeout=60,
    )
