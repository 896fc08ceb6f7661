"""Objects for the describe and YAML tests: rich enough to exercise every section kubectl
prints, created through the API as a controller or kubelet would write them."""

from __future__ import annotations

from typing import Any

from ktui.client import Client, ResourceClient

from .kubectl_cli import ago


async def res(client: Client, api_version: str, kind: str) -> ResourceClient:
    return client.bind(await client.discovery.for_kind(api_version, kind))


def rich_pod(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "labels": {"app": "web", "tier": "front"},
            "annotations": {
                "owner": "team-a",
                "long": "x" * 150,
                "multi": "line one\nline two\n",
            },
        },
        "spec": {
            "nodeSelector": {"disk": "ssd"},
            "initContainers": [
                {"name": "init", "image": "busybox", "command": ["sh", "-c", "echo hi"]}
            ],
            "containers": [
                {
                    "name": "main",
                    "image": "nginx:1.27",
                    "args": ["--port", "8080"],
                    "ports": [
                        {"containerPort": 8080, "name": "http"},
                        {"containerPort": 9090, "protocol": "UDP", "hostPort": 9090},
                    ],
                    "resources": {
                        "limits": {"cpu": "1", "memory": "256Mi"},
                        "requests": {"cpu": "250m", "memory": "128Mi"},
                    },
                    "env": [
                        {"name": "PLAIN", "value": "hello"},
                        {"name": "MULTI", "value": "a\nb"},
                        {
                            "name": "POD_NAME",
                            "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}},
                        },
                        {
                            "name": "POD_IP",
                            "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}},
                        },
                        {
                            "name": "CPU_LIMIT",
                            "valueFrom": {
                                "resourceFieldRef": {"resource": "limits.cpu", "divisor": "1m"}
                            },
                        },
                        {
                            "name": "MEM",
                            "valueFrom": {"resourceFieldRef": {"resource": "requests.memory"}},
                        },
                        {
                            "name": "SECRET",
                            "valueFrom": {"secretKeyRef": {"name": "s1", "key": "k1"}},
                        },
                        {
                            "name": "CM",
                            "valueFrom": {
                                "configMapKeyRef": {"name": "c1", "key": "k2", "optional": True}
                            },
                        },
                    ],
                    "envFrom": [
                        {"configMapRef": {"name": "c1"}},
                        {"secretRef": {"name": "s1", "optional": True}, "prefix": "S_"},
                    ],
                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
                    "readinessProbe": {"tcpSocket": {"port": "http"}, "initialDelaySeconds": 5},
                    "startupProbe": {"exec": {"command": ["cat", "/tmp/ready"]}},
                    "volumeMounts": [
                        {"name": "data", "mountPath": "/data"},
                        {
                            "name": "cfg",
                            "mountPath": "/etc/cfg",
                            "readOnly": True,
                            "subPath": "app.conf",
                        },
                    ],
                },
                {"name": "sidecar", "image": "busybox"},
            ],
            "volumes": [
                {"name": "data", "emptyDir": {"sizeLimit": "1Gi"}},
                {"name": "cfg", "configMap": {"name": "c1"}},
                {"name": "sec", "secret": {"secretName": "s1", "optional": True}},
                {"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}},
                {"name": "claim", "persistentVolumeClaim": {"claimName": "pvc1"}},
                {
                    "name": "proj",
                    "projected": {
                        "sources": [
                            {"serviceAccountToken": {"path": "token", "expirationSeconds": 3607}},
                            {"configMap": {"name": "kube-root-ca.crt"}},
                            {
                                "downwardAPI": {
                                    "items": [
                                        {
                                            "path": "labels",
                                            "fieldRef": {"fieldPath": "metadata.labels"},
                                        }
                                    ]
                                }
                            },
                        ]
                    },
                },
            ],
            "tolerations": [
                {"key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule"},
                {"operator": "Exists"},
            ],
            "topologySpreadConstraints": [
                {
                    "maxSkew": 1,
                    "topologyKey": "zone",
                    "whenUnsatisfiable": "DoNotSchedule",
                    "labelSelector": {"matchLabels": {"app": "web"}},
                }
            ],
        },
    }


def running_status(started: str) -> dict[str, Any]:
    """What a kubelet writes for rich_pod once it runs (one container crash-looping)."""
    return {
        "phase": "Running",
        "hostIP": "10.1.0.4",
        "podIP": "10.244.1.7",
        "podIPs": [{"ip": "10.244.1.7"}],
        "startTime": started,
        "conditions": [
            {"type": "Ready", "status": "False"},
            {"type": "PodScheduled", "status": "True"},
        ],
        "containerStatuses": [
            {
                "name": "main",
                "ready": True,
                "restartCount": 2,
                "image": "nginx:1.27",
                "imageID": "docker.io/library/nginx@sha256:abc",
                "containerID": "containerd://123",
                "state": {"running": {"startedAt": started}},
                "lastState": {
                    "terminated": {
                        "exitCode": 137,
                        "reason": "OOMKilled",
                        "startedAt": started,
                        "finishedAt": started,
                        "signal": 9,
                    }
                },
            },
            {
                "name": "sidecar",
                "ready": False,
                "restartCount": 0,
                "image": "busybox",
                "imageID": "",
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            },
        ],
    }


def event(
    name: str, involved: dict[str, Any], reason: str, *, type_: str = "Normal", **fields: Any
) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": involved.get("namespace") or "default"},
        "involvedObject": involved,
        "type": type_,
        "reason": reason,
        "message": f"{reason} happened  ",
        "source": {"component": "kubelet"},
        **fields,
    }


def involved(obj: dict[str, Any]) -> dict[str, Any]:
    meta = obj["metadata"]
    ref = {"kind": obj["kind"], "name": meta["name"], "uid": meta["uid"]}
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    return ref


async def add_events(client: Client, obj: dict[str, Any]) -> None:
    """One old event, one repeated warning, one repeated normal and one events.k8s.io series."""
    events = await res(client, "v1", "Event")
    ref = involved(obj)
    name = obj["metadata"]["name"]
    await events.create(
        event(
            f"{name}.a",
            ref,
            "Scheduled",
            firstTimestamp=ago(hours=3),
            lastTimestamp=ago(hours=3),
            count=1,
        )
    )
    await events.create(
        event(
            f"{name}.b",
            ref,
            "BackOff",
            type_="Warning",
            firstTimestamp=ago(minutes=40),
            lastTimestamp=ago(minutes=20),
            count=7,
        )
    )
    await events.create(
        event(
            f"{name}.c",
            ref,
            "Pulled",
            firstTimestamp=ago(hours=2),
            lastTimestamp=ago(minutes=30),
            count=3,
        )
    )
    series = event(f"{name}.d", ref, "Synced", source={}, reportingComponent="my-controller")
    series |= {
        "eventTime": ago(minutes=50).replace("Z", ".000000Z"),
        "series": {"count": 4, "lastObservedTime": ago(minutes=25).replace("Z", ".000000Z")},
        "reportingInstance": "x",
        "action": "Sync",
    }
    await events.create(series)


def template(image: str, hash_label: str | None = None) -> dict[str, Any]:
    labels = {"app": "web", "tier": "front"}
    if hash_label:
        labels["pod-template-hash"] = hash_label
    return {
        "metadata": {"labels": labels, "annotations": {"prometheus.io/scrape": "true"}},
        "spec": {
            "serviceAccountName": "web-sa",
            "priorityClassName": "high",
            "nodeSelector": {"disk": "ssd"},
            "containers": [
                {
                    "name": "main",
                    "image": image,
                    "ports": [{"containerPort": 80}],
                    "env": [
                        {"name": "ME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}
                    ],
                }
            ],
            "volumes": [{"name": "tmp", "emptyDir": {}}],
            "tolerations": [{"key": "k", "operator": "Exists"}],
        },
    }


SELECTOR = {
    "matchLabels": {"app": "web"},
    "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]}],
}
