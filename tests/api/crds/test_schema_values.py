"""Schema validation, pruning and defaulting of custom resources (no server)."""

from __future__ import annotations

from engine.api.crds.structural import apply_defaults, prune
from engine.api.crds.validation import validate_crd
from engine.api.crds.values import validate_object

SCHEMA = {
    "type": "object",
    "properties": {
        "spec": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"},
                "size": {"type": "string", "enum": ["S", "M"], "default": "S"},
                "when": {"type": "string", "format": "date-time"},
                "port": {"x-kubernetes-int-or-string": True},
                "tags": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
                "opt": {"type": "string", "nullable": True},
                "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "ratio": {"type": "number", "minimum": 0, "exclusiveMinimum": True},
            },
        }
    },
}


def messages(obj: dict) -> list[str]:
    return [str(e) for e in validate_object(SCHEMA, obj)]


def test_valid_object_has_no_errors() -> None:
    obj = {
        "apiVersion": "x/v1",
        "kind": "X",
        "metadata": {"name": "a"},
        "spec": {"name": "ab", "port": "http", "when": "2024-01-02T03:04:05Z", "opt": None},
    }
    assert messages(obj) == []


def test_messages_are_upstream() -> None:
    assert messages({"spec": {}}) == ["spec.name: Required value"]
    assert messages({"spec": {"name": 3}}) == [
        'spec.name: Invalid value: "integer": spec.name in body must be of type string: "integer"'
    ]
    assert messages({"spec": {"name": "abcdefg"}}) == [
        "spec.name: Too long: may not be more than 5 bytes"
    ]
    assert messages({"spec": {"name": "a"}}) == [
        'spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long'
    ]
    assert messages({"spec": {"name": "AB"}}) == [
        "spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'"
    ]
    assert messages({"spec": {"name": "ab", "size": "L"}}) == [
        'spec.size: Unsupported value: "L": supported values: "S", "M"'
    ]
    assert messages({"spec": {"name": "ab", "when": "yesterday"}}) == [
        'spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: '
        '"yesterday"'
    ]
    assert messages({"spec": {"name": "ab", "tags": ["a", "b", "c"]}}) == [
        "spec.tags: Too many: 3: must have at most 2 items"
    ]
    assert messages({"spec": {"name": "ab", "tags": [1]}}) == [
        'spec.tags[0]: Invalid value: "integer": spec.tags[0] in body must be of type string: '
        '"integer"'
    ]
    assert messages({"spec": {"name": "ab", "ratio": 0}}) == [
        "spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0"
    ]
    assert messages({"spec": None}) == [
        'spec: Invalid value: "null": spec in body must be of type object: "null"'
    ]


def test_pruning_keeps_declared_and_preserved_fields() -> None:
    obj = {
        "apiVersion": "x/v1",
        "kind": "X",
        "metadata": {"name": "a", "labels": {"k": "v"}},
        "spec": {"name": "ab", "bogus": 1, "free": {"any": {"thing": 1}}, "labels": {"a": "b"}},
        "extra": True,
    }
    assert prune(obj, SCHEMA) == ["spec.bogus", "extra"]
    assert obj["spec"] == {"name": "ab", "free": {"any": {"thing": 1}}, "labels": {"a": "b"}}
    assert obj["metadata"] == {"name": "a", "labels": {"k": "v"}}


def test_defaults() -> None:
    obj: dict = {"spec": {"name": "ab"}}
    apply_defaults(obj, SCHEMA)
    assert obj["spec"]["size"] == "S"


def test_crd_validation_messages() -> None:
    crd = {
        "metadata": {"name": "xs.example"},
        "spec": {
            "group": "example",
            "scope": "Global",
            "names": {"plural": "xs", "singular": "x", "kind": "X", "listKind": "XList"},
            "versions": [{"name": "v1", "served": True, "storage": False}],
        },
    }
    errors = [str(e) for e in validate_crd(crd)]
    assert (
        'spec.group: Invalid value: "example": should be a domain with at least one dot' in errors
    )
    assert (
        'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"'
        in errors
    )
    assert "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required" in errors
    assert any("must have exactly one version marked as storage version" in e for e in errors)
    untyped = {"type": "object", "properties": {"spec": {"properties": {}}}}
    crd["spec"]["versions"] = [
        {"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": untyped}}
    ]
    errors = [str(e) for e in validate_crd(crd)]
    assert (
        "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: "
        "must not be empty for specified object fields"
    ) in errors
