"""pods/portforward over WebSocket (v4 channels) against a fake node agent that connects
to 127.0.0.1: the port preamble, data both ways, errors on the error channel, and what
the real clients make of it."""

from __future__ import annotations

import json
import socket
import struct
import subprocess
import threading
from collections.abc import Iterator

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from kubernetes.stream import portforward

from ..conformance.conftest import start_versioned_lab, stop_versioned_lab
from ..helpers import KUBECTL, isolated_env
from .conftest import NODE, NS, StreamLab
from .fake_agent import FakeAgent
from .wsclient import channel_socket, frames, refusal

V4 = "v4.channel.k8s.io"


@pytest.fixture(scope="module")
def echo_port() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that answers each chunk upper-cased."""
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve(conn: socket.socket) -> None:
        with conn:
            while data := conn.recv(65536):
                conn.sendall(data.upper())

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield port
    server.close()


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_data_flows_both_ways_after_the_port_preamble(streams: StreamLab, echo_port: int) -> None:
    path = streams.path("one", "portforward")
    with channel_socket(streams, path, [("ports", str(echo_port))], [V4]) as ws:
        assert ws.subprotocol == V4
        preamble = struct.pack("<H", echo_port)
        assert ws.recv(timeout=20) == b"\x00" + preamble
        assert ws.recv(timeout=20) == b"\x01" + preamble
        ws.send(b"\x00hello")
        assert ws.recv(timeout=20) == b"\x00HELLO"
    assert ("port_forward", "one", echo_port) in streams.agent.calls


def test_two_ports_get_channels_in_order(streams: StreamLab, echo_port: int) -> None:
    refused = closed_port()
    params = [("ports", f"{echo_port},{refused}")]
    with channel_socket(streams, streams.path("one", "portforward"), params, [V4]) as ws:
        ws.send(b"\x00abc")
        got: list[tuple[int, bytes]] = []
        while (0, b"ABC") not in got or not any(ch == 3 and len(d) > 2 for ch, d in got):
            message = ws.recv(timeout=20)
            got.append((message[0], message[1:]))
    assert got[:4] == [
        (0, struct.pack("<H", echo_port)),
        (1, struct.pack("<H", echo_port)),
        (2, struct.pack("<H", refused)),
        (3, struct.pack("<H", refused)),
    ]
    errors = [d for ch, d in got if ch == 3 and len(d) > 2]
    assert errors and errors[0].startswith(f"error forwarding port {refused} to pod".encode())


def test_the_socket_closes_when_the_pod_side_closes(streams: StreamLab) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def once() -> None:
        conn, _ = server.accept()
        conn.sendall(b"bye")
        conn.close()

    threading.Thread(target=once, daemon=True).start()
    try:
        with channel_socket(
            streams, streams.path("one", "portforward"), [("ports", str(port))], [V4]
        ) as ws:
            got = frames(ws)
    finally:
        server.close()
    assert (0, b"bye") in got


def test_ports_are_required_and_must_parse(streams: StreamLab) -> None:
    path = streams.path("one", "portforward")
    assert refusal(streams, path, [], [V4]).status["message"] == (
        'query parameter "ports" is required'
    )
    assert refusal(streams, path, [("ports", "http")], [V4]).code == 400
    assert (
        refusal(streams, streams.path("pending", "portforward"), [("ports", "80")], [V4]).status[
            "message"
        ]
        == "pod pending does not have a host assigned"
    )


def test_the_official_client_forwards(streams: StreamLab, echo_port: int) -> None:
    api = k8s.CoreV1Api(k8s_config.new_client_from_config(str(streams.lab.kubeconfig)))
    forward = portforward(
        api.connect_get_namespaced_pod_portforward, "one", NS, ports=str(echo_port)
    )
    sock = forward.socket(echo_port)
    sock.settimeout(20)
    sock.sendall(b"python")
    assert sock.recv(100) == b"PYTHON"
    sock.close()
    forward.close()


def _running(streams: StreamLab, name: str) -> None:
    """kubectl port-forward refuses a pod that is not Running."""
    response = streams.http.patch(
        streams.path(name, "status"),
        json={"status": {"phase": "Running"}},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text


def test_kubectl_port_forward_through_the_spdy_tunnel(streams: StreamLab, echo_port: int) -> None:
    """kubectl 1.31+ tunnels SPDY inside a WebSocket (`SPDY/3.1+portforward.k8s.io`)."""
    _running(streams, "one")
    local = closed_port()
    proc = subprocess.Popen(
        [
            KUBECTL,
            "--kubeconfig",
            str(streams.lab.kubeconfig),
            "port-forward",
            "-n",
            NS,
            "pod/one",
            f"{local}:{echo_port}",
        ],
        env=isolated_env(streams.lab.tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith(f"Forwarding from 127.0.0.1:{local}")
        for word in (b"first", b"second"):  # a new pair of SPDY streams per connection
            with socket.create_connection(("127.0.0.1", local), timeout=20) as conn:
                conn.sendall(word)
                assert conn.recv(100) == word.upper()
        payload = bytes(range(256)) * 2048  # 512 KiB: more than one SPDY window
        with socket.create_connection(("127.0.0.1", local), timeout=20) as conn:
            conn.sendall(payload)
            got = b""
            while len(got) < len(payload):
                got += conn.recv(65536)
        assert got == payload.upper()
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def test_plain_spdy_gets_a_clear_error(tmp_path) -> None:
    """kubectl before 1.31 (and every kubectl's fallback) upgrades a POST to SPDY/3.1,
    which an ASGI server cannot take over: it must stop with the reason, not hang."""
    lab = start_versioned_lab(tmp_path, "30")
    try:
        lab.api.node_agents.register(FakeAgent(NODE, tmp_path))
        lab.ok("create", "namespace", NS)
        overrides = json.dumps({"spec": {"nodeName": NODE}})
        lab.ok("run", "-n", NS, "p", "--image=busybox", "--overrides", overrides)
        lab.ok(
            "patch",
            "-n",
            NS,
            "pod/p",
            "--subresource=status",
            "--type=merge",
            "-p",
            json.dumps({"status": {"phase": "Running"}}),
        )
        result = lab.kubectl("port-forward", "-n", NS, "pod/p", f"{closed_port()}:80", timeout=60)
    finally:
        stop_versioned_lab(lab)
    assert result.returncode != 0
    assert "not SPDY/3.1" in result.stderr
