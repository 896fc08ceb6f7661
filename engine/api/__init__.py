"""engine/api: the API server — the only part of the engine that touches engine/store.

`build_app()` gives the ASGI app with what every API server answers (/version, the
health endpoints, authentication, Status errors); more APIs are added to `app.router`.
`engine.api.server` serves it over TLS in a thread.
"""

from __future__ import annotations

from typing import Any

from engine.api.app import (
    ADMIN,
    AllowAll,
    App,
    Health,
    Request,
    Response,
    Router,
    TokenAuthenticator,
    User,
    add_version,
    json_response,
    status_response,
    text_response,
)
from engine.api.status import StatusError

__all__ = [
    "App",
    "Health",
    "Request",
    "Response",
    "Router",
    "StatusError",
    "User",
    "build_app",
    "json_response",
    "status_response",
    "text_response",
]


def build_app(token: str | None, store: Any = None) -> App:
    """The API app; `token` is the admin bearer token (None: no authentication at all)."""
    router = Router()
    authenticator = TokenAuthenticator({token: ADMIN}) if token is not None else AllowAll()
    app = App(router, authenticator)
    add_version(router)
    app.health.add("ping", lambda: None)
    app.health.add("log", lambda: None)
    if store is not None:
        app.health.add("etcd", lambda: _store_check(store))  # the store plays etcd's role
    app.health.add(
        "shutdown", lambda: "shutting down" if app.shutting_down else None, endpoints=("readyz",)
    )
    app.health.register(router)
    return app


def _store_check(store: Any) -> str | None:
    store.range("/registry/", limit=1)  # a read transaction; raises when the store is closed
    return None
