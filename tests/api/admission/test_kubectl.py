"""Admission as kubectl users meet it: quota and limit range refusals with upstream's
words, `describe quota` showing used/hard, defaults visible on the created pod."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ..rest.conftest import Lab, manifest, start_lab, stop_lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    instance = start_lab(tmp_path_factory.mktemp("admission"))
    yield instance
    stop_lab(instance)


def test_quota_refuses_the_pod_over_the_count(lab: Lab):
    lab.ok("create", "namespace", "quota-count")
    lab.ok("create", "quota", "q", "--hard=pods=1,configmaps=5", "-n", "quota-count")
    lab.ok("run", "a", "--image=nginx:1.25", "-n", "quota-count")
    stderr = lab.fails("run", "b", "--image=nginx:1.25", "-n", "quota-count")
    assert stderr.strip() == (
        'Error from server (Forbidden): pods "b" is forbidden: exceeded quota: q, '
        "requested: pods=1, used: pods=1, limited: pods=1"
    )
    assert lab.kubectl("get", "pod", "b", "-n", "quota-count").returncode != 0
    described = lab.ok("describe", "quota", "q", "-n", "quota-count")
    rows = [line.split() for line in described.splitlines()]
    assert ["Resource", "Used", "Hard"] in rows
    assert ["pods", "1", "1"] in rows
    assert ["configmaps", "0", "5"] in rows
    lab.ok("create", "configmap", "c", "-n", "quota-count")
    described = lab.ok("describe", "quota", "q", "-n", "quota-count")
    assert ["configmaps", "1", "5"] in [line.split() for line in described.splitlines()]
    lab.ok("delete", "pod", "a", "-n", "quota-count", "--wait=false")
    lab.ok("run", "b", "--image=nginx:1.25", "-n", "quota-count")


def test_quota_requires_compute_resources_it_limits(lab: Lab):
    lab.ok("create", "namespace", "quota-cpu")
    lab.ok("create", "quota", "q", "--hard=limits.cpu=1", "-n", "quota-cpu")
    stderr = lab.fails("run", "a", "--image=nginx:1.25", "-n", "quota-cpu")
    assert stderr.strip() == (
        'Error from server (Forbidden): pods "a" is forbidden: failed quota: q: '
        "must specify limits.cpu for: a"
    )


def test_limit_range_defaults_and_bounds(lab: Lab):
    lab.ok("create", "namespace", "limits")
    lab.ok(
        "apply",
        "-f",
        "-",
        input=manifest(
            {
                "apiVersion": "v1",
                "kind": "LimitRange",
                "metadata": {"name": "cpu", "namespace": "limits"},
                "spec": {
                    "limits": [
                        {
                            "type": "Container",
                            "max": {"cpu": "500m"},
                            "default": {"cpu": "300m"},
                            "defaultRequest": {"cpu": "100m"},
                        }
                    ]
                },
            }
        ),
    )
    lab.ok("run", "small", "--image=nginx:1.25", "-n", "limits")
    resources = lab.ok(
        "get", "pod", "small", "-n", "limits", "-o", "jsonpath={.spec.containers[0].resources}"
    )
    assert resources == '{"limits":{"cpu":"300m"},"requests":{"cpu":"100m"}}'
    big = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "big", "namespace": "limits"},
        "spec": {
            "containers": [
                {"name": "c", "image": "nginx:1.25", "resources": {"limits": {"cpu": "1"}}}
            ]
        },
    }
    stderr = lab.fails("apply", "-f", "-", input=manifest(big))
    assert (
        'pods "big" is forbidden: maximum cpu usage per Container is 500m, but limit is 1' in stderr
    )
    assert "Error from server (Forbidden)" in stderr
