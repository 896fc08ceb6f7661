"""Field selectors: parsing, escaping, per-kind support and matching against objects."""

from __future__ import annotations

import pytest

from engine.api.selectors import (
    SelectorError,
    compile_field_selector,
    escape_value,
    fields_of,
    parse_field_selector,
)

ONLY_META = 'only "metadata.name", "metadata.namespace"'
RUNNING_POD = {
    "metadata": {"name": "web-1", "namespace": "default"},
    "spec": {
        "nodeName": "node-a",
        "restartPolicy": "Always",
        "schedulerName": "default-scheduler",
        "serviceAccountName": "default",
    },
    "status": {"phase": "Running", "podIP": "10.0.0.5", "podIPs": [{"ip": "10.0.0.5"}]},
}
DONE_POD = {
    "metadata": {"name": "job-1", "namespace": "default"},
    "spec": {"nodeName": "node-a"},
    "status": {"phase": "Succeeded"},
}
FAILED_POD = {
    "metadata": {"name": "bad", "namespace": "default"},
    "spec": {"nodeName": "node-a"},
    "status": {"phase": "Failed"},
}


def pods_matching(text: str, pods: list[dict]) -> list[str]:
    sel = compile_field_selector(text, "", "v1", "Pod")
    return [p["metadata"]["name"] for p in pods if sel.matches(fields_of("", "Pod", p))]


def test_describe_node_selector_keeps_only_non_terminal_pods() -> None:
    # what `kubectl describe node node-a` sends
    text = "spec.nodeName=node-a,status.phase!=Succeeded,status.phase!=Failed"
    assert pods_matching(text, [RUNNING_POD, DONE_POD, FAILED_POD]) == ["web-1"]


def test_equality_forms_and_names() -> None:
    pods = [RUNNING_POD, DONE_POD]
    assert pods_matching("metadata.name=web-1", pods) == ["web-1"]
    assert pods_matching("metadata.name==web-1", pods) == ["web-1"]
    assert pods_matching("metadata.name!=web-1", pods) == ["job-1"]
    assert pods_matching("metadata.namespace=default", pods) == ["web-1", "job-1"]
    assert pods_matching("status.podIP=10.0.0.5", pods) == ["web-1"]
    assert pods_matching("spec.hostNetwork=false", pods) == ["web-1", "job-1"]
    assert pods_matching("", pods) == ["web-1", "job-1"]


def test_spec_host_is_the_old_name_of_spec_node_name() -> None:
    sel = compile_field_selector("spec.host=node-a", "", "v1", "Pod")
    assert str(sel) == "spec.nodeName=node-a"


def test_empty_values_match_missing_fields() -> None:
    # `kubectl describe node` lists node events with involvedObject.namespace= (empty)
    node_event = {
        "metadata": {"name": "n.1", "namespace": "default"},
        "involvedObject": {"kind": "Node", "name": "node-a"},
    }
    pod_event = {
        "metadata": {"name": "p.1", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web-1", "namespace": "default"},
    }
    sel = compile_field_selector(
        "involvedObject.kind=Node,involvedObject.namespace=", "", "v1", "Event"
    )
    assert sel.matches(fields_of("", "Event", node_event))
    assert not sel.matches(fields_of("", "Event", pod_event))
    not_empty = compile_field_selector("involvedObject.namespace!=", "", "v1", "Event")
    assert not_empty.matches(fields_of("", "Event", pod_event))
    assert not not_empty.matches(fields_of("", "Event", node_event))


def test_describe_pod_event_selector() -> None:
    event = {
        "metadata": {"name": "web-1.17", "namespace": "default"},
        "involvedObject": {
            "kind": "Pod",
            "name": "web-1",
            "namespace": "default",
            "uid": "u-1",
            "apiVersion": "v1",
            "fieldPath": "spec.containers{web}",
        },
        "reason": "Pulled",
        "type": "Normal",
        "source": {"component": "kubelet"},
    }
    sel = compile_field_selector(
        "involvedObject.name=web-1,involvedObject.namespace=default,involvedObject.uid=u-1",
        "",
        "v1",
        "Event",
    )
    assert sel.matches(fields_of("", "Event", event))
    other = dict(event, involvedObject=dict(event["involvedObject"], uid="u-2"))
    assert not sel.matches(fields_of("", "Event", other))
    fields = fields_of("", "Event", event)
    assert fields["source"] == "kubelet"
    assert fields["involvedObject.fieldPath"] == "spec.containers{web}"


def test_escaped_values() -> None:
    sel = parse_field_selector(r"metadata.name=a\,b\=c\\d")
    assert sel.terms[0].value == "a,b=c\\d"
    assert str(sel) == r"metadata.name=a\,b\=c\\d"
    assert escape_value("x=y,z") == r"x\=y\,z"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("metadata.name", "invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
        ("a=1,b", "invalid selector: 'a=1,b'; can't understand 'b'"),
        (r"a=x\y", r"invalid field selector: invalid escape sequence: \y"),
        ("a=x\\", "invalid field selector: invalid escape sequence: \\"),
        ("a=b=c", "invalid field selector: unescaped character in value: 61"),
    ],
)
def test_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        parse_field_selector(text)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("group", "kind", "text", "message"),
    [
        ("", "Pod", "spec.containers=x", "field label not supported: spec.containers"),
        ("", "Pod", "status.phase = Running", "field label not supported: status.phase "),
        ("", "Node", "metadata.namespace=", "field label not supported: metadata.namespace"),
        ("", "Namespace", "metadata.namespace=x", "field label not supported: metadata.namespace"),
        ("", "Event", "regarding.kind=Pod", "field label not supported: regarding.kind"),
        (
            "events.k8s.io",
            "Event",
            "involvedObject.kind=Pod",
            "field label not supported: involvedObject.kind",
        ),
        (
            "batch",
            "Job",
            "spec.parallelism=1",
            'field label "spec.parallelism" not supported for Job',
        ),
        (
            "apps",
            "Deployment",
            "spec.replicas=1",
            '"spec.replicas" is not a known field selector: ' + ONLY_META,
        ),
        (
            "apps",
            "ReplicaSet",
            "status.replicas=0",
            '"status.replicas" is not a known field selector: ' + ONLY_META,
        ),
    ],
)
def test_unsupported_fields_per_kind(group: str, kind: str, text: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        compile_field_selector(text, group, "v1", kind)
    assert caught.value.message == message


def test_first_unsupported_field_in_sorted_order_is_reported() -> None:
    with pytest.raises(SelectorError, match="field label not supported: b.x"):
        compile_field_selector("z.y=1,b.x=2", "", "v1", "Pod")


@pytest.mark.parametrize(
    ("group", "kind", "text"),
    [
        (
            "",
            "Pod",
            "spec.restartPolicy=Always,spec.schedulerName=x,spec.serviceAccountName=y,"
            "status.nominatedNodeName=,status.podIPs=1.2.3.4",
        ),
        ("", "Node", "spec.unschedulable=true,metadata.name=n"),
        ("", "Namespace", "status.phase=Active"),
        ("", "Secret", "type=kubernetes.io/tls"),
        ("", "Service", "spec.clusterIP=None,spec.type=ClusterIP"),
        ("", "ReplicationController", "status.replicas=1"),
        (
            "",
            "Event",
            "reason=Started,reportingComponent=kubelet,source=kubelet,type=Normal,"
            "involvedObject.apiVersion=v1,involvedObject.resourceVersion=1",
        ),
        ("batch", "Job", "status.successful=1"),
        ("certificates.k8s.io", "CertificateSigningRequest", "spec.signerName=x"),
        ("apps", "Deployment", "metadata.name=d,metadata.namespace=ns"),
        ("", "ConfigMap", "metadata.name=c"),
    ],
)
def test_supported_fields_per_kind(group: str, kind: str, text: str) -> None:
    compile_field_selector(text, group, "v1", kind)


def test_events_k8s_io_fields_are_renamed_to_the_stored_core_names() -> None:
    event = {
        "metadata": {"name": "e", "namespace": "default"},
        "regarding": {"kind": "Node", "name": "node-a"},
        "reportingController": "kubelet",
        "reason": "NodeReady",
        "type": "Normal",
    }
    sel = compile_field_selector(
        "regarding.kind=Node,regarding.name=node-a,reportingController=kubelet",
        "events.k8s.io",
        "v1",
        "Event",
    )
    assert (
        str(sel) == "involvedObject.kind=Node,involvedObject.name=node-a,reportingComponent=kubelet"
    )
    assert sel.matches(fields_of("events.k8s.io", "Event", event))


@pytest.mark.parametrize(
    ("group", "kind", "obj", "expected"),
    [
        (
            "",
            "Node",
            {"metadata": {"name": "n"}, "spec": {"unschedulable": True}},
            {"metadata.name": "n", "spec.unschedulable": "true"},
        ),
        (
            "",
            "Node",
            {"metadata": {"name": "n"}},
            {"metadata.name": "n", "spec.unschedulable": "false"},
        ),
        (
            "",
            "Namespace",
            {"metadata": {"name": "ns"}, "status": {"phase": "Terminating"}},
            {"metadata.name": "ns", "status.phase": "Terminating"},
        ),
        (
            "",
            "Secret",
            {"metadata": {"name": "s", "namespace": "d"}, "type": "Opaque"},
            {"metadata.name": "s", "metadata.namespace": "d", "type": "Opaque"},
        ),
        (
            "",
            "Service",
            {
                "metadata": {"name": "s", "namespace": "d"},
                "spec": {"clusterIP": "10.96.0.1", "type": "ClusterIP"},
            },
            {
                "metadata.name": "s",
                "metadata.namespace": "d",
                "spec.clusterIP": "10.96.0.1",
                "spec.type": "ClusterIP",
            },
        ),
        (
            "",
            "ReplicationController",
            {"metadata": {"name": "r", "namespace": "d"}, "status": {"replicas": 2}},
            {"metadata.name": "r", "metadata.namespace": "d", "status.replicas": "2"},
        ),
        (
            "batch",
            "Job",
            {"metadata": {"name": "j", "namespace": "d"}, "status": {}},
            {"metadata.name": "j", "metadata.namespace": "d", "status.successful": "0"},
        ),
        (
            "apps",
            "Deployment",
            {"metadata": {"name": "d", "namespace": "x"}},
            {"metadata.name": "d", "metadata.namespace": "x"},
        ),
    ],
)
def test_fields_of(group: str, kind: str, obj: dict, expected: dict[str, str]) -> None:
    assert fields_of(group, kind, obj) == expected


def test_pod_fields_read_the_first_pod_ip_and_default_host_network() -> None:
    pod = {
        "metadata": {"name": "p", "namespace": "d"},
        "spec": {"hostNetwork": True},
        "status": {"podIPs": [{"ip": "fd00::1"}, {"ip": "10.0.0.1"}], "podIP": "fd00::1"},
    }
    fields = fields_of("", "Pod", pod)
    assert fields["status.podIP"] == "fd00::1"
    assert fields["spec.hostNetwork"] == "true"
    assert fields["spec.nodeName"] == ""


def test_custom_resource_selectable_fields() -> None:
    widget = {"metadata": {"name": "w", "namespace": "d"}, "spec": {"color": "blue", "size": 3}}
    selectable = [".spec.color", ".spec.size"]
    sel = compile_field_selector(
        "spec.color=blue,spec.size=3", "example.com", "v1", "Widget", selectable
    )
    assert sel.matches(fields_of("example.com", "Widget", widget, selectable))
    with pytest.raises(SelectorError, match="field label not supported: spec.shape"):
        compile_field_selector("spec.shape=round", "example.com", "v1", "Widget", selectable)


def test_requires_exact_match() -> None:
    sel = parse_field_selector("spec.nodeName=n1,status.phase!=Failed")
    assert sel.requires_exact_match("spec.nodeName") == "n1"
    assert sel.requires_exact_match("status.phase") is None
