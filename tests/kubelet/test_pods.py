"""Pods bound to a node run as local processes; their status is what kubectl shows."""

from __future__ import annotations

import os
from pathlib import Path

from kubernetes import client as k8s

from engine.cluster import Cluster

from .helpers import alive, kubectl, pid_of, pod, sh, until


def read(core: k8s.CoreV1Api, ns: str, name: str) -> k8s.V1Pod:
    return core.read_namespaced_pod(name, ns)


def phase_is(core: k8s.CoreV1Api, ns: str, name: str, phase: str) -> k8s.V1Pod | None:
    found = read(core, ns, name)
    return found if found.status.phase == phase else None


def test_a_pod_runs_as_a_process_and_kubectl_shows_it_running(
    lab: Cluster, core: k8s.CoreV1Api, ns: str
):
    core.create_namespaced_pod(ns, pod("web", sh("main", "sleep 300")))
    running = until(lambda: phase_is(core, ns, "web", "Running"), what="Running")
    status = running.status.container_statuses[0]
    assert status.ready and status.started and status.restart_count == 0
    assert status.state.running.started_at is not None
    assert status.image == "busybox:1.36" and status.image_id.startswith("sha256:")
    assert alive(pid_of(status))
    assert running.status.host_ip == running.status.pod_ip == "127.0.0.1"
    assert running.status.start_time is not None
    assert running.status.qos_class == "BestEffort"
    conditions = {c.type: c.status for c in running.status.conditions}
    assert conditions == dict.fromkeys(
        ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"],
        "True",
    )
    row = kubectl(lab, "get", "pods", "-n", ns, "-o", "wide").stdout.splitlines()[1].split()
    assert row[:3] == ["web", "1/1", "Running"]
    assert row[5:7] == ["127.0.0.1", "node-a"]


def test_exit_0_succeeds_and_exit_1_fails_with_its_exit_code(
    lab: Cluster, core: k8s.CoreV1Api, ns: str
):
    core.create_namespaced_pod(ns, pod("ok", sh("main", "exit 0"), restartPolicy="Never"))
    core.create_namespaced_pod(ns, pod("bad", sh("main", "exit 3"), restartPolicy="Never"))
    ok = until(lambda: phase_is(core, ns, "ok", "Succeeded"), what="Succeeded")
    done = ok.status.container_statuses[0].state.terminated
    assert (done.exit_code, done.reason) == (0, "Completed")
    assert done.started_at is not None and done.finished_at is not None
    assert {c.type: c.reason for c in ok.status.conditions}["Ready"] == "PodCompleted"
    bad = until(lambda: phase_is(core, ns, "bad", "Failed"), what="Failed")
    failed = bad.status.container_statuses[0].state.terminated
    assert (failed.exit_code, failed.reason) == (3, "Error")
    out = kubectl(lab, "get", "pods", "-n", ns).stdout
    assert "Completed" in out and "Error" in out


def test_on_failure_restarts_until_the_container_succeeds(core: k8s.CoreV1Api, ns: str):
    # Fails on its first run, succeeds on the second: the sandbox's root/ is kept.
    script = "if [ -e tried ]; then exit 0; fi; touch tried; exit 1"
    core.create_namespaced_pod(ns, pod("retry", sh("main", script), restartPolicy="OnFailure"))
    done = until(lambda: phase_is(core, ns, "retry", "Succeeded"), what="Succeeded")
    status = done.status.container_statuses[0]
    assert status.restart_count == 1
    assert status.last_state.terminated.exit_code == 1


def test_always_restarts_with_a_crash_back_off(lab: Cluster, core: k8s.CoreV1Api, ns: str):
    core.create_namespaced_pod(ns, pod("crash", sh("main", "echo boom; exit 2")))

    def backing_off() -> k8s.V1ContainerStatus | None:
        status = (read(core, ns, "crash").status.container_statuses or [None])[0]
        waiting = status and status.state.waiting
        return status if waiting and waiting.reason == "CrashLoopBackOff" else None

    status = until(backing_off, what="CrashLoopBackOff")
    assert status.restart_count >= 1
    assert status.last_state.terminated.exit_code == 2
    assert "back-off" in status.state.waiting.message
    assert "restarting failed container=main" in status.state.waiting.message
    assert read(core, ns, "crash").status.phase == "Running"
    until(
        lambda: read(core, ns, "crash").status.container_statuses[0].restart_count >= 3,
        what="restarts after the back-off",
    )
    row = kubectl(lab, "get", "pod", "crash", "-n", ns).stdout.splitlines()[1].split()
    assert row[2] in ("CrashLoopBackOff", "Error", "Running") and int(row[3]) >= 3

    def back_off_event() -> k8s.CoreV1Event | None:
        events = core.list_namespaced_event(ns).items
        return next((e for e in events if e.reason == "BackOff" and e.count >= 2), None)

    event = until(back_off_event, what="a repeated BackOff event")  # written as the node
    assert event.type == "Warning" and event.source.component == "kubelet"
    assert event.involved_object.field_path == "spec.containers{main}"


def test_init_containers_run_first_in_order(core: k8s.CoreV1Api, ns: str):
    spec = pod(
        "init",
        sh("main", "cat order; sleep 300"),
        initContainers=[sh("one", "echo one >> order"), sh("two", "sleep 0.3; echo two >> order")],
    )
    core.create_namespaced_pod(ns, spec)
    running = until(lambda: phase_is(core, ns, "init", "Running"), what="Running")
    inits = running.status.init_container_statuses
    assert [s.name for s in inits] == ["one", "two"]
    assert all(s.state.terminated.reason == "Completed" and s.ready for s in inits)
    assert inits[0].state.terminated.finished_at <= inits[1].state.terminated.started_at
    root = Path(pid_cwd(pid_of(running.status.container_statuses[0])))
    assert (root / "order").read_text() == "one\ntwo\n"


def test_a_failing_init_container_holds_the_pod_pending(lab: Cluster, core: k8s.CoreV1Api, ns: str):
    core.create_namespaced_pod(
        ns, pod("held", sh("main", "sleep 300"), initContainers=[sh("setup", "exit 1")])
    )

    def held() -> k8s.V1Pod | None:
        found = read(core, ns, "held")
        statuses = found.status.init_container_statuses or []
        return found if statuses and statuses[0].restart_count >= 1 else None

    found = until(held, what="a restarted init container")
    assert found.status.phase == "Pending"
    assert found.status.container_statuses[0].state.waiting.reason == "PodInitializing"
    initialized = {c.type: c for c in found.status.conditions}["Initialized"]
    assert initialized.status == "False" and initialized.reason == "ContainersNotInitialized"
    assert "Init:" in kubectl(lab, "get", "pod", "held", "-n", ns).stdout


def test_a_container_without_a_command_idles_and_says_why(core: k8s.CoreV1Api, ns: str):
    core.create_namespaced_pod(ns, pod("nginx", {"name": "web", "image": "nginx:1.27"}))
    running = until(lambda: phase_is(core, ns, "nginx", "Running"), what="Running")
    status = running.status.container_statuses[0]
    assert status.ready and alive(pid_of(status))


def test_a_command_that_does_not_exist_is_a_start_error(core: k8s.CoreV1Api, ns: str):
    spec = pod("nope", {"name": "main", "image": "x", "command": ["no-such-command-here"]})
    core.create_namespaced_pod(ns, {**spec, "spec": {**spec["spec"], "restartPolicy": "Never"}})
    failed = until(lambda: phase_is(core, ns, "nope", "Failed"), what="Failed")
    done = failed.status.container_statuses[0].state.terminated
    assert (done.exit_code, done.reason) == (128, "StartError")
    assert "executable file not found" in done.message


def pid_cwd(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/cwd")


def test_a_sidecar_init_container_keeps_running_beside_the_main_one(core: k8s.CoreV1Api, ns: str):
    spec = pod(
        "sidecar",
        sh("main", "sleep 300"),
        initContainers=[sh("proxy", "sleep 300", restartPolicy="Always")],
    )
    core.create_namespaced_pod(ns, spec)

    def both_running() -> k8s.V1Pod | None:
        found = read(core, ns, "sidecar")
        main = (found.status.container_statuses or [None])[0]
        return found if main and main.state.running else None

    found = until(both_running, what="the main container to run")
    proxy = found.status.init_container_statuses[0]
    assert proxy.state.running and alive(pid_of(proxy))
    assert {c.type: c.status for c in found.status.conditions}["Initialized"] == "True"
    assert found.status.phase == "Running"
