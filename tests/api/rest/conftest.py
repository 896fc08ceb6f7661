"""An in-thread API server with the REST API installed, over TLS, and a kubeconfig for
the real kubectl and the official Python client. One server per test module."""

from __future__ import annotations

import base64
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from engine.api import build_app
from engine.api.pki import ensure_pki
from engine.api.rest import APIServer, install
from engine.api.server import HTTPServer, TLSFiles, bind_socket, create_server
from engine.kubeconfig import build_kubeconfig, server_url, write_kubeconfig
from engine.store import Store

from ..helpers import KUBECTL, isolated_env

sys.setswitchinterval(0.0005)


@dataclass
class Lab:
    tmp: Path
    store: Store
    api: APIServer
    server: HTTPServer
    kubeconfig: Path
    url: str
    token: str
    ca_file: Path

    def kubectl(
        self, *args: str, input: str | None = None, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KUBECTL, "--kubeconfig", str(self.kubeconfig), *args],
            env=isolated_env(self.tmp),
            capture_output=True,
            text=True,
            input=input,
            timeout=timeout,
        )

    def ok(self, *args: str, input: str | None = None) -> str:
        """kubectl that must succeed; its stdout."""
        result = self.kubectl(*args, input=input)
        assert result.returncode == 0, f"kubectl {' '.join(args)} failed:\n{result.stderr}"
        return result.stdout

    def fails(self, *args: str, input: str | None = None) -> str:
        """kubectl that must fail; its stderr."""
        result = self.kubectl(*args, input=input)
        assert result.returncode != 0, f"kubectl {' '.join(args)} succeeded:\n{result.stdout}"
        return result.stderr


def start_lab(tmp: Path) -> Lab:
    pki = ensure_pki(tmp / "pki")
    store = Store(tmp / "store")
    app = build_app(pki.token, store)
    api = install(app, store)
    sock = bind_socket("127.0.0.1", 0)
    server = create_server(app, sock, TLSFiles(pki.cert_file, pki.key_file))
    server.start()
    api.bootstrap("127.0.0.1", server.port)
    url = server_url("https", "127.0.0.1", server.port)
    kubeconfig = tmp / "kubeconfig"
    write_kubeconfig(kubeconfig, build_kubeconfig(url, pki.token, pki.ca_pem))
    return Lab(tmp, store, api, server, kubeconfig, url, pki.token, pki.ca_cert_file)


def stop_lab(lab: Lab) -> None:
    lab.server.stop()
    lab.api.close()
    lab.store.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    instance = start_lab(tmp_path_factory.mktemp("lab"))
    yield instance
    stop_lab(instance)


def manifest(obj: dict) -> str:
    return yaml.safe_dump(obj)


def ca_data(lab: Lab) -> str:
    return base64.b64encode(lab.ca_file.read_bytes()).decode()


@pytest.fixture(scope="module")
def http(lab: Lab) -> Iterator[httpx.Client]:
    """httpx over TLS with the admin token (JSON in and out)."""
    import ssl

    context = ssl.create_default_context(cafile=str(lab.ca_file))
    with httpx.Client(
        base_url=lab.url,
        verify=context,
        headers={"Authorization": f"Bearer {lab.token}"},
        timeout=20,
    ) as client:
        yield client


def create_namespace(http: httpx.Client, name: str) -> None:
    response = http.post("/api/v1/namespaces", json={"metadata": {"name": name}})
    assert response.status_code in (201, 409), response.text
