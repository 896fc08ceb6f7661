"""The pure parts of editing: YAML in and out, field paths to lines, object diffs."""

from __future__ import annotations

import pytest

from ktui.actions import field_paths
from ktui.client.errors import api_error
from ktui.model.diff import diff_counts, diff_objects
from ktui.model.yaml_edit import (
    YamlSyntaxError,
    identity_change,
    line_of,
    object_to_yaml,
    parse_object,
    path_parts,
)

OBJ = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "name": "web",
        "resourceVersion": "10",
        "managedFields": [{"manager": "kubectl"}],
        "annotations": {"app.kubernetes.io/name": "web", "note": "line one\nline two\n"},
    },
    "spec": {
        "replicas": 2,
        "template": {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b"}]}},
    },
    "status": {"replicas": 2},
}


def test_yaml_round_trips_without_managed_fields() -> None:
    text = object_to_yaml(OBJ)
    assert "managedFields" not in text
    assert "note: |" in text  # multi-line strings stay readable
    back = parse_object(text)
    assert back["metadata"]["annotations"]["note"] == "line one\nline two\n"
    assert back["spec"] == OBJ["spec"]


def test_field_paths_find_their_lines() -> None:
    text = object_to_yaml(OBJ)
    lines = text.splitlines()
    assert lines[line_of(text, "spec.replicas")].strip() == "replicas: 2"
    image = line_of(text, "spec.template.spec.containers[0].image")
    assert lines[image].strip() == "image: x"
    assert lines[line_of(text, "spec.template.spec.containers[1]")].strip() == "- name: b"
    key = line_of(text, "metadata.annotations[app.kubernetes.io/name]")
    assert lines[key].strip() == "app.kubernetes.io/name: web"
    # A field that is not there points at the deepest parent that is.
    assert lines[line_of(text, "spec.template.spec.containers[0].ports")].strip() == "- name: a"
    assert line_of(text, "nothing.here") is None
    assert path_parts("a.b[0].c") == ["a", "b", 0, "c"]


def test_syntax_errors_carry_their_line() -> None:
    with pytest.raises(YamlSyntaxError) as caught:
        parse_object("a: 1\nb: [2\nc: 3\n")
    assert caught.value.line >= 2 and "line" in str(caught.value)
    with pytest.raises(YamlSyntaxError):
        parse_object("- a\n- b\n")
    with pytest.raises(YamlSyntaxError):
        parse_object("a: 1\n---\nb: 2\n")


def test_identity_cannot_change() -> None:
    edited = parse_object(object_to_yaml(OBJ))
    assert identity_change(OBJ, edited) is None
    edited["metadata"]["name"] = "other"
    assert "metadata.name" in identity_change(OBJ, edited)


def test_diff_leaves_out_server_bookkeeping() -> None:
    new = parse_object(object_to_yaml(OBJ))
    new["metadata"]["resourceVersion"] = "11"
    new["metadata"]["generation"] = 3
    new["status"] = {"replicas": 9}
    assert diff_objects(OBJ, new) == []
    new["spec"]["replicas"] = 5
    lines = diff_objects(OBJ, new)
    assert "-  replicas: 2" in lines and "+  replicas: 5" in lines
    assert diff_counts(lines) == (1, 1)


def test_the_fields_an_error_blames() -> None:
    strict = api_error(
        400,
        b'{"kind":"Status","code":400,"reason":"BadRequest","message":"Deployment in version '
        b'\\"v1\\" cannot be handled as a Deployment: strict decoding error: unknown field '
        b'\\"spec.foo\\", duplicate field \\"spec.replicas\\""}',
    )
    assert field_paths(strict) == ["spec.foo", "spec.replicas"]
    decode = api_error(
        400,
        b'{"kind":"Status","code":400,"reason":"BadRequest","message":"json: cannot unmarshal '
        b'string into Go struct field DeploymentSpec.spec.replicas of type int32"}',
    )
    assert field_paths(decode) == ["spec.replicas"]
    invalid = api_error(
        422,
        b'{"kind":"Status","code":422,"reason":"Invalid","message":"x","details":{"causes":'
        b'[{"field":"spec.template.spec.containers[0].image","message":"Required value"}]}}',
    )
    assert field_paths(invalid) == ["spec.template.spec.containers[0].image"]
