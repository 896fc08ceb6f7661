"""The lab PKI and the kubeconfig writer, in-process."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from cryptography import x509

from engine.api.pki import PKIError, ensure_pki
from engine.kubeconfig import KubeconfigError, build_kubeconfig, server_url, write_kubeconfig


def sans(path: Path) -> set[str]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(v) for v in ext.get_values_for_type(x509.IPAddress)} | set(
        ext.get_values_for_type(x509.DNSName)
    )


def test_pki_is_created_once_and_reused(tmp_path: Path):
    first = ensure_pki(tmp_path / "pki")
    cert_before = first.cert_file.read_bytes()
    second = ensure_pki(tmp_path / "pki")
    assert second.ca_pem == first.ca_pem
    assert second.token == first.token
    assert second.cert_file.read_bytes() == cert_before
    assert len(first.token) >= 32


def test_serving_certificate_is_signed_by_the_ca(tmp_path: Path):
    pki = ensure_pki(tmp_path / "pki")
    ca = x509.load_pem_x509_certificate(pki.ca_pem)
    cert = x509.load_pem_x509_certificate(pki.cert_file.read_bytes())
    cert.verify_directly_issued_by(ca)
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert ca.not_valid_after_utc - ca.not_valid_before_utc > dt.timedelta(days=3600)
    assert {"127.0.0.1", "::1", "localhost"} <= sans(pki.cert_file)


def test_a_new_address_reissues_the_serving_certificate_with_the_same_ca(tmp_path: Path):
    first = ensure_pki(tmp_path / "pki")
    second = ensure_pki(tmp_path / "pki", hosts=["10.1.2.3", "lab.example"])
    assert second.ca_pem == first.ca_pem
    assert {"10.1.2.3", "lab.example", "127.0.0.1"} <= sans(second.cert_file)
    third = ensure_pki(tmp_path / "pki", hosts=["0.0.0.0"])  # wildcard: nothing to add
    assert third.cert_file.read_bytes() == second.cert_file.read_bytes()


def test_serving_certificate_is_renewed_before_it_expires(tmp_path: Path):
    first = ensure_pki(tmp_path / "pki")
    old = first.cert_file.read_bytes()
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=350)
    renewed = ensure_pki(tmp_path / "pki", now=later)
    assert renewed.cert_file.read_bytes() != old
    assert renewed.ca_pem == first.ca_pem


def test_a_half_missing_ca_is_a_clear_error(tmp_path: Path):
    pki = ensure_pki(tmp_path / "pki")
    (pki.directory / "ca.key").unlink()
    with pytest.raises(PKIError, match="ca.key is missing"):
        ensure_pki(tmp_path / "pki")


def test_server_url_dials_loopback_for_wildcards():
    assert server_url("https", "127.0.0.1", 6443) == "https://127.0.0.1:6443"
    assert server_url("https", "0.0.0.0", 1) == "https://127.0.0.1:1"
    assert server_url("https", "::", 2) == "https://[::1]:2"
    assert server_url("https", "::1", 3) == "https://[::1]:3"
    assert server_url("http", "localhost", 4) == "http://localhost:4"


def test_kubeconfig_is_written_private_and_merged(tmp_path: Path):
    path = tmp_path / "config"
    write_kubeconfig(path, build_kubeconfig("https://127.0.0.1:1", "t1", b"PEM"))
    assert path.stat().st_mode & 0o777 == 0o600
    write_kubeconfig(
        path, build_kubeconfig("https://127.0.0.1:2", "t2", b"PEM", cluster="b", context="b")
    )
    write_kubeconfig(path, build_kubeconfig("https://127.0.0.1:3", "t3", b"PEM"))
    config = yaml.safe_load(path.read_text())
    servers = {c["name"]: c["cluster"]["server"] for c in config["clusters"]}
    assert servers == {"b": "https://127.0.0.1:2", "ktui-lab": "https://127.0.0.1:3"}
    assert [u["user"]["token"] for u in config["users"]] == ["t3"]  # same user name: replaced
    assert config["current-context"] == "ktui-lab"


def test_kubeconfig_refuses_to_overwrite_something_else(tmp_path: Path):
    path = tmp_path / "notes.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(KubeconfigError, match="not a kubeconfig"):
        write_kubeconfig(path, build_kubeconfig("https://127.0.0.1:1", "t", None))
    assert path.read_text() == "- just\n- a list\n"
