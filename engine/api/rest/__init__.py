"""engine/api/rest: the Kubernetes REST protocol on top of engine/store.

from engine.api import build_app
from engine.api.rest import install

app = build_app(token, store)
api = install(app, store)          # /api, /apis, /openapi routes on app.router
...server started on host:port...
api.bootstrap(host, port)          # default namespaces, the `kubernetes` Service
"""

from __future__ import annotations

from .mount import APIServer, install, run_sync

__all__ = ["APIServer", "install", "run_sync"]
