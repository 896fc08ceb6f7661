"""The raw ASGI application of the API server: request, response, router, authentication.

No framework in the hot path (reference/http-stack.md: starlette cost ~40% of throughput),
so the same app runs under uvicorn, granian or hypercorn.

How a request travels here::

    App.__call__ → authenticate (bearer token; anonymous when none is sent)
                 → Router.match(path) → 404 / 401 / 405 Status
                 → await route.handler(request) → Response (or the handler sent its own)
                 → StatusError → Status body; any other exception → logged, 500 InternalError

Handlers are ``async def handler(req: Request) -> Response | None``. Returning None means
the handler streamed its own answer through ``req.send`` (watch, logs -f, exec). A raw
ASGI app can be mounted under a prefix with ``Router.mount``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import platform
import sys
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs

import orjson

from engine.api.status import (
    StatusError,
    internal_error,
    method_not_allowed,
    path_not_found,
    too_large,
    unauthorized,
)

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
Handler = Callable[["Request"], Awaitable["Response | None"]]

JSON = b"application/json"
TEXT = b"text/plain; charset=utf-8"
# Headers kube-apiserver puts on its answers.
COMMON_HEADERS: list[tuple[bytes, bytes]] = [
    (b"cache-control", b"no-cache, private"),
    (b"x-content-type-options", b"nosniff"),
]
MAX_BODY_BYTES = 3 * 1024 * 1024  # kube-apiserver's default request body limit


# -- users ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class User:
    name: str
    groups: tuple[str, ...] = ()
    uid: str = ""
    # user.Info's Extra: (key, values) pairs, e.g. a ServiceAccount token's credential id
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def anonymous(self) -> bool:
        return self.name == "system:anonymous"


ANONYMOUS = User("system:anonymous", ("system:unauthenticated",))
ADMIN = User("kubernetes-admin", ("system:masters", "system:authenticated"))


class TokenAuthenticator:
    """Bearer tokens, compared in constant time (kube's static token file, in memory).

    Like kube-apiserver: no bearer token → anonymous (public paths still answer);
    a bearer token that matches no user → 401 on every path.
    """

    def __init__(self, tokens: dict[str, User]) -> None:
        self._tokens = [(token.encode(), user) for token, user in tokens.items()]

    def authenticate(self, authorization: bytes | None) -> User:
        if not authorization:
            return ANONYMOUS
        scheme, _, token = authorization.strip().partition(b" ")
        token = token.strip()
        if scheme.lower() != b"bearer" or not token:
            return ANONYMOUS
        found = self.find(token)
        if found is None:
            raise unauthorized()
        return found

    def find(self, token: bytes) -> User | None:
        found: User | None = None
        for known, user in self._tokens:
            if hmac.compare_digest(known, token):
                found = user
        return found

    def authenticate_request(self, scope: Scope, peer_certificate: bytes | None = None) -> User:
        return self.authenticate(authorization_header(scope))


class AllowAll:
    """No authentication: every request acts as the admin (plain-HTTP debugging only)."""

    def authenticate(self, authorization: bytes | None) -> User:
        return ADMIN

    def authenticate_request(self, scope: Scope, peer_certificate: bytes | None = None) -> User:
        return ADMIN


class Authenticator(Protocol):
    """Who sent a request: the user, ANONYMOUS when no credential came, or raise 401."""

    def authenticate_request(self, scope: Scope, peer_certificate: bytes | None = None) -> User: ...


class Guard(Protocol):
    """Runs after authentication on every non-public route: impersonation, authorization.
    May replace `req.user`; raises a StatusError (403) to refuse."""

    async def __call__(self, req: Request) -> None: ...


class PeerCertificates:
    """Client certificates the TLS layer verified, by the client's (host, port).

    The HTTP server fills it as connections come and go (engine.api.server); ASGI servers
    do not put the peer certificate in the scope, but they do put the client address.
    """

    def __init__(self) -> None:
        self._by_client: dict[tuple[str, int], bytes] = {}

    def __bool__(self) -> bool:
        return bool(self._by_client)

    def remember(self, client: tuple[str, int], der: bytes) -> None:
        self._by_client[client] = der

    def forget(self, client: tuple[str, int]) -> None:
        self._by_client.pop(client, None)

    def get(self, client: Any) -> bytes | None:
        return self._by_client.get(tuple(client)) if client else None  # type: ignore[arg-type]


# -- request / response ----------------------------------------------------------------


class Request:
    """One HTTP (or WebSocket) request; parses lazily, so unused parts cost nothing."""

    __slots__ = ("scope", "receive", "_send", "user", "started", "_query", "_headers")

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = scope
        self.receive = receive
        self._send = send
        self.user: User = ANONYMOUS
        self.started = False  # response headers already went out
        self._query: dict[str, list[str]] | None = None
        self._headers: dict[str, str] | None = None

    @property
    def method(self) -> str:
        return self.scope.get("method", "GET")

    @property
    def path(self) -> str:
        return self.scope["path"]

    @property
    def query(self) -> dict[str, list[str]]:
        """Query parameters; a bare `?verbose` gives {"verbose": [""]}."""
        if self._query is None:
            raw = self.scope.get("query_string", b"")
            self._query = (
                parse_qs(raw.decode("utf-8", "surrogateescape"), keep_blank_values=True)
                if raw
                else {}
            )
        return self._query

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    @property
    def headers(self) -> dict[str, str]:
        """Lower-cased header names; repeated headers joined with ', '."""
        if self._headers is None:
            headers: dict[str, str] = {}
            for key, value in self.scope.get("headers", ()):
                name = key.decode("latin-1").lower()
                text = value.decode("latin-1")
                headers[name] = f"{headers[name]}, {text}" if name in headers else text
            self._headers = headers
        return self._headers

    async def body(self, limit: int = MAX_BODY_BYTES) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def send(self, message: Message) -> None:
        if message["type"] in _STARTS:
            self.started = True
        await self._send(message)


_STARTS = frozenset({"http.response.start", "websocket.accept"})


class Response:
    """A complete answer held in memory (bytes); streaming handlers use req.send instead."""

    __slots__ = ("status", "body", "content_type", "headers")

    def __init__(
        self,
        body: bytes = b"",
        status: int = 200,
        content_type: bytes = JSON,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = headers

    async def send(self, send: Send) -> None:
        headers = [
            (b"content-type", self.content_type),
            (b"content-length", b"%d" % len(self.body)),
            *COMMON_HEADERS,
        ]
        if self.headers:
            headers.extend(self.headers)
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


class StreamedResponse(Response):
    """An answer sent in pieces (`more_body`) as they are made: a large LIST starts going
    out at once and is never joined into one buffer. Without a `length` it goes out with
    chunked transfer encoding, as kube-apiserver sends large answers."""

    __slots__ = ("chunks", "length")

    def __init__(
        self,
        chunks: Iterable[bytes],
        length: int | None = None,
        status: int = 200,
        content_type: bytes = JSON,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        super().__init__(b"", status, content_type, headers)
        self.chunks = chunks
        self.length = length

    async def send(self, send: Send) -> None:
        headers = [(b"content-type", self.content_type), *COMMON_HEADERS]
        if self.length is not None:
            headers.append((b"content-length", b"%d" % self.length))
        if self.headers:
            headers.extend(self.headers)
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        for chunk in self.chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


def json_response(obj: Any, status: int = 200, option: int = 0) -> Response:
    return Response(orjson.dumps(obj, option=option), status)


def text_response(text: str, status: int = 200) -> Response:
    return Response(text.encode(), status, TEXT)


def status_response(err: StatusError) -> Response:
    return Response(err.to_bytes(), err.code, JSON, err.headers or None)


# -- routing ---------------------------------------------------------------------------

READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class Route:
    handler: Handler
    methods: frozenset[str] | None  # None: any method
    public: bool  # answered for anonymous users (system:public-info-viewer)


class Router:
    """Exact paths first, then the longest matching prefix.

    A prefix "/api" matches "/api" and "/api/..." but not "/apis"; the prefix "/" matches
    everything (a catch-all).
    """

    def __init__(self) -> None:
        self._exact: dict[str, Route] = {}
        self._prefixes: list[tuple[str, Route]] = []  # longest first

    def add(
        self,
        path: str,
        handler: Handler,
        *,
        prefix: bool = False,
        methods: Iterable[str] | None = READ_METHODS,
        public: bool = False,
    ) -> None:
        route = Route(handler, frozenset(methods) if methods is not None else None, public)
        if not prefix:
            self._exact[path] = route
            return
        stem = path.rstrip("/")
        self._prefixes = [(p, r) for p, r in self._prefixes if p != stem]
        self._prefixes.append((stem, route))
        self._prefixes.sort(key=lambda item: len(item[0]), reverse=True)

    def mount(self, prefix: str, app: ASGIApp, *, public: bool = False) -> None:
        """Serve everything under `prefix` with a raw ASGI app (after authentication)."""

        async def handler(req: Request) -> None:
            await app(req.scope, req.receive, req.send)

        self.add(prefix, handler, prefix=True, methods=None, public=public)

    def match(self, path: str) -> Route | None:
        route = self._exact.get(path)
        if route is not None:
            return route
        for stem, route in self._prefixes:
            if path.startswith(stem) and (len(path) == len(stem) or path[len(stem)] == "/"):
                return route
        return None


# -- the application -------------------------------------------------------------------


class App:
    """The ASGI callable. Mutate `router` to add APIs; the app itself never changes."""

    def __init__(
        self, router: Router, authenticator: Authenticator, health: Health | None = None
    ) -> None:
        self.router = router
        self.authenticator = authenticator
        self.guard: Guard | None = None  # authorization (engine.api.auth.guard), once installed
        self.peers = PeerCertificates()  # filled by the HTTP server when it asks for client certs
        self.health = health if health is not None else Health()  # add checks, then register
        self.shutting_down = False  # set when the engine stops; /readyz then fails
        # Called (from the stopping thread) before the server drains: long-lived handlers
        # (watch, logs -f, exec) register here to end their streams.
        self.on_shutdown: list[Callable[[], None]] = []

    def shutdown(self) -> None:
        """Mark the app as stopping and run the on_shutdown callbacks. Idempotent."""
        if self.shutting_down:
            return
        self.shutting_down = True
        for callback in self.on_shutdown:
            try:
                callback()
            except Exception:
                log.exception("shutdown callback %r failed", callback)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http" or kind == "websocket":
            await self._request(Request(scope, receive, send))
        elif kind == "lifespan":
            await _lifespan(receive, send)

    async def _request(self, req: Request) -> None:
        try:
            peers = self.peers
            certificate = peers.get(req.scope.get("client")) if peers else None
            req.user = self.authenticator.authenticate_request(req.scope, certificate)
            route = self.router.match(req.scope["path"])
            if route is None:
                raise unauthorized() if req.user.anonymous else path_not_found()
            if not route.public:
                if req.user.anonymous:
                    raise unauthorized()
                if self.guard is not None:
                    await self.guard(req)
            if route.methods is not None and req.method not in route.methods:
                raise method_not_allowed()
            response = await route.handler(req)
            if response is not None:
                await response.send(req.send)
        except StatusError as err:
            await self._fail(req, err)
        except Exception as exc:
            log.exception("unhandled error serving %s %s", req.method, req.scope.get("path"))
            await self._fail(req, internal_error(f"{type(exc).__name__}: {exc}"))

    async def _fail(self, req: Request, err: StatusError) -> None:
        if req.scope["type"] == "websocket":
            await _reject_websocket(req, err)
        elif req.started:
            log.warning("error after the response started (%s); closing", err.message)
        else:
            await status_response(err).send(req.send)


def authorization_header(scope: Scope) -> bytes | None:
    for key, value in scope["headers"]:  # ASGI servers lower-case header names
        if key == b"authorization":
            return value
    return None


async def _reject_websocket(req: Request, err: StatusError) -> None:
    """Refuse a WebSocket upgrade with a Status body when the server allows it."""
    if req.started:  # already accepted: all that is left is closing it
        await req._send({"type": "websocket.close", "code": 1011})
    elif "websocket.http.response" in (req.scope.get("extensions") or {}):
        body = err.to_bytes()
        await req._send(
            {
                "type": "websocket.http.response.start",
                "status": err.code,
                "headers": [(b"content-type", JSON), (b"content-length", b"%d" % len(body))],
            }
        )
        await req._send({"type": "websocket.http.response.body", "body": body})
    else:
        await req._send({"type": "websocket.close", "code": 1008})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


# -- /version and the health endpoints (public) ----------------------------------------

KUBE_MAJOR, KUBE_MINOR, KUBE_PATCH = "1", "32", "4"
KUBE_GIT_VERSION = f"v{KUBE_MAJOR}.{KUBE_MINOR}.{KUBE_PATCH}-ktui"


def reported_minor() -> str:
    """The minor version /version reports. KTUI_REPORTED_MINOR overrides it so that tests
    can drive the other kubectl builds /usr/bin/kubectl dispatches to (28, 30, 33)."""
    minor = os.environ.get("KTUI_REPORTED_MINOR", KUBE_MINOR)
    return minor if minor.isdigit() else KUBE_MINOR


def version_info() -> dict[str, str]:
    """version.Info of the Kubernetes release the engine emulates (kubectl picks by minor)."""
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    minor = reported_minor()
    git_version = f"v{KUBE_MAJOR}.{minor}.{KUBE_PATCH}-ktui"
    return {
        "major": KUBE_MAJOR,
        "minor": minor,
        "gitVersion": git_version,
        "gitCommit": hashlib.sha1(git_version.encode()).hexdigest(),
        "gitTreeState": "clean",
        "buildDate": "2025-04-22T00:00:00Z",
        "goVersion": f"python{sys.version_info[0]}.{sys.version_info[1]}",
        "compiler": platform.python_implementation().lower(),
        "platform": f"{sys.platform}/{arch}",
    }


def add_version(router: Router) -> None:
    body = orjson.dumps(version_info(), option=orjson.OPT_INDENT_2)

    async def version(req: Request) -> Response:
        return Response(body)

    router.add("/version", version, public=True)
    router.add("/version/", version, public=True)


HealthCheck = Callable[[], "str | None"]  # None: healthy; a string (or an exception): why not


class Health:
    """kube-apiserver's /healthz, /livez, /readyz: `ok`, `?verbose`, `?exclude=`, `/<check>`."""

    ENDPOINTS = ("healthz", "livez", "readyz")

    def __init__(self) -> None:
        self._checks: dict[str, list[tuple[str, HealthCheck]]] = {e: [] for e in self.ENDPOINTS}

    def add(self, name: str, check: HealthCheck, endpoints: Iterable[str] = ENDPOINTS) -> None:
        for endpoint in endpoints:
            self._checks[endpoint].append((name, check))

    def register(self, router: Router) -> None:
        for endpoint in self.ENDPOINTS:
            router.add(f"/{endpoint}", self._handler(endpoint), prefix=True, public=True)

    def _handler(self, endpoint: str) -> Handler:
        async def handler(req: Request) -> Response:
            return self.answer(endpoint, req)

        return handler

    def answer(self, endpoint: str, req: Request) -> Response:
        checks = self._checks[endpoint]
        single = req.path[len(endpoint) + 2 :]
        if single:
            for name, check in checks:
                if name == single:
                    reason = _run(endpoint, name, check)
                    if reason is None:
                        return text_response("ok")
                    return text_response(f"internal server error: {reason}\n", 500)
            raise path_not_found()
        excluded = set(req.query.get("exclude", ()))
        lines, failed = [], False
        for name, check in checks:
            if name in excluded:
                lines.append(f"[+]{name} excluded: ok")
                excluded.discard(name)
                continue
            ok = _run(endpoint, name, check) is None
            failed |= not ok
            lines.append(f"[+]{name} ok" if ok else f"[-]{name} failed: reason withheld")
        if excluded:
            names = ", ".join(sorted(excluded))
            lines.append(f"warn: some health checks cannot be excluded: no matches for {names}")
        if not failed and "verbose" not in req.query:
            return text_response("ok")
        verdict = "failed" if failed else "passed"
        lines.append(f"{endpoint} check {verdict}")
        return text_response("\n".join(lines) + "\n", 500 if failed else 200)


def _run(endpoint: str, name: str, check: HealthCheck) -> str | None:
    try:
        reason = check()
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
    if reason is not None:
        log.warning("%s check %s failed: %s", endpoint, name, reason)
    return reason
