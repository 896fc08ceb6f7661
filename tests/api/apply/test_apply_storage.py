"""Apply and Update ownership rules on the storage layer (no HTTP)."""

from __future__ import annotations

import pytest

from engine.api.fieldpath import root_node
from engine.api.status import StatusError
from engine.api.storage.managed_fields import decode, encode, record_update
from engine.api.storage.server_side_apply import _Apply, last_applied_value
from engine.registry import builtin_registry

DEPLOYMENTS = builtin_registry().lookup("apps", "v1", "deployments")


def config(replicas: int | None = 2, **container) -> dict:
    spec: dict = {
        "template": {"spec": {"containers": [{"name": "web", "image": "x", **container}]}},
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": spec}


def run(live: dict, cfg: dict, manager: str, managers: dict | None = None, force: bool = False):
    job = _Apply(DEPLOYMENTS, cfg, manager, force, "", "2025-01-01T00:00:00Z")
    return job.run(live, managers if managers is not None else {})


def test_apply_owns_exactly_the_applied_fields() -> None:
    obj, managers, changed = run({}, config(), "a")
    assert changed
    [entry] = encode(managers)
    assert entry["manager"] == "a" and entry["operation"] == "Apply"
    assert entry["time"] == "2025-01-01T00:00:00Z"
    assert entry["fieldsV1"]["f:spec"]["f:replicas"] == {}
    assert "f:metadata" not in entry["fieldsV1"]  # name is the server's


def test_fields_no_longer_applied_are_removed_unless_shared() -> None:
    obj, managers, _ = run({}, config(), "a")
    obj2, managers, _ = run(obj, config(), "b", managers)  # b shares every field
    obj3, managers, _ = run(obj2, config(replicas=None), "a", managers)
    assert obj3["spec"]["replicas"] == 2  # still b's
    obj4, managers, _ = run(obj3, config(replicas=None), "b", managers)
    assert "replicas" not in obj4["spec"]


def test_conflicts_and_force() -> None:
    obj, managers, _ = run({}, config(), "a")
    with pytest.raises(StatusError) as caught:
        run(obj, config(replicas=3), "b", managers)
    assert caught.value.code == 409
    assert caught.value.message == (
        'Apply failed with 1 conflict: conflict with "a": .spec.replicas'
    )
    obj, managers, _ = run(obj, config(replicas=3), "b", managers, force=True)
    owners = {e["manager"]: e["fieldsV1"]["f:spec"] for e in encode(managers)}
    assert "f:replicas" in owners["b"] and "f:replicas" not in owners["a"]


def test_update_takes_changed_fields_from_appliers() -> None:
    obj, managers, _ = run({}, config(), "a")
    obj["metadata"]["managedFields"] = encode(managers)
    new = {**obj, "spec": {**obj["spec"], "replicas": 5}}
    record_update(
        new, obj, "kubectl-scale", "apps/v1", "2025-01-02T00:00:00Z", "apps", "Deployment"
    )
    by = {e["manager"]: e for e in new["metadata"]["managedFields"]}
    assert by["kubectl-scale"]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in by["a"]["fieldsV1"]["f:spec"]
    # Apply entries sort before Update entries
    assert [e["operation"] for e in new["metadata"]["managedFields"]] == ["Apply", "Update"]
    assert decode(new["metadata"]["managedFields"]).keys()


def test_unchanged_apply_keeps_time() -> None:
    obj, managers, _ = run({}, config(), "a")
    before = encode(managers)
    job = _Apply(DEPLOYMENTS, config(), "a", False, "", "2030-01-01T00:00:00Z")
    _, managers, changed = job.run(obj, decode(before))
    assert not changed and encode(managers) == before


def test_last_applied_is_go_json() -> None:
    cfg = {"kind": "ConfigMap", "apiVersion": "v1", "data": {"k": "<&>"}}
    assert last_applied_value(cfg) == (
        '{"apiVersion":"v1","data":{"k":"\\u003c\\u0026\\u003e"},"kind":"ConfigMap"}\n'
    )


def test_schema_root_is_typed() -> None:
    assert root_node("apps", "v1", "Deployment").kind == "struct"
