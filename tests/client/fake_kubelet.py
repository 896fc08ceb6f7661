"""A tiny fake API server for the streaming subresources the engine does not serve yet:
pods/log, pods/exec, pods/attach, pods/portforward. A raw ASGI app under uvicorn (plain
HTTP on loopback, real WebSockets) in a thread."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs

import orjson
import uvicorn

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "p", "namespace": "ns", "uid": "u1"},
    "spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "a"}, {"name": "b"}]},
}
DISCOVERY = {
    "kind": "APIResourceList",
    "groupVersion": "v1",
    "resources": [
        {
            "name": "pods",
            "singularName": "pod",
            "namespaced": True,
            "kind": "Pod",
            "verbs": ["get", "list"],
            "shortNames": ["po"],
        },
        {"name": "pods/log", "namespaced": True, "kind": "Pod", "verbs": ["get"]},
        {
            "name": "events",
            "singularName": "event",
            "namespaced": True,
            "kind": "Event",
            "verbs": ["list"],
        },
    ],
}


async def _http(scope, receive, send, state: dict) -> None:
    path, query = scope["path"], parse_qs(scope["query_string"].decode())
    state.setdefault("requests", []).append((path, query))

    async def answer(code: int, body: bytes, ctype: bytes = b"application/json") -> None:
        await send(
            {"type": "http.response.start", "status": code, "headers": [(b"content-type", ctype)]}
        )
        await send({"type": "http.response.body", "body": body})

    if path == "/api":
        return await answer(200, orjson.dumps({"kind": "APIVersions", "versions": ["v1"]}))
    if path == "/apis":
        return await answer(200, orjson.dumps({"kind": "APIGroupList", "groups": []}))
    if path == "/api/v1":
        return await answer(200, orjson.dumps(DISCOVERY))
    if path == "/api/v1/namespaces/ns/pods/p":
        return await answer(200, orjson.dumps(POD))
    if path == "/api/v1/namespaces/ns/events":
        return await answer(
            200,
            orjson.dumps(
                {
                    "kind": "EventList",
                    "metadata": {},
                    "items": [
                        {"metadata": {"name": "e2"}, "lastTimestamp": "2024-01-02T00:00:00Z"},
                        {"metadata": {"name": "e1"}, "lastTimestamp": "2024-01-01T00:00:00Z"},
                    ],
                }
            ),
        )
    if path == "/api/v1/namespaces/ns/pods/p/log":
        container = query.get("container", ["a"])[0]
        if container == "missing":
            status = {
                "kind": "Status",
                "code": 400,
                "reason": "BadRequest",
                "status": "Failure",
                "message": 'container "missing" is not valid for pod "p"',
            }
            return await answer(400, orjson.dumps(status))
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/plain")],
            }
        )
        flags = ",".join(f"{k}={v[0]}" for k, v in sorted(query.items()) if k != "container")
        count = 3 if query.get("follow") else 2
        for i in range(count):  # with follow, lines arrive in separate chunks
            await send(
                {
                    "type": "http.response.body",
                    "body": f"{container} line{i} {flags}\n".encode(),
                    "more_body": True,
                }
            )
            await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b"partial-last"})
        return None
    return await answer(
        404,
        orjson.dumps(
            {"kind": "Status", "code": 404, "reason": "NotFound", "message": f"{path} not found"}
        ),
    )


async def _websocket(scope, receive, send) -> None:
    path, query = scope["path"], parse_qs(scope["query_string"].decode())
    offered = scope.get("subprotocols") or []
    await receive()  # websocket.connect
    if not path.startswith("/api/v1/namespaces/ns/pods/p/"):  # a refused upgrade, as a Status
        body = orjson.dumps(
            {
                "kind": "Status",
                "code": 404,
                "reason": "NotFound",
                "status": "Failure",
                "message": 'pods "nope" not found',
            }
        )
        await send(
            {
                "type": "websocket.http.response.start",
                "status": 404,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "websocket.http.response.body", "body": body})
        return None
    if path.endswith("/portforward"):
        await send({"type": "websocket.accept", "subprotocol": "v4.channel.k8s.io"})
        return await _portforward(query, receive, send)
    proto = "v5.channel.k8s.io" if "v5.channel.k8s.io" in offered else "v4.channel.k8s.io"
    await send({"type": "websocket.accept", "subprotocol": proto})

    async def out(channel: int, data: bytes) -> None:
        await send({"type": "websocket.send", "bytes": bytes([channel]) + data})

    command = query.get("command", ["attach"])
    stdin = b""
    if command[0] in ("cat", "attach"):
        while True:  # echo stdin until the client closes it (channel 255 + 0)
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return None
            data = message.get("bytes") or b""
            if data[:1] == b"\x00":
                stdin += data[1:]
                await out(1, data[1:])
            elif data[:1] == b"\x04":
                await out(1, b"resize " + data[1:])
            elif data == b"\xff\x00":
                break
        status = {"status": "Success"}
    elif command[0] == "fail":
        await out(2, b"oops\n")
        status = {
            "status": "Failure",
            "reason": "NonZeroExitCode",
            "details": {"causes": [{"reason": "ExitCode", "message": "3"}]},
            "message": "command terminated with non-zero exit code",
        }
    else:
        status = {
            "status": "Failure",
            "reason": "InternalError",
            "code": 500,
            "message": f'exec: "{command[0]}": executable file not found',
        }
    await out(3, orjson.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {}, **status}))
    await send({"type": "websocket.close", "code": 1000})
    return None


async def _portforward(query, receive, send) -> None:
    ports = [int(p) for p in query.get("ports", [])]
    for i, port in enumerate(ports):  # the port-number preamble on every channel
        for channel in (2 * i, 2 * i + 1):
            await send(
                {"type": "websocket.send", "bytes": bytes([channel]) + struct.pack("<H", port)}
            )
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        data = message.get("bytes") or b""
        channel, payload = data[0], data[1:]
        port = ports[channel // 2]
        if payload == b"error":
            await send(
                {"type": "websocket.send", "bytes": bytes([channel + 1]) + b"connection refused"}
            )
            continue
        await send(
            {
                "type": "websocket.send",
                "bytes": bytes([channel]) + f"{port}:".encode() + payload.upper(),
            }
        )


class FakeKubelet:
    def __init__(self) -> None:
        self.state: dict = {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            await _http(scope, receive, send, self.state)
        elif scope["type"] == "websocket":
            await _websocket(scope, receive, send)
        elif scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})


@contextmanager
def serve_fake() -> Iterator[tuple[str, FakeKubelet]]:
    app = FakeKubelet()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, ws="wsproto", log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.01)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
