"""Unknown and duplicate fields, and the messages kube-apiserver gives for them."""

from __future__ import annotations

import copy
from typing import Any

import orjson
import pytest

from engine.api.openapi import (
    FieldIssue,
    SchemaLookup,
    apply_field_error,
    custom_resource_schemas,
    duplicate_fields,
    strict_decoding_error,
    strict_field_errors,
    unknown_fields,
    warning_headers,
)

DEPLOYMENT_GVK = ("apps", "v1", "Deployment")
POD_GVK = ("", "v1", "Pod")

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "name": "web",
        "labels": {"app": "web", "any-label/is-fine": "x"},
        "annotations": {"note": "fine"},
        "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:spec": {"f:replicas": {}}}}],
    },
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx",
                        "ports": [{"containerPort": 80, "protocol": "TCP"}],
                        "resources": {"limits": {"cpu": "1", "memory": "64Mi"}},
                        "env": [{"name": "A", "value": "1"}],
                    }
                ]
            },
        },
    },
    "status": {"replicas": 2},
}


def deployment(**changes: Any) -> dict[str, Any]:
    obj = copy.deepcopy(DEPLOYMENT)
    for dotted, value in changes.items():
        node = obj
        *parents, last = dotted.split("__")
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    return obj


def test_a_valid_deployment_has_no_unknown_fields(lookup: SchemaLookup) -> None:
    assert unknown_fields(lookup, DEPLOYMENT_GVK, DEPLOYMENT) == []
    assert strict_field_errors(lookup, DEPLOYMENT_GVK, orjson.dumps(DEPLOYMENT)) == []


def test_top_level_unknown_field(lookup: SchemaLookup) -> None:
    assert unknown_fields(lookup, DEPLOYMENT_GVK, deployment(extra=1)) == ["extra"]
    assert unknown_fields(lookup, DEPLOYMENT_GVK, deployment(spec__foo=1)) == ["spec.foo"]


def test_unknown_field_in_a_container_of_the_list(lookup: SchemaLookup) -> None:
    obj = deployment(spec__template__spec__containers__0__imagePullPolcy="Always")
    assert unknown_fields(lookup, DEPLOYMENT_GVK, obj) == [
        "spec.template.spec.containers[0].imagePullPolcy"
    ]
    obj["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPortZ"] = 1
    assert unknown_fields(lookup, DEPLOYMENT_GVK, obj) == [  # in body order
        "spec.template.spec.containers[0].ports[0].containerPortZ",
        "spec.template.spec.containers[0].imagePullPolcy",
    ]


def test_unknown_field_inside_metadata(lookup: SchemaLookup) -> None:
    obj = deployment(metadata__unknownMeta="foo")
    assert unknown_fields(lookup, DEPLOYMENT_GVK, obj) == ["metadata.unknownMeta"]
    obj = deployment(spec__template__metadata__labelz={"a": "b"})
    assert unknown_fields(lookup, DEPLOYMENT_GVK, obj) == ["spec.template.metadata.labelz"]


def test_field_names_are_case_sensitive(lookup: SchemaLookup) -> None:
    assert unknown_fields(lookup, DEPLOYMENT_GVK, deployment(Spec={})) == ["Spec"]


def test_maps_and_free_form_fields_take_any_key(lookup: SchemaLookup) -> None:
    # labels/annotations/limits are additionalProperties maps; fieldsV1 and a
    # ControllerRevision's data are free-form (FieldsV1, RawExtension).
    revision = {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {"name": "r"},
        "revision": 1,
        "data": {"anything": {"goes": [1, 2]}},
    }
    assert unknown_fields(lookup, ("apps", "v1", "ControllerRevision"), revision) == []
    assert unknown_fields(lookup, DEPLOYMENT_GVK, DEPLOYMENT) == []


def test_wrong_types_are_left_to_validation(lookup: SchemaLookup) -> None:
    obj = deployment(spec__replicas={"not": "a number"})
    assert unknown_fields(lookup, DEPLOYMENT_GVK, obj) == []


def test_an_unknown_kind_is_not_judged(lookup: SchemaLookup) -> None:
    assert unknown_fields(lookup, ("example.com", "v1", "Nope"), {"foo": 1}) == []


CRON_TAB_SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "properties": {
                "cronSpec": {"type": "string"},
                "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "template": {
                    "type": "object",
                    "x-kubernetes-embedded-resource": True,
                    "properties": {"spec": {"type": "object"}},
                },
            },
        }
    },
}


@pytest.fixture
def crd_lookup(lookup: SchemaLookup) -> SchemaLookup:
    return lookup.extended(
        custom_resource_schemas("stable.example.com", "v1", "CronTab", CRON_TAB_SCHEMA)
    )


def test_custom_resources_preserve_unknown_fields_where_asked(crd_lookup: SchemaLookup) -> None:
    gvk = ("stable.example.com", "v1", "CronTab")
    obj = {
        "apiVersion": "stable.example.com/v1",
        "kind": "CronTab",
        "metadata": {"name": "c", "unknownMeta": 1},
        "spec": {
            "cronSpec": "* * * * */5",
            "extra": {"whatever": {"deep": True}},
            "bogus": 1,
            "template": {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "sub", "unknownSubMeta": "x"},
                "spec": {"free": "form"},
            },
        },
        "unknownField": "x",
    }
    assert unknown_fields(crd_lookup, gvk, obj) == [
        "metadata.unknownMeta",
        "spec.bogus",
        "spec.template.metadata.unknownSubMeta",
        "unknownField",
    ]


def test_duplicate_fields_are_found_in_the_raw_body() -> None:
    raw = b'{"spec": {"replicas": 2, "replicas": 3, "template": {"spec": {"containers": [{"name": "a", "name": "b"}]}}}, "metadata": {"labels": {"x": "1", "x": "2"}}}'
    assert duplicate_fields(raw) == [
        "spec.replicas",
        "spec.template.spec.containers[0].name",
        "metadata.labels.x",
    ]
    assert duplicate_fields(b'{"a": 1, "b": {"a": 1}}') == []


def test_strict_errors_come_in_body_order_with_upstream_wording(lookup: SchemaLookup) -> None:
    # The body of the v1.27 conformance test "should detect unknown and duplicate fields".
    raw = b"""{"apiVersion": "apps/v1", "kind": "Deployment",
      "metadata": {"name": "my-dep", "labels": {"app": "nginx"}},
      "spec": {"unknownField": "foo", "replicas": 2, "replicas": 3,
        "selector": {"matchLabels": {"app": "nginx"}},
        "template": {"metadata": {"labels": {"app": "nginx"}},
          "spec": {"containers": [{"name": "nginx", "image": "nginx:latest"}]}}}}"""
    issues = strict_field_errors(lookup, DEPLOYMENT_GVK, raw)
    assert issues == [
        FieldIssue("unknown", "spec.unknownField"),
        FieldIssue("duplicate", "spec.replicas"),
    ]
    error = strict_decoding_error("Deployment", "v1", issues)
    assert (error.code, error.reason) == (400, "BadRequest")
    assert error.message == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error:'
        ' unknown field "spec.unknownField", duplicate field "spec.replicas"'
    )


def test_the_same_unknown_field_is_reported_once(lookup: SchemaLookup) -> None:
    raw = b'{"kind": "Pod", "foo": 1, "foo": 2}'
    assert [i.message for i in strict_field_errors(lookup, POD_GVK, raw)] == ['unknown field "foo"']


def test_warn_mode_headers(lookup: SchemaLookup) -> None:
    issues = strict_field_errors(lookup, POD_GVK, b'{"spec": {"foo": 1}}')
    assert warning_headers(issues) == [(b"warning", b'299 - "unknown field \\"spec.foo\\""')]


def test_apply_style_paths_and_message(lookup: SchemaLookup) -> None:
    obj = deployment(spec__bogus=1, spec__template__spec__containers__0__foo=1)
    obj["spec"]["template"]["spec"]["containers"][0]["ports"][0]["bar"] = 1
    paths = unknown_fields(lookup, DEPLOYMENT_GVK, obj, apply_style=True)
    assert paths == [
        '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"].bar',
        '.spec.template.spec.containers[name="web"].foo',
        ".spec.bogus",
    ]
    error = apply_field_error("default", "web", "apps", "v1", "Deployment", paths[2:])
    assert error.code == 500
    assert error.message == (
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment):"
        " .spec.bogus: field not declared in schema"
    )
    several = apply_field_error("", "n", "", "v1", "Node", [".a", ".b"]).message
    assert several == (
        "failed to create typed patch object (/n; /v1, Kind=Node): errors:\n"
        "  .a: field not declared in schema\n  .b: field not declared in schema"
    )
