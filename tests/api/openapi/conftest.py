"""A sample of what the engine's registry serves, as the API layer would describe it."""

from __future__ import annotations

import pytest

from engine.api.openapi import OpenAPIV3, ResourceSpec, SchemaLookup, builtin_lookup

CREATE_ONLY = ("create",)

SERVED: dict[tuple[str, str], list[ResourceSpec]] = {
    ("", "v1"): [
        ResourceSpec("namespaces", "Namespace", False, subresources=("status", "finalize")),
        ResourceSpec("nodes", "Node", False, subresources=("status",)),
        ResourceSpec(
            "pods",
            "Pod",
            True,
            subresources=("status", "binding", "eviction", "log", "exec", "ephemeralcontainers"),
        ),
        ResourceSpec("services", "Service", True, subresources=("status",)),
        ResourceSpec("configmaps", "ConfigMap", True),
        ResourceSpec("serviceaccounts", "ServiceAccount", True, subresources=("token",)),
        ResourceSpec("bindings", "Binding", True, verbs=CREATE_ONLY),
    ],
    ("apps", "v1"): [
        ResourceSpec("deployments", "Deployment", True, subresources=("status", "scale")),
        ResourceSpec("replicasets", "ReplicaSet", True, subresources=("status", "scale")),
        ResourceSpec("statefulsets", "StatefulSet", True, subresources=("status", "scale")),
        ResourceSpec("daemonsets", "DaemonSet", True, subresources=("status",)),
        ResourceSpec("controllerrevisions", "ControllerRevision", True),
    ],
    ("batch", "v1"): [ResourceSpec("jobs", "Job", True, subresources=("status",))],
    ("authorization.k8s.io", "v1"): [
        ResourceSpec("selfsubjectaccessreviews", "SelfSubjectAccessReview", False, CREATE_ONLY)
    ],
}


@pytest.fixture(scope="session")
def lookup() -> SchemaLookup:
    return builtin_lookup()


@pytest.fixture
def service() -> OpenAPIV3:
    svc = OpenAPIV3(server_version="v1.32.4")
    for (group, version), resources in SERVED.items():
        svc.set_group_version(group, version, resources)
    return svc
