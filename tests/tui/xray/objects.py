"""Hand-made workloads wired by ownerReferences (the lab engine has no controllers)."""

from __future__ import annotations


def owner(kind: str, obj: dict, api_version: str = "apps/v1") -> list[dict]:
    return [
        {
            "apiVersion": api_version,
            "kind": kind,
            "name": obj["metadata"]["name"],
            "uid": obj["metadata"]["uid"],
            "controller": True,
        }
    ]


def replicaset(name: str, deploy: dict, replicas: int = 1) -> dict:
    labels = {"app": deploy["metadata"]["name"], "pod-template-hash": name[-5:]}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "labels": labels,
            "ownerReferences": owner("Deployment", deploy),
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "main", "image": "nginx:1.27"}]},
            },
        },
    }


def owned_pod(name: str, rs: dict, kind: str = "ReplicaSet", api_version: str = "apps/v1") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "labels": {"app": name},
            "ownerReferences": owner(kind, rs, api_version),
        },
        "spec": {
            "containers": [
                {"name": "main", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
                {"name": "sidecar", "image": "busybox"},
            ]
        },
    }


RUNNING_STATUS = {
    "phase": "Running",
    "containerStatuses": [
        {"name": "main", "ready": True, "restartCount": 0, "state": {"running": {}}},
        {
            "name": "sidecar",
            "ready": False,
            "restartCount": 3,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
        },
    ],
}
