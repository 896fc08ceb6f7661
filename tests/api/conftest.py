"""Fixtures: a `ktui serve` subprocess per module (read-only tests) or per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import Served, serve


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server shared by the read-only tests of a module; must stop with exit code 0."""
    server = serve(tmp_path_factory.mktemp("serve"))
    yield server
    assert server.stop() == 0, server.stderr


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Served]:
    """A server of its own, for tests that stop or restart it."""
    server = serve(tmp_path)
    yield server
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait()
