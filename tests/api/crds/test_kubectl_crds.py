"""CustomResourceDefinitions with the real kubectl: the upstream CronTab walkthrough."""

from __future__ import annotations

import subprocess
import time

import httpx

from ..helpers import KUBECTL, isolated_env
from ..rest.conftest import Lab
from .manifests import CRONTAB, CRONTAB_CRD, crontab

CRD = "crd/crontabs.stable.example.com"


def setup_crd(lab: Lab) -> None:
    lab.ok("apply", "-f", "-", input=CRONTAB_CRD)
    lab.ok("wait", "--for", "condition=established", CRD, "--timeout=10s")


def test_crd_status_is_set_at_once(lab: Lab, http: httpx.Client) -> None:
    setup_crd(lab)
    crd = http.get(
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/crontabs.stable.example.com"
    ).json()
    status = crd["status"]
    assert {c["type"]: c["status"] for c in status["conditions"]} == {
        "NamesAccepted": "True",
        "Established": "True",
    }
    assert status["acceptedNames"]["kind"] == "CronTab"
    assert status["acceptedNames"]["listKind"] == "CronTabList"
    assert status["storedVersions"] == ["v1"]


def test_get_apply_short_name_and_columns(lab: Lab) -> None:
    setup_crd(lab)
    assert "my-new-cron-object created" in lab.ok("apply", "-f", "-", input=CRONTAB)
    out = lab.ok("get", "crontabs")
    header, row = out.splitlines()[:2]
    assert header.split() == ["NAME", "SPEC", "REPLICAS", "AGE"]
    assert row.split()[:7] == ["my-new-cron-object", "*", "*", "*", "*", "*/5", "1"]
    assert "my-new-cron-object" in lab.ok("get", "ct")
    # the default from the schema is stored
    assert lab.ok("get", "ct", "my-new-cron-object", "-o", "jsonpath={.spec.replicas}") == "1"
    assert "crontab.stable.example.com/my-new-cron-object" in lab.ok("get", "all")
    resources = lab.ok("api-resources", "--api-group=stable.example.com")
    assert "crontabs   ct" in resources and "CronTab" in resources


def test_explain(lab: Lab) -> None:
    setup_crd(lab)
    out = lab.ok("explain", "crontab.spec")
    assert "KIND:       CronTab" in out
    assert "The desired schedule." in out
    assert "replicas\t<integer>" in out


def test_invalid_custom_resource_is_rejected_with_upstream_message(lab: Lab) -> None:
    setup_crd(lab)
    err = lab.fails("apply", "-f", "-", input=crontab("too-many", replicas=20))
    assert (
        'The CronTab "too-many" is invalid: spec.replicas: Invalid value: 20: '
        "spec.replicas in body should be less than or equal to 10"
    ) in err
    err = lab.fails("apply", "-f", "-", input=crontab("bad-type", extra="  image: 3"))
    assert "spec.image in body must be of type string" in err


def test_unknown_fields_rejected_when_strict_pruned_otherwise(lab: Lab) -> None:
    setup_crd(lab)
    err = lab.fails("apply", "-f", "-", input=crontab("extra", extra="  foo: bar"))
    assert 'strict decoding error: unknown field "spec.foo"' in err
    lab.ok("apply", "--validate=false", "-f", "-", input=crontab("extra", extra="  foo: bar"))
    spec = lab.ok("get", "ct", "extra", "-o", "jsonpath={.spec}")
    assert "foo" not in spec and "my-awesome-cron-image" in spec


def test_patches_scale_and_field_selectors(lab: Lab) -> None:
    setup_crd(lab)
    lab.ok("apply", "-f", "-", input=crontab("patched"))
    err = lab.fails("patch", "ct", "patched", "-p", '{"spec":{"image":"x"}}')
    assert "application/strategic-merge-patch+json is not supported" in err
    lab.ok("patch", "ct", "patched", "--type=merge", "-p", '{"spec":{"image":"other"}}')
    lab.ok(
        "patch",
        "ct",
        "patched",
        "--type=json",
        "-p",
        '[{"op":"replace","path":"/spec/cronSpec","value":"*/2 * * * *"}]',
    )
    assert "patched" in lab.ok("get", "ct", "--field-selector", "spec.image=other")
    assert "patched" not in lab.ok("get", "ct", "--field-selector", "spec.image!=other")
    assert "scaled" in lab.ok("scale", "ct/patched", "--replicas=3")
    assert lab.ok("get", "ct", "patched", "-o", "jsonpath={.spec.replicas}") == "3"
    lab.fails("scale", "ct/patched", "--replicas=30")


def test_status_subresource_is_separate(lab: Lab, http: httpx.Client) -> None:
    setup_crd(lab)
    lab.ok("apply", "-f", "-", input=crontab("with-status"))
    base = "/apis/stable.example.com/v1/namespaces/default/crontabs/with-status"
    merge = {"Content-Type": "application/merge-patch+json"}
    # the main resource ignores status
    response = http.patch(base, content=b'{"status":{"replicas":2}}', headers=merge)
    assert response.status_code == 200, response.text
    assert "status" not in response.json()
    response = http.patch(base + "/status", content=b'{"status":{"replicas":2}}', headers=merge)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == {"replicas": 2}
    # /status ignores spec changes
    response = http.patch(base + "/status", content=b'{"spec":{"image":"z"}}', headers=merge)
    assert response.json()["spec"]["image"] == "my-awesome-cron-image"
    scale = http.get(base + "/scale").json()
    assert scale["kind"] == "Scale" and scale["status"]["replicas"] == 2


def test_watch(lab: Lab) -> None:
    setup_crd(lab)
    lab.ok("apply", "-f", "-", input=crontab("watched"))
    watcher = subprocess.Popen(
        [KUBECTL, "--kubeconfig", str(lab.kubeconfig), "get", "ct", "-w", "--no-headers"],
        env=isolated_env(lab.tmp),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)
        lab.ok("apply", "-f", "-", input=crontab("watched-later"))
        deadline = time.time() + 15
        seen = ""
        assert watcher.stdout is not None
        while time.time() < deadline:
            line = watcher.stdout.readline()
            seen += line
            if "watched-later" in line:
                break
        assert "watched-later" in seen, seen
    finally:
        watcher.terminate()
        watcher.wait(10)


def test_served_versions_and_updates(lab: Lab, http: httpx.Client) -> None:
    setup_crd(lab)
    lab.ok("apply", "-f", "-", input=crontab("versioned"))
    with_v2 = CRONTAB_CRD.replace(
        "  versions:\n",
        "  versions:\n    - name: v2\n      served: true\n      storage: false\n"
        "      schema:\n        openAPIV3Schema:\n          type: object\n"
        "          x-kubernetes-preserve-unknown-fields: true\n",
    )
    lab.ok("apply", "-f", "-", input=with_v2)
    obj = http.get("/apis/stable.example.com/v2/namespaces/default/crontabs/versioned").json()
    assert obj["apiVersion"] == "stable.example.com/v2"
    assert obj["spec"]["image"] == "my-awesome-cron-image"
    assert lab.ok("get", "crontabs.v2.stable.example.com", "versioned", "--no-headers")
    lab.ok("apply", "-f", "-", input=CRONTAB_CRD)
    assert http.get("/apis/stable.example.com/v2").status_code == 404


def test_invalid_crd_is_rejected(lab: Lab) -> None:
    bad = CRONTAB_CRD.replace("name: crontabs.stable.example.com", "name: tabs.stable.example.com")
    err = lab.fails("apply", "-f", "-", input=bad)
    assert (
        'metadata.name: Invalid value: "tabs.stable.example.com": '
        'must be spec.names.plural+"."+spec.group'
    ) in err
    no_storage = CRONTAB_CRD.replace("storage: true", "storage: false").replace(
        "crontabs", "nostorages"
    )
    err = lab.fails("apply", "-f", "-", input=no_storage)
    assert "must have exactly one version marked as storage version" in err


def test_deleting_the_crd_removes_its_resources(lab: Lab) -> None:
    other = (
        CRONTAB_CRD.replace("crontabs", "crontabbers")
        .replace("crontab\n", "crontabber\n")
        .replace("CronTab", "CronTabber")
        .replace("- ct\n", "- ctb\n")
    )
    lab.ok("apply", "-f", "-", input=other)
    lab.ok("wait", "--for", "condition=established", "crd/crontabbers.stable.example.com")
    lab.ok("apply", "-f", "-", input=crontab("doomed").replace("CronTab", "CronTabber"))
    assert "doomed" in lab.ok("get", "crontabbers")
    lab.ok("delete", "crd", "crontabbers.stable.example.com", "--timeout=20s")
    # Discovery follows the CRD's removal asynchronously, as upstream's does: poll a little.
    for _ in range(20):
        if "crontabbers" not in lab.ok("api-resources", "--api-group=stable.example.com"):
            break
        time.sleep(0.25)
    assert "crontabbers" not in lab.ok("api-resources", "--api-group=stable.example.com")
    assert "doesn't have a resource type" in lab.fails("get", "crontabbers")
    assert not lab.store.range("/registry/stable.example.com/crontabbers/").items
    # the CronTab kind of the other CRD in the group is still served
    assert "crontabs" in lab.ok("api-resources", "--api-group=stable.example.com")
