"""Deployments, ReplicaSets, StatefulSets, DaemonSets, ControllerRevisions, Jobs, CronJobs."""

from __future__ import annotations

from typing import Any

from engine.api.printers import cells, columns

from .fixtures import NOW, ago

TEMPLATE = {
    "spec": {
        "containers": [
            {"name": "web", "image": "nginx:1.27"},
            {"name": "log", "image": "fluent-bit:3"},
        ]
    }
}


def apps(kind: str, obj: dict[str, Any]) -> list[Any]:
    return cells("apps", "v1", kind, obj, NOW)


def test_deployment() -> None:
    deploy = {
        "metadata": {"name": "web", "creationTimestamp": ago(2 * 86400)},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE},
        "status": {"replicas": 3, "readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
    }
    assert [c["name"] for c in columns("apps", "v1", "Deployment")] == [
        "Name",
        "Ready",
        "Up-to-date",
        "Available",
        "Age",
        "Containers",
        "Images",
        "Selector",
    ]
    assert apps("Deployment", deploy) == [
        "web",
        "2/3",
        3,
        2,
        "2d",
        "web,log",
        "nginx:1.27,fluent-bit:3",
        "app=web",
    ]
    fresh = {"metadata": {"name": "new"}, "spec": {"replicas": 0, "template": {}}}
    assert apps("Deployment", fresh)[1:4] == ["0/0", 0, 0]
    assert apps("Deployment", fresh)[7] == ""  # selector.String() of a nil selector


def test_replicaset_statefulset_daemonset() -> None:
    rs = {
        "metadata": {"name": "web-5d4", "creationTimestamp": ago(60)},
        "spec": {
            "replicas": 2,
            "template": TEMPLATE,
            "selector": {"matchLabels": {"app": "web", "pod-template-hash": "5d4"}},
        },
        "status": {"replicas": 2, "readyReplicas": 1},
    }
    assert apps("ReplicaSet", rs) == [
        "web-5d4",
        2,
        2,
        1,
        "60s",
        "web,log",
        "nginx:1.27,fluent-bit:3",
        "app=web,pod-template-hash=5d4",
    ]
    sts = {
        "metadata": {"name": "db", "creationTimestamp": ago(60)},
        "spec": {"replicas": 3, "template": TEMPLATE},
        "status": {"readyReplicas": 3},
    }
    assert apps("StatefulSet", sts) == ["db", "3/3", "60s", "web,log", "nginx:1.27,fluent-bit:3"]
    ds = {
        "metadata": {"name": "agent", "creationTimestamp": ago(60)},
        "spec": {
            "selector": {
                "matchExpressions": [{"key": "app", "operator": "In", "values": ["agent"]}]
            },
            "template": {
                "spec": {
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "containers": [{"name": "a", "image": "agent:1"}],
                }
            },
        },
        "status": {
            "desiredNumberScheduled": 3,
            "currentNumberScheduled": 3,
            "numberReady": 2,
            "updatedNumberScheduled": 3,
            "numberAvailable": 2,
        },
    }
    assert apps("DaemonSet", ds) == [
        "agent",
        3,
        3,
        2,
        3,
        2,
        "kubernetes.io/os=linux",
        "60s",
        "a",
        "agent:1",
        "app in (agent)",
    ]


def test_controller_revision_names_its_controller_with_kind_and_group() -> None:
    rev = {
        "metadata": {
            "name": "agent-7c9",
            "creationTimestamp": ago(60),
            "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "controller": True}
            ],
        },
        "revision": 2,
    }
    assert apps("ControllerRevision", rev) == ["agent-7c9", "daemonset.apps/agent", 2, "60s"]
    del rev["metadata"]["ownerReferences"]
    assert apps("ControllerRevision", rev)[1] == "<none>"


def job(**status: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "pi", "creationTimestamp": ago(300)},
        "spec": {
            "completions": 1,
            "parallelism": 1,
            "template": TEMPLATE,
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u1"}},
        },
        "status": status,
    }


def test_job_columns_are_the_1_32_ones() -> None:
    assert [c["name"] for c in columns("batch", "v1", "Job")] == [
        "Name",
        "Status",
        "Completions",
        "Duration",
        "Age",
        "Containers",
        "Images",
        "Selector",
    ]


def test_completed_job() -> None:
    done = job(
        succeeded=1,
        startTime=ago(300),
        completionTime=ago(262),
        conditions=[
            {"type": "SuccessCriteriaMet", "status": "True"},
            {"type": "Complete", "status": "True"},
        ],
    )
    assert cells("batch", "v1", "Job", done, NOW) == [
        "pi",
        "Complete",
        "1/1",
        "38s",
        "5m",
        "web,log",
        "nginx:1.27,fluent-bit:3",
        "batch.kubernetes.io/controller-uid=u1",
    ]


def test_running_failed_suspended_and_terminating_jobs() -> None:
    running = job(active=1, startTime=ago(125))
    assert cells("batch", "v1", "Job", running, NOW)[1:4] == ["Running", "0/1", "2m5s"]
    failed = job(failed=1, startTime=ago(200), conditions=[{"type": "Failed", "status": "True"}])
    assert cells("batch", "v1", "Job", failed, NOW)[1] == "Failed"
    suspended = job(conditions=[{"type": "Suspended", "status": "True"}])
    assert cells("batch", "v1", "Job", suspended, NOW)[1:4] == ["Suspended", "0/1", ""]
    running["metadata"]["deletionTimestamp"] = ago(0)
    assert cells("batch", "v1", "Job", running, NOW)[1] == "Terminating"


def test_job_completions_without_a_completion_count() -> None:
    work_queue = job(succeeded=2)
    work_queue["spec"] = {"parallelism": 4, "template": TEMPLATE}
    assert cells("batch", "v1", "Job", work_queue, NOW)[2] == "2/1 of 4"
    work_queue["spec"]["parallelism"] = 1
    assert cells("batch", "v1", "Job", work_queue, NOW)[2] == "2/1"


def test_cronjob() -> None:
    cj = {
        "metadata": {"name": "nightly", "creationTimestamp": ago(3 * 86400)},
        "spec": {
            "schedule": "0 3 * * *",
            "suspend": False,
            "jobTemplate": {"spec": {"template": TEMPLATE}},
        },
        "status": {"active": [{"name": "nightly-1"}], "lastScheduleTime": ago(3600)},
    }
    assert [c["name"] for c in columns("batch", "v1", "CronJob")][:7] == [
        "Name",
        "Schedule",
        "Timezone",
        "Suspend",
        "Active",
        "Last Schedule",
        "Age",
    ]
    assert cells("batch", "v1", "CronJob", cj, NOW) == [
        "nightly",
        "0 3 * * *",
        "<none>",
        "False",
        1,
        "60m",
        "3d",
        "web,log",
        "nginx:1.27,fluent-bit:3",
        "<none>",
    ]
    cj["spec"].update(timeZone="Europe/Paris", suspend=True)
    del cj["status"]["lastScheduleTime"]
    assert cells("batch", "v1", "CronJob", cj, NOW)[2:6] == ["Europe/Paris", "True", 1, "<none>"]
