"""Installing the Kubernetes REST API on the app: `install(app, store)`."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from cryptography.hazmat.primitives.asymmetric import ec

from engine.api.app import App, TokenAuthenticator
from engine.api.auth.authenticator import RequestAuthenticator
from engine.api.auth.guard import AuthorizationGuard
from engine.api.auth.kinds import review_kinds
from engine.api.auth.rbac.aggregation import Aggregator, pending
from engine.api.auth.rbac.authorizer import RBACAuthorizer
from engine.api.auth.rbac.bootstrap import ensure_policy, write_aggregated
from engine.api.auth.rbac.cache import RBACCache
from engine.api.auth.reviews import AuthAPIs
from engine.api.auth.serviceaccounts import ServiceAccountTokens
from engine.api.crds import install_crds
from engine.api.discovery import Discovery
from engine.api.node_agents import NodeAgents
from engine.api.status import StatusError
from engine.api.storage.bootstrap import bootstrap
from engine.api.storage.meta import Identity
from engine.api.storage.service import APIStorage
from engine.clock import Clock
from engine.registry import Registry, builtin_registry
from engine.store import Store

from .handlers import ResourceHandlers
from .openapi_routes import OpenAPIRoutes
from .routes import APIRoutes
from .streaming import PodStreams

log = logging.getLogger(__name__)
T = TypeVar("T")


class APIServer:
    """The installed API: the registry of kinds, the storage pipeline, the routes."""

    def __init__(self, app: App, store: Store, registry: Registry, storage: APIStorage) -> None:
        self.app = app
        self.store = store
        self.registry = registry
        self.storage = storage
        self.crds = install_crds(storage)  # serves stored CRDs before discovery is built
        self.discovery = Discovery(registry)
        self.node_agents = NodeAgents()  # the kubelets of this process (pods/log, exec...)
        self.handlers = ResourceHandlers(storage)
        self.routes = APIRoutes(self.handlers, self.discovery)
        self.openapi = OpenAPIRoutes(registry)
        self.rbac = RBACCache(store)
        self.authorizer = RBACAuthorizer(self.rbac)
        self.aggregator = Aggregator(self.rbac, self._write_aggregated)
        self.tokens: ServiceAccountTokens | None = None
        # pods/log, exec, attach, portforward: served through the node agents
        streams = PodStreams(storage, self.node_agents, self.authorizer)
        self.handlers.subresources.streams = streams
        app.on_shutdown.append(streams.stopping.set)

    async def _write_aggregated(self, role: dict[str, Any], rules: list[Any]) -> None:
        await write_aggregated(self.storage, role, rules)

    def bootstrap(self, host: str = "127.0.0.1", port: int = 6443) -> None:
        """Create the default namespaces, the `kubernetes` Service and its Endpoints
        (pointing at host:port), and the bootstrap RBAC policy; idempotent, so every
        start refreshes the endpoint and restores missing roles."""
        run_sync(bootstrap(self.storage, host, port))
        run_sync(self._bootstrap_policy())

    async def _bootstrap_policy(self) -> None:
        await ensure_policy(self.storage)
        # Aggregate now, from the store (the informer may not have seen the writes yet).
        # The informer's aggregator may write the same roles meanwhile: retry on conflicts.
        for _ in range(10):
            roles = await self.local_client().list("rbac.authorization.k8s.io/v1", "clusterroles")
            changes = pending(roles["items"])
            if not changes:
                return
            for role, rules in changes:
                try:
                    await self._write_aggregated(role, rules)
                except StatusError as exc:
                    if exc.code != 409:
                        raise
            await asyncio.sleep(0.01)

    def local_client(self, user: Any = None) -> Any:
        """The in-process client; `user` (default: the admin) is who it acts as."""
        from engine.api.local import LocalClient

        return LocalClient(self.storage, user, authorizer=self.authorizer)

    def close(self) -> None:
        self.rbac.stop()
        if self.crds is not None:
            self.crds.stop()
        self.storage.close()


def install(
    app: App,
    store: Store,
    clock: Clock | None = None,
    *,
    registry: Registry | None = None,
    identity: Identity | None = None,
    service_account_key: ec.EllipticCurvePrivateKey | None = None,
) -> APIServer:
    """Register /api, /apis and /openapi on `app.router`, authentication of
    ServiceAccount tokens (signed with `service_account_key`; an in-memory key when
    None) and RBAC authorization; returns the APIServer."""
    registry = registry if registry is not None else builtin_registry()
    for rt in review_kinds():
        registry.add(rt, notify=False)
    storage = APIStorage(store, registry, clock, identity)
    server = APIServer(app, store, registry, storage)
    _install_auth(app, server, store, service_account_key)
    router = app.router
    router.add("/api", server.routes, prefix=True, methods=None)
    router.add("/apis", server.routes, prefix=True, methods=None)
    server.openapi.register(router)
    return server


def _install_auth(
    app: App, server: APIServer, store: Store, key: ec.EllipticCurvePrivateKey | None
) -> None:
    tokens = ServiceAccountTokens(key or ec.generate_private_key(ec.SECP256R1()), store)
    server.tokens = tokens
    authenticator = app.authenticator
    if isinstance(authenticator, TokenAuthenticator):
        authenticator = RequestAuthenticator(authenticator, tokens)
        app.authenticator = authenticator
    server.rbac.start()
    app.guard = AuthorizationGuard(server.authorizer)

    def authenticate_token(token: str) -> Any:
        if isinstance(authenticator, RequestAuthenticator):
            return authenticator.authenticate_token(token)
        return None

    server.handlers.auth = AuthAPIs(server.storage, server.authorizer, tokens, authenticate_token)


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
