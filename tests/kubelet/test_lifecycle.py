"""Deletion on the node (SIGTERM, grace, SIGKILL, the final delete), engine stop, restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.client.rest import ApiException

from engine.cluster import Cluster
from tests.api.helpers import start

from .helpers import alive, boot, cluster_folder, kubectl, pid_of, pod, sh, until

TRAPS = "trap 'echo got TERM > $OUT; exit 0' TERM; while :; do sleep 0.1; done"
STUBBORN = "trap '' TERM; while :; do sleep 0.1; done"


def running_pid(core: k8s.CoreV1Api, ns: str, name: str) -> int | None:
    found = core.read_namespaced_pod(name, ns)
    if found.status.phase != "Running":
        return None
    return pid_of(found.status.container_statuses[0])


def gone(core: k8s.CoreV1Api, ns: str, name: str) -> bool:
    try:
        core.read_namespaced_pod(name, ns)
    except ApiException as exc:
        return exc.status == 404
    return False


def test_delete_sends_sigterm_then_the_pod_is_removed(
    lab: Cluster, core: k8s.CoreV1Api, ns: str, tmp_path: Path
):
    out = tmp_path / "term"
    env = [{"name": "OUT", "value": str(out)}]
    core.create_namespaced_pod(ns, pod("polite", sh("main", TRAPS, env=env)))
    pid = until(lambda: running_pid(core, ns, "polite"), what="Running")
    home = Path(f"/proc/{pid}/cwd").resolve()
    kubectl(lab, "delete", "pod", "polite", "-n", ns, "--wait=true", "--timeout=20s")
    assert gone(core, ns, "polite")
    assert out.read_text() == "got TERM\n"
    assert not alive(pid)
    assert not home.exists()  # the sandbox (and the pod's logs) went with the pod


def test_a_container_ignoring_sigterm_is_killed_after_the_grace_period(
    core: k8s.CoreV1Api, ns: str
):
    core.create_namespaced_pod(ns, pod("stubborn", sh("main", STUBBORN)))
    pid = until(lambda: running_pid(core, ns, "stubborn"), what="Running")
    core.delete_namespaced_pod("stubborn", ns, grace_period_seconds=1)
    marked = core.read_namespaced_pod("stubborn", ns)
    assert marked.metadata.deletion_timestamp is not None  # graceful: the kubelet ends it
    assert alive(pid)
    until(lambda: gone(core, ns, "stubborn"), what="the pod to go")
    assert not alive(pid)


def test_a_forced_delete_still_stops_the_process(core: k8s.CoreV1Api, ns: str):
    core.create_namespaced_pod(ns, pod("forced", sh("main", "sleep 300")))
    pid = until(lambda: running_pid(core, ns, "forced"), what="Running")
    core.delete_namespaced_pod("forced", ns, grace_period_seconds=0)
    until(lambda: not alive(pid), what="the process to end")


@pytest.fixture
def own_lab(tmp_path: Path):
    """Start (again) a cluster of the test's own; stop() closes its client first."""
    running: list[tuple[Cluster, k8s.ApiClient]] = []

    def stop() -> None:
        while running:
            cluster, api = running.pop()
            api.close()  # an idle keep-alive connection would hold up the server's drain
            cluster.stop()

    def start() -> tuple[Cluster, k8s.CoreV1Api]:
        stop()
        cluster = boot(tmp_path)
        api = k8s_config.new_client_from_config(str(cluster.kubeconfig_path))
        running.append((cluster, api))
        return cluster, k8s.CoreV1Api(api)

    start.stop = stop  # type: ignore[attr-defined]
    yield start
    stop()


def test_stopping_the_engine_kills_every_container(own_lab):
    cluster, core = own_lab()
    core.create_namespaced_pod("default", pod("a", sh("main", "sleep 300"), node="node-a"))
    core.create_namespaced_pod("default", pod("b", sh("main", STUBBORN), node="node-b"))
    pids = [until(lambda n=n: running_pid(core, "default", n), what=n) for n in ("a", "b")]
    own_lab.stop()
    assert not any(alive(pid) for pid in pids)


def test_after_a_restart_pods_run_again_or_are_marked_failed(own_lab):
    cluster, core = own_lab()
    core.create_namespaced_pod("default", pod("always", sh("main", "sleep 300")))
    core.create_namespaced_pod(
        "default", pod("never", sh("main", "sleep 300"), restartPolicy="Never")
    )
    core.create_namespaced_pod("default", pod("done", sh("main", "exit 0"), restartPolicy="Never"))
    first = until(lambda: running_pid(core, "default", "always"), what="Running")
    until(lambda: running_pid(core, "default", "never"), what="Running")
    until(lambda: core.read_namespaced_pod("done", "default").status.phase == "Succeeded")
    cluster, core = own_lab()  # stops the first engine, starts a second on its data

    def restarted() -> k8s.V1ContainerStatus | None:
        status = core.read_namespaced_pod("always", "default").status.container_statuses[0]
        return status if status.state.running and status.restart_count == 1 else None

    status = until(restarted, what="a restart")
    assert pid_of(status) != first and alive(pid_of(status))
    assert status.last_state.terminated.reason == "Unknown"
    never = until(
        lambda: (
            core.read_namespaced_pod("never", "default")
            if core.read_namespaced_pod("never", "default").status.phase == "Failed"
            else None
        ),
        what="Failed",
    )
    assert never.status.container_statuses[0].state.terminated.reason == "Unknown"
    assert core.read_namespaced_pod("done", "default").status.phase == "Succeeded"


def test_processes_left_by_a_crashed_engine_are_killed_on_the_next_start(own_lab, tmp_path):
    folder = cluster_folder(tmp_path)
    served = start(
        ["serve", "--cluster", str(folder), "--data", str(tmp_path / "data"), "--port", "0"],
        tmp_path / "serve",
    )
    try:
        api = k8s_config.new_client_from_config(str(served.kubeconfig))
        core = k8s.CoreV1Api(api)
        core.create_namespaced_pod("default", pod("left", sh("main", "sleep 300")))
        pid = until(lambda: running_pid(core, "default", "left"), what="Running")
        api.close()
    finally:
        served.proc.kill()  # a crash: nothing is stopped
        served.proc.wait()
    assert alive(pid)
    own_lab()
    assert not alive(pid)


def test_ktui_serve_stops_its_containers_on_sigterm(tmp_path):
    folder = cluster_folder(tmp_path)
    served = start(
        ["serve", "--cluster", str(folder), "--data", str(tmp_path / "data"), "--port", "0"],
        tmp_path / "serve",
    )
    api = k8s_config.new_client_from_config(str(served.kubeconfig))
    core = k8s.CoreV1Api(api)
    core.create_namespaced_pod("default", pod("child", sh("main", STUBBORN)))
    pid = until(lambda: running_pid(core, "default", "child"), what="Running")
    api.close()
    assert served.stop() == 0, served.stderr
    assert not alive(pid)
