"""`to_yaml()` against the real `kubectl get -o yaml`: byte for byte."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from ktui.client import Client
from ktui.describe.kubeyaml import reads_as_non_string, to_yaml

from ..describe.kubectl_cli import ago, kubectl, needs_kubectl
from ..describe.objects import SELECTOR, res, rich_pod, running_status, template

TRICKY = {
    "desc": "A long description with words that wraps at eighty columns because go-yaml folds "
    "plain scalars: yes it does, and this one is long enough to need two folds at least",
    "quote": 'it\'s "quoted"', "unicode": "héllo wörld ✓", "lead": " leading", "trail": "trailing ",
    "hash": "# no comment", "colon": "key: value", "star": "*alias", "amp": "&anchor",
    "dash": "- item", "brace": "{a}", "pct": "%tag", "at": "@x", "octal": "0755", "hex": "0x1F",
    "exp": "1e3", "neg": "-5", "dot": ".5", "version": "1.2.3", "time": "12:30", "date": "2024-01-02",
    "tab": "a\tb", "bell": "bell\u0007", "crlf": "a\r\nb", "newline": "\n", "blank": "x\n\n",
    "null": "null", "tilde": "~", "yes": "yes", "y": "y", "Off": "Off", "inf": ".inf",
    "ip": "10.0.0.1", "plus": "+1", "under": "1_000", "url": "http://x.com/a?b=c#d", "eq": "=",
    "merge": "<<", "empty": "",
}  # fmt: skip

pytestmark = needs_kubectl


async def kubectl_yaml(kubeconfig: Path, kind: str, name: str, ns: str | None, *flags: str) -> str:
    return await kubectl(
        kubeconfig, "get", kind, name, "-o", "yaml", *(["-n", ns] if ns else []), *flags
    )


async def test_pod_yaml_matches_with_and_without_managed_fields(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    pods = await res(client, "v1", "Pod")
    await pods.create(rich_pod("rich"))
    live = await pods.patch(
        "rich", {"status": running_status(ago(minutes=3))}, subresource="status"
    )

    hidden = to_yaml(live)
    shown = to_yaml(live, managed_fields=True)

    assert hidden == await kubectl_yaml(kubeconfig, "pod", "rich", namespace)
    assert shown == await kubectl_yaml(
        kubeconfig, "pod", "rich", namespace, "--show-managed-fields"
    )
    assert "managedFields:" not in hidden and "  managedFields:\n" in shown
    assert hidden.startswith("apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n")


async def test_tricky_strings_are_quoted_and_folded_like_kubectl(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    configmaps = await res(client, "v1", "ConfigMap")
    live = await configmaps.create(
        {
            "metadata": {"name": "tricky", "annotations": TRICKY},
            "data": {"script.sh": '#!/bin/sh\necho "hi"\n  indented\n', "noeol": "a\nb", "json": '{"a": [1, 2]}'},
        }
    )  # fmt: skip

    assert to_yaml(live) == await kubectl_yaml(kubeconfig, "configmap", "tricky", namespace)


async def test_workloads_and_custom_resources(
    client: Client, namespace: str, kubeconfig: Path
) -> None:
    deployments = await res(client, "apps/v1", "Deployment")
    deploy = await deployments.create(
        {"metadata": {"name": "web"}, "spec": {"replicas": 2, "selector": SELECTOR, "template": template("nginx")}}
    )  # fmt: skip
    assert to_yaml(deploy) == await kubectl_yaml(kubeconfig, "deployment", "web", namespace)

    group = f"y{uuid.uuid4().hex[:8]}.example.com"
    crds = await res(client, "apiextensions.k8s.io/v1", "CustomResourceDefinition")
    crd = await crds.create(
        {
            "metadata": {"name": f"gizmos.{group}"},
            "spec": {
                "group": group, "scope": "Namespaced",
                "names": {"plural": "gizmos", "singular": "gizmo", "kind": "Gizmo"},
                "versions": [{"name": "v1", "served": True, "storage": True,
                              "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}],
            },
        }
    )  # fmt: skip
    assert to_yaml(crd) == await kubectl_yaml(kubeconfig, "crd", f"gizmos.{group}", None)


@pytest.mark.parametrize(
    ("text", "quoted"),
    [("80", True), ("true", True), ("y", True), ("2024-01-02", True), ("1e3", True),
     ("1_000", True), ("0x1F", True), ("", True), ("null", True), ("<<", False), ("web", False),
     ("1.2.3", False), ("10.0.0.1", False), ("-x", False)],
)  # fmt: skip
def test_which_strings_go_yaml_quotes(text: str, quoted: bool) -> None:
    assert reads_as_non_string(text) is quoted
