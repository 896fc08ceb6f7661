"""Patch metadata: the built-in table and the OpenAPI reader."""

from __future__ import annotations

from typing import Any

import pytest

from engine.api.patch import (
    FieldMeta,
    TablePatchMeta,
    apply_strategic_merge_patch,
    builtin_patch_meta,
    meta_from_openapi,
    table_from_openapi,
)


@pytest.mark.parametrize(
    ("group", "kind", "path", "expected"),
    [
        ("", "Pod", ("spec", "containers"), FieldMeta("merge", "name")),
        ("", "Pod", ("spec", "containers", "ports"), FieldMeta("merge", "containerPort")),
        ("", "Pod", ("spec", "initContainers", "env"), FieldMeta("merge", "name")),
        (
            "",
            "Pod",
            ("spec", "ephemeralContainers", "volumeMounts"),
            FieldMeta("merge", "mountPath"),
        ),
        ("", "Pod", ("spec", "containers", "volumeDevices"), FieldMeta("merge", "devicePath")),
        ("", "Pod", ("spec", "volumes"), FieldMeta("merge", "name", retain_keys=True)),
        ("", "Pod", ("spec", "imagePullSecrets"), FieldMeta("merge", "name")),
        ("", "Pod", ("spec", "hostAliases"), FieldMeta("merge", "ip")),
        ("", "Pod", ("spec", "topologySpreadConstraints"), FieldMeta("merge", "topologyKey")),
        ("", "Pod", ("spec", "tolerations"), None),
        ("", "Pod", ("spec", "containers", "args"), None),
        ("", "Pod", ("status", "conditions"), FieldMeta("merge", "type")),
        ("", "Pod", ("status", "podIPs"), FieldMeta("merge", "ip")),
        ("", "Pod", ("metadata", "finalizers"), FieldMeta("merge")),
        ("", "Pod", ("metadata", "ownerReferences"), FieldMeta("merge", "uid")),
        ("", "Service", ("spec", "ports"), FieldMeta("merge", "port")),
        ("", "Node", ("status", "addresses"), FieldMeta("merge", "type")),
        ("", "Node", ("spec", "podCIDRs"), FieldMeta("merge")),
        ("", "Node", ("spec", "taints"), None),
        ("", "Endpoints", ("subsets",), None),
        ("", "ConfigMap", ("metadata", "finalizers"), FieldMeta("merge")),
        (
            "apps",
            "Deployment",
            ("spec", "template", "spec", "containers", "env"),
            FieldMeta("merge", "name"),
        ),
        ("apps", "Deployment", ("spec", "strategy"), FieldMeta(retain_keys=True)),
        ("apps", "StatefulSet", ("spec", "template", "metadata", "finalizers"), FieldMeta("merge")),
        ("apps", "DaemonSet", ("status", "conditions"), FieldMeta("merge", "type")),
        (
            "apps",
            "ReplicaSet",
            ("spec", "template", "spec", "volumes"),
            FieldMeta("merge", "name", retain_keys=True),
        ),
        ("batch", "Job", ("spec", "template", "spec", "containers"), FieldMeta("merge", "name")),
        (
            "batch",
            "CronJob",
            ("spec", "jobTemplate", "spec", "template", "spec", "containers", "ports"),
            FieldMeta("merge", "containerPort"),
        ),
        ("batch", "CronJob", ("spec", "template", "spec", "containers"), None),
    ],
)
def test_builtin_table(group: str, kind: str, path: tuple[str, ...], expected: Any) -> None:
    assert builtin_patch_meta(group, kind).lookup(path) == expected


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("merge", "name", FieldMeta("merge", "name")),
        ("merge,retainKeys", "name", FieldMeta("merge", "name", True)),
        ("retainKeys", None, FieldMeta(None, None, True)),
        ("replace", "", FieldMeta("replace")),
        (None, None, FieldMeta()),
    ],
)
def test_field_meta_parse(text: str | None, key: str | None, expected: FieldMeta) -> None:
    assert FieldMeta.parse(text, key) == expected


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# A small OpenAPI v3 document in kube-apiserver's shape: allOf-wrapped refs with defaults,
# array items by ref, a map (additionalProperties) and a self-referencing type.
OPENAPI: dict[str, Any] = {
    "components": {
        "schemas": {
            "io.k8s.api.apps.v1.Deployment": {
                "type": "object",
                "x-kubernetes-group-version-kind": [
                    {"group": "apps", "kind": "Deployment", "version": "v1"}
                ],
                "properties": {
                    "metadata": {"allOf": [ref("meta.ObjectMeta")], "default": {}},
                    "spec": {"allOf": [ref("apps.DeploymentSpec")], "default": {}},
                },
            },
            "meta.ObjectMeta": {
                "type": "object",
                "properties": {
                    "finalizers": {
                        "type": "array",
                        "items": {"type": "string", "default": ""},
                        "x-kubernetes-patch-strategy": "merge",
                    },
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            },
            "apps.DeploymentSpec": {
                "type": "object",
                "properties": {
                    "strategy": {
                        "allOf": [ref("apps.DeploymentStrategy")],
                        "x-kubernetes-patch-strategy": "retainKeys",
                    },
                    "template": {"allOf": [ref("core.PodTemplateSpec")], "default": {}},
                    "schema": ref("JSONSchemaProps"),
                },
            },
            "apps.DeploymentStrategy": {
                "type": "object",
                "properties": {"type": {"type": "string"}},
            },
            "core.PodTemplateSpec": {
                "type": "object",
                "properties": {
                    "metadata": {"allOf": [ref("meta.ObjectMeta")]},
                    "spec": {"allOf": [ref("core.PodSpec")]},
                },
            },
            "core.PodSpec": {
                "type": "object",
                "properties": {
                    "containers": {
                        "type": "array",
                        "items": {"allOf": [ref("core.Container")], "default": {}},
                        "x-kubernetes-patch-strategy": "merge",
                        "x-kubernetes-patch-merge-key": "name",
                    },
                    "volumes": {
                        "type": "array",
                        "items": ref("core.Volume"),
                        "x-kubernetes-patch-strategy": "merge,retainKeys",
                        "x-kubernetes-patch-merge-key": "name",
                    },
                    "tolerations": {"type": "array", "items": {"type": "object"}},
                },
            },
            "core.Container": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "ports": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"containerPort": {"type": "integer"}},
                        },
                        "x-kubernetes-patch-strategy": "merge",
                        "x-kubernetes-patch-merge-key": "containerPort",
                    },
                },
            },
            "core.Volume": {"type": "object", "properties": {"name": {"type": "string"}}},
            "JSONSchemaProps": {
                "type": "object",
                "properties": {
                    "properties": {
                        "type": "object",
                        "additionalProperties": ref("JSONSchemaProps"),
                    },
                    "items": ref("JSONSchemaProps"),
                    "required": {
                        "type": "array",
                        "items": {"type": "string"},
                        "x-kubernetes-patch-strategy": "merge",
                    },
                },
            },
        }
    }
}


def test_table_from_openapi_follows_refs_all_of_and_items() -> None:
    meta = meta_from_openapi(OPENAPI, "apps", "v1", "Deployment")
    assert meta is not None
    assert meta.fields == {
        ("metadata", "finalizers"): FieldMeta("merge"),
        ("spec", "strategy"): FieldMeta(retain_keys=True),
        ("spec", "template", "metadata", "finalizers"): FieldMeta("merge"),
        ("spec", "template", "spec", "containers"): FieldMeta("merge", "name"),
        ("spec", "template", "spec", "containers", "ports"): FieldMeta("merge", "containerPort"),
        ("spec", "template", "spec", "volumes"): FieldMeta("merge", "name", retain_keys=True),
        ("spec", "schema", "required"): FieldMeta("merge"),
    }


def test_openapi_table_agrees_with_the_builtin_table() -> None:
    from_openapi = meta_from_openapi(OPENAPI, "apps", "v1", "Deployment")
    builtin = builtin_patch_meta("apps", "Deployment")
    assert from_openapi is not None
    for path, field in from_openapi.fields.items():
        if path[1] != "schema":
            assert builtin.lookup(path) == field, path


def test_openapi_meta_drives_a_patch() -> None:
    meta = table_from_openapi(OPENAPI["components"]["schemas"], "io.k8s.api.apps.v1.Deployment")
    obj = {"spec": {"template": {"spec": {"containers": [{"name": "a", "image": "1"}]}}}}
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "b"}]}}}}
    out = apply_strategic_merge_patch(obj, patch, meta)
    assert out["spec"]["template"]["spec"]["containers"] == [
        {"name": "b"},
        {"name": "a", "image": "1"},
    ]


def test_unknown_kind_in_openapi() -> None:
    assert meta_from_openapi(OPENAPI, "apps", "v1", "StatefulSet") is None


def test_openapi_v2_definitions() -> None:
    definitions = {
        "Thing": {
            "x-kubernetes-group-version-kind": [{"group": "", "kind": "Thing", "version": "v1"}],
            "properties": {
                "items": {
                    "type": "array",
                    "items": {"$ref": "#/definitions/Item"},
                    "x-kubernetes-patch-strategy": "merge",
                    "x-kubernetes-patch-merge-key": "id",
                }
            },
        },
        "Item": {"properties": {"tags": {"type": "array", "x-kubernetes-patch-strategy": "merge"}}},
    }
    meta = meta_from_openapi({"definitions": definitions}, "", "v1", "Thing")
    assert meta == TablePatchMeta(
        {("items",): FieldMeta("merge", "id"), ("items", "tags"): FieldMeta("merge")}
    )
