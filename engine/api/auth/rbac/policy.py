"""The bootstrap RBAC policy (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), for the
kinds this engine serves: the user-facing roles (cluster-admin, admin, edit, view and the
system:aggregate-to-* roles they aggregate), discovery and public info, and the roles of
the engine's own components with their bindings.

Rules are written compactly as (apiGroups, resources, verbs[, resourceNames]).
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]
RBAC_GROUP = "rbac.authorization.k8s.io"
AUTOUPDATE = "rbac.authorization.kubernetes.io/autoupdate"
BOOTSTRAPPING = {"kubernetes.io/bootstrapping": "rbac-defaults"}
AGGREGATE = "rbac.authorization.k8s.io/aggregate-to-"

READ = ("get", "list", "watch")
WRITE = ("create", "delete", "deletecollection", "patch", "update")
ALL_VERBS = (*WRITE, *READ)
EVENTS = ("create", "patch", "update")

RuleSpec = tuple[Any, ...]


def rule(
    groups: str | tuple[str, ...],
    resources: tuple[str, ...],
    verbs: tuple[str, ...],
    names: tuple[str, ...] = (),
) -> Obj:
    out: Obj = {
        "verbs": list(verbs),
        "apiGroups": [groups] if isinstance(groups, str) else list(groups),
        "resources": list(resources),
    }
    if names:
        out["resourceNames"] = list(names)
    return out


def urls(paths: tuple[str, ...], verbs: tuple[str, ...] = ("get",)) -> Obj:
    return {"verbs": list(verbs), "nonResourceURLs": list(paths)}


def cluster_role(
    name: str, rules: list[Obj], *, aggregate_to: tuple[str, ...] = (), aggregate_from: str = ""
) -> Obj:
    labels = dict(BOOTSTRAPPING)
    for target in aggregate_to:
        labels[AGGREGATE + target] = "true"
    role: Obj = {
        "apiVersion": f"{RBAC_GROUP}/v1",
        "kind": "ClusterRole",
        "metadata": {"name": name, "labels": labels, "annotations": {AUTOUPDATE: "true"}},
    }
    if aggregate_from:
        role["aggregationRule"] = {
            "clusterRoleSelectors": [{"matchLabels": {AGGREGATE + aggregate_from: "true"}}]
        }
        role["rules"] = []
    else:
        role["rules"] = rules
    return role


def cluster_role_binding(role: str, subjects: list[tuple[str, str]], name: str = "") -> Obj:
    return {
        "apiVersion": f"{RBAC_GROUP}/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {
            "name": name or role,
            "labels": dict(BOOTSTRAPPING),
            "annotations": {AUTOUPDATE: "true"},
        },
        "roleRef": {"apiGroup": RBAC_GROUP, "kind": "ClusterRole", "name": role},
        "subjects": [
            {"kind": kind, "apiGroup": RBAC_GROUP, "name": subject} for kind, subject in subjects
        ],
    }


def _aggregate_to_view() -> list[Obj]:
    return [
        rule(
            "",
            (
                "configmaps",
                "endpoints",
                "persistentvolumeclaims",
                "persistentvolumeclaims/status",
                "pods",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "serviceaccounts",
                "services",
                "services/status",
            ),
            READ,
        ),
        rule(
            "",
            (
                "bindings",
                "events",
                "limitranges",
                "namespaces/status",
                "pods/log",
                "pods/status",
                "replicationcontrollers/status",
                "resourcequotas",
                "resourcequotas/status",
            ),
            READ,
        ),
        rule("", ("namespaces",), READ),
        rule("discovery.k8s.io", ("endpointslices",), READ),
        rule(
            "apps",
            (
                "controllerrevisions",
                "daemonsets",
                "daemonsets/status",
                "deployments",
                "deployments/scale",
                "deployments/status",
                "replicasets",
                "replicasets/scale",
                "replicasets/status",
                "statefulsets",
                "statefulsets/scale",
                "statefulsets/status",
            ),
            READ,
        ),
        rule("autoscaling", ("horizontalpodautoscalers", "horizontalpodautoscalers/status"), READ),
        rule("batch", ("cronjobs", "cronjobs/status", "jobs", "jobs/status"), READ),
        rule("policy", ("poddisruptionbudgets", "poddisruptionbudgets/status"), READ),
        rule("networking.k8s.io", ("ingresses", "ingresses/status", "networkpolicies"), READ),
    ]


def _aggregate_to_edit() -> list[Obj]:
    pods_sub = ("pods/attach", "pods/exec", "pods/portforward", "pods/proxy")
    return [
        rule("", (*pods_sub, "secrets", "services/proxy"), READ),
        rule("", ("serviceaccounts",), ("impersonate",)),
        rule("", ("pods", *pods_sub), WRITE),
        rule("", ("pods/eviction",), ("create",)),
        rule(
            "",
            (
                "configmaps",
                "events",
                "persistentvolumeclaims",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "secrets",
                "serviceaccounts",
                "services",
                "services/proxy",
            ),
            WRITE,
        ),
        rule("", ("serviceaccounts/token",), ("create",)),
        rule(
            "apps",
            (
                "daemonsets",
                "deployments",
                "deployments/rollback",
                "deployments/scale",
                "replicasets",
                "replicasets/scale",
                "statefulsets",
                "statefulsets/scale",
            ),
            WRITE,
        ),
        rule("autoscaling", ("horizontalpodautoscalers",), WRITE),
        rule("batch", ("cronjobs", "jobs"), WRITE),
        rule("policy", ("poddisruptionbudgets",), WRITE),
        rule("networking.k8s.io", ("ingresses", "networkpolicies"), WRITE),
        rule("coordination.k8s.io", ("leases",), ALL_VERBS),
    ]


def _aggregate_to_admin() -> list[Obj]:
    return [
        rule("authorization.k8s.io", ("localsubjectaccessreviews",), ("create",)),
        rule(RBAC_GROUP, ("rolebindings", "roles"), ALL_VERBS),
    ]


def _scheduler() -> list[Obj]:
    return [
        rule(("", "events.k8s.io"), ("events",), EVENTS),
        rule("coordination.k8s.io", ("leases",), ("create",)),
        rule("coordination.k8s.io", ("leases",), ("get", "update"), ("kube-scheduler",)),
        rule("", ("nodes",), READ),
        rule("", ("pods",), ("delete", *READ)),
        rule("", ("bindings", "pods/binding"), ("create",)),
        rule("", ("pods/status",), ("patch", "update")),
        rule("", ("replicationcontrollers", "services"), READ),
        rule("apps", ("replicasets", "statefulsets"), READ),
        rule("policy", ("poddisruptionbudgets",), READ),
        rule("", ("persistentvolumeclaims", "persistentvolumes", "namespaces"), READ),
        rule("authentication.k8s.io", ("tokenreviews",), ("create",)),
        rule("authorization.k8s.io", ("subjectaccessreviews",), ("create",)),
    ]


def _controller_manager() -> list[Obj]:
    return [
        rule(("", "events.k8s.io"), ("events",), EVENTS),
        rule("coordination.k8s.io", ("leases",), ("create",)),
        rule("coordination.k8s.io", ("leases",), ("get", "update"), ("kube-controller-manager",)),
        rule("", ("secrets", "serviceaccounts"), ("create",)),
        rule("", ("secrets",), ("delete",)),
        rule("", ("configmaps", "namespaces", "secrets", "serviceaccounts"), ("get",)),
        rule("", ("secrets", "serviceaccounts"), ("update",)),
        rule("authentication.k8s.io", ("tokenreviews",), ("create",)),
        rule("authorization.k8s.io", ("subjectaccessreviews",), ("create",)),
        rule("*", ("*",), ("list", "watch")),
        rule("", ("serviceaccounts/token",), ("create",)),
    ]


def _engine_controllers() -> list[Obj]:
    """Upstream's controllers each run as their own ServiceAccount with a
    system:controller:* role; this engine's controllers share the controller manager's
    identity, so it also gets the union of what they write."""
    return [
        rule("*", ("*",), ("get", "create", "update", "patch", "delete", "deletecollection")),
        rule("*", ("*/status", "*/finalize", "*/scale"), ("update", "patch")),
    ]


def _node() -> list[Obj]:
    return [
        rule("authentication.k8s.io", ("tokenreviews",), ("create",)),
        rule(
            "authorization.k8s.io",
            ("localsubjectaccessreviews", "subjectaccessreviews"),
            ("create",),
        ),
        rule("", ("services",), READ),
        rule("", ("nodes",), ("create", *READ)),
        rule("", ("nodes/status",), ("patch", "update")),
        rule("", ("nodes",), ("patch", "update")),
        rule("", ("events",), EVENTS),
        rule("", ("pods",), READ),
        rule("", ("pods",), ("create", "delete")),
        rule("", ("pods/status",), ("patch", "update")),
        rule("", ("pods/eviction",), ("create",)),
        rule("", ("configmaps", "secrets"), READ),
        rule("", ("persistentvolumeclaims", "persistentvolumes"), ("get",)),
        rule("", ("endpoints",), ("get",)),
        rule("coordination.k8s.io", ("leases",), ("create", "delete", "get", "patch", "update")),
        rule("", ("serviceaccounts/token",), ("create",)),
        rule("", ("persistentvolumeclaims/status",), ("get", "patch", "update")),
    ]


def _node_proxier() -> list[Obj]:
    return [
        rule("", ("endpoints", "services"), ("list", "watch")),
        rule("", ("nodes",), READ),
        rule(("", "events.k8s.io"), ("events",), EVENTS),
        rule("discovery.k8s.io", ("endpointslices",), ("list", "watch")),
    ]


PUBLIC_PATHS = ("/healthz", "/livez", "/readyz", "/version", "/version/")
DISCOVERY_PATHS = (
    "/api",
    "/api/*",
    "/apis",
    "/apis/*",
    "/healthz",
    "/livez",
    "/openapi",
    "/openapi/*",
    "/readyz",
    "/version",
    "/version/",
)


def cluster_roles() -> list[Obj]:
    return [
        cluster_role("cluster-admin", [rule("*", ("*",), ("*",)), urls(("*",), ("*",))]),
        cluster_role("admin", [], aggregate_from="admin"),
        cluster_role("edit", [], aggregate_from="edit", aggregate_to=("admin",)),
        cluster_role("view", [], aggregate_from="view", aggregate_to=("edit",)),
        cluster_role("system:aggregate-to-admin", _aggregate_to_admin(), aggregate_to=("admin",)),
        cluster_role("system:aggregate-to-edit", _aggregate_to_edit(), aggregate_to=("edit",)),
        cluster_role("system:aggregate-to-view", _aggregate_to_view(), aggregate_to=("view",)),
        cluster_role(
            "system:basic-user",
            [
                rule(
                    "authorization.k8s.io",
                    ("selfsubjectaccessreviews", "selfsubjectrulesreviews"),
                    ("create",),
                ),
                rule("authentication.k8s.io", ("selfsubjectreviews",), ("create",)),
            ],
        ),
        cluster_role("system:discovery", [urls(DISCOVERY_PATHS)]),
        cluster_role("system:public-info-viewer", [urls(PUBLIC_PATHS)]),
        cluster_role(
            "system:auth-delegator",
            [
                rule("authentication.k8s.io", ("tokenreviews",), ("create",)),
                rule("authorization.k8s.io", ("subjectaccessreviews",), ("create",)),
            ],
        ),
        cluster_role(
            "system:monitoring",
            [
                urls(
                    (
                        "/healthz",
                        "/healthz/*",
                        "/livez",
                        "/livez/*",
                        "/metrics",
                        "/metrics/slis",
                        "/readyz",
                        "/readyz/*",
                    )
                )
            ],
        ),
        cluster_role("system:kube-scheduler", _scheduler()),
        cluster_role("system:kube-controller-manager", _controller_manager()),
        cluster_role("system:ktui:engine-controllers", _engine_controllers()),
        cluster_role("system:node", _node()),
        cluster_role("system:node-proxier", _node_proxier()),
    ]


def cluster_role_bindings() -> list[Obj]:
    return [
        cluster_role_binding("cluster-admin", [("Group", "system:masters")]),
        cluster_role_binding("system:basic-user", [("Group", "system:authenticated")]),
        cluster_role_binding("system:discovery", [("Group", "system:authenticated")]),
        cluster_role_binding(
            "system:public-info-viewer",
            [("Group", "system:authenticated"), ("Group", "system:unauthenticated")],
        ),
        cluster_role_binding("system:monitoring", [("Group", "system:monitoring")]),
        cluster_role_binding("system:kube-scheduler", [("User", "system:kube-scheduler")]),
        cluster_role_binding(
            "system:kube-controller-manager", [("User", "system:kube-controller-manager")]
        ),
        cluster_role_binding(
            "system:ktui:engine-controllers", [("User", "system:kube-controller-manager")]
        ),
        # Upstream leaves system:node to the Node authorizer; without one, bind the group.
        cluster_role_binding("system:node", [("Group", "system:nodes")]),
        cluster_role_binding("system:node-proxier", [("User", "system:kube-proxy")]),
    ]
