"""Fixtures of the conformance suite.

- `inproc`: the ASGI app built like tests/api/rest/conftest.py, served in-process (no TLS,
  no sockets) through httpx's ASGITransport on one background event loop, so that hundreds
  of hypothesis examples stay fast; `inproc.snapshot()` is the store's revision and contents.
- `versioned_lab(minor)`: the TLS lab of tests/api/rest with /version reporting `minor`, so
  that /usr/bin/kubectl dispatches to that kubectl build.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from engine.api import build_app
from engine.api.app import App
from engine.api.rest import APIServer, install
from engine.store import Store

from ..rest.conftest import Lab, start_lab, stop_lab

T = TypeVar("T")
TOKEN = "conformance-admin-token"


@dataclass
class InProcess:
    """The API app in this process; `request` is synchronous (a loop thread runs httpx)."""

    app: App
    store: Store
    api: APIServer
    loop: asyncio.AbstractEventLoop
    client: httpx.AsyncClient

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def request(
        self,
        method: str,
        path: str,
        *,
        content: bytes | str | None = None,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return self.run(
            self.client.request(
                method, path, content=content, json=json, params=params, headers=headers
            )
        )

    def snapshot(self) -> tuple[int, list[tuple[str, bytes, int]]]:
        """The store's revision and every key with its value and mod revision."""
        result = self.store.range("/")
        return self.store.revision, [(kv.key, kv.value, kv.mod_revision) for kv in result.items]


@pytest.fixture(scope="module")
def inproc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    tmp = tmp_path_factory.mktemp("inproc")
    store = Store(tmp / "store")
    app = build_app(TOKEN, store)
    api = install(app, store)
    api.bootstrap("127.0.0.1", 6443)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="conformance-loop", daemon=True)
    thread.start()

    async def make_client() -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )

    client = asyncio.run_coroutine_threadsafe(make_client(), loop).result()
    instance = InProcess(app, store, api, loop, client)
    try:
        yield instance
    finally:
        instance.run(client.aclose())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        api.close()
        store.close()


def start_versioned_lab(tmp: Path, minor: str) -> Lab:
    """A lab whose /version says 1.<minor>. The variable is read in this (the server's)
    process; it stays set while the lab runs, whenever the server consults it."""
    os.environ["KTUI_REPORTED_MINOR"] = minor
    return start_lab(tmp)


def stop_versioned_lab(lab: Lab) -> None:
    try:
        stop_lab(lab)
    finally:
        os.environ.pop("KTUI_REPORTED_MINOR", None)
