"""The registry of kinds: declarations, store keys, defaulting and validation messages."""

from __future__ import annotations

import pytest

from engine.registry import builtin_registry
from engine.registry.defaults.pod import image_pull_policy, qos_class
from engine.registry.field_errors import aggregate
from engine.registry.validation.meta import validate_object_meta

REGISTRY = builtin_registry()


@pytest.mark.parametrize(
    ("group", "plural", "key"),
    [
        ("", "pods", "/registry/pods/ns/x"),
        ("", "services", "/registry/services/specs/ns/x"),
        ("", "endpoints", "/registry/services/endpoints/ns/x"),
        ("apps", "deployments", "/registry/deployments/ns/x"),
        ("", "replicationcontrollers", "/registry/controllers/ns/x"),
        ("events.k8s.io", "events", "/registry/events/ns/x"),
    ],
)
def test_store_keys_follow_upstream_etcd_layout(group: str, plural: str, key: str):
    rt = REGISTRY.lookup(group, "v1", plural)
    assert rt is not None and rt.key("ns", "x") == key


def test_cluster_scoped_keys_and_node_prefix():
    nodes = REGISTRY.lookup("", "v1", "nodes")
    assert nodes is not None and nodes.key("", "n1") == "/registry/minions/n1"
    crds = REGISTRY.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions")
    assert (
        crds is not None
        and crds.prefix() == "/registry/apiextensions.k8s.io/customresourcedefinitions/"
    )


def test_registry_changes_at_run_time_notify_listeners():
    registry = builtin_registry()
    seen: list[int] = []
    registry.subscribe(lambda r: seen.append(r.generation))
    from engine.registry import ResourceType

    widget = ResourceType("example.com", "v1", "Widget", "widgets", "widget", True)
    registry.add(widget)
    assert registry.lookup("example.com", "v1", "widgets") is widget
    assert widget.key("ns", "w") == "/registry/example.com/widgets/ns/w"
    registry.remove("example.com", "v1", "widgets")
    assert registry.lookup("example.com", "v1", "widgets") is None
    assert len(seen) == 2 and seen[0] < seen[1]


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("reg:5000/app", "Always"),
        ("app@sha256:ab", "IfNotPresent"),
    ],
)
def test_image_pull_policy(image: str, policy: str):
    assert image_pull_policy(image) == policy


def test_qos_class():
    assert qos_class({"containers": [{"name": "c"}]}) == "BestEffort"
    limits = {"cpu": "1", "memory": "1Gi"}
    assert (
        qos_class({"containers": [{"resources": {"limits": limits, "requests": limits}}]})
        == "Guaranteed"
    )
    assert qos_class({"containers": [{"resources": {"requests": {"cpu": "1"}}}]}) == "Burstable"


def test_name_messages_match_upstream():
    pods = REGISTRY.lookup("", "v1", "pods")
    assert pods is not None
    errors = validate_object_meta({"metadata": {"name": "Bad", "namespace": "d"}}, pods)
    assert aggregate(errors) == (
        'metadata.name: Invalid value: "Bad": a lowercase RFC 1123 subdomain must consist of lower '
        "case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric "
        "character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    )


def test_deployment_defaults_and_job_selector():
    deployments = REGISTRY.lookup("apps", "v1", "deployments")
    assert deployments is not None and deployments.strategy is not None
    obj = {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x:1"}]}}}}
    deployments.strategy.default(obj)
    assert obj["spec"]["replicas"] == 1
    assert obj["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert (
        obj["spec"]["progressDeadlineSeconds"] == 600 and obj["spec"]["revisionHistoryLimit"] == 10
    )
    jobs = REGISTRY.lookup("batch", "v1", "jobs")
    assert jobs is not None and jobs.strategy is not None
    job = {
        "metadata": {"name": "j", "uid": "u1"},
        "spec": {"template": {"spec": {"containers": []}}},
    }
    jobs.strategy.prepare_for_create(job)
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "u1"}}
    assert job["spec"]["template"]["metadata"]["labels"]["job-name"] == "j"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"volumeClaimTemplates": 1},
            "spec.volumeClaimTemplates: Invalid value: 1: must be a list",
        ),
        ({"updateStrategy": "x"}, 'spec.updateStrategy: Invalid value: "x": must be an object'),
    ],
)
def test_wrongly_shaped_statefulset_fields_are_field_errors_not_crashes(spec, message):
    from engine.registry.defaults.workloads import default_stateful_set
    from engine.registry.validation.workloads import validate_stateful_set

    obj = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s"}, "spec": spec}
    default_stateful_set(obj)  # must not raise
    assert message in aggregate(validate_stateful_set(obj))
