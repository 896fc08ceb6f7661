"""Starting, stopping and resuming `ktui serve`; its files and its errors."""

from __future__ import annotations

import signal
import socket
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from .helpers import REPO, Served, isolated_env, ktui_command, kubectl, serve, start


def run_ktui(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ktui to completion (for commands that must fail at once)."""
    return subprocess.run(
        ktui_command(*args),
        cwd=REPO,
        env=isolated_env(tmp),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sigterm_stops_cleanly_and_closes_the_port(fresh: Served):
    port = fresh.port
    assert fresh.stop(signal.SIGTERM) == 0
    assert "Traceback" not in fresh.stderr
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


def test_sigint_stops_cleanly(fresh: Served):
    assert fresh.stop(signal.SIGINT) == 0
    assert "Traceback" not in fresh.stderr


def test_prints_kubeconfig_path_and_a_kubectl_hint(fresh: Served):
    assert fresh.stdout[0] == f"kubeconfig: {fresh.data / 'data' / 'kubeconfig'}"
    assert any(line.startswith("try: kubectl --kubeconfig ") for line in fresh.stdout)
    config = fresh.config
    assert config["current-context"] == "ktui-lab"
    assert config["contexts"] == [
        {"name": "ktui-lab", "context": {"cluster": "ktui-lab", "user": "admin"}}
    ]
    assert config["clusters"][0]["name"] == "ktui-lab"
    assert fresh.server.startswith("https://127.0.0.1:")
    assert fresh.port != 0


def test_secrets_are_private_files(fresh: Served):
    pki = fresh.data / "data" / "pki"
    for path in (pki / "ca.key", pki / "apiserver.key", pki / "admin.token", fresh.kubeconfig):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_restart_on_the_same_data_reuses_ca_and_token(tmp_path: Path):
    first = serve(tmp_path)
    port = first.port
    old_kubeconfig = tmp_path / "old-kubeconfig"
    old_kubeconfig.write_text(first.kubeconfig.read_text())
    ca_before = (tmp_path / "data" / "pki" / "ca.crt").read_bytes()
    assert first.stop() == 0

    second = start(["serve", "--port", str(port), "--data", str(tmp_path / "data")], tmp_path)
    try:
        assert (tmp_path / "data" / "pki" / "ca.crt").read_bytes() == ca_before
        assert second.token == first.token
        assert second.ca_pem == first.ca_pem
        result = kubectl(old_kubeconfig, "version", "-o", "json", tmp=tmp_path)
        assert result.returncode == 0, result.stderr
        with second.client(token=first.token) as client:
            api = client.get("/api")  # the old token still authenticates
            assert api.status_code == 200
            assert api.json()["versions"] == ["v1"]
    finally:
        assert second.stop() == 0


def test_busy_port_is_a_one_line_error_and_exit_1(tmp_path: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_ktui(tmp_path, "serve", "--port", str(port), "--data", str(tmp_path / "d"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"127.0.0.1:{port}" in lines[0]
    assert "already in use" in lines[0]
    assert "kubeconfig:" not in result.stdout


def test_a_second_engine_on_the_same_data_is_refused(fresh: Served, tmp_path: Path):
    result = run_ktui(tmp_path, "serve", "--port", "0", "--data", str(fresh.data / "data"))
    assert result.returncode == 1
    assert "in use by another ktui engine" in result.stderr
    assert "Traceback" not in result.stderr
    assert fresh.proc.poll() is None  # the first one keeps serving
    with fresh.client() as client:
        assert client.get("/readyz").text == "ok"


def test_data_defaults_to_xdg_data_home(tmp_path: Path):
    served = start(["serve", "--port", "0"], tmp_path)
    try:
        assert served.kubeconfig == tmp_path / "xdg-data" / "ktui" / "lab" / "kubeconfig"
        assert (tmp_path / "xdg-data" / "ktui" / "lab" / "pki" / "ca.crt").exists()
    finally:
        assert served.stop() == 0


def test_kubeconfig_option_merges_into_an_existing_file(tmp_path: Path):
    target = tmp_path / "kube" / "config"
    target.parent.mkdir()
    other = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "prod", "cluster": {"server": "https://prod.example:6443"}}],
        "users": [{"name": "me", "user": {"token": "abc"}}],
        "contexts": [{"name": "prod", "context": {"cluster": "prod", "user": "me"}}],
        "current-context": "prod",
    }
    target.write_text(yaml.safe_dump(other))
    served = serve(tmp_path, "--kubeconfig", str(target))
    try:
        assert served.kubeconfig == target
        config = yaml.safe_load(target.read_text())
        assert {c["name"] for c in config["contexts"]} == {"prod", "ktui-lab"}
        assert {c["name"] for c in config["clusters"]} == {"prod", "ktui-lab"}
        assert config["current-context"] == "ktui-lab"
        result = kubectl(target, "get", "--raw", "/livez", tmp=tmp_path)
        assert (result.returncode, result.stdout) == (0, "ok"), result.stderr
    finally:
        assert served.stop() == 0


def test_insecure_http_serves_plain_http_and_says_so(tmp_path: Path):
    served = serve(tmp_path, "--insecure-http")
    try:
        assert served.server.startswith("http://127.0.0.1:")
        assert "certificate-authority-data" not in served.config["clusters"][0]["cluster"]
        assert "plain HTTP" in served.stderr
        result = kubectl(served.kubeconfig, "get", "--raw", "/healthz", tmp=tmp_path)
        assert (result.returncode, result.stdout) == (0, "ok"), result.stderr
        result = kubectl(served.kubeconfig, "version", "-o", "json", tmp=tmp_path)
        assert result.returncode == 0, result.stderr
    finally:
        assert served.stop() == 0
