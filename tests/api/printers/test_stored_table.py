"""stored_table: the same bytes as orjson.dumps(table(...)), rows kept per resourceVersion."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import pytest

from engine.api.printers import IncludeObjectError, stored_table, table

from .fixtures import NOW, pod, running, terminated, waiting


@dataclass(frozen=True)
class KV:
    key: str
    mod_revision: int
    value: bytes


def stored(objects: list[dict[str, Any]], revision: int = 7) -> list[KV]:
    return [
        KV(f"/registry/pods/default/{o['metadata']['name']}", revision, orjson.dumps(o))
        for o in objects
    ]


def decode(kv: KV) -> dict[str, Any]:
    return orjson.loads(kv.value)


def expected(objects: list[dict[str, Any]], now: float, include: str, **kw: Any) -> bytes:
    result = table("", "v1", "Pod", objects, now, include, **kw)
    result["metadata"] = {"resourceVersion": "9"}
    return orjson.dumps(result)


PODS = [
    pod("a", containerStatuses=[running()]),
    pod("b", containerStatuses=[waiting("web", "CrashLoopBackOff", restarts=3)]),
    pod("c", phase="Succeeded", containerStatuses=[terminated("web", "Completed")]),
    pod("d", age=10),
]


@pytest.mark.parametrize("include", ["Metadata", "", "None", "Object"])
def test_same_bytes_as_table_then_from_kept_rows_at_a_later_now(include: str) -> None:
    items = stored(PODS)
    for now in (NOW, NOW + 3600, NOW + 7 * 86400):  # first decoded, then kept rows
        got = stored_table("", "v1", "Pod", items, decode, now, include, metadata=_meta())
        assert got == expected(PODS, now, include)


def test_a_new_resource_version_is_printed_again() -> None:
    stored_table("", "v1", "Pod", stored(PODS), decode, NOW, metadata=_meta())
    changed = [pod("a", phase="Failed"), *PODS[1:]]
    got = stored_table("", "v1", "Pod", stored(changed, 8), decode, NOW, metadata=_meta())
    assert got == expected(changed, NOW, "Metadata")


def test_kinds_without_prepare_and_no_headers() -> None:
    deployment = {
        "metadata": {"name": "web", "creationTimestamp": "2023-11-14T20:00:00Z"},
        "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "w"}]}}},
        "status": {"readyReplicas": 1},
    }
    items = [KV("/registry/deployments/default/web", 3, orjson.dumps(deployment))]
    got = stored_table(
        "apps", "v1", "Deployment", items, decode, NOW, metadata=_meta(), no_headers=True
    )
    want = table("apps", "v1", "Deployment", [deployment], NOW, no_headers=True)
    want["metadata"] = _meta()
    assert got == orjson.dumps(want)


def test_empty_and_bad_include() -> None:
    assert stored_table("", "v1", "Pod", [], decode, NOW, metadata=_meta()) == expected(
        [], NOW, "Metadata"
    )
    with pytest.raises(IncludeObjectError):
        stored_table("", "v1", "Pod", [], decode, NOW, "Everything")


def _meta() -> dict[str, str]:
    return {"resourceVersion": "9"}


# -- printed from stored bytes through the pod view -----------------------------------------


def _sidecar_pod() -> dict[str, Any]:
    obj = pod(
        "s",
        phase="Pending",
        conditions=[{"type": "Initialized", "status": "True"}],
        initContainerStatuses=[
            running("proxy", restarts=2, started=True, ready=True),
            terminated("init", "Error", exit_code=1, restarts=1),
        ],
        containerStatuses=[waiting("web", "PodInitializing")],
    )
    obj["spec"]["initContainers"] = [{"name": "proxy", "restartPolicy": "Always"}, {"name": "init"}]
    return obj


def _varied_pods() -> list[dict[str, Any]]:
    gated = pod("g", conditions=[{"type": "www.example.com/gate", "status": "True"}])
    gated["spec"]["readinessGates"] = [{"conditionType": "www.example.com/gate"}]
    deleting = pod("del", containerStatuses=[running()])
    deleting["metadata"]["deletionTimestamp"] = "2023-11-14T22:13:20Z"
    deleting["metadata"]["managedFields"] = [{"manager": "k", "fieldsV1": {"f:spec": {}}}]
    lost = pod("lost", reason="NodeLost", nominatedNodeName="node-b")
    lost["metadata"]["deletionTimestamp"] = "2023-11-14T22:13:20Z"
    del lost["status"]["podIPs"]
    bare = {"apiVersion": "v1", "kind": "Pod", "metadata": {}}
    odd = pod("odd")
    odd["spec"]["containers"] = "not a list"  # the view refuses it: decoded whole instead
    return [*PODS, _sidecar_pod(), gated, deleting, lost, bare, odd, pod("ünï", phase="Failed")]


def _encoded(objects: list[dict[str, Any]], revision: int) -> tuple[list[KV], list[dict]]:
    """As the store keeps them (metadata without resourceVersion), and as the API shows them."""
    items, shown = [], []
    for i, o in enumerate(objects):
        meta = {k: v for k, v in o["metadata"].items() if k != "resourceVersion"}
        stored_obj = {**o, "metadata": meta}
        items.append(KV(f"/registry/pods/v/{i}", revision + i, orjson.dumps(stored_obj)))
        shown.append({**o, "metadata": {**meta, "resourceVersion": str(revision + i)}})
    return items, shown


def test_the_pod_view_prints_the_same_bytes_from_stored_json() -> None:
    objects = _varied_pods()
    items, shown = _encoded(objects, 500)
    by_key = {kv.key: obj for kv, obj in zip(items, shown, strict=True)}

    def whole(kv: KV) -> dict[str, Any]:
        return orjson.loads(orjson.dumps(by_key[kv.key]))

    def raw(kv: KV) -> tuple[bytes, int]:
        return kv.value, kv.mod_revision

    for now in (NOW, NOW + 86400):  # printed through the view, then from kept rows
        got = stored_table("", "v1", "Pod", items, whole, now, metadata=_meta(), raw=raw)
        assert got == expected(shown, now, "Metadata")
    # Other includeObject values decode whole objects, as before.
    got = stored_table("", "v1", "Pod", items, whole, NOW, "None", metadata=_meta(), raw=raw)
    assert got == expected(shown, NOW, "None")
