"""Installing the Kubernetes REST API on the app: `install(app, store)`."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from engine.api.app import App
from engine.api.discovery import Discovery
from engine.api.storage.bootstrap import bootstrap
from engine.api.storage.meta import Identity
from engine.api.storage.service import APIStorage
from engine.clock import Clock
from engine.registry import Registry, builtin_registry
from engine.store import Store

from .handlers import ResourceHandlers
from .openapi_routes import OpenAPIRoutes
from .routes import APIRoutes

log = logging.getLogger(__name__)
T = TypeVar("T")


class APIServer:
    """The installed API: the registry of kinds, the storage pipeline, the routes."""

    def __init__(self, app: App, store: Store, registry: Registry, storage: APIStorage) -> None:
        self.app = app
        self.store = store
        self.registry = registry
        self.storage = storage
        self.discovery = Discovery(registry)
        self.handlers = ResourceHandlers(storage)
        self.routes = APIRoutes(self.handlers, self.discovery)
        self.openapi = OpenAPIRoutes(registry)

    def bootstrap(self, host: str = "127.0.0.1", port: int = 6443) -> None:
        """Create the default namespaces, the `kubernetes` Service and its Endpoints
        (pointing at host:port); idempotent, so every start refreshes the endpoint."""
        run_sync(bootstrap(self.storage, host, port))

    def local_client(self, user: Any = None) -> Any:
        from engine.api.local import LocalClient

        return LocalClient(self.storage, user)

    def close(self) -> None:
        self.storage.close()


def install(
    app: App,
    store: Store,
    clock: Clock | None = None,
    *,
    registry: Registry | None = None,
    identity: Identity | None = None,
) -> APIServer:
    """Register /api, /apis and /openapi on `app.router`; returns the APIServer."""
    registry = registry if registry is not None else builtin_registry()
    storage = APIStorage(store, registry, clock, identity)
    server = APIServer(app, store, registry, storage)
    router = app.router
    router.add("/api", server.routes, prefix=True, methods=None)
    router.add("/apis", server.routes, prefix=True, methods=None)
    server.openapi.register(router)
    return server


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous code, even inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    result: list[Any] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as exc:  # re-raised in the caller's thread
            error.append(exc)

    thread = threading.Thread(target=target, name="ktui-run-sync")
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]
