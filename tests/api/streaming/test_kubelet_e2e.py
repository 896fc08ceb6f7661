"""End to end with a real kubelet (process runtime): kubectl logs / exec / attach /
port-forward and the official client, as a user would run them."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.stream import stream

from engine.cluster import Cluster

from ..helpers import KUBECTL, isolated_env
from .kubelets import boot, free_port, kubectl, ok, pod, sh, until


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    lab = boot(tmp_path_factory.mktemp("kubelet-e2e"))
    yield lab
    lab.stop()


@pytest.fixture(scope="module")
def core(cluster: Cluster) -> Iterator[k8s.CoreV1Api]:
    api = k8s_config.new_client_from_config(str(cluster.kubeconfig_path))
    yield k8s.CoreV1Api(api)
    api.close()


@pytest.fixture
def ns(core: k8s.CoreV1Api) -> str:
    name = f"e2e-{uuid.uuid4().hex[:8]}"
    core.create_namespace({"metadata": {"name": name}})
    return name


def running(core: k8s.CoreV1Api, ns: str, name: str) -> None:
    def ready() -> bool:
        status = core.read_namespaced_pod(name, ns).status
        return status.phase == "Running" and all(c.ready for c in status.container_statuses or [])

    until(ready, f"pod {name} to run")


def create(cluster: Cluster, core: k8s.CoreV1Api, ns: str, manifest: dict) -> None:
    ok(cluster, "apply", "-n", ns, "-f", "-", input=json.dumps(manifest))


def logged(cluster: Cluster, ns: str, name: str, text: str, *args: str) -> str:
    return until(
        lambda: (
            (out := kubectl(cluster, "logs", "-n", ns, name, *args).stdout) and text in out and out
        ),
        f"{text!r} in the log of {name}",
    )


def test_kubectl_logs_options(cluster: Cluster, core: k8s.CoreV1Api, ns: str) -> None:
    script = "echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three; sleep 300"
    sidecar = sh("side", "echo from the side; sleep 300")
    create(cluster, core, ns, pod("talk", sh("main", script), sidecar))
    running(core, ns, "talk")
    assert logged(cluster, ns, "talk", "three", "-c", "main") == "one\ntwo\nthree\n"
    assert ok(cluster, "logs", "-n", ns, "talk", "-c", "main", "--tail=1") == "three\n"
    assert ok(cluster, "logs", "-n", ns, "talk", "-c", "side") == "from the side\n"
    assert ok(cluster, "logs", "-n", ns, "talk", "-c", "main", "--since=1h").endswith("three\n")
    stamped = ok(cluster, "logs", "-n", ns, "talk", "-c", "main", "--timestamps").splitlines()
    assert [line.split(" ", 1)[1] for line in stamped] == ["one", "two", "three"]
    assert all(line[:4].isdigit() and line.split(" ")[0].endswith("Z") for line in stamped)
    assert kubectl(cluster, "logs", "-n", ns, "talk").stderr == (
        'Defaulted container "main" out of: main, side\n'  # kubectl picks; the API would not:
    )
    with pytest.raises(k8s.ApiException) as refused:
        core.read_namespaced_pod_log("talk", ns)
    assert refused.value.status == 400
    assert json.loads(refused.value.body)["message"] == (
        "a container name must be specified for pod talk, choose one of: [main side]"
    )


def test_kubectl_logs_follow_ends_when_the_container_exits(
    cluster: Cluster, core: k8s.CoreV1Api, ns: str
) -> None:
    script = "echo start; sleep 1; echo middle; sleep 1; echo end"
    create(cluster, core, ns, pod("brief", sh("main", script), restartPolicy="Never"))
    until(lambda: kubectl(cluster, "logs", "-n", ns, "brief").stdout, "the first line")
    assert ok(cluster, "logs", "-f", "-n", ns, "brief") == "start\nmiddle\nend\n"


def test_kubectl_logs_previous(cluster: Cluster, core: k8s.CoreV1Api, ns: str) -> None:
    create(cluster, core, ns, pod("crash", sh("main", "echo attempt; exit 1")))

    def restarted() -> bool:
        statuses = core.read_namespaced_pod("crash", ns).status.container_statuses or []
        return bool(statuses) and statuses[0].restart_count >= 1

    until(restarted, "a restart")
    assert ok(cluster, "logs", "-n", ns, "crash", "--previous") == "attempt\n"


def test_kubectl_exec(cluster: Cluster, core: k8s.CoreV1Api, ns: str) -> None:
    create(cluster, core, ns, pod("shell", sh("main", "sleep 300")))
    running(core, ns, "shell")
    assert ok(cluster, "exec", "-n", ns, "shell", "--", "echo", "hi") == "hi\n"
    assert ok(cluster, "exec", "-i", "-n", ns, "shell", "--", "cat", input="piped\n") == "piped\n"
    result = kubectl(cluster, "exec", "-n", ns, "shell", "--", "sh", "-c", "exit 3")
    assert result.returncode == 3
    assert "command terminated with exit code 3" in result.stderr
    missing = kubectl(cluster, "exec", "-n", ns, "shell", "--", "no-such-binary-here")
    assert missing.returncode != 0
    assert "executable file not found" in missing.stderr


def test_kubectl_port_forward(cluster: Cluster, core: k8s.CoreV1Api, ns: str) -> None:
    port = free_port()
    server = {
        "name": "web",
        "image": "python:3",
        "command": [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
    }
    create(cluster, core, ns, pod("web", server))
    running(core, ns, "web")
    until(lambda: _listening(port), "the server to listen")
    local = free_port()
    proc = subprocess.Popen(
        [
            KUBECTL,
            "--kubeconfig",
            str(cluster.kubeconfig_path),
            "port-forward",
            "-n",
            ns,
            "pod/web",
            f"{local}:{port}",
        ],
        env=isolated_env(cluster.data_dir.parent),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("Forwarding from")
        with socket.create_connection(("127.0.0.1", local), timeout=20) as conn:
            conn.sendall(b"GET / HTTP/1.0\r\n\r\n")
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
        assert answer.startswith(b"HTTP/1.0 200")
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def test_official_client(cluster: Cluster, core: k8s.CoreV1Api, ns: str) -> None:
    script = "echo ready; sleep 2; echo done"
    create(cluster, core, ns, pod("py", sh("main", script), restartPolicy="Never"))
    running(core, ns, "py")
    out = stream(
        core.connect_get_namespaced_pod_exec,
        "py",
        ns,
        command=["sh", "-c", "echo exec from python"],
        stdout=True,
        stderr=True,
    )
    assert out == "exec from python\n"
    followed = core.read_namespaced_pod_log("py", ns, follow=True, _preload_content=False)
    assert b"".join(followed.stream()) == b"ready\ndone\n"


def test_kubectl_attach(cluster: Cluster, core: k8s.CoreV1Api, ns: str) -> None:
    script = "echo attached-output; sleep 1; echo later; sleep 300"
    create(cluster, core, ns, pod("attach", sh("main", script)))
    running(core, ns, "attach")
    collected: list[str] = []
    proc = subprocess.Popen(
        [KUBECTL, "--kubeconfig", str(cluster.kubeconfig_path), "attach", "-n", ns, "attach"],
        env=isolated_env(cluster.data_dir.parent),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reader = threading.Thread(
        target=lambda: collected.extend(iter(proc.stdout.readline, "")), daemon=True
    )
    reader.start()
    try:
        until(lambda: "later\n" in collected, "output after attaching", timeout=20)
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
    assert ok(cluster, "get", "pod", "-n", ns, "attach", "-o", "jsonpath={.status.phase}") == (
        "Running"  # detaching leaves the container running
    )
