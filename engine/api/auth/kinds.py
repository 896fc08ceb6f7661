"""The create-only kinds of authentication.k8s.io/v1 and authorization.k8s.io/v1, declared
in the registry so discovery and OpenAPI list them like every other kind; nothing of them
is stored (reviews.py answers them)."""

from __future__ import annotations

from engine.registry.types import ResourceType

AUTHENTICATION = "authentication.k8s.io"
AUTHORIZATION = "authorization.k8s.io"
REVIEW_GROUPS = frozenset({AUTHENTICATION, AUTHORIZATION})


def review_kinds() -> list[ResourceType]:
    def kind(group: str, name: str, namespaced: bool = False) -> ResourceType:
        plural = name.lower() + "s"
        return ResourceType(
            group,
            "v1",
            name,
            plural,
            name.lower(),
            namespaced,
            verbs=("create",),
            storage_prefix=f"/registry/{group}/{plural}/",  # never written
        )

    return [
        kind(AUTHENTICATION, "SelfSubjectReview"),
        kind(AUTHENTICATION, "TokenReview"),
        kind(AUTHORIZATION, "LocalSubjectAccessReview", namespaced=True),
        kind(AUTHORIZATION, "SelfSubjectAccessReview"),
        kind(AUTHORIZATION, "SelfSubjectRulesReview"),
        kind(AUTHORIZATION, "SubjectAccessReview"),
    ]
