"""Small realistic objects and a fixed clock for printer tests."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

NOW = 1_700_000_000.0  # 2023-11-14T22:13:20Z


def ago(seconds: float) -> str:
    """An RFC 3339 timestamp `seconds` before NOW."""
    return datetime.fromtimestamp(NOW - seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod(name: str = "web-1", age: float = 3600, **status: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": "uid-" + name,
            "resourceVersion": "42",
            "creationTimestamp": ago(age),
            "labels": {"app": "web"},
        },
        "spec": {"nodeName": "node-a", "containers": [{"name": "web", "image": "nginx:1.27"}]},
        "status": {
            "phase": "Running",
            "podIP": "10.244.0.5",
            "podIPs": [{"ip": "10.244.0.5"}],
            **status,
        },
    }


def running(name: str = "web", restarts: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "ready": True,
        "started": True,
        "restartCount": restarts,
        "state": {"running": {"startedAt": ago(600)}},
        **extra,
    }


def waiting(name: str, reason: str, restarts: int = 0, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "ready": False,
        "restartCount": restarts,
        "state": {"waiting": {"reason": reason}},
        **extra,
    }


def terminated(name: str, reason: str = "", exit_code: int = 0, **extra: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"exitCode": exit_code, "finishedAt": ago(60)}
    if reason:
        state["reason"] = reason
    return {
        "name": name,
        "ready": False,
        "restartCount": 0,
        "state": {"terminated": state},
        **extra,
    }
