"""The ASGI app in-process: routing, authentication, Status errors, health endpoints."""

from __future__ import annotations

import logging
from typing import Any

import orjson
import pytest

from engine.api import Request, Response, Router, build_app, json_response
from engine.api.app import App
from engine.api.status import StatusError, conflict, not_found

TOKEN = "s3cret-token"
AUTH = [(b"authorization", f"Bearer {TOKEN}".encode())]


class Reply:
    def __init__(self, messages: list[dict[str, Any]]) -> None:
        start = messages[0]
        self.status: int = start["status"]
        self.headers = {k.decode(): v.decode() for k, v in start["headers"]}
        self.body = b"".join(m.get("body", b"") for m in messages[1:])

    def json(self) -> Any:
        return orjson.loads(self.body)


async def call(
    app: App,
    path: str,
    method: str = "GET",
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
) -> Reply:
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": AUTH if headers is None else headers,
    }
    sent: list[dict[str, Any]] = []
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict[str, Any]:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return Reply(sent)


class FakeStore:
    def __init__(self) -> None:
        self.closed = False

    def range(self, prefix: str, limit: int = 0) -> list[str]:
        if self.closed:
            raise RuntimeError("the store is closed")
        return []


@pytest.fixture
def app() -> App:
    return build_app(TOKEN, FakeStore())


# -- routing ---------------------------------------------------------------------------


def test_router_prefers_exact_paths_then_the_longest_prefix():
    async def exact(req: Request) -> None: ...
    async def api(req: Request) -> None: ...
    async def apis(req: Request) -> None: ...
    async def catch_all(req: Request) -> None: ...

    router = Router()
    router.add("/api", exact)
    router.add("/api", api, prefix=True)
    router.add("/apis/", apis, prefix=True)
    router.add("/", catch_all, prefix=True)
    assert router.match("/api").handler is exact
    assert router.match("/api/v1/pods").handler is api
    assert router.match("/apis").handler is apis
    assert router.match("/apis/apps/v1").handler is apis
    assert router.match("/apix").handler is catch_all  # neither under /api nor /apis
    assert Router().match("/anything") is None


async def test_handlers_returning_a_response_or_raising_status(app: App):
    async def ok(req: Request) -> Response:
        return json_response({"path": req.path, "q": req.param("watch")}, status=201)

    async def missing(req: Request) -> Response:
        raise not_found("pods", "web")

    async def clash(req: Request) -> Response:
        raise conflict("deployments", "d", "the object has been modified", group="apps")

    app.router.add("/ok", ok, methods=["POST"])
    app.router.add("/missing", missing)
    app.router.add("/clash", clash)

    reply = await call(app, "/ok", method="POST", query=b"watch=true")
    assert (reply.status, reply.json()) == (201, {"path": "/ok", "q": "true"})

    reply = await call(app, "/missing")
    assert reply.status == 404
    assert reply.json()["message"] == 'pods "web" not found'
    assert reply.json()["details"] == {"name": "web", "kind": "pods"}

    reply = await call(app, "/clash")
    assert reply.status == 409
    assert reply.json()["reason"] == "Conflict"
    assert reply.json()["message"].startswith(
        'Operation cannot be fulfilled on deployments.apps "d"'
    )


async def test_a_crashing_handler_is_a_logged_500_status_without_traceback(
    app: App, caplog: pytest.LogCaptureFixture
):
    async def boom(req: Request) -> Response:
        raise ValueError("kaput")

    app.router.add("/boom", boom)
    with caplog.at_level(logging.ERROR, logger="engine.api.app"):
        reply = await call(app, "/boom")
    assert reply.status == 500
    assert reply.headers["content-type"] == "application/json"
    body = reply.json()
    assert body["reason"] == "InternalError"
    assert body["code"] == 500
    assert "kaput" in body["message"]
    assert b"Traceback" not in reply.body
    assert "Traceback" in caplog.text  # the server log keeps it


async def test_streaming_handler_sends_its_own_response(app: App):
    async def stream(req: Request) -> None:
        await req.send({"type": "http.response.start", "status": 200, "headers": []})
        await req.send({"type": "http.response.body", "body": b"a", "more_body": True})
        await req.send({"type": "http.response.body", "body": b"b"})

    app.router.add("/stream", stream)
    reply = await call(app, "/stream")
    assert (reply.status, reply.body) == (200, b"ab")


async def test_request_body_over_the_limit_is_413(app: App):
    async def echo(req: Request) -> Response:
        return Response(await req.body(limit=4))

    app.router.add("/echo", echo, methods=["POST"])
    assert (await call(app, "/echo", "POST", body=b"1234")).body == b"1234"
    reply = await call(app, "/echo", "POST", body=b"12345")
    assert reply.status == 413
    assert reply.json()["reason"] == "RequestEntityTooLarge"


async def test_raw_asgi_app_can_be_mounted_under_a_prefix(app: App):
    async def raw(scope: dict, receive: Any, send: Any) -> None:
        body = scope["path"].encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    app.router.mount("/raw", raw)
    reply = await call(app, "/raw/x/y", method="DELETE")
    assert (reply.status, reply.body) == (200, b"/raw/x/y")
    assert (await call(app, "/raw/x", headers=[])).status == 401


# -- authentication --------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        [],
        [(b"authorization", b"Basic YWRtaW46YWRtaW4=")],
        [(b"authorization", b"Bearer wrong")],
        [(b"authorization", f"Bearer {TOKEN}x".encode())],
    ],
)
async def test_protected_paths_need_the_admin_token(app: App, headers: list):
    reply = await call(app, "/api", headers=headers)
    assert reply.status == 401
    assert reply.json()["reason"] == "Unauthorized"


async def test_bearer_scheme_is_case_insensitive(app: App):
    reply = await call(app, "/api", headers=[(b"authorization", f"bearer {TOKEN}".encode())])
    assert reply.status == 404  # authenticated; nothing serves /api yet


async def test_without_a_token_only_public_paths_answer(app: App):
    for path in ("/version", "/version/", "/healthz", "/livez", "/readyz", "/readyz/ping"):
        assert (await call(app, path, headers=[])).status == 200, path


async def test_no_token_app_lets_everyone_in():
    app = build_app(None)
    assert (await call(app, "/api", headers=[])).status == 404


# -- health ----------------------------------------------------------------------------


async def test_failing_check_fails_healthz_and_readyz_verbosely():
    store = FakeStore()
    app = build_app(TOKEN, store)
    store.closed = True
    reply = await call(app, "/readyz")
    assert reply.status == 500
    text = reply.body.decode()
    assert "[+]ping ok" in text
    assert "[-]etcd failed: reason withheld" in text
    assert text.endswith("readyz check failed\n")
    assert "store is closed" not in text  # the reason stays in the server log
    assert (await call(app, "/livez/etcd")).status == 500
    excluded = await call(app, "/healthz", query=b"exclude=etcd")
    assert (excluded.status, excluded.body) == (200, b"ok")


async def test_readyz_fails_while_shutting_down_but_livez_does_not(app: App):
    app.shutting_down = True
    assert (await call(app, "/readyz")).status == 500
    reply = await call(app, "/livez", query=b"verbose")
    assert reply.status == 200
    assert reply.body.decode().splitlines()[-1] == "livez check passed"
    assert "shutdown" not in reply.body.decode()


async def test_unknown_single_check_is_404(app: App):
    reply = await call(app, "/healthz/nope")
    assert reply.status == 404


def test_status_error_body_matches_upstream_shape():
    err = StatusError(422, "Invalid", 'Pod "x" is invalid')
    assert list(err.body()) == [
        "kind",
        "apiVersion",
        "metadata",
        "status",
        "message",
        "reason",
        "code",
    ]


async def test_websocket_upgrade_without_a_token_is_refused_with_a_status():
    app = build_app(TOKEN)
    scope = {
        "type": "websocket",
        "path": "/api/v1/namespaces/default/pods/x/exec",
        "query_string": b"",
        "headers": [],
        "extensions": {"websocket.http.response": {}},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    assert sent[0]["type"] == "websocket.http.response.start"
    assert sent[0]["status"] == 401
    assert orjson.loads(sent[1]["body"])["reason"] == "Unauthorized"
