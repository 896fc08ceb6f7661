"""The engine's own components act as their users through the in-process client, and
the review APIs answer over HTTP (TokenReview, SubjectAccessReview, LocalSubjectAccessReview)."""

from __future__ import annotations

import ssl

import httpx
import pytest

from engine.api.auth.users import CONTROLLER_MANAGER, SCHEDULER, node_user
from engine.api.status import StatusError

from .conftest import AuthLab


@pytest.fixture(scope="module")
def http(authlab: AuthLab):
    pki = authlab.cluster.pki
    assert pki is not None
    context = ssl.create_default_context(cafile=str(pki.ca_cert_file))
    with httpx.Client(
        base_url=authlab.cluster.url,
        verify=context,
        timeout=20,
        headers={"Authorization": f"Bearer {pki.token}"},
    ) as client:
        yield client


async def test_local_clients_act_as_the_component_users(authlab: AuthLab):
    api = authlab.cluster.api
    assert api is not None
    scheduler = api.local_client(SCHEDULER)
    await scheduler.list("v1", "nodes")  # allowed by system:kube-scheduler
    with pytest.raises(StatusError) as raised:
        await scheduler.create(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "nope"}}
        )
    assert raised.value.code == 403
    assert raised.value.message == (
        'namespaces is forbidden: User "system:kube-scheduler" cannot create resource '
        '"namespaces" in API group "" at the cluster scope'
    )
    kubelet = scheduler.as_user(node_user("node-1"))
    await kubelet.list("v1", "pods")
    controllers = api.local_client(CONTROLLER_MANAGER)
    await controllers.create(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "from-controllers", "namespace": "default"},
        }
    )


def test_token_review_and_subject_access_reviews(authlab: AuthLab, http: httpx.Client):
    authlab.ok("create", "serviceaccount", "reviewed")
    token = authlab.ok("create", "token", "reviewed").strip()
    review = http.post(
        "/apis/authentication.k8s.io/v1/tokenreviews",
        json={
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenReview",
            "spec": {"token": token},
        },
    )
    assert review.status_code == 201, review.text
    status = review.json()["status"]
    assert status["authenticated"] is True
    assert status["user"]["username"] == "system:serviceaccount:default:reviewed"
    bad = http.post(
        "/apis/authentication.k8s.io/v1/tokenreviews", json={"spec": {"token": "garbage"}}
    ).json()["status"]
    assert "authenticated" not in bad and bad["error"]

    sar = http.post(
        "/apis/authorization.k8s.io/v1/subjectaccessreviews",
        json={
            "spec": {
                "user": "bob",
                "groups": ["system:masters"],
                "resourceAttributes": {"verb": "delete", "resource": "nodes"},
            }
        },
    )
    assert sar.status_code == 201 and sar.json()["status"]["allowed"] is True
    local = http.post(
        "/apis/authorization.k8s.io/v1/namespaces/default/localsubjectaccessreviews",
        json={
            "spec": {
                "user": "bob",
                "resourceAttributes": {"verb": "get", "resource": "pods", "namespace": "other"},
            }
        },
    )
    assert local.status_code == 422
    assert local.json()["reason"] == "Invalid"


def test_review_kinds_are_in_discovery_and_openapi(http: httpx.Client):
    resources = http.get("/apis/authorization.k8s.io/v1").json()["resources"]
    verbs = {r["name"]: r["verbs"] for r in resources}
    assert verbs["selfsubjectaccessreviews"] == ["create"]
    assert verbs["localsubjectaccessreviews"] == ["create"]
    index = http.get("/openapi/v3").json()["paths"]
    assert "apis/authentication.k8s.io/v1" in index
