"""What a client sees of a running `ktui serve`: kubectl, TLS, authentication, errors."""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import httpx
import pytest
import yaml
from cryptography import x509

from .helpers import Served, kubectl

UNAUTHORIZED = {
    "kind": "Status",
    "apiVersion": "v1",
    "metadata": {},
    "status": "Failure",
    "message": "Unauthorized",
    "reason": "Unauthorized",
    "code": 401,
}


def test_kubectl_version_shows_the_emulated_server_version(served: Served, tmp_path: Path):
    result = kubectl(served.kubeconfig, "version", "-o", "json", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    server = json.loads(result.stdout)["serverVersion"]
    assert server["major"] == "1"
    assert server["minor"] == "32"
    assert server["gitVersion"].startswith("v1.32.")
    assert server["platform"] and server["goVersion"] and server["buildDate"]

    plain = kubectl(served.kubeconfig, "version", tmp=tmp_path)
    assert plain.returncode == 0, plain.stderr
    assert "Server Version: v1.32." in plain.stdout


@pytest.mark.parametrize("path", ["/healthz", "/livez", "/readyz"])
def test_kubectl_get_raw_health_endpoints(served: Served, tmp_path: Path, path: str):
    result = kubectl(served.kubeconfig, "get", "--raw", path, tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok"


def test_readyz_verbose_lists_the_checks(served: Served, tmp_path: Path):
    result = kubectl(served.kubeconfig, "get", "--raw", "/readyz?verbose", tmp=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "[+]ping ok"
    assert "[+]etcd ok" in lines
    assert "[+]shutdown ok" in lines
    assert lines[-1] == "readyz check passed"


def test_public_endpoints_answer_without_a_token(served: Served):
    with served.client() as client:
        version = client.get("/version")
        assert version.status_code == 200
        assert version.headers["content-type"] == "application/json"
        assert version.json()["minor"] == "32"
        healthz = client.get("/healthz")
        assert (healthz.status_code, healthz.text) == (200, "ok")
        assert healthz.headers["content-type"].startswith("text/plain")


def test_request_without_a_token_is_401_status(served: Served):
    with served.client() as client:
        response = client.get("/api")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"
    assert response.json() == UNAUTHORIZED


def test_request_with_a_wrong_token_is_401_status_even_on_public_paths(served: Served):
    with served.client(token="not-the-token") as client:
        for path in ("/api", "/version", "/healthz"):
            response = client.get(path)
            assert response.status_code == 401, path
            assert response.json() == UNAUTHORIZED


def test_kubectl_with_a_wrong_token_says_unauthorized(served: Served, tmp_path: Path):
    config = served.config
    config["users"][0]["user"]["token"] = "wrong"
    bad = tmp_path / "bad-kubeconfig"
    bad.write_text(yaml.safe_dump(config))
    result = kubectl(bad, "get", "--raw", "/api/v1/namespaces", tmp=tmp_path)
    assert result.returncode != 0
    assert "Unauthorized" in result.stderr


def test_unknown_path_is_404_status_json(served: Served):
    with served.client(token=served.token) as client:
        response = client.get("/no/such/thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server could not find the requested resource",
        "reason": "NotFound",
        "details": {},
        "code": 404,
    }


def test_kubectl_reports_not_found_for_an_unknown_path(served: Served, tmp_path: Path):
    result = kubectl(served.kubeconfig, "get", "--raw", "/nothing/here", tmp=tmp_path)
    assert result.returncode != 0
    assert "the server could not find the requested resource" in result.stderr


def test_method_not_allowed_on_version(served: Served):
    with served.client(token=served.token) as client:
        response = client.post("/version", content=b"{}")
    assert response.status_code == 405
    assert response.json()["reason"] == "MethodNotAllowed"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_tls_verifies_with_the_kubeconfig_ca(served: Served, host: str):
    url = f"https://{host}:{served.port}"
    with served.client(base_url=url) as client:
        assert client.get("/healthz").text == "ok"


def test_tls_is_not_trusted_without_the_lab_ca(served: Served):
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{served.server}/healthz", verify=ssl.create_default_context())


def test_serving_certificate_names_loopback_and_localhost(served: Served):
    pem = (served.data / "data" / "pki" / "apiserver.crt").read_bytes()
    sans = x509.load_pem_x509_certificate(pem).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    ips = {str(ip) for ip in sans.value.get_values_for_type(x509.IPAddress)}
    names = set(sans.value.get_values_for_type(x509.DNSName))
    assert {"127.0.0.1", "::1"} <= ips
    assert "localhost" in names
