"""A restarted engine serves every stored CRD again, and their custom resources."""

from __future__ import annotations

import subprocess
from pathlib import Path

from engine.cluster import Cluster

from ..helpers import KUBECTL, isolated_env
from .manifests import CRONTAB, CRONTAB_CRD


def kubectl(cluster: Cluster, tmp: Path, *args: str, input: str | None = None) -> str:
    result = subprocess.run(
        [KUBECTL, "--kubeconfig", str(cluster.kubeconfig_path), *args],
        env=isolated_env(tmp),
        capture_output=True,
        text=True,
        input=input,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_crds_and_custom_resources_survive_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Cluster(data, port=0) as cluster:
        kubectl(cluster, tmp_path, "apply", "-f", "-", input=CRONTAB_CRD)
        kubectl(cluster, tmp_path, "apply", "-f", "-", input=CRONTAB)
    with Cluster(data, port=0) as cluster:
        assert cluster.api is not None
        assert cluster.api.registry.lookup("stable.example.com", "v1", "crontabs") is not None
        out = kubectl(cluster, tmp_path, "get", "ct", "my-new-cron-object", "--no-headers")
        assert out.startswith("my-new-cron-object")
        resources = kubectl(cluster, tmp_path, "api-resources", "--api-group=stable.example.com")
        assert "crontabs" in resources
