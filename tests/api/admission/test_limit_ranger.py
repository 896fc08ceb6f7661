"""LimitRanger: LimitRange defaults on pod create, and bounds with upstream's messages."""

from __future__ import annotations

from typing import Any

import pytest

from engine.api.admission.limit_ranger import limit_items
from engine.api.status import StatusError

from .conftest import Cluster, container, pod


def limit_range(*items: dict[str, Any], name: str = "lr") -> dict[str, Any]:
    return {"metadata": {"name": name}, "spec": {"limits": list(items)}}


async def rejected(cluster: Cluster, plural: str, obj: dict[str, Any]) -> str:
    with pytest.raises(StatusError) as error:
        await cluster.create(plural, obj)
    assert error.value.code == 403
    assert error.value.reason == "Forbidden"
    with pytest.raises(StatusError) as gone:
        await cluster.get(plural, obj["metadata"]["name"])
    assert gone.value.code == 404  # a rejected request stores nothing
    return error.value.message


async def test_defaults_fill_what_containers_lack_and_say_so(cluster: Cluster):
    await cluster.create(
        "limitranges",
        limit_range(
            {
                "type": "Container",
                "default": {"cpu": "500m", "memory": "256Mi"},
                "defaultRequest": {"cpu": "100m", "memory": "128Mi"},
            }
        ),
    )
    created = await cluster.create(
        "pods",
        pod("p", container("a"), container("b", requests={"cpu": "200m"}), initContainers=[]),
    )
    a, b = created["spec"]["containers"]
    assert a["resources"] == {
        "limits": {"cpu": "500m", "memory": "256Mi"},
        "requests": {"cpu": "100m", "memory": "128Mi"},
    }
    assert b["resources"]["requests"] == {"cpu": "200m", "memory": "128Mi"}
    assert created["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: cpu, memory request for container a; "
        "cpu, memory limit for container a; memory request for container b; "
        "cpu, memory limit for container b"
    )
    # defaults happen before the pod's QoS class is worked out
    assert created["status"]["qosClass"] == "Burstable"


async def test_max_alone_becomes_the_default_limit_and_request(cluster: Cluster):
    await cluster.create(
        "limitranges", limit_range({"type": "Container", "max": {"memory": "1Gi"}})
    )
    created = await cluster.create("pods", pod("p"))
    assert created["spec"]["containers"][0]["resources"] == {
        "limits": {"memory": "1Gi"},
        "requests": {"memory": "1Gi"},
    }
    assert created["status"]["qosClass"] == "Burstable"


def test_limit_range_items_are_read_with_upstream_defaults():
    (item,) = limit_items(
        limit_range({"type": "Container", "max": {"cpu": "1"}, "min": {"memory": "1Mi"}})
    )
    assert item["default"] == {"cpu": "1"}
    assert item["defaultRequest"] == {"cpu": "1", "memory": "1Mi"}


async def test_maximum_per_container(cluster: Cluster):
    await cluster.create(
        "limitranges",
        limit_range({"type": "Container", "max": {"cpu": "500m"}, "default": {"cpu": "200m"}}),
    )
    message = await rejected(cluster, "pods", pod("x", container(limits={"cpu": "1"})))
    assert (
        message == 'pods "x" is forbidden: maximum cpu usage per Container is 500m, but limit is 1'
    )
    # within bounds (and defaulted): accepted
    await cluster.create("pods", pod("ok"))


async def test_minimum_and_several_violations_aggregate(cluster: Cluster):
    await cluster.create(
        "limitranges",
        limit_range(
            {
                "type": "Container",
                "min": {"cpu": "100m", "memory": "64Mi"},
                "max": {"cpu": "2", "memory": "1Gi"},
            }
        ),
    )
    message = await rejected(
        cluster,
        "pods",
        pod("x", container(requests={"cpu": "50m", "memory": "32Mi"}, limits={"cpu": "1"})),
    )
    assert message == (
        'pods "x" is forbidden: [minimum cpu usage per Container is 100m, but request is 50m, '
        "minimum memory usage per Container is 64Mi, but request is 32Mi]"
    )


async def test_max_limit_request_ratio(cluster: Cluster):
    await cluster.create(
        "limitranges",
        limit_range({"type": "Container", "maxLimitRequestRatio": {"memory": "2"}}),
    )
    message = await rejected(
        cluster,
        "pods",
        pod("x", container(requests={"memory": "100Mi"}, limits={"memory": "400Mi"})),
    )
    assert message == (
        'pods "x" is forbidden: memory max limit to request ratio per Container is 2, '
        "but provided ratio is 4.000000"
    )
    message = await rejected(cluster, "pods", pod("y"))
    assert message.endswith(
        "memory max limit to request ratio per Container is 2, "
        "but no request is specified or request is 0"
    )


async def test_pod_totals(cluster: Cluster):
    await cluster.create("limitranges", limit_range({"type": "Pod", "max": {"cpu": "1"}}))
    two = pod(
        "x",
        container("a", limits={"cpu": "600m"}),
        container("b", limits={"cpu": "600m"}),
    )
    message = await rejected(cluster, "pods", two)
    assert message == 'pods "x" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m'


async def test_claims_min_and_max_storage(cluster: Cluster):
    await cluster.create(
        "limitranges",
        limit_range(
            {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}, "max": {"storage": "2Gi"}}
        ),
    )

    def claim(name: str, size: str) -> dict[str, Any]:
        return {
            "metadata": {"name": name},
            "spec": {
                "accessModes": ["ReadWriteOnce"],
                "resources": {"requests": {"storage": size}},
            },
        }

    message = await rejected(cluster, "persistentvolumeclaims", claim("big", "5Gi"))
    assert message == (
        'persistentvolumeclaims "big" is forbidden: '
        "maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi"
    )
    message = await rejected(cluster, "persistentvolumeclaims", claim("small", "500Mi"))
    assert message.endswith(
        "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi"
    )
    await cluster.create("persistentvolumeclaims", claim("fine", "1536Mi"))


async def test_other_namespaces_are_not_affected(cluster: Cluster):
    await cluster.create("limitranges", limit_range({"type": "Container", "max": {"cpu": "100m"}}))
    created = await cluster.create("pods", pod("p"), namespace="kube-public")
    assert created["spec"]["containers"][0]["resources"] == {}
