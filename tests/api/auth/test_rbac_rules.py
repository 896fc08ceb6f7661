"""RBAC in isolation: rule matching, request attributes, Forbidden wording, aggregation."""

from __future__ import annotations

from engine.api.app import User
from engine.api.auth.attributes import Attributes, from_request
from engine.api.auth.forbidden import forbidden
from engine.api.auth.rbac.aggregation import pending
from engine.api.auth.rbac.rules import Rule

JANE = User("jane", ("system:authenticated",))


def rule(**kw: list[str]) -> Rule:
    parsed = Rule.parse(kw)
    assert parsed is not None
    return parsed


def attrs(verb: str, resource: str, sub: str = "", name: str = "", group: str = "") -> Attributes:
    return Attributes(JANE, verb, True, group, "v1", resource, sub, "default", name)


def test_verbs_groups_and_resources_match_exactly_or_by_star():
    pods = rule(verbs=["get", "list"], apiGroups=[""], resources=["pods"])
    assert pods.allows(attrs("get", "pods"))
    assert not pods.allows(attrs("delete", "pods"))
    assert not pods.allows(attrs("get", "deployments", group="apps"))
    assert not pods.allows(attrs("get", "pods", sub="log"))  # a subresource is its own name
    anything = rule(verbs=["*"], apiGroups=["*"], resources=["*"])
    assert anything.allows(attrs("deletecollection", "deployments", group="apps"))


def test_subresources_by_name_and_by_star_slash():
    logs = rule(verbs=["get"], apiGroups=[""], resources=["pods/log"])
    assert logs.allows(attrs("get", "pods", sub="log"))
    assert not logs.allows(attrs("get", "pods"))
    statuses = rule(verbs=["update"], apiGroups=["*"], resources=["*/status"])
    assert statuses.allows(attrs("update", "deployments", sub="status", group="apps"))
    assert not statuses.allows(attrs("update", "deployments", group="apps"))


def test_resource_names_restrict_named_requests():
    one = rule(verbs=["get", "list"], apiGroups=[""], resources=["configmaps"], resourceNames=["a"])
    assert one.allows(attrs("get", "configmaps", name="a"))
    assert not one.allows(attrs("get", "configmaps", name="b"))
    assert not one.allows(attrs("list", "configmaps"))


def test_non_resource_urls_with_a_star_suffix():
    discovery = rule(verbs=["get"], nonResourceURLs=["/apis/*", "/version"])
    assert discovery.allows(Attributes(JANE, "get", False, path="/apis/apps/v1"))
    assert discovery.allows(Attributes(JANE, "get", False, path="/version"))
    assert not discovery.allows(Attributes(JANE, "get", False, path="/version/x"))
    assert not discovery.allows(Attributes(JANE, "post", False, path="/apis/x"))
    assert not discovery.allows(attrs("get", "pods"))  # URL rules never grant resources


def test_request_attributes_as_kube_apiserver_parses_them():
    def a(method: str, path: str, query: bytes = b"") -> tuple[str, ...]:
        x = from_request(JANE, method, path, query)
        return (x.verb, x.group, x.resource, x.subresource, x.namespace, x.name)

    assert a("GET", "/api/v1/namespaces/ns/pods") == ("list", "", "pods", "", "ns", "")
    assert a("GET", "/api/v1/pods", b"watch=true") == ("watch", "", "pods", "", "", "")
    assert a("GET", "/api/v1/watch/namespaces/ns/pods/p") == ("watch", "", "pods", "", "ns", "p")
    assert a("GET", "/api/v1/namespaces/ns/pods/p/log") == ("get", "", "pods", "log", "ns", "p")
    assert a("DELETE", "/apis/apps/v1/namespaces/ns/deployments") == (
        "deletecollection",
        "apps",
        "deployments",
        "",
        "ns",
        "",
    )
    assert a("GET", "/api/v1/namespaces/ns/pods", b"fieldSelector=metadata.name%3Dp")[5] == "p"
    assert a("GET", "/api/v1/namespaces/ns") == ("get", "", "namespaces", "", "ns", "ns")
    assert a("PATCH", "/apis/apps/v1/namespaces/ns/deployments/d/scale")[0] == "patch"
    assert not from_request(JANE, "GET", "/apis/apps/v1").resource_request
    assert not from_request(JANE, "GET", "/openapi/v3").resource_request


def test_forbidden_is_worded_as_upstream():
    err = forbidden(attrs("list", "pods"))
    assert err.code == 403 and err.reason == "Forbidden"
    assert err.message == (
        'pods is forbidden: User "jane" cannot list resource "pods" in API group "" '
        'in the namespace "default"'
    )
    assert err.details == {"kind": "pods"}
    named = forbidden(Attributes(JANE, "delete", True, "apps", "v1", "deployments", "", "", "d"))
    assert named.message == (
        'deployments.apps "d" is forbidden: User "jane" cannot delete resource "deployments" '
        'in API group "apps" at the cluster scope'
    )
    assert named.details == {"name": "d", "group": "apps", "kind": "deployments"}
    path = forbidden(Attributes(JANE, "get", False, path="/metrics"))
    assert path.message == 'forbidden: User "jane" cannot get path "/metrics"'


def role(name: str, labels: dict[str, str], rules: list[dict], selector: str = "") -> dict:
    obj: dict = {"metadata": {"name": name, "labels": labels}, "rules": rules}
    if selector:
        obj["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": {selector: "true"}}]}
    return obj


def test_aggregation_unions_the_rules_of_matching_roles_in_name_order():
    read = {"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}
    write = {"verbs": ["create"], "apiGroups": [""], "resources": ["pods"]}
    roles = [
        role("view", {"agg-edit": "true"}, [], selector="agg-view"),
        role("b-extra", {"agg-view": "true"}, [write, read]),
        role("a-base", {"agg-view": "true"}, [read]),
        role("other", {}, [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]),
    ]
    changes = pending(roles)
    assert [(r["metadata"]["name"], rules) for r, rules in changes] == [("view", [read, write])]
    roles[0]["rules"] = [read, write]
    assert pending(roles) == []
