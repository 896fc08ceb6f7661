"""An in-thread engine over TLS (so tests can reach `lab.store` to compact it; it accepts
client certificates from its CA, as `ktui serve` does) and a fresh ktui client per test,
loaded from the lab's kubeconfig like any user's."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.api import build_app
from engine.api.pki import ensure_pki
from engine.api.rest import APIServer, install
from engine.api.server import HTTPServer, TLSFiles, bind_socket, create_server
from engine.kubeconfig import build_kubeconfig, server_url, write_kubeconfig
from engine.store import Store
from ktui.client import Client, ResourceClient, connect


@dataclass
class Lab:
    store: Store
    api: APIServer
    server: HTTPServer
    kubeconfig: Path
    url: str
    token: str
    ca_pem: bytes
    pki_dir: Path  # its CA signs client certificates (engine.api.pki.issue_client_certificate)

    def compact(self) -> int:
        """Drop all history: every resourceVersion older than now becomes 410 Gone."""
        revision = self.store.revision
        self.store.compact(revision)
        return revision


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    tmp = tmp_path_factory.mktemp("client-lab")
    pki = ensure_pki(tmp / "pki")
    store = Store(tmp / "store")
    app = build_app(pki.token, store)
    api = install(app, store)
    # As `ktui serve`: clients may present a certificate signed by the lab's CA.
    tls = TLSFiles(pki.cert_file, pki.key_file, pki.ca_cert_file)
    server = create_server(app, bind_socket("127.0.0.1", 0), tls)
    server.start()
    api.bootstrap("127.0.0.1", server.port)
    url = server_url("https", "127.0.0.1", server.port)
    kubeconfig = tmp / "kubeconfig"
    write_kubeconfig(kubeconfig, build_kubeconfig(url, pki.token, pki.ca_pem))
    yield Lab(store, api, server, kubeconfig, url, pki.token, pki.ca_pem, pki.directory)
    server.stop()
    api.close()
    store.close()


@pytest.fixture
async def client(lab: Lab) -> AsyncIterator[Client]:
    async with await connect(lab.kubeconfig) as instance:
        yield instance


@pytest.fixture
async def namespace(client: Client) -> AsyncIterator[str]:
    """A namespace of the test's own; the client's default namespace points at it."""
    name = f"t-{uuid.uuid4().hex[:8]}"
    namespaces = await client.resource("namespaces")
    await namespaces.create({"metadata": {"name": name}})
    client.namespace = name
    yield name


@pytest.fixture
async def configmaps(client: Client, namespace: str) -> ResourceClient:
    return await client.resource("cm")


def configmap(name: str, **data: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}
