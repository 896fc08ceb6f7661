"""GET pods/log against a fake node agent: the CRI file as kubelet prints it, every
option, the errors kube-apiserver gives, and kubectl / the official client reading it."""

from __future__ import annotations

import base64
import json
import threading
import time

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config

from ..rest.conftest import start_lab, stop_lab
from .conftest import NODE, NS, StreamLab, pod
from .fake_agent import FakeAgent
from .wsclient import channel_socket, refusal

T0 = time.time() - 3600  # an hour ago: old enough for sinceSeconds to leave out


@pytest.fixture(scope="module")
def logged(streams: StreamLab) -> StreamLab:
    """Pod `one` logs three lines (the second split into P records) and has a previous
    instance; pod `multi` container b logs one line."""
    main = streams.agent.log_file(f"{NS}/one", "main")
    main.write(
        (T0, "stdout", "F", "first line"),
        (T0 + 1.5, "stderr", "P", "second "),
        (T0 + 1.5, "stderr", "P", "line in "),
        (T0 + 2, "stderr", "F", "three pieces"),
        (time.time() - 5, "stdout", "F", "recent line"),
    )
    streams.agent.log_file(f"{NS}/one", "main", previous=True).write(
        (T0 - 100, "stdout", "F", "before the restart")
    )
    streams.agent.log_file(f"{NS}/multi", "b").write((T0, "stdout", "F", "b says hi"))
    return streams


def get_log(streams: StreamLab, name: str = "one", **params: str):
    return streams.http.get(streams.path(name, "log"), params=params)


def test_log_strips_the_cri_prefix_and_joins_partial_records(logged: StreamLab) -> None:
    response = get_log(logged)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain"
    assert response.text == "first line\nsecond line in three pieces\nrecent line\n"


def test_a_carriage_return_is_part_of_the_line(streams: StreamLab) -> None:
    streams.http.post(f"/api/v1/namespaces/{NS}/pods", json=pod("progress", ["main"]))
    streams.agent.log_file(f"{NS}/progress", "main").write(
        (T0, "stdout", "F", "10%\r50%\r100%"), (T0, "stdout", "F", "done")
    )
    response = get_log(streams, "progress")
    assert response.content == b"10%\r50%\r100%\ndone\n"


def test_the_only_container_needs_no_name_but_several_do(logged: StreamLab) -> None:
    assert get_log(logged, "multi", container="b").text == "b says hi\n"
    response = get_log(logged, "multi")
    assert response.status_code == 400
    assert response.json()["reason"] == "BadRequest"
    assert response.json()["message"] == (
        "a container name must be specified for pod multi, choose one of: [init a b]"
    )


def test_an_unknown_container_is_a_bad_request(logged: StreamLab) -> None:
    response = get_log(logged, container="nope")
    assert response.status_code == 400
    assert response.json()["message"] == "container nope is not valid for pod one"


def test_the_agent_says_when_a_container_has_not_started(logged: StreamLab) -> None:
    response = get_log(logged, "multi", container="a")
    assert response.status_code == 400
    assert "is waiting to start" in response.json()["message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"tailLines": "-1"},
            'PodLogOptions "one" is invalid: tailLines: Invalid value: -1: '
            "must be greater than or equal to 0",
        ),
        (
            {"limitBytes": "0"},
            'PodLogOptions "one" is invalid: limitBytes: Invalid value: 0: must be greater than 0',
        ),
        (
            {"sinceSeconds": "0"},
            'PodLogOptions "one" is invalid: sinceSeconds: Invalid value: 0: '
            "must be greater than 0",
        ),
        (
            {"sinceSeconds": "10", "sinceTime": "2024-01-01T00:00:00Z"},
            'PodLogOptions "one" is invalid: : Forbidden: at most one of `sinceTime` or '
            "`sinceSeconds` may be specified",
        ),
    ],
)
def test_invalid_options_are_422(logged: StreamLab, params: dict, message: str) -> None:
    response = get_log(logged, **params)
    assert response.status_code == 422
    body = response.json()
    assert body["reason"] == "Invalid"
    assert body["message"] == message
    assert body["details"]["kind"] == "PodLogOptions"


def test_options_that_do_not_parse_are_400(logged: StreamLab) -> None:
    response = get_log(logged, tailLines="many")
    assert response.status_code == 400
    assert response.json()["message"] == 'strconv.ParseInt: parsing "many": invalid syntax'
    assert get_log(logged, sinceTime="yesterday").status_code == 400


def test_tail_counts_log_lines_not_records(logged: StreamLab) -> None:
    assert get_log(logged, tailLines="2").text == "second line in three pieces\nrecent line\n"
    assert get_log(logged, tailLines="1").text == "recent line\n"
    assert get_log(logged, tailLines="0").text == ""
    assert get_log(logged, tailLines="99").text.startswith("first line\n")


def test_timestamps_prefix_each_line_once_with_nine_digits(logged: StreamLab) -> None:
    lines = get_log(logged, timestamps="true").text.splitlines()
    assert len(lines) == 3
    stamp, _, text = lines[1].partition(" ")
    assert text == "second line in three pieces"
    assert stamp.endswith("Z") and len(stamp.split(".")[1]) == 10  # 9 digits + Z


def test_since_time_and_since_seconds_leave_older_records_out(logged: StreamLab) -> None:
    since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(T0 + 1))
    assert get_log(logged, sinceTime=since).text == ("second line in three pieces\nrecent line\n")
    assert get_log(logged, sinceSeconds="600").text == "recent line\n"


def test_limit_bytes_cuts_the_stream(logged: StreamLab) -> None:
    assert get_log(logged, limitBytes="8").text == "first li"


def test_previous_reads_the_previous_instance(logged: StreamLab) -> None:
    assert get_log(logged, previous="true").text == "before the restart\n"
    response = get_log(logged, "multi", container="b", previous="true")
    assert response.status_code == 400
    assert "previous terminated container" in response.json()["message"]


def test_a_pod_without_a_node_is_a_bad_request(logged: StreamLab) -> None:
    # kube-apiserver answers 204 (no body); the engine says why, for ktui's log view.
    response = get_log(logged, "pending")
    assert response.status_code == 400
    assert response.json()["message"] == "pod pending does not have a host assigned"


def test_a_node_without_an_agent_is_503(logged: StreamLab) -> None:
    response = get_log(logged, "orphan")
    assert response.status_code == 503
    assert "node-x" in response.json()["message"]


def test_a_missing_pod_is_404(logged: StreamLab) -> None:
    response = get_log(logged, "ghost")
    assert response.status_code == 404
    assert response.json()["message"] == 'pods "ghost" not found'


def test_follow_streams_new_lines_and_ends_with_the_container(streams: StreamLab) -> None:
    http = streams.http
    http.post(f"/api/v1/namespaces/{NS}/pods", json=pod("follow", ["main"]))
    file = streams.agent.log_file(f"{NS}/follow", "main")
    file.alive.set()
    file.write((time.time(), "stdout", "F", "one"))
    with http.stream("GET", streams.path("follow", "log"), params={"follow": "true"}) as response:
        assert response.status_code == 200
        chunks = response.iter_raw()
        assert next(chunks) == b"one\n"
        file.write((time.time(), "stdout", "P", "t"), (time.time(), "stdout", "F", "wo"))
        got = b""
        while got != b"two\n":
            got += next(chunks)
        file.write((time.time(), "stdout", "F", "last words"))
        file.alive.clear()  # the container stops: the stream ends once the file is drained
        rest = b"".join(chunks)
    assert rest == b"last words\n"


def test_kubectl_logs(logged: StreamLab) -> None:
    lab = logged.lab
    assert lab.ok("logs", "-n", NS, "one") == (
        "first line\nsecond line in three pieces\nrecent line\n"
    )
    assert lab.ok("logs", "-n", NS, "one", "--tail=1") == "recent line\n"
    assert lab.ok("logs", "-n", NS, "one", "--since=10m") == "recent line\n"
    assert lab.ok("logs", "-n", NS, "one", "--previous") == "before the restart\n"
    assert lab.ok("logs", "-n", NS, "multi", "-c", "b") == "b says hi\n"
    stamped = lab.ok("logs", "-n", NS, "one", "--timestamps", "--tail=1")
    assert stamped.endswith("Z recent line\n")
    error = lab.fails("logs", "-n", NS, "one", "-c", "nope")
    assert "container nope is not valid for pod one" in error


def test_kubectl_logs_follow_ends_when_the_container_exits(streams: StreamLab) -> None:
    lab = streams.lab
    streams.http.post(f"/api/v1/namespaces/{NS}/pods", json=pod("tailed", ["main"]))
    file = streams.agent.log_file(f"{NS}/tailed", "main")
    file.alive.set()
    file.write((time.time(), "stdout", "F", "hello"))
    stopper = threading.Timer(
        1.0, lambda: (file.write((time.time(), "stdout", "F", "bye")), file.alive.clear())
    )
    stopper.start()
    try:
        assert lab.ok("logs", "-f", "-n", NS, "tailed") == "hello\nbye\n"
    finally:
        stopper.cancel()


def test_official_client_reads_logs(logged: StreamLab) -> None:
    api = k8s.CoreV1Api(k8s_config.new_client_from_config(str(logged.lab.kubeconfig)))
    text = api.read_namespaced_pod_log("one", NS, tail_lines=1)
    assert text == "recent line\n"
    streamed = api.read_namespaced_pod_log(
        "multi", NS, container="b", follow=True, _preload_content=False
    )
    assert b"".join(streamed.stream()) == b"b says hi\n"


def test_follow_ends_when_the_engine_stops(tmp_path) -> None:
    lab = start_lab(tmp_path)
    try:
        agent = FakeAgent(NODE, tmp_path)
        lab.api.node_agents.register(agent)
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
        file = agent.log_file(f"{NS}/p", "p")
        file.alive.set()  # the container keeps running
        file.write((time.time(), "stdout", "F", "still here"))
        threading.Timer(1.0, lab.api.app.shutdown).start()
        assert lab.ok("logs", "-f", "-n", NS, "p") == "still here\n"
    finally:
        stop_lab(lab)


def test_logs_over_a_websocket(logged: StreamLab) -> None:
    """apiserver's wsstream reader: each piece of the log one message, raw or base64."""
    path = logged.path("one", "log")
    with channel_socket(logged, path, [("tailLines", "1")], ["binary.k8s.io"]) as ws:
        assert ws.subprotocol == "binary.k8s.io"
        assert ws.recv(timeout=20) == b"recent line\n"
    with channel_socket(logged, path, [("tailLines", "1")], ["base64.binary.k8s.io"]) as ws:
        assert base64.b64decode(ws.recv(timeout=20)) == b"recent line\n"
    refused = refusal(logged, path, [("container", "nope")], ["binary.k8s.io"])
    assert (refused.code, refused.status["message"]) == (
        400,
        "container nope is not valid for pod one",
    )
