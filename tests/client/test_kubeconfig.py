"""kubeconfig variants: merged files, contexts, exec plugins, client certificates, token
files, in-cluster, and clear errors for broken files."""

from __future__ import annotations

import base64
import datetime as dt
import json
import stat
import sys
from pathlib import Path

import pytest
import yaml

from ktui.client import Client, CredentialError, KubeconfigError, connect, load_config
from ktui.client.config import in_cluster_config

from .conftest import Lab


def write(path: Path, doc: dict) -> Path:
    path.write_text(yaml.safe_dump(doc))
    return path


def config_doc(
    context: str, cluster: dict, user: dict, current: str | None = None, namespace: str = ""
) -> dict:
    ctx = {"cluster": context, "user": context, **({"namespace": namespace} if namespace else {})}
    doc = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context, "cluster": cluster}],
        "users": [{"name": context, "user": user}],
        "contexts": [{"name": context, "context": ctx}],
    }
    if current:
        doc["current-context"] = current
    return doc


def lab_cluster(lab: Lab) -> dict:
    return {"server": lab.url, "certificate-authority-data": base64.b64encode(lab.ca_pem).decode()}


def test_merged_files_first_wins_and_first_current_context(tmp_path: Path) -> None:
    a = write(tmp_path / "a", config_doc("one", {"server": "https://a:1"}, {"token": "ta"}))
    b_doc = config_doc("one", {"server": "https://b:2"}, {"token": "tb"}, current="two")
    b_doc["clusters"].append({"name": "two", "cluster": {"server": "https://two:3"}})
    b_doc["users"].append({"name": "two", "user": {"token": "t2"}})
    b_doc["contexts"].append(
        {"name": "two", "context": {"cluster": "two", "user": "two", "namespace": "dev"}}
    )
    b = write(tmp_path / "b", b_doc)
    c = write(tmp_path / "c", config_doc("three", {"server": "https://c:4"}, {}, current="one"))
    env = {"KUBECONFIG": f"{a}:{tmp_path / 'missing'}:{b}:{c}", "HOME": str(tmp_path)}
    config = load_config(env=env)
    assert config.context == "two"  # b is the first file that sets current-context
    assert (config.server, config.token, config.namespace) == ("https://two:3", "t2", "dev")
    one = load_config(context="one", env=env)
    assert (one.server, one.token, one.namespace) == ("https://a:1", "ta", "default")
    assert load_config(context="one", namespace="x", env=env).namespace == "x"


def test_default_path_and_explicit_path(tmp_path: Path) -> None:
    (tmp_path / ".kube").mkdir()
    write(tmp_path / ".kube" / "config", config_doc("h", {"server": "https://h:1"}, {}, "h"))
    other = write(tmp_path / "other", config_doc("o", {"server": "https://o:1"}, {}, "o"))
    env = {"HOME": str(tmp_path)}
    assert load_config(env=env).server == "https://h:1"
    assert load_config(other, env={"KUBECONFIG": "/nope", **env}).server == "https://o:1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("clusters: [unclosed", "not valid YAML"),
        ("- a list", "expected a mapping"),
        ("clusters: {a: 1}", "'clusters' must be a list"),
        ("clusters: [{cluster: {server: x}}]", "has no name"),
    ],
)
def test_broken_files_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "broken"
    path.write_text(content)
    with pytest.raises(KubeconfigError, match=message) as caught:
        load_config(path, env={})
    assert str(path) in str(caught.value)


def test_missing_and_unknown_things(tmp_path: Path) -> None:
    with pytest.raises(KubeconfigError, match="kubeconfig file not found"):
        load_config(tmp_path / "absent", env={})
    with pytest.raises(KubeconfigError, match="no kubeconfig found"):
        load_config(env={"KUBECONFIG": str(tmp_path / "absent")})
    doc = config_doc("c", {"server": "https://x"}, {}, current="c")
    path = write(tmp_path / "k", doc)
    with pytest.raises(KubeconfigError, match='context "nope" not found .*known: c'):
        load_config(path, context="nope", env={})
    doc["contexts"][0]["context"]["user"] = "ghost"
    write(path, doc)
    with pytest.raises(KubeconfigError, match='user "ghost", which is not defined'):
        load_config(path, env={})
    doc["contexts"][0]["context"] = {"cluster": "gone", "user": "c"}
    write(path, doc)
    with pytest.raises(KubeconfigError, match='cluster "gone", which is not defined'):
        load_config(path, env={})
    write(path, {**config_doc("c", {"server": "https://x"}, {}), "current-context": ""})
    with pytest.raises(KubeconfigError, match="no current-context"):
        load_config(path, env={})


def test_ca_file_relative_to_the_kubeconfig_and_bad_ca(tmp_path: Path, lab: Lab) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.pem").write_bytes(lab.ca_pem)
    doc = config_doc(
        "c", {"server": lab.url, "certificate-authority": "certs/ca.pem"}, {"token": lab.token}, "c"
    )
    config = load_config(write(tmp_path / "k", doc), env={})
    assert config.ca_file == str(tmp_path / "certs" / "ca.pem")
    assert config.ssl_context()
    (tmp_path / "certs" / "ca.pem").write_text("not a certificate")
    with pytest.raises(KubeconfigError, match="cannot load the cluster CA"):
        config.ssl_context()


async def test_ca_data_and_token_against_the_engine(tmp_path: Path, lab: Lab) -> None:
    path = write(tmp_path / "k", config_doc("c", lab_cluster(lab), {"token": lab.token}, "c"))
    async with await connect(path) as client:
        assert (await client.version())["major"] == "1"


async def test_insecure_skip_tls_verify(tmp_path: Path, lab: Lab) -> None:
    cluster = {"server": lab.url, "insecure-skip-tls-verify": True}
    path = write(tmp_path / "k", config_doc("c", cluster, {"token": lab.token}, "c"))
    async with await connect(path) as client:
        assert (await client.version())["major"] == "1"


async def test_token_file_is_reread_after_a_401(tmp_path: Path, lab: Lab) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("stale-token\n")
    path = write(tmp_path / "k", config_doc("c", lab_cluster(lab), {"tokenFile": "token"}, "c"))
    async with await connect(path) as client:
        token_file.write_text(lab.token)  # rotated after the first read
        client.auth._file_token = "stale-token"
        assert (await client.version())["major"] == "1"


def test_in_cluster_config(tmp_path: Path) -> None:
    (tmp_path / "token").write_text("sa-token")
    (tmp_path / "namespace").write_text("team-a")
    (tmp_path / "ca.crt").write_text("x")
    env = {
        "KUBERNETES_SERVICE_HOST": "10.96.0.1",
        "KUBERNETES_SERVICE_PORT": "443",
        "HOME": str(tmp_path),
    }
    config = load_config(env=env, account_dir=tmp_path)
    assert (config.server, config.namespace, config.token_file) == (
        "https://10.96.0.1:443",
        "team-a",
        str(tmp_path / "token"),
    )
    assert config.ca_file == str(tmp_path / "ca.crt")
    with pytest.raises(KubeconfigError, match="not running in a cluster"):
        in_cluster_config({}, tmp_path)
    with pytest.raises(KubeconfigError, match="token not found"):
        in_cluster_config(env, tmp_path / "nowhere")


# -- exec credential plugins ------------------------------------------------------------


def plugin(tmp_path: Path, tokens: list[str], api_version: str, expires: str | None) -> Path:
    """A plugin that answers tokens[n] on its n-th run, records its input, counts runs."""
    script = tmp_path / "plugin.py"
    script.write_text(
        f"""#!{sys.executable}
import json, os, sys
from pathlib import Path
runs = Path({str(tmp_path / "runs")!r})
n = len(runs.read_text()) if runs.exists() else 0
runs.write_text("x" * (n + 1))
tokens = {tokens!r}
Path({str(tmp_path / "seen.json")!r}).write_text(json.dumps(
    {{"info": json.loads(os.environ["KUBERNETES_EXEC_INFO"]), "args": sys.argv[1:],
      "env": os.environ.get("PLUGIN_ENV")}}))
status = {{"token": tokens[min(n, len(tokens) - 1)]}}
if {expires!r}:
    status["expirationTimestamp"] = {expires!r}
print(json.dumps({{"apiVersion": {api_version!r}, "kind": "ExecCredential", "status": status}}))
"""
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def exec_kubeconfig(tmp_path: Path, lab: Lab, api_version: str, **extra) -> Path:
    user = {
        "exec": {
            "apiVersion": api_version,
            "command": "./plugin.py",
            "args": ["--flag"],
            "env": [{"name": "PLUGIN_ENV", "value": "yes"}],
            "interactiveMode": "Never",
            **extra,
        }
    }
    return write(tmp_path / "k", config_doc("c", lab_cluster(lab), user, "c"))


@pytest.mark.parametrize(
    "api_version", ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]
)
async def test_exec_plugin_token_is_cached(tmp_path: Path, lab: Lab, api_version: str) -> None:
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)).isoformat()
    plugin(tmp_path, [lab.token], api_version, future.replace("+00:00", "Z"))
    async with await connect(exec_kubeconfig(tmp_path, lab, api_version)) as client:
        await client.version()
        await client.version()
        assert client.plugin.runs == 1
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert seen["info"]["apiVersion"] == api_version
    assert seen["info"]["spec"]["interactive"] is False
    assert (seen["args"], seen["env"]) == (["--flag"], "yes")


async def test_exec_plugin_refreshed_after_expiry_and_401(tmp_path: Path, lab: Lab) -> None:
    v1 = "client.authentication.k8s.io/v1"
    past = "2000-01-01T00:00:00Z"
    plugin(tmp_path, ["wrong", lab.token, lab.token, lab.token], v1, past)
    async with await connect(exec_kubeconfig(tmp_path, lab, v1)) as client:
        await client.version()  # "wrong" → 401 → run again → the right token
        assert client.plugin.runs == 2
        await client.version()  # expired in 2000: runs every time
        assert client.plugin.runs == 3


async def test_exec_plugin_failures_are_clear(tmp_path: Path, lab: Lab) -> None:
    v1 = "client.authentication.k8s.io/v1"
    path = exec_kubeconfig(tmp_path, lab, v1, installHint="install it with brew")
    async with Client(load_config(path, env={})) as client:
        with pytest.raises(CredentialError, match="(?s)cannot run .*install it with brew"):
            await client.version()
    script = plugin(tmp_path, [lab.token], "client.authentication.k8s.io/v1beta1", None)
    async with Client(load_config(path, env={})) as client:
        with pytest.raises(CredentialError, match="expected 'client.authentication.k8s.io/v1'"):
            await client.version()
    script.write_text("#!/bin/sh\necho broken >&2\nexit 4\n")
    async with Client(load_config(path, env={})) as client:
        with pytest.raises(CredentialError, match="exited with code 4: broken"):
            await client.version()
    always = exec_kubeconfig(tmp_path, lab, v1, interactiveMode="Always")
    async with Client(load_config(always, env={}), interactive=False) as client:
        with pytest.raises(CredentialError, match="needs an interactive terminal"):
            await client.version()
    bad = exec_kubeconfig(tmp_path, lab, "client.authentication.k8s.io/v1alpha1")
    with pytest.raises(KubeconfigError, match="v1alpha1"):
        load_config(bad, env={})


# -- client certificates ----------------------------------------------------------------


def make_cert(tmp_path: Path) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "alice")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def test_client_certificates_inline_and_files(tmp_path: Path, lab: Lab) -> None:
    cert, key = make_cert(tmp_path)
    inline = {
        "client-certificate-data": base64.b64encode(cert).decode(),
        "client-key-data": base64.b64encode(key).decode(),
    }
    config = load_config(
        write(tmp_path / "a", config_doc("c", lab_cluster(lab), inline, "c")), env={}
    )
    assert config.cert_data == cert
    assert config.ssl_context()  # loads the chain, leaves no temp file behind
    (tmp_path / "c.pem").write_bytes(cert)
    (tmp_path / "k.pem").write_bytes(key)
    files = {"client-certificate": "c.pem", "client-key": "k.pem"}
    config = load_config(
        write(tmp_path / "b", config_doc("c", lab_cluster(lab), files, "c")), env={}
    )
    assert config.cert_file == str(tmp_path / "c.pem")
    assert config.ssl_context()
    mismatched = {**inline, "client-key-data": base64.b64encode(make_cert(tmp_path)[1]).decode()}
    config = load_config(
        write(tmp_path / "d", config_doc("c", lab_cluster(lab), mismatched, "c")), env={}
    )
    with pytest.raises(KubeconfigError, match="cannot load the client certificate"):
        config.ssl_context()
    (tmp_path / "k.pem").unlink()
    config = load_config(tmp_path / "b", env={})
    with pytest.raises(KubeconfigError, match="k.pem: cannot read"):
        config.ssl_context()


def test_proxy_url_is_used(tmp_path: Path) -> None:
    cluster = {
        "server": "https://x:1",
        "proxy-url": "http://proxy.local:3128",
        "insecure-skip-tls-verify": True,
    }
    config = load_config(write(tmp_path / "k", config_doc("c", cluster, {}, "c")), env={})
    assert config.proxy_url == "http://proxy.local:3128"
    client = Client(config)
    import httpx

    transport = client.http._transport_for_url(httpx.URL("https://x:1"))
    pool = transport._pool  # httpx picked an HTTP proxy transport
    assert type(pool).__name__ == "AsyncHTTPProxy"
