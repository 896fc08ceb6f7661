"""The committed schema data, and the generator that produces it."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from engine.api.openapi import SchemaLookup, builtin_schemas
from engine.api.openapi.schemas import DATA_FILE, load_document

ROOT = Path(__file__).resolve().parents[3]
GENERATOR = ROOT / "tools" / "gen_openapi.py"
DEFINITIONS = "kubernetes_validate/kubernetes-json-schema/v1.32.0-local/_definitions.json"

# Every kind the engine serves (DESIGN.md / the registry), by group, version, kind.
SERVED_KINDS = [
    ("", "v1", kind)
    for kind in [
        "Namespace",
        "Node",
        "Pod",
        "Service",
        "Endpoints",
        "ConfigMap",
        "Secret",
        "ServiceAccount",
        "Event",
        "ReplicationController",
        "LimitRange",
        "ResourceQuota",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "Binding",
        "Status",
        "DeleteOptions",
        "WatchEvent",
        "APIResourceList",
    ]
] + [
    ("apps", "v1", "Deployment"),
    ("apps", "v1", "ReplicaSet"),
    ("apps", "v1", "StatefulSet"),
    ("apps", "v1", "DaemonSet"),
    ("apps", "v1", "ControllerRevision"),
    ("batch", "v1", "Job"),
    ("batch", "v1", "CronJob"),
    ("coordination.k8s.io", "v1", "Lease"),
    ("events.k8s.io", "v1", "Event"),
    ("discovery.k8s.io", "v1", "EndpointSlice"),
    ("rbac.authorization.k8s.io", "v1", "Role"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole"),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding"),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"),
    ("policy", "v1", "PodDisruptionBudget"),
    ("policy", "v1", "Eviction"),
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
    ("autoscaling", "v1", "Scale"),
    ("authorization.k8s.io", "v1", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "v1", "SubjectAccessReview"),
    ("authorization.k8s.io", "v1", "SelfSubjectRulesReview"),
    ("authentication.k8s.io", "v1", "TokenReview"),
    ("authentication.k8s.io", "v1", "SelfSubjectReview"),
]


def walk(node: Any) -> Any:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_every_served_kind_has_a_schema(lookup: SchemaLookup) -> None:
    missing = [gvk for gvk in SERVED_KINDS if lookup.schema_for(*gvk) is None]
    assert missing == []
    assert lookup.name_for("", "v1", "Pod") == "io.k8s.api.core.v1.Pod"
    assert lookup.name_for("apps", "v1", "DeploymentList") == "io.k8s.api.apps.v1.DeploymentList"


def test_data_is_kubernetes_1_32_in_openapi_v3_form() -> None:
    document = load_document()
    assert document["kubernetesVersion"] == "v1.32.0"
    schemas = builtin_schemas()
    refs = set()
    for node in walk(schemas):
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            assert node["$ref"].startswith("#/components/schemas/")
            refs.add(node["$ref"].removeprefix("#/components/schemas/"))
        if isinstance(node, dict) and isinstance(node.get("type"), list):
            pytest.fail(f"JSON-schema style type left: {node['type']}")
    assert refs <= set(schemas)
    assert not any("v1beta" in name or "alpha" in name for name in schemas)
    # v1.32 added pod-level resources; v1.33's container stopSignal is not there.
    assert "resources" in schemas["io.k8s.api.core.v1.PodSpec"]["properties"]
    assert "stopSignal" not in schemas["io.k8s.api.core.v1.Lifecycle"]["properties"]
    assert schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"] == "int-or-string"
    assert schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]["type"] == "string"
    kind = schemas["io.k8s.api.core.v1.Pod"]["properties"]["kind"]
    assert "enum" not in kind and kind["type"] == "string"


def test_patch_and_list_extensions_are_kept() -> None:
    schemas = builtin_schemas()
    ports = schemas["io.k8s.api.core.v1.Container"]["properties"]["ports"]
    assert ports["x-kubernetes-list-map-keys"] == ["containerPort", "protocol"]
    assert ports["x-kubernetes-patch-merge-key"] == "containerPort"
    finalizers = schemas["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"][
        "finalizers"
    ]
    assert finalizers["x-kubernetes-patch-strategy"] == "merge"
    assert finalizers["x-kubernetes-list-type"] == "set"
    node_selector_term = schemas["io.k8s.api.core.v1.NodeSelectorTerm"]
    assert node_selector_term["x-kubernetes-map-type"] == "atomic"


def test_data_loads_lazily_on_first_use() -> None:
    code = (
        "import engine.api.openapi as o, engine.api.openapi.schemas as s\n"
        "assert s._loaded is None\n"
        "o.builtin_lookup()\n"
        "assert s._loaded is not None\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- the generator ----------------------------------------------------------------------


def kv_definitions() -> dict[str, Any]:
    """A few definitions in the shape kubernetes-validate ships them."""
    return {
        "io.k8s.api.apps.v1.Deployment": {
            "description": "Deployment enables declarative updates for Pods and ReplicaSets.",
            "properties": {
                "apiVersion": {"type": ["string", "null"], "enum": ["apps/v1"]},
                "kind": {"type": ["string", "null"], "enum": ["Deployment"]},
                "spec": {
                    "$ref": "#/$defs/io.k8s.api.apps.v1.DeploymentSpec",
                    "description": "Specification of the desired behavior of the Deployment.",
                },
            },
            "type": "object",
            "x-kubernetes-group-version-kind": [
                {"group": "apps", "kind": "Deployment", "version": "v1"}
            ],
        },
        "io.k8s.api.apps.v1.DeploymentSpec": {
            "properties": {
                "replicas": {"format": "int32", "type": ["integer", "null"]},
                "maxSurge": {"$ref": "#/$defs/io.k8s.apimachinery.pkg.util.intstr.IntOrString"},
                "schema": {"$ref": "#/$defs/io.k8s.example.v1.Props"},
            },
            "required": ["selector"],
            "type": ["object", "null"],
        },
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
            "oneOf": [{"type": ["string", "null"]}, {"type": ["integer", "null"]}]
        },
        # A property literally named "$ref", as in JSONSchemaProps.
        "io.k8s.example.v1.Props": {
            "properties": {"$ref": {"type": ["string", "null"]}},
            "type": ["object", "null"],
        },
        "io.k8s.api.apps.v1beta1.Dropped": {"type": "object"},
    }


def fixture_wheel(tmp_path: Path) -> Path:
    wheel = tmp_path / "kubernetes_validate-fixture.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr(DEFINITIONS, json.dumps({"$defs": kv_definitions()}))
    return wheel


def run_generator(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GENERATOR), *map(str, args)], capture_output=True, text=True
    )


def test_generator_is_deterministic_and_converts_to_v3(tmp_path: Path) -> None:
    wheel = fixture_wheel(tmp_path)
    outputs = []
    for name in ("a.json.gz", "b.json.gz"):
        result = run_generator("--wheel", wheel, "--out", tmp_path / name, "--no-verify")
        assert result.returncode == 0, result.stderr
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    schemas = json.loads(gzip.decompress(outputs[0]))["schemas"]
    assert set(schemas) == {
        "io.k8s.api.apps.v1.Deployment",
        "io.k8s.api.apps.v1.DeploymentSpec",
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString",
        "io.k8s.example.v1.Props",
    }
    deployment = schemas["io.k8s.api.apps.v1.Deployment"]
    assert deployment["properties"]["kind"] == {"type": "string"}
    assert deployment["properties"]["spec"] == {
        "allOf": [{"$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec"}],
        "description": "Specification of the desired behavior of the Deployment.",
    }
    spec = schemas["io.k8s.api.apps.v1.DeploymentSpec"]
    assert spec["type"] == "object"
    assert spec["properties"]["replicas"] == {"format": "int32", "type": "integer"}
    assert spec["properties"]["maxSurge"] == {
        "$ref": "#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString"
    }
    assert schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"] == "int-or-string"
    assert schemas["io.k8s.example.v1.Props"]["properties"]["$ref"] == {"type": "string"}


def test_generator_refuses_a_wheel_that_is_not_the_pinned_one(tmp_path: Path) -> None:
    result = run_generator("--wheel", fixture_wheel(tmp_path), "--out", tmp_path / "x.json.gz")
    assert result.returncode != 0
    assert "sha256" in result.stderr
    assert not (tmp_path / "x.json.gz").exists()


@pytest.mark.skipif(
    not os.environ.get("KTUI_KUBERNETES_VALIDATE_WHEEL"),
    reason="set KTUI_KUBERNETES_VALIDATE_WHEEL to the pinned kubernetes-validate wheel",
)
def test_committed_data_matches_the_generator() -> None:
    wheel = os.environ["KTUI_KUBERNETES_VALIDATE_WHEEL"]
    result = run_generator("--wheel", wheel, "--out", DATA_FILE, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
