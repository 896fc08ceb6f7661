"""kubectl's generator commands send protobuf bodies (typed clients): the engine reads them."""

from __future__ import annotations

import json

from .conftest import Lab


def test_create_configmap_secret_namespace_from_the_command_line(lab: Lab):
    assert (
        lab.ok("create", "configmap", "flags", "--from-literal=a=1", "--from-literal=b=2")
        == "configmap/flags created\n"
    )
    assert json.loads(lab.ok("get", "configmap", "flags", "-o", "jsonpath={.data}")) == {
        "a": "1",
        "b": "2",
    }
    assert (
        lab.ok("create", "secret", "generic", "pw", "--from-literal=password=s3cret")
        == "secret/pw created\n"
    )
    assert lab.ok("get", "secret", "pw", "-o", "jsonpath={.data.password}") == "czNjcmV0"
    assert lab.ok("create", "namespace", "typed") == "namespace/typed created\n"
    assert lab.ok("get", "ns", "typed", "-o", "jsonpath={.status.phase}") == "Active"


def test_create_deployment_run_and_expose(lab: Lab):
    lab.ok("create", "deployment", "gen", "--image=nginx:1.25", "--replicas=0", "--port=80")
    spec = json.loads(lab.ok("get", "deploy", "gen", "-o", "jsonpath={.spec}"))
    assert spec["replicas"] == 0  # an explicit zero survives the protobuf round trip
    container = spec["template"]["spec"]["containers"][0]
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert "stdin" not in container  # Go omits zero values; so do we
    assert lab.ok("run", "runner", "--image=busybox", "--", "sleep", "5") == "pod/runner created\n"
    pod = json.loads(lab.ok("get", "pod", "runner", "-o", "jsonpath={.spec.containers[0]}"))
    assert pod["args"] == ["sleep", "5"] and pod["image"] == "busybox"
    assert (
        lab.ok("expose", "deployment", "gen", "--port=8080", "--target-port=80")
        == "service/gen exposed\n"
    )
    service = json.loads(lab.ok("get", "svc", "gen", "-o", "jsonpath={.spec}"))
    assert service["ports"][0]["targetPort"] == 80 and service["selector"] == {"app": "gen"}
    lab.ok("create", "service", "nodeport", "np", "--tcp=80:8080")
    port = json.loads(lab.ok("get", "svc", "np", "-o", "jsonpath={.spec.ports[0]}"))
    assert 30000 <= port["nodePort"] <= 32767 and port["name"] == "80-8080"


def test_typed_create_errors_read_like_upstream(lab: Lab):
    lab.ok("create", "configmap", "dup")
    err = lab.fails("create", "configmap", "dup")
    assert err.strip() == 'error: failed to create configmap: configmaps "dup" already exists'
