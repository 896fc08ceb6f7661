"""Real clusters send objects with fields missing, null or of odd types: describing them
must still give text, never a traceback."""

from __future__ import annotations

from typing import Any

import pytest

from ktui.describe.generic import describe_object
from ktui.describe.jobs import describe_job
from ktui.describe.kubeyaml import to_yaml
from ktui.describe.nodes import describe_node
from ktui.describe.pods import describe_pod
from ktui.describe.services import describe_service
from ktui.describe.workloads import describe_deployment

ODD: list[dict[str, Any]] = [
    {},
    {"metadata": None, "spec": None, "status": None},
    {"metadata": {"name": "x", "labels": {"a": None}, "annotations": {"n": 5}}},
    {"spec": {"containers": [{}], "volumes": [{"name": "v"}], "tolerations": [{}]},
     "status": {"containerStatuses": [{"name": None, "state": {"terminated": None}}]}},
    {"spec": {"containers": [{"name": "c", "resources": {"limits": {"cpu": "lots"}},
                              "livenessProbe": {}, "env": [{"name": "E", "valueFrom": {}}]}]},
     "status": {"conditions": [{}], "capacity": {"cpu": None}}},
]  # fmt: skip


@pytest.mark.parametrize("obj", ODD)
def test_odd_objects_still_describe(obj: dict[str, Any]) -> None:
    for text in (
        describe_pod(obj, []),
        describe_node(obj, [obj], [], None, "leases.coordination.k8s.io not found"),
        describe_deployment(obj, [obj], [], None),
        describe_service(obj, [], []),
        describe_job(obj, None),
        describe_object(obj, []),
        to_yaml(obj),
    ):
        assert isinstance(text, str) and text
