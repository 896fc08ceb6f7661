"""A scripted fake API server on httpx.MockTransport: each request takes the next answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson

from ktui.client import APIResource, Client, ClusterConfig

CONFIGMAPS = APIResource("", "v1", "ConfigMap", "configmaps", True, "configmap")

Answer = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def cm(name: str, rv: str, **data: str) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": "ns", "resourceVersion": rv}, "data": data}


def listing(rv: str, *items: dict[str, Any], cont: str = "") -> httpx.Response:
    meta = {"resourceVersion": rv, **({"continue": cont} if cont else {})}
    return httpx.Response(200, json={"kind": "ConfigMapList", "metadata": meta, "items": items})


def stream(*events: tuple[str, dict[str, Any]]) -> httpx.Response:
    lines = b"".join(orjson.dumps({"type": t, "object": o}) + b"\n" for t, o in events)
    return httpx.Response(200, content=lines)


def status(code: int, reason: str, message: str = "") -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "code": code,
        "reason": reason,
        "message": message or reason,
    }


class ScriptedServer:
    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.answers:
            raise httpx.ConnectError("script exhausted")
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer(request) if callable(answer) else answer

    def client(self) -> Client:
        config = ClusterConfig(server="http://fake", namespace="ns", token="t")
        return Client(config, transport=httpx.MockTransport(self.handler))

    def params(self, i: int) -> dict[str, str]:
        return dict(self.requests[i].url.params)
