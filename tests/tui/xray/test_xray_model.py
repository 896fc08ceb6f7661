"""The xray forest from plain objects: ownerReferences, services, health."""

from __future__ import annotations

from ktui.model import xray
from ktui.model.xray import Health

from .objects import RUNNING_STATUS, owned_pod, replicaset


def meta(obj: dict, uid: str, ns: str = "ns") -> dict:
    obj["metadata"].update(uid=uid, namespace=ns)
    obj.pop("kind", None)  # list items come without kind/apiVersion
    obj.pop("apiVersion", None)
    return obj


def shape(nodes: list[xray.XrayNode]) -> list:
    return [(n.kind, n.name, shape(n.children)) if n.children else (n.kind, n.name) for n in nodes]


def test_deployment_replicaset_pod_container() -> None:
    deploy = meta({"metadata": {"name": "web"}, "spec": {"replicas": 2}}, "d1")
    deploy["status"] = {"readyReplicas": 1}
    rs = meta(replicaset("web-abcde", {**deploy, "metadata": deploy["metadata"]}), "r1")
    old = meta(replicaset("web-old11", deploy, replicas=0), "r0")
    p1 = meta(owned_pod("web-abcde-1", rs), "p1")
    p1["status"] = RUNNING_STATUS
    p2 = meta(owned_pod("web-abcde-2", rs), "p2")
    stray = meta(owned_pod("other", {"metadata": {"name": "x", "uid": "nope"}}), "p3")
    forest = xray.build(
        "deployments",
        {"deployments": [deploy], "replicasets": [rs, old], "pods": [p2, stray, p1]},
    )
    assert shape(forest) == [
        (
            "Deployment",
            "web",
            [
                (
                    "ReplicaSet",
                    "web-abcde",
                    [
                        ("Pod", "web-abcde-1", [("Container", "main"), ("Container", "sidecar")]),
                        ("Pod", "web-abcde-2", [("Container", "main"), ("Container", "sidecar")]),
                    ],
                ),
                ("ReplicaSet", "web-old11"),
            ],
        )
    ]
    d = forest[0]
    assert (d.health, d.detail) == (Health.PENDING, "1/2 ready")
    running = d.children[0].children[0]
    assert running.health is Health.ERROR and "CrashLoopBackOff" in running.detail
    main, sidecar = running.children
    assert main.health is Health.OK and sidecar.health is Health.ERROR
    assert "3 restarts" in sidecar.detail
    pending = d.children[0].children[1]
    assert pending.health is Health.PENDING and pending.children[0].detail.startswith("no status")
    assert d.children[1].health is Health.DONE  # an old ReplicaSet scaled to 0
    assert xray.target_of(main) == ("v1", "Pod", "web-abcde-1", "ns")
    assert xray.target_of(d) == ("apps/v1", "Deployment", "web", "ns")


def test_cronjob_job_pod() -> None:
    cj = meta({"metadata": {"name": "nightly"}, "spec": {}}, "c1")
    job = meta(
        {
            "metadata": {
                "name": "nightly-1",
                "ownerReferences": [{"kind": "CronJob", "name": "nightly", "uid": "c1"}],
            },
            "status": {"conditions": [{"type": "Complete", "status": "True"}]},
        },
        "j1",
    )
    pod = meta(owned_pod("nightly-1-x", job, "Job", "batch/v1"), "p1")
    pod["status"] = {"phase": "Succeeded"}
    forest = xray.build("cronjobs", {"cronjobs": [cj], "jobs": [job], "pods": [pod]})
    assert shape(forest)[0][2][0][:2] == ("Job", "nightly-1")
    assert forest[0].children[0].health is Health.DONE
    assert forest[0].children[0].children[0].detail == "Completed"


def test_service_endpointslices_to_pods() -> None:
    svc = meta({"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}}}, "s1")
    lonely = meta({"metadata": {"name": "lonely"}, "spec": {"selector": {"app": "x"}}}, "s2")
    pod = meta(owned_pod("web-1", {"metadata": {"name": "rs", "uid": "r"}}), "p1")
    slc = meta(
        {
            "metadata": {"name": "web-abc", "labels": {"kubernetes.io/service-name": "web"}},
            "ports": [{"port": 80, "protocol": "TCP"}],
            "endpoints": [
                {
                    "addresses": ["10.0.0.5"],
                    "conditions": {"ready": True},
                    "targetRef": {"kind": "Pod", "name": "web-1", "namespace": "ns"},
                },
                {"addresses": ["10.0.0.6"], "conditions": {"ready": False}},
            ],
        },
        "e1",
    )
    forest = xray.build(
        "services", {"services": [svc, lonely], "endpointslices": [slc], "pods": [pod]}
    )
    lonely_node, web = forest
    assert lonely_node.health is Health.WARNING and "no endpoints" in lonely_node.detail
    assert [(n.name, n.health) for n in web.children] == [
        ("10.0.0.5:80/TCP", Health.OK),
        ("10.0.0.6:80/TCP", Health.WARNING),
    ]
    assert web.children[0].children[0].label == "Pod web-1"
    assert xray.target_of(web.children[0]) == ("v1", "Pod", "web-1", "ns")
    assert xray.target_of(web.children[1]) is None


def test_service_legacy_endpoints() -> None:
    svc = meta({"metadata": {"name": "db"}, "spec": {"selector": {"app": "db"}}}, "s1")
    ep = meta(
        {
            "metadata": {"name": "db"},
            "subsets": [
                {
                    "addresses": [{"ip": "10.1.0.1", "targetRef": {"kind": "Pod", "name": "db-0"}}],
                    "notReadyAddresses": [{"ip": "10.1.0.2"}],
                    "ports": [{"port": 5432}],
                }
            ],
        },
        "e1",
    )
    forest = xray.build("services", {"services": [svc], "endpoints": [ep]})
    assert [(n.name, n.detail) for n in forest[0].children] == [
        ("10.1.0.1:5432/TCP", "ready"),
        ("10.1.0.2:5432/TCP", "not ready"),
    ]
    assert forest[0].children[0].pod == "db-0"


def test_owner_cycle_terminates() -> None:
    a = meta({"metadata": {"name": "a", "ownerReferences": [{"uid": "b"}]}}, "a")
    b = meta({"metadata": {"name": "b", "ownerReferences": [{"uid": "a"}]}}, "b")
    a["kind"], b["kind"] = "ReplicaSet", "ReplicaSet"
    forest = xray.owner_tree([a], [a, b])
    assert sum(1 for _ in forest[0].walk()) == 3  # a → b → a, then it stops
