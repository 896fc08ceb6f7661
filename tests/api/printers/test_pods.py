"""`kubectl get pods`: READY, STATUS, RESTARTS and the wide columns, as upstream prints."""

from __future__ import annotations

from typing import Any

from engine.api.printers import cells, columns, row

from .fixtures import NOW, ago, pod, running, terminated, waiting


def pod_cells(obj: dict[str, Any]) -> list[Any]:
    return cells("", "v1", "Pod", obj, NOW)


def summary(obj: dict[str, Any]) -> tuple[str, str, str]:
    """(READY, STATUS, RESTARTS)"""
    c = pod_cells(obj)
    return c[1], c[2], c[3]


def test_columns_and_their_priorities() -> None:
    cols = columns("", "v1", "Pod")
    assert [(c["name"], c["priority"]) for c in cols] == [
        ("Name", 0),
        ("Ready", 0),
        ("Status", 0),
        ("Restarts", 0),
        ("Age", 0),
        ("IP", 1),
        ("Node", 1),
        ("Nominated Node", 1),
        ("Readiness Gates", 1),
    ]
    assert cols[0]["format"] == "name"
    assert cols[0]["description"].startswith("Name must be unique within a namespace.")
    assert cols[3]["type"] == "string"
    assert set(cols[0]) == {"name", "type", "format", "description", "priority"}


def test_running_pod() -> None:
    obj = pod(containerStatuses=[running()])
    assert pod_cells(obj) == [
        "web-1",
        "1/1",
        "Running",
        "0",
        "60m",
        "10.244.0.5",
        "node-a",
        "<none>",
        "<none>",
    ]


def test_crash_loop_back_off_with_restarts_and_last_restart_age() -> None:
    status = waiting(
        "web",
        "CrashLoopBackOff",
        restarts=5,
        lastState={"terminated": {"exitCode": 1, "reason": "Error", "finishedAt": ago(300)}},
    )
    obj = pod(containerStatuses=[status])
    assert summary(obj) == ("0/1", "CrashLoopBackOff", "5 (5m ago)")


def test_the_latest_termination_across_containers_dates_the_restarts() -> None:
    a = running("a", restarts=1, lastState={"terminated": {"exitCode": 1, "finishedAt": ago(7200)}})
    b = running("b", restarts=2, lastState={"terminated": {"exitCode": 1, "finishedAt": ago(90)}})
    obj = pod(containerStatuses=[a, b])
    obj["spec"]["containers"] = [{"name": "a"}, {"name": "b"}]
    assert summary(obj) == ("2/2", "Running", "3 (90s ago)")


def test_terminating_pod() -> None:
    obj = pod(containerStatuses=[running()])
    obj["metadata"]["deletionTimestamp"] = ago(-30)
    assert summary(obj)[1] == "Terminating"


def test_a_finished_pod_being_deleted_keeps_its_phase() -> None:
    obj = pod(phase="Succeeded", containerStatuses=[terminated("web", "Completed")])
    obj["metadata"]["deletionTimestamp"] = ago(0)
    assert summary(obj) == ("0/1", "Completed", "0")


def test_pod_on_a_lost_node_being_deleted_is_unknown() -> None:
    obj = pod(reason="NodeLost", containerStatuses=[running()])
    obj["metadata"]["deletionTimestamp"] = ago(0)
    assert summary(obj)[1] == "Unknown"


def test_completed_pod_and_its_row_condition() -> None:
    obj = pod(phase="Succeeded", containerStatuses=[terminated("web", "Completed")])
    assert summary(obj) == ("0/1", "Completed", "0")
    assert row("", "v1", "Pod", obj, NOW)["conditions"] == [
        {
            "type": "Completed",
            "status": "True",
            "reason": "Succeeded",
            "message": "The pod has completed successfully.",
        }
    ]
    assert "conditions" not in row("", "v1", "Pod", pod(containerStatuses=[running()]), NOW)


def test_failed_pod_without_a_reason_shows_the_exit_code_or_signal() -> None:
    assert summary(pod(phase="Failed", containerStatuses=[terminated("web", exit_code=3)]))[1] == (
        "ExitCode:3"
    )
    killed = terminated("web", exit_code=137)
    killed["state"]["terminated"]["signal"] = 9
    assert summary(pod(phase="Failed", containerStatuses=[killed]))[1] == "Signal:9"


def test_evicted_pod_shows_the_status_reason() -> None:
    obj = pod(phase="Failed", reason="Evicted", message="The node was low on resource: memory.")
    assert summary(obj) == ("0/1", "Evicted", "0")


def test_pending_pods() -> None:
    assert summary(pod(phase="Pending"))[1] == "Pending"
    creating = pod(phase="Pending", containerStatuses=[waiting("web", "ContainerCreating")])
    assert summary(creating) == ("0/1", "ContainerCreating", "0")
    gated = pod(
        phase="Pending",
        conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}],
    )
    assert summary(gated)[1] == "SchedulingGated"


def with_init(
    statuses: list[dict[str, Any]], specs: list[dict[str, Any]] | None = None, **status: Any
) -> dict[str, Any]:
    obj = pod(phase="Pending", initContainerStatuses=statuses, **status)
    obj["spec"]["initContainers"] = specs or [{"name": s["name"]} for s in statuses]
    return obj


def test_init_containers() -> None:
    first = running("init-db")
    first["ready"] = False
    assert summary(with_init([first]))[1] == "Init:0/1"
    assert summary(with_init([waiting("init-db", "PodInitializing")]))[1] == "Init:0/1"
    done_then_running = with_init([terminated("a", "Completed"), running("b")])
    assert summary(done_then_running)[1] == "Init:1/2"
    crashing = with_init([waiting("init-db", "CrashLoopBackOff", restarts=4)])
    assert summary(crashing) == ("0/1", "Init:CrashLoopBackOff", "4")
    assert summary(with_init([terminated("init-db", "Error", exit_code=1)]))[1] == "Init:Error"
    assert summary(with_init([terminated("init-db", exit_code=2)]))[1] == "Init:ExitCode:2"


def test_sidecar_containers_count_in_ready_and_total() -> None:
    sidecar = running("proxy", restarts=1)
    obj = with_init(
        [sidecar],
        specs=[{"name": "proxy", "restartPolicy": "Always"}],
        containerStatuses=[running()],
        conditions=[{"type": "Initialized", "status": "True"}],
    )
    obj["status"]["phase"] = "Running"
    assert summary(obj) == ("2/2", "Running", "1")


def test_completed_container_next_to_a_running_one() -> None:
    statuses = [terminated("job", "Completed"), running("web")]
    ready = pod(containerStatuses=statuses, conditions=[{"type": "Ready", "status": "True"}])
    ready["spec"]["containers"] = [{"name": "job"}, {"name": "web"}]
    assert summary(ready) == ("1/2", "Running", "0")
    not_ready = pod(containerStatuses=statuses, conditions=[{"type": "Ready", "status": "False"}])
    not_ready["spec"]["containers"] = [{"name": "job"}, {"name": "web"}]
    assert summary(not_ready)[1] == "NotReady"


def test_wide_columns_for_an_unscheduled_pod_with_readiness_gates() -> None:
    obj = pod(
        phase="Pending",
        nominatedNodeName="node-b",
        conditions=[{"type": "example.com/lb", "status": "True"}],
    )
    del obj["status"]["podIP"], obj["status"]["podIPs"]
    del obj["spec"]["nodeName"]
    obj["spec"]["readinessGates"] = [
        {"conditionType": "example.com/lb"},
        {"conditionType": "example.com/dns"},
    ]
    assert pod_cells(obj)[5:] == ["<none>", "<none>", "node-b", "1/2"]


def test_unknown_age_without_a_creation_timestamp() -> None:
    obj = pod()
    del obj["metadata"]["creationTimestamp"]
    assert pod_cells(obj)[4] == "<unknown>"


def test_the_first_container_with_a_reason_decides_the_status() -> None:
    obj = pod(
        phase="Pending",
        containerStatuses=[
            waiting("app", "CrashLoopBackOff", restarts=2),
            waiting("sidecar", "ContainerCreating"),
        ],
    )
    obj["spec"]["containers"] = [{"name": "app"}, {"name": "sidecar"}]
    assert summary(obj) == ("0/2", "CrashLoopBackOff", "2")
