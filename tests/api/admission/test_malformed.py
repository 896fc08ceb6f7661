"""Admission reads bodies before validation: wrong types must end as 4xx, never a crash."""

from __future__ import annotations

import pytest

from engine.api.status import StatusError

from .conftest import Cluster


@pytest.mark.parametrize(
    "spec",
    [
        {"containers": [{"name": "c", "image": "i", "resources": "lots"}]},
        {"containers": [{"name": "c", "image": "i", "resources": {"limits": ["1"]}}]},
        {"containers": [{"name": "c", "image": "i", "resources": {"limits": {"cpu": "x"}}}]},
        {"containers": [{"name": "c", "image": "i", "volumeMounts": "x"}]},
        {"containers": [{"name": "c", "image": "i"}], "volumes": {"a": 1}},
        {"containers": [{"name": "c", "image": "i"}], "initContainers": {"a": 1}},
        {"containers": [{"name": "c", "image": "i"}], "overhead": [1]},
    ],
)
async def test_wrong_types_in_pods_are_client_errors(cluster: Cluster, spec):
    # `default` has its ServiceAccount from bootstrap: the token volume is mounted too
    await cluster.create(
        "limitranges",
        {
            "metadata": {"name": "lr"},
            "spec": {"limits": [{"type": "Container", "max": {"cpu": "2"}}]},
        },
    )
    await cluster.create(
        "resourcequotas", {"metadata": {"name": "q"}, "spec": {"hard": {"cpu": "4"}}}
    )
    try:
        await cluster.create("pods", {"metadata": {"name": "p"}, "spec": spec})
    except StatusError as error:
        assert 400 <= error.code < 500, error.message


@pytest.mark.parametrize(
    "body",
    [
        {"spec": {"type": "NodePort", "ports": {"a": 1}}},
        {"spec": {"ports": [{"name": "a", "port": 80}]}, "status": []},
    ],
)
async def test_wrong_types_in_services_are_client_errors(cluster: Cluster, body):
    await cluster.create(
        "resourcequotas",
        {"metadata": {"name": "q"}, "spec": {"hard": {"services.nodeports": "4"}, "scopes": 3}},
    )
    try:
        await cluster.create("services", {"metadata": {"name": "s"}, **body})
    except StatusError as error:
        assert 400 <= error.code < 500, error.message
