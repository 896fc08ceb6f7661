"""Booting the embedded lab: the one place (with `ktui serve`) where ktui/ touches engine/.

The app gets a kubeconfig out of it and from then on talks HTTPS to the lab like to any
cluster.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)


class LabError(Exception):
    """The lab cannot start (one line, for the user)."""


def default_cluster_dir() -> Path:
    """sample_clusters/lab of this checkout (the installed package sits beside it)."""
    return Path(__file__).resolve().parent.parent / "sample_clusters" / "lab"


class EmbeddedLab:
    def __init__(self, cluster_dir: Path | None = None, data_dir: Path | None = None) -> None:
        from engine.cluster import default_data_dir

        self.cluster_dir = cluster_dir or default_cluster_dir()
        if data_dir is None:
            data_dir = default_data_dir()
            if cluster_dir is not None:  # each cluster folder keeps its own state
                data_dir = data_dir.parent / self.cluster_dir.resolve().name
        self.data_dir = data_dir
        self._cluster = None

    @property
    def kubeconfig(self) -> Path:
        assert self._cluster is not None
        return self._cluster.kubeconfig_path

    @property
    def problems(self) -> list[str]:
        return [] if self._cluster is None else list(self._cluster.seed_problems)

    def start(self) -> None:
        from engine.cluster import Cluster, ClusterError

        cluster_dir = self.cluster_dir if self.cluster_dir.is_dir() else None
        if cluster_dir is None:
            log.warning("no cluster folder at %s: starting an empty lab", self.cluster_dir)
        cluster = Cluster(self.data_dir, cluster_dir=cluster_dir, port=0)
        try:
            cluster.start()
        except ClusterError as exc:
            raise LabError(str(exc)) from None
        self._cluster = cluster

    def stop(self) -> None:
        if self._cluster is not None:
            self._cluster.stop()
            self._cluster = None
