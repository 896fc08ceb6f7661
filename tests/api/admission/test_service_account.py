"""ServiceAccount admission: the default account, and its token volume when it exists."""

from __future__ import annotations

import re

import pytest

from engine.api.admission import service_account
from engine.api.status import StatusError

from .conftest import OPTS, Cluster, pod

NS = "sa"  # a namespace without a ServiceAccount until a test makes one


async def make(cluster: Cluster, plural: str, obj: dict, **kw: object) -> dict:
    return await cluster.create(plural, obj, NS, **kw)  # type: ignore[arg-type]


MOUNT = {
    "readOnly": True,
    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
}


async def test_no_account_named_gets_default_and_no_volume_while_it_is_missing(cluster: Cluster):
    created = await make(cluster, "pods", pod("p"))
    spec = created["spec"]
    assert spec["serviceAccountName"] == "default"
    assert spec["serviceAccount"] == "default"
    assert "volumes" not in spec
    assert "volumeMounts" not in spec["containers"][0]


async def test_deprecated_service_account_field_is_mirrored(cluster: Cluster):
    await make(cluster, "serviceaccounts", {"metadata": {"name": "robot"}})
    created = await make(cluster, "pods", pod("p", serviceAccount="robot"))
    assert created["spec"]["serviceAccountName"] == "robot"
    assert created["spec"]["serviceAccount"] == "robot"


async def test_existing_account_mounts_the_projected_token_in_every_container(cluster: Cluster):
    await make(cluster, "serviceaccounts", {"metadata": {"name": "default"}})
    init = {"name": "init", "image": "busybox:1.36"}
    created = await make(
        cluster,
        "pods",
        pod(
            "p",
            {"name": "a", "image": "nginx:1.25"},
            {"name": "b", "image": "nginx:1.25"},
            initContainers=[init],
        ),
    )
    spec = created["spec"]
    (volume,) = spec["volumes"]
    assert re.fullmatch(r"kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}", volume["name"])
    assert volume["projected"] == {
        "defaultMode": 420,
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {
                "configMap": {
                    "name": "kube-root-ca.crt",
                    "items": [{"key": "ca.crt", "path": "ca.crt"}],
                }
            },
            {
                "downwardAPI": {
                    "items": [
                        {
                            "path": "namespace",
                            "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                        }
                    ]
                }
            },
        ],
    }
    for c in spec["containers"] + spec["initContainers"]:
        assert c["volumeMounts"] == [{"name": volume["name"], **MOUNT}]


@pytest.mark.parametrize(
    ("pod_says", "account_says", "mounted"),
    [(None, False, False), (True, False, True), (False, None, False), (None, None, True)],
)
async def test_automount_the_pod_decides_first_then_the_account(
    cluster: Cluster, pod_says, account_says, mounted
):
    account = {"metadata": {"name": "default"}}
    if account_says is not None:
        account["automountServiceAccountToken"] = account_says
    await make(cluster, "serviceaccounts", account)
    extra = {} if pod_says is None else {"automountServiceAccountToken": pod_says}
    created = await make(cluster, "pods", pod("p", **extra))
    assert ("volumes" in created["spec"]) is mounted


async def test_a_container_with_its_own_mount_at_the_token_path_keeps_it(cluster: Cluster):
    await make(cluster, "serviceaccounts", {"metadata": {"name": "default"}})
    own = {"name": "mine", "mountPath": MOUNT["mountPath"]}
    created = await make(
        cluster,
        "pods",
        pod(
            "p",
            {"name": "c", "image": "nginx:1.25", "volumeMounts": [own]},
            volumes=[{"name": "mine", "emptyDir": {}}],
        ),
    )
    assert created["spec"]["containers"][0]["volumeMounts"] == [own]
    assert [v["name"] for v in created["spec"]["volumes"]] == ["mine"]


async def test_image_pull_secrets_come_from_the_account(cluster: Cluster):
    await make(
        cluster,
        "serviceaccounts",
        {"metadata": {"name": "default"}, "imagePullSecrets": [{"name": "registry"}]},
    )
    created = await make(cluster, "pods", pod("p"))
    assert created["spec"]["imagePullSecrets"] == [{"name": "registry"}]


async def test_upstream_rejection_of_a_missing_account_behind_the_switch(
    cluster: Cluster, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(service_account, "REJECT_MISSING_SERVICE_ACCOUNT", True)
    with pytest.raises(StatusError) as rejected:
        await make(cluster, "pods", pod("p", serviceAccountName="ghost"))
    assert rejected.value.code == 403
    assert rejected.value.message == (
        'pods "p" is forbidden: error looking up service account sa/ghost: '
        'serviceaccount "ghost" not found'
    )
    with pytest.raises(StatusError):
        await cluster.get("pods", "p", NS)


async def test_bootstrap_gives_the_system_namespaces_their_default_account(cluster: Cluster):
    for namespace in ("default", "kube-system", "kube-public", "kube-node-lease"):
        await cluster.get("serviceaccounts", "default", namespace)
    created = await cluster.storage.create(cluster.rt("pods"), "default", pod("p"), OPTS)
    assert created["spec"]["volumes"][0]["name"].startswith("kube-api-access-")


async def test_templates_and_updates_are_left_alone(cluster: Cluster):
    await make(cluster, "serviceaccounts", {"metadata": {"name": "default"}})
    deployment = await make(
        cluster,
        "deployments",
        {
            "metadata": {"name": "d"},
            "spec": {
                "selector": {"matchLabels": {"app": "d"}},
                "template": {
                    "metadata": {"labels": {"app": "d"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]},
                },
            },
        },
        group="apps",
    )
    assert "volumes" not in deployment["spec"]["template"]["spec"]
