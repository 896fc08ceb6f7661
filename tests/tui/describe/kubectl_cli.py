"""The judge: the real kubectl, run against the test engine, and a line-by-line comparison
that forgives only ages (which move on between two runs)."""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
# HumanDuration output: 5s, 2m30s, 3h, 4d2h, 1y...
_AGE = re.compile(r"(?<![\w:.-])\d+[smhdy](?:\d+[smh])?(?![\w:.-])")


async def kubectl(kubeconfig: Path, *args: str) -> str:
    """kubectl's stdout (in a thread: it is a separate process and may take a moment)."""
    assert KUBECTL is not None

    def run() -> str:
        done = subprocess.run(
            [KUBECTL, "--kubeconfig", str(kubeconfig), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return await asyncio.to_thread(run)


def _loose(line: str) -> str:
    return " ".join(_AGE.sub("AGE", line).split())


def assert_same_lines(ours: str, theirs: str) -> None:
    """Every line equal, except that ages may differ (and the padding that follows them)."""
    mine, kubectls = ours.split("\n"), theirs.split("\n")
    for number, (a, b) in enumerate(zip(mine, kubectls, strict=False), start=1):
        if a != b:
            assert _loose(a) == _loose(b), f"line {number} differs:\nktui:    {a!r}\nkubectl: {b!r}"
    assert len(mine) == len(kubectls), f"ktui has {len(mine)} lines, kubectl {len(kubectls)}"


def ago(**delta: float) -> str:
    """An RFC 3339 timestamp `delta` ago (events and statuses written by tests)."""
    moment = datetime.now(timezone.utc) - timedelta(**delta)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
