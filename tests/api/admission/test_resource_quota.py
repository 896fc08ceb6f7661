"""ResourceQuota: usage charged on create, refunded on delete and at the end of a pod's
life, rejections with upstream's messages that change nothing (quota usage included)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from engine.api.status import StatusError

from .conftest import OPTS, Cluster, container, pod


def quota(hard: dict[str, Any], name: str = "q", **spec: Any) -> dict[str, Any]:
    return {"metadata": {"name": name}, "spec": {"hard": hard, **spec}}


async def used(cluster: Cluster, name: str = "q") -> dict[str, str]:
    return (await cluster.get("resourcequotas", name))["status"]["used"]


async def forbidden(cluster: Cluster, plural: str, obj: dict[str, Any]) -> str:
    before = await cluster.get("resourcequotas", "q")
    with pytest.raises(StatusError) as error:
        await cluster.create(plural, obj)
    assert error.value.code == 403
    after = await cluster.get("resourcequotas", "q")
    assert after == before  # not even its resourceVersion moved
    return error.value.message


async def test_a_new_quota_mirrors_hard_and_counts_what_is_there(cluster: Cluster):
    await cluster.create("configmaps", {"metadata": {"name": "one"}})
    await cluster.create("pods", pod("p", container(requests={"cpu": "250m"})))
    created = await cluster.create(
        "resourcequotas",
        quota({"pods": "5", "requests.cpu": "1", "configmaps": "3", "resourcequotas": "2"}),
    )
    assert created["status"]["hard"] == created["spec"]["hard"]
    assert created["status"]["used"] == {
        "pods": "1",
        "requests.cpu": "250m",
        "configmaps": "1",
        "resourcequotas": "1",  # itself
    }


async def test_pods_over_the_count_are_refused_with_upstream_message(cluster: Cluster):
    await cluster.create("resourcequotas", quota({"pods": "2"}))
    await cluster.create("pods", pod("a"))
    await cluster.create("pods", pod("b"))
    assert await used(cluster) == {"pods": "2"}
    message = await forbidden(cluster, "pods", pod("x"))
    assert message == (
        'pods "x" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2'
    )
    await cluster.delete("pods", "a")
    assert await used(cluster) == {"pods": "1"}
    await cluster.create("pods", pod("x"))
    assert await used(cluster) == {"pods": "2"}


async def test_compute_resources_add_up_and_must_be_specified(cluster: Cluster):
    await cluster.create(
        "resourcequotas",
        quota({"requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2"}),
    )
    message = await forbidden(cluster, "pods", pod("bare", container("c"), container("d")))
    assert message == (
        'pods "bare" is forbidden: failed quota: q: must specify limits.cpu for: c,d; '
        "requests.cpu for: c,d; requests.memory for: c,d"
    )
    sized = container(requests={"cpu": "600m", "memory": "512Mi"}, limits={"cpu": "1"})
    await cluster.create("pods", pod("one", sized))
    assert await used(cluster) == {
        "requests.cpu": "600m",
        "requests.memory": "512Mi",
        "limits.cpu": "1",
    }
    message = await forbidden(cluster, "pods", pod("two", sized))
    assert message == (
        'pods "two" is forbidden: exceeded quota: q, requested: requests.cpu=600m, '
        "used: requests.cpu=600m, limited: requests.cpu=1"
    )


async def test_terminal_pods_stop_counting(cluster: Cluster):
    await cluster.create("resourcequotas", quota({"pods": "1", "count/pods": "5"}))
    await cluster.create("pods", pod("done"))
    await cluster.patch_status("pods", "done", {"phase": "Succeeded"})
    assert await used(cluster) == {"pods": "0", "count/pods": "1"}
    await cluster.create("pods", pod("next"))
    assert await used(cluster) == {"pods": "1", "count/pods": "2"}


async def test_services_configmaps_secrets_claims_and_object_counts(cluster: Cluster):
    await cluster.create(
        "resourcequotas",
        quota(
            {
                "services": "5",
                "services.nodeports": "1",
                "configmaps": "1",
                "secrets": "1",
                "persistentvolumeclaims": "2",
                "requests.storage": "1Gi",
                "count/deployments.apps": "0",
            }
        ),
    )
    node_port = {
        "metadata": {"name": "np"},
        "spec": {
            "type": "NodePort",
            "ports": [{"name": "a", "port": 80}, {"name": "b", "port": 81}],
        },
    }
    message = await forbidden(cluster, "services", node_port)
    assert message == (
        'services "np" is forbidden: exceeded quota: q, requested: services.nodeports=2, '
        "used: services.nodeports=0, limited: services.nodeports=1"
    )
    await cluster.create(
        "services", {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}
    )
    await cluster.create("configmaps", {"metadata": {"name": "c1"}})
    assert (await forbidden(cluster, "configmaps", {"metadata": {"name": "c2"}})).endswith(
        "requested: configmaps=1, used: configmaps=1, limited: configmaps=1"
    )
    claim = {
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "2Gi"}}},
    }
    assert (await forbidden(cluster, "persistentvolumeclaims", claim)).endswith(
        "requested: requests.storage=2Gi, used: requests.storage=0, limited: requests.storage=1Gi"
    )
    deployment = {
        "metadata": {"name": "d"},
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]},
            },
        },
    }
    with pytest.raises(StatusError) as error:
        await cluster.create("deployments", deployment, group="apps")
    assert error.value.message == (
        'deployments.apps "d" is forbidden: exceeded quota: q, requested: '
        "count/deployments.apps=1, used: count/deployments.apps=0, limited: count/deployments.apps=0"
    )
    assert await used(cluster) == {
        "services": "2",  # with the `kubernetes` Service of `default`
        "services.nodeports": "0",
        "configmaps": "1",
        "secrets": "0",
        "persistentvolumeclaims": "0",
        "requests.storage": "0",
        "count/deployments.apps": "0",
    }


async def test_every_quota_of_the_namespace_must_allow_it(cluster: Cluster):
    await cluster.create("resourcequotas", quota({"configmaps": "10"}, name="q"))
    await cluster.create("resourcequotas", quota({"configmaps": "1"}, name="tight"))
    await cluster.create("configmaps", {"metadata": {"name": "a"}})
    with pytest.raises(StatusError) as error:
        await cluster.create("configmaps", {"metadata": {"name": "b"}})
    assert "exceeded quota: tight" in error.value.message
    assert await used(cluster, "q") == {"configmaps": "1"}  # nothing charged for the refusal


async def test_failed_write_refunds_and_dry_run_charges_nothing(cluster: Cluster):
    await cluster.create("resourcequotas", quota({"configmaps": "5"}))
    await cluster.create("configmaps", {"metadata": {"name": "a"}})
    with pytest.raises(StatusError) as exists:
        await cluster.create("configmaps", {"metadata": {"name": "a"}})
    assert exists.value.code == 409
    assert await used(cluster) == {"configmaps": "1"}
    await cluster.create("configmaps", {"metadata": {"name": "b"}}, dry_run=True)
    assert await used(cluster) == {"configmaps": "1"}


async def test_racing_creates_cannot_both_take_the_last_slot(cluster: Cluster):
    await cluster.create("resourcequotas", quota({"configmaps": "3"}))
    results = await asyncio.gather(
        *(cluster.create("configmaps", {"metadata": {"name": f"c{i}"}}) for i in range(8)),
        return_exceptions=True,
    )
    accepted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, StatusError) and r.code == 403]
    assert len(accepted) == 3 and len(refused) == 5
    assert await used(cluster) == {"configmaps": "3"}


async def test_scopes_select_which_pods_a_quota_counts(cluster: Cluster):
    await cluster.create("resourcequotas", quota({"pods": "1"}, scopes=["BestEffort"]))
    await cluster.create("pods", pod("free"))
    with pytest.raises(StatusError):
        await cluster.create("pods", pod("free2"))
    sized = container(requests={"cpu": "100m"})
    await cluster.create("pods", pod("burstable", sized))
    await cluster.create("configmaps", {"metadata": {"name": "unscoped"}})
    assert await used(cluster) == {"pods": "1"}


async def test_editing_hard_updates_status(cluster: Cluster):
    created = await cluster.create("resourcequotas", quota({"pods": "1"}))
    await cluster.create("configmaps", {"metadata": {"name": "c"}})
    edited = dict(created, spec={"hard": {"pods": "3", "configmaps": "2"}})
    rt = cluster.rt("resourcequotas")
    outcome = await cluster.storage.update(rt, "default", "q", edited, OPTS)
    assert outcome.obj["status"]["hard"] == {"pods": "3", "configmaps": "2"}
    assert outcome.obj["status"]["used"] == {"pods": "0", "configmaps": "1"}
