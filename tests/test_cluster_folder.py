"""Cluster folders: the lab's manifests seed a new data directory once, through the API."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.cluster import Cluster, ClusterError
from engine.cluster_folder import ClusterFolder, ClusterFolderError

LAB = Path(__file__).resolve().parent.parent / "sample_clusters" / "lab"


def test_the_sample_lab_folder_reads_cleanly():
    folder = ClusterFolder.load(LAB)
    assert folder.name == "lab"
    assert [node["name"] for node in folder.nodes] == [
        "lab-control",
        "lab-worker-1",
        "lab-worker-2",
    ]
    kinds = [obj["kind"] for _, obj in folder.manifests]
    assert kinds[0] == "Namespace"  # namespaces first, so their contents can be created
    assert {"Deployment", "Service", "StatefulSet", "CronJob", "Pod"} <= set(kinds)


def _folder(tmp_path: Path, text: str) -> Path:
    (tmp_path / "lab" / "manifests").mkdir(parents=True)
    (tmp_path / "lab" / "manifests" / "a.yaml").write_text(text)
    return tmp_path / "lab"


def test_a_broken_manifest_names_its_file(tmp_path: Path):
    folder = _folder(tmp_path, "kind: [unclosed\n")
    with pytest.raises(ClusterFolderError, match="a.yaml"):
        ClusterFolder.load(folder)
    with pytest.raises(ClusterError, match="a.yaml"):
        Cluster(tmp_path / "data", cluster_dir=folder, port=0).start()
    assert not (tmp_path / "data" / "store").exists()  # nothing was touched


def test_seeding_happens_once_and_user_changes_survive_a_restart(tmp_path: Path):
    folder = _folder(
        tmp_path,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: '1'}\n"
        "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bad name}\n",
    )
    with Cluster(tmp_path / "data", cluster_dir=folder, port=0) as cluster:
        assert len(cluster.seed_problems) == 1 and "bad name" in cluster.seed_problems[0]
        client = cluster.api.local_client()
        from engine.api.rest.mount import run_sync

        assert run_sync(client.get("v1", "ConfigMap", "settings", "default"))["data"] == {"a": "1"}
        assert run_sync(client.get("v1", "Namespace", "shop"))["metadata"]["name"] == "shop"
        run_sync(client.delete("v1", "ConfigMap", "settings", "default"))
    with Cluster(tmp_path / "data", cluster_dir=folder, port=0) as cluster:
        from engine.api.rest.mount import run_sync
        from engine.api.status import StatusError

        with pytest.raises(StatusError):  # deleted by the user: not seeded again
            run_sync(cluster.api.local_client().get("v1", "ConfigMap", "settings", "default"))
