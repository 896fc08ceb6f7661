"""An in-process engine (engine.cluster.Cluster) over TLS with client certificates, and
kubectl driven as the admin, as ServiceAccounts, as certificate users and with --as."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from engine.api.pki import issue_client_certificate
from engine.cluster import Cluster

from ..helpers import KUBECTL, isolated_env


@dataclass
class AuthLab:
    cluster: Cluster
    tmp: Path

    def kubectl(self, *args: str, token: str | None = None) -> subprocess.CompletedProcess[str]:
        creds = ["--token", token] if token else []
        return subprocess.run(
            [KUBECTL, "--kubeconfig", str(self.cluster.kubeconfig_path), *creds, *args],
            env=isolated_env(self.tmp),
            capture_output=True,
            text=True,
            timeout=60,
        )

    def ok(self, *args: str, token: str | None = None) -> str:
        result = self.kubectl(*args, token=token)
        assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
        return result.stdout

    def fails(self, *args: str, token: str | None = None) -> str:
        result = self.kubectl(*args, token=token)
        assert result.returncode != 0, f"kubectl {' '.join(args)} succeeded: {result.stdout}"
        return result.stderr

    def service_account(self, name: str, clusterrole: str = "") -> str:
        """Create a ServiceAccount (bound to `clusterrole`) and return a token for it."""
        self.ok("create", "serviceaccount", name)
        if clusterrole:
            self.ok(
                "create",
                "clusterrolebinding",
                name,
                f"--clusterrole={clusterrole}",
                f"--serviceaccount=default:{name}",
            )
        return self.ok("create", "token", name).strip()

    def certificate_context(self, user: str, groups: list[str]) -> str:
        """A kubeconfig context for a client-certificate user; returns its name."""
        assert self.cluster.pki is not None
        cert, key = issue_client_certificate(self.cluster.pki.directory, user, groups)
        (self.tmp / f"{user}.crt").write_bytes(cert)
        (self.tmp / f"{user}.key").write_bytes(key)
        self.ok(
            "config",
            "set-credentials",
            user,
            f"--client-certificate={self.tmp}/{user}.crt",
            f"--client-key={self.tmp}/{user}.key",
        )
        self.ok("config", "set-context", user, "--cluster=ktui-lab", f"--user={user}")
        return user


@pytest.fixture(scope="module")
def authlab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AuthLab]:
    tmp = tmp_path_factory.mktemp("auth")
    cluster = Cluster(tmp / "data", port=0)
    cluster.start()
    try:
        yield AuthLab(cluster, tmp)
    finally:
        cluster.stop()
