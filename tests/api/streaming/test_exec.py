"""exec and attach over WebSocket against a fake node agent (commands run as local
processes): the channel protocol byte by byte, the errors, RBAC, and the real clients
(kubectl, the official Python client)."""

from __future__ import annotations

import json
import subprocess

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.stream import stream

from engine.api.status import StatusError

from ..conformance.conftest import start_versioned_lab, stop_versioned_lab
from ..helpers import KUBECTL, isolated_env
from .conftest import NODE, NS, StreamLab
from .fake_agent import FakeAgent
from .wsclient import Refused, channel_socket, frames, joined, refusal, status_of

V5, V4 = "v5.channel.k8s.io", "v4.channel.k8s.io"


def exec_params(*command: str, **flags: str) -> list[tuple[str, str]]:
    params = [("command", c) for c in command]
    return params + [(k, v) for k, v in flags.items()]


def run(
    streams: StreamLab, *command: str, protocols=(V5, V4), stdin: bytes | None = None, **flags: str
):
    flags = {"stdout": "true", "stderr": "true", **flags}
    if stdin is not None:
        flags["stdin"] = "true"
    with channel_socket(
        streams, streams.path("one", "exec"), exec_params(*command, **flags), list(protocols)
    ) as ws:
        if stdin is not None:
            ws.send(b"\x00" + stdin)
            ws.send(b"\xff\x00")  # v5: end of stdin
        return ws.subprotocol, frames(ws)


def test_exec_output_channels_and_success_status(streams: StreamLab) -> None:
    protocol, got = run(streams, "sh", "-c", "echo out; echo err >&2")
    assert protocol == V5
    assert got[0] == (1, b"")  # the empty frame that says the stream is up
    assert joined(got, 1) == b"out\n"
    assert joined(got, 2) == b"err\n"
    assert status_of(got) == {"metadata": {}, "status": "Success"}
    assert got[-1][0] == 3  # the status comes last


def test_exec_exit_code_is_a_non_zero_exit_status(streams: StreamLab) -> None:
    _, got = run(streams, "sh", "-c", "exit 3")
    status = status_of(got)
    assert status["status"] == "Failure"
    assert status["reason"] == "NonZeroExitCode"
    assert status["details"] == {"causes": [{"reason": "ExitCode", "message": "3"}]}
    assert status["message"] == (
        "command terminated with non-zero exit code: error executing command "
        "[sh -c exit 3], exit code 3"
    )


def test_v5_close_ends_stdin_so_cat_finishes(streams: StreamLab) -> None:
    _, got = run(streams, "cat", stdin=b"hello\n")
    assert joined(got, 1) == b"hello\n"
    assert status_of(got)["status"] == "Success"
    assert ("close_stdin",) in streams.agent.calls


def test_v4_is_chosen_when_offered_first_and_ends_with_the_command(streams: StreamLab) -> None:
    protocol, got = run(streams, "echo", "hi", protocols=(V4, V5))
    assert protocol == V4
    assert joined(got, 1) == b"hi\n"


def test_older_protocols_write_only_failures_as_text(streams: StreamLab) -> None:
    protocol, got = run(streams, "sh", "-c", "exit 2", protocols=("channel.k8s.io",))
    assert protocol == "channel.k8s.io"
    assert joined(got, 3).startswith(b"command terminated with non-zero exit code")
    _, ok = run(streams, "true", protocols=("channel.k8s.io",))
    assert joined(ok, 3) == b""


def test_base64_protocol(streams: StreamLab) -> None:
    with channel_socket(
        streams,
        streams.path("one", "exec"),
        exec_params("echo", "hi", stdout="true"),
        ["v4.base64.channel.k8s.io"],
    ) as ws:
        assert ws.subprotocol == "v4.base64.channel.k8s.io"
        texts = []
        try:
            while True:
                texts.append(ws.recv(timeout=20))
        except Exception:
            pass
    assert "1aGkK" in texts  # channel "1", base64 of "hi\n"


def test_tty_resize_reaches_the_process(streams: StreamLab) -> None:
    params = exec_params(
        "sh", "-c", "sleep 0.5; echo done", stdout="true", stdin="true", tty="true"
    )
    with channel_socket(streams, streams.path("one", "exec"), params, [V5]) as ws:
        ws.send(b"\x04" + json.dumps({"Width": 120, "Height": 40}).encode())
        got = frames(ws)
    assert joined(got, 1) == b"done\n"
    assert ("resize", 120, 40) in streams.agent.calls
    exec_call = [c for c in streams.agent.calls if c[0] == "exec" and c[3][0] == "sh"][-1]
    assert exec_call[4] is True  # tty


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (exec_params("true"), "you must specify at least 1 of stdin, stdout, stderr"),
        (exec_params(stdout="true"), "you must specify at least one command for the container"),
    ],
)
def test_bad_options_refuse_the_upgrade(streams: StreamLab, params, message: str) -> None:
    refused = refusal(streams, streams.path("one", "exec"), params, [V5])
    assert refused.code == 400
    assert refused.status["message"] == message


def test_container_and_pod_errors_refuse_the_upgrade(streams: StreamLab) -> None:
    cases = [
        (
            "multi",
            [],
            400,
            "a container name must be specified for pod multi, choose one of: [init a b]",
        ),
        ("one", [("container", "x")], 400, "container x is not valid for pod one"),
        ("pending", [], 400, "pod pending does not have a host assigned"),
        ("ghost", [], 404, 'pods "ghost" not found'),
    ]
    for name, extra, code, message in cases:
        params = exec_params("true", stdout="true") + extra
        refused = refusal(streams, streams.path(name, "exec"), params, [V5])
        assert (refused.code, refused.status["message"]) == (code, message)
    orphan = exec_params("true", stdout="true")
    assert refusal(streams, streams.path("orphan", "exec"), orphan, [V5]).code == 503


def test_an_unsupported_subprotocol_is_refused(streams: StreamLab) -> None:
    params = exec_params("true", stdout="true")
    refused = refusal(streams, streams.path("one", "exec"), params, ["v9.x"])
    assert refused.code == 400
    assert "requested protocol(s) are not supported: [v9.x]" in refused.status["message"]


def test_an_agent_error_arrives_as_the_status(streams: StreamLab) -> None:
    streams.agent.refuse = StatusError(500, "InternalError", "the runtime is down")
    try:
        _, got = run(streams, "true")
    finally:
        streams.agent.refuse = None
    status = status_of(got)
    assert (status["status"], status["reason"], status["code"]) == ("Failure", "InternalError", 500)
    assert status["message"] == "the runtime is down"
    _, missing = run(streams, "no-such-command-anywhere")
    assert "error executing command in container" in status_of(missing)["message"]


def test_plain_requests_get_no_upgrade(streams: StreamLab) -> None:
    path = streams.path("one", "exec")
    params = {"command": "true", "stdout": "true"}
    response = streams.http.post(path, params=params)
    assert response.status_code == 400
    assert response.json()["message"] == "Upgrade request required"
    spdy = streams.http.post(
        path, params=params, headers={"Connection": "Upgrade", "Upgrade": "SPDY/3.1"}
    )
    assert spdy.status_code == 400
    assert "not SPDY/3.1" in spdy.json()["message"]


def test_attach_streams_the_container_and_ends_with_success(streams: StreamLab) -> None:
    params = [("stdout", "true"), ("stderr", "true"), ("stdin", "true")]
    with channel_socket(streams, streams.path("one", "attach"), params, [V5]) as ws:
        ws.send(b"\x00typed\n")
        ws.send(b"\xff\x00")
        got = frames(ws)
    assert joined(got, 1) == b"attached\ntyped\n"
    assert status_of(got) == {"metadata": {}, "status": "Success"}


def _bind(streams: StreamLab, user: str, verbs: list[str]) -> None:
    http = streams.http
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": user},
        "rules": [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": verbs}],
    }
    binding = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": {"name": user},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": user},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}],
    }
    base = f"/apis/rbac.authorization.k8s.io/v1/namespaces/{NS}"
    assert http.post(f"{base}/roles", json=role).status_code == 201
    assert http.post(f"{base}/rolebindings", json=binding).status_code == 201


def _exec_as(streams: StreamLab, user: str) -> list[tuple[int, bytes]]:
    with channel_socket(
        streams,
        streams.path("one", "exec"),
        exec_params("echo", "ok", stdout="true"),
        [V5],
        headers={"Impersonate-User": user},
    ) as ws:
        return frames(ws)


def test_websocket_exec_needs_create_as_well_as_get(streams: StreamLab) -> None:
    _bind(streams, "reader", ["get"])
    _bind(streams, "operator", ["get", "create"])
    with pytest.raises(Refused) as refused:
        _exec_as(streams, "reader")
    assert refused.value.code == 403
    assert refused.value.status["message"] == (
        'pods "one" is forbidden: User "reader" cannot create resource "pods/exec" '
        'in API group "" in the namespace "streams"'
    )
    assert joined(_exec_as(streams, "operator"), 1) == b"ok\n"


def test_kubectl_exec(streams: StreamLab) -> None:
    lab = streams.lab
    assert lab.ok("exec", "-n", NS, "one", "--", "echo", "hello") == "hello\n"
    assert lab.ok("exec", "-i", "-n", NS, "one", "--", "cat", input="from stdin\n") == (
        "from stdin\n"
    )
    result = lab.kubectl("exec", "-n", NS, "one", "--", "sh", "-c", "echo bad >&2; exit 3")
    assert result.returncode == 3
    assert "bad" in result.stderr
    assert "command terminated with exit code 3" in result.stderr
    error = lab.fails("exec", "-n", NS, "one", "-c", "nope", "--", "true")
    assert "container nope is not valid for pod one" in error


def test_kubectl_attach(streams: StreamLab) -> None:
    out = streams.lab.ok("attach", "-i", "-n", NS, "one", input="line\n")
    assert "attached\nline\n" in out


def test_official_client_exec(streams: StreamLab) -> None:
    api = k8s.CoreV1Api(k8s_config.new_client_from_config(str(streams.lab.kubeconfig)))
    out = stream(
        api.connect_get_namespaced_pod_exec,
        "one",
        NS,
        command=["sh", "-c", "echo from python"],
        stdout=True,
        stderr=True,
        stdin=False,
        tty=False,
    )
    assert out == "from python\n"
    session = stream(
        api.connect_get_namespaced_pod_exec,
        "one",
        NS,
        command=["sh", "-c", "exit 4"],
        stdout=True,
        stderr=True,
        _preload_content=False,
    )
    session.run_forever(timeout=20)
    assert session.returncode == 4


def test_kubectl_1_28_speaks_spdy_and_gets_a_clear_error(tmp_path) -> None:
    lab = start_versioned_lab(tmp_path, "28")
    try:
        lab.api.node_agents.register(FakeAgent(NODE, tmp_path))
        lab.ok("create", "namespace", NS)
        lab.ok(
            "run",
            "-n",
            NS,
            "p",
            "--image=busybox",
            "--overrides",
            json.dumps({"spec": {"nodeName": NODE}}),
        )
        result = subprocess.run(
            [KUBECTL, "--kubeconfig", str(lab.kubeconfig), "exec", "-n", NS, "p", "--", "true"],
            env=isolated_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        stop_versioned_lab(lab)
    assert result.returncode != 0
    assert "not SPDY/3.1" in result.stderr
