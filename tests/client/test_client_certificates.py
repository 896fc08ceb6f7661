"""Client-certificate users against the engine over TLS: a kubeconfig whose user has
`client-certificate-data`/`client-key-data` (or `client-certificate`/`client-key` files)
authenticates as the certificate's CN in its O groups, and RBAC applies to that user."""

from __future__ import annotations

import asyncio
import base64
import uuid
from pathlib import Path

import pytest
import yaml

from engine.api.pki import issue_client_certificate
from ktui.client import Client, ConnectionFailed, Forbidden, connect

from .conftest import Lab


def kubeconfig(path: Path, lab: Lab, user: dict) -> Path:
    cluster = {
        "server": lab.url,
        "certificate-authority-data": base64.b64encode(lab.ca_pem).decode(),
    }
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "lab", "cluster": cluster}],
                "users": [{"name": "u", "user": user}],
                "contexts": [{"name": "lab", "context": {"cluster": "lab", "user": "u"}}],
                "current-context": "lab",
            }
        )
    )
    return path


def inline_user(cert: bytes, key: bytes) -> dict:
    return {
        "client-certificate-data": base64.b64encode(cert).decode(),
        "client-key-data": base64.b64encode(key).decode(),
    }


async def whoami(client: Client) -> dict:
    review = await client.json(
        "POST",
        "/apis/authentication.k8s.io/v1/selfsubjectreviews",
        body={"apiVersion": "authentication.k8s.io/v1", "kind": "SelfSubjectReview"},
    )
    return review["status"]["userInfo"]


@pytest.fixture
def user() -> tuple[str, str]:
    """A fresh user name and group (the lab is shared by the whole session)."""
    suffix = uuid.uuid4().hex[:6]
    return f"alice-{suffix}", f"readers-{suffix}"


async def test_inline_certificate_authenticates_and_rbac_applies(
    tmp_path: Path, lab: Lab, client: Client, namespace: str, user: tuple[str, str]
) -> None:
    name, group = user
    cert, key = issue_client_certificate(lab.pki_dir, name, [group])
    async with await connect(kubeconfig(tmp_path / "config", lab, inline_user(cert, key))) as alice:
        info = await whoami(alice)
        assert info["username"] == name
        assert set(info["groups"]) == {group, "system:authenticated"}
        pods = await alice.resource("pods")
        with pytest.raises(Forbidden) as denied:
            await pods.list(namespace)
        assert f'User "{name}" cannot list resource "pods"' in denied.value.message

        # The admin lets the group read the namespace; the same connection may list now.
        bindings = await client.resource("rolebindings")
        await bindings.create(
            {
                "metadata": {"name": "readers"},
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": "view",
                },
                "subjects": [
                    {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}
                ],
            },
            namespace,
        )
        listed = await eventually(lambda: pods.list(namespace))
        assert listed.items == []
        with pytest.raises(Forbidden):  # view is read-only
            await pods.create({"metadata": {"name": "p"}, "spec": {"containers": []}}, namespace)
        with pytest.raises(Forbidden):  # and only in that namespace
            await pods.list("default")


async def test_certificate_files_relative_to_the_kubeconfig(
    tmp_path: Path, lab: Lab, user: tuple[str, str]
) -> None:
    name, group = user
    cert, key = issue_client_certificate(lab.pki_dir, name, [group])
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "user.crt").write_bytes(cert)
    (tmp_path / "certs" / "user.key").write_bytes(key)
    files = {"client-certificate": "certs/user.crt", "client-key": "certs/user.key"}
    async with await connect(kubeconfig(tmp_path / "config", lab, files)) as alice:
        assert (await whoami(alice))["username"] == name
        with pytest.raises(Forbidden):
            await (await alice.resource("secrets")).list("default")


async def test_a_certificate_from_another_ca_is_refused(
    tmp_path: Path, lab: Lab, user: tuple[str, str]
) -> None:
    other_ca = tmp_path / "other-pki"
    other_ca.mkdir()
    cert, key = issue_client_certificate(other_ca, user[0], ["system:masters"])
    async with await connect(
        kubeconfig(tmp_path / "config", lab, inline_user(cert, key))
    ) as mallory:
        # TLS refuses it (as for kubectl): no request is answered, as anyone at all.
        with pytest.raises(ConnectionFailed):
            await whoami(mallory)


async def eventually(call, timeout: float = 5.0):
    """The authorizer may see a new binding a moment after it is stored."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            return await call()
        except Forbidden:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.05)
