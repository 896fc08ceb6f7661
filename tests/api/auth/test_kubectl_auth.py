"""Authentication and RBAC as kubectl sees them: ServiceAccount tokens, client
certificates, impersonation, `auth can-i`, `auth whoami`, `create token`."""

from __future__ import annotations

import gc
import time

import pytest

from .conftest import AuthLab

FORBIDDEN_CREATE = (
    'Error from server (Forbidden): pods is forbidden: User "system:serviceaccount:default:'
    'viewer" cannot create resource "pods" in API group "" in the namespace "default"'
)


@pytest.fixture(scope="module")
def viewer(authlab: AuthLab) -> str:
    return authlab.service_account("viewer", "view")


def test_a_view_service_account_reads_but_cannot_write(authlab: AuthLab, viewer: str):
    authlab.ok("run", "web", "--image=nginx")
    assert "web" in authlab.ok("get", "pods", token=viewer)
    assert authlab.fails("run", "x", "--image=nginx", token=viewer).strip() == FORBIDDEN_CREATE
    assert authlab.fails("delete", "pod", "web", token=viewer).strip() == (
        'Error from server (Forbidden): pods "web" is forbidden: User "system:serviceaccount:'
        'default:viewer" cannot delete resource "pods" in API group "" in the namespace "default"'
    )
    assert authlab.fails("get", "nodes", token=viewer).strip() == (
        'Error from server (Forbidden): nodes is forbidden: User "system:serviceaccount:'
        'default:viewer" cannot list resource "nodes" in API group "" at the cluster scope'
    )


def test_auth_can_i_answers_yes_and_no(authlab: AuthLab, viewer: str):
    assert authlab.ok("auth", "can-i", "get", "pods", token=viewer).strip() == "yes"
    assert authlab.ok("auth", "can-i", "get", "pods/log", token=viewer).strip() == "yes"
    result = authlab.kubectl("auth", "can-i", "create", "pods", token=viewer)
    assert (result.returncode, result.stdout.strip()) == (1, "no")
    assert authlab.ok("auth", "can-i", "create", "deployments").strip() == "yes"  # the admin
    listing = authlab.ok("auth", "can-i", "--list", token=viewer)
    lines = {" ".join(line.split()) for line in listing.splitlines()}
    assert "pods [] [] [get list watch]" in lines
    assert "deployments.apps [] [] [get list watch]" in lines
    assert "selfsubjectaccessreviews.authorization.k8s.io [] [] [create]" in lines
    assert "[/api/*] [] [get]" in lines


def test_auth_whoami_for_a_token_and_the_admin(authlab: AuthLab, viewer: str):
    out = authlab.ok("auth", "whoami", token=viewer)
    assert "system:serviceaccount:default:viewer" in out
    assert "[system:serviceaccounts system:serviceaccounts:default system:authenticated]" in out
    admin = authlab.ok("auth", "whoami")
    assert "kubernetes-admin" in admin and "system:masters" in admin


def test_impersonation_with_as(authlab: AuthLab, viewer: str):
    assert authlab.fails("--as=jane", "get", "pods").strip() == (
        'Error from server (Forbidden): pods is forbidden: User "jane" cannot list resource '
        '"pods" in API group "" in the namespace "default"'
    )
    assert "web" in authlab.ok("--as=system:serviceaccount:default:viewer", "get", "pods")
    result = authlab.kubectl("--as=jane", "auth", "can-i", "get", "pods")
    assert result.stdout.strip() == "no"
    # impersonating needs the impersonate verb, which a viewer does not have
    assert authlab.fails("--as=jane", "get", "pods", token=viewer).strip() == (
        'Error from server (Forbidden): users "jane" is forbidden: User "system:serviceaccount:'
        'default:viewer" cannot impersonate resource "users" in API group "" at the cluster scope'
    )


def test_a_client_certificate_user_is_its_cn_in_its_organizations(authlab: AuthLab):
    authlab.ok("create", "clusterrolebinding", "readers", "--clusterrole=view", "--group=readers")
    context = authlab.certificate_context("alice", ["readers"])
    out = authlab.ok("--context", context, "auth", "whoami")
    assert "alice" in out and "[readers system:authenticated]" in out
    assert "web" in authlab.ok("--context", context, "get", "pods")
    assert authlab.fails("--context", context, "delete", "pod", "web").strip() == (
        'Error from server (Forbidden): pods "web" is forbidden: User "alice" cannot delete '
        'resource "pods" in API group "" in the namespace "default"'
    )


def test_a_deleted_service_accounts_token_stops_working(authlab: AuthLab):
    token = authlab.service_account("shortlived", "view")
    authlab.ok("get", "pods", token=token)
    authlab.ok("delete", "serviceaccount", "shortlived")
    deadline = time.monotonic() + 5
    while True:
        result = authlab.kubectl("get", "pods", token=token)
        if result.returncode != 0 or time.monotonic() > deadline:
            break
    assert "error: You must be logged in to the server (Unauthorized)" in result.stderr


def test_a_token_of_another_issuer_or_garbage_is_unauthorized(authlab: AuthLab):
    for token in ("not-a-token", "a.b.c"):
        stderr = authlab.fails("get", "pods", token=token)
        assert "Unauthorized" in stderr


def test_the_official_python_client_with_a_service_account_token(authlab: AuthLab, viewer: str):
    kubernetes = pytest.importorskip("kubernetes")
    assert authlab.cluster.pki is not None
    config = kubernetes.client.Configuration()
    config.host = authlab.cluster.url
    config.ssl_ca_cert = str(authlab.cluster.pki.ca_cert_file)
    config.api_key = {"authorization": f"Bearer {viewer}"}
    with kubernetes.client.ApiClient(config) as client:
        core = kubernetes.client.CoreV1Api(client)
        names = [p.metadata.name for p in core.list_namespaced_pod("default").items]
        assert "web" in names
        with pytest.raises(kubernetes.client.ApiException) as raised:
            core.create_namespaced_config_map("default", {"metadata": {"name": "nope"}, "data": {}})
        assert raised.value.status == 403
        review = kubernetes.client.AuthorizationV1Api(client).create_self_subject_access_review(
            {
                "spec": {
                    "resourceAttributes": {
                        "verb": "list",
                        "resource": "pods",
                        "namespace": "default",
                    }
                }
            }
        )
        assert review.status.allowed is True
        assert 'ClusterRole "view"' in review.status.reason
        # An idle TLS connection of this process would hold the server's graceful stop.
        del raised
        client.rest_client.pool_manager.clear()
    gc.collect()
