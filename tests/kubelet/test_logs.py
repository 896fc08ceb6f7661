"""Container logs: CRI-format files, one per instance, served to the API server by the
node agent (what `kubectl logs` and `kubectl logs --previous` read)."""

from __future__ import annotations

import re

import pytest
from kubernetes import client as k8s

from engine.api.node_agents import ContainerLog
from engine.api.status import StatusError
from engine.cluster import Cluster

from .helpers import pod, sh, until

CRI_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z (stdout|stderr) (F|P) (.*)$")


def agent_log(lab: Cluster, core: k8s.CoreV1Api, ns: str, name: str, container: str, **kw):
    found = core.read_namespaced_pod(name, ns)
    agent = lab.api.node_agents.get(found.spec.node_name)
    assert agent is not None
    return agent.container_log(core.api_client.sanitize_for_serialization(found), container, **kw)


def log_or_none(lab: Cluster, core: k8s.CoreV1Api, ns: str, name: str, container: str):
    try:
        return agent_log(lab, core, ns, name, container, previous=False)
    except StatusError:
        return None


def records(log: ContainerLog | None) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    if log is None:
        return out
    for line in log.path.read_text().splitlines():
        match = CRI_LINE.match(line)
        assert match, line
        out.append(match.groups())
    return out


def test_stdout_and_stderr_go_to_a_cri_log_file(lab: Cluster, core: k8s.CoreV1Api, ns: str):
    script = "echo out one; echo err one >&2; printf 'no newline'; sleep 300"
    core.create_namespaced_pod(ns, pod("talk", sh("main", script)))

    def logged() -> ContainerLog | None:
        log = log_or_none(lab, core, ns, "talk", "main")
        return log if log and len(records(log)) >= 2 else None

    log = until(logged, what="two log lines")
    assert log.running()
    assert ("stdout", "F", "out one") in records(log)
    assert ("stderr", "F", "err one") in records(log)
    core.delete_namespaced_pod("talk", ns, grace_period_seconds=1)
    until(lambda: not log.running(), what="the log to end")


def test_the_stand_in_says_why_it_idles(lab: Cluster, core: k8s.CoreV1Api, ns: str):
    core.create_namespaced_pod(ns, pod("nginx", {"name": "web", "image": "nginx:1.27"}))

    def logged() -> list | None:
        log = log_or_none(lab, core, ns, "nginx", "web")
        return records(log) if log else None

    (stream, _, text), *_ = until(logged, what="the stand-in's line")
    assert stream == "stdout"
    assert "nginx:1.27 is not run here" in text and "entrypoint is unknown" in text


def test_previous_is_the_instance_before_a_restart(lab: Cluster, core: k8s.CoreV1Api, ns: str):
    script = 'echo "run $(date +%s%N)"; [ -e once ] && sleep 300; touch once; exit 1'
    core.create_namespaced_pod(ns, pod("again", sh("main", script)))
    until(
        lambda: (
            core.read_namespaced_pod("again", ns).status.container_statuses[0].restart_count == 1
            and core.read_namespaced_pod("again", ns).status.phase == "Running"
        ),
        what="one restart",
    )
    current = until(lambda: records(agent_log(lab, core, ns, "again", "main", previous=False)))
    previous = records(agent_log(lab, core, ns, "again", "main", previous=True))
    assert previous[0][2].startswith("run ") and current[0][2].startswith("run ")
    assert previous != current
    assert not agent_log(lab, core, ns, "again", "main", previous=True).running()


def test_errors_are_those_kubelet_gives(lab: Cluster, core: k8s.CoreV1Api, ns: str):
    core.create_namespaced_pod(
        ns,
        pod("waits", sh("main", "sleep 300"), initContainers=[sh("setup", "sleep 300")]),
    )
    until(
        lambda: core.read_namespaced_pod("waits", ns).status.init_container_statuses,
        what="a status",
    )
    with pytest.raises(StatusError) as waiting:
        agent_log(lab, core, ns, "waits", "main", previous=False)
    assert waiting.value.code == 400
    assert waiting.value.message == (
        'container "main" in pod "waits" is waiting to start: PodInitializing'
    )
    with pytest.raises(StatusError) as previous:
        agent_log(lab, core, ns, "waits", "setup", previous=True)
    assert previous.value.message == (
        'previous terminated container "setup" in pod "waits" not found'
    )
