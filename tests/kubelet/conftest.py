"""One cluster with two kubelets per test module; a namespace and API client per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config

from engine.cluster import Cluster

from .helpers import boot


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    cluster = boot(tmp_path_factory.mktemp("kubelets"))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def core(lab: Cluster) -> Iterator[k8s.CoreV1Api]:
    api = k8s_config.new_client_from_config(str(lab.kubeconfig_path))
    yield k8s.CoreV1Api(api)
    api.close()


@pytest.fixture
def ns(core: k8s.CoreV1Api) -> str:
    name = f"t-{uuid.uuid4().hex[:8]}"
    core.create_namespace({"metadata": {"name": name}})
    return name
