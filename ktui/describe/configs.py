"""ConfigMaps, Secrets and Namespaces as kubectl describes them.

kubectl walks ConfigMap and Secret data in Go map order, which is random from run to run;
we print keys sorted, so the same object always reads the same."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from .events import describe_events, events_about
from .format import rfc1123z
from .metadata import print_annotations, print_labels
from .quantity import resource_list
from .writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client

SERVICE_ACCOUNT_TOKEN = "kubernetes.io/service-account-token"


async def describe_configmap_by_name(client: Client, name: str, namespace: str) -> str:
    config = await (await client.resource("v1/configmaps")).get(name, namespace)
    events = await events_about(client, config, "ConfigMap")
    meta = config.get("metadata") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, "\nData\n====\n")
        data = config.get("data") or {}
        for key in sorted(data):
            w.write(LEVEL_0, f"{key}:\n----\n")
            w.write(LEVEL_0, f"{data[key]}\n")
            w.write(LEVEL_0, "\n")
        w.write(LEVEL_0, "\nBinaryData\n====\n")
        binary = config.get("binaryData") or {}
        for key in sorted(binary):
            w.write(LEVEL_0, f"{key}: {len(_decoded(binary[key]))} bytes\n")
        w.write(LEVEL_0, "\n")
        describe_events(events, w)

    return tabbed(build)


async def describe_secret_by_name(client: Client, name: str, namespace: str) -> str:
    secret = await (await client.resource("v1/secrets")).get(name, namespace)
    meta = secret.get("metadata") or {}
    kind = secret.get("type", "")

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"\nType:\t{kind}\n")
        w.write(LEVEL_0, "\nData\n====\n")
        data = secret.get("data") or {}
        for key in sorted(data):
            value = _decoded(data[key])
            if key == "token" and kind == SERVICE_ACCOUNT_TOKEN:
                w.write(LEVEL_0, f"{key}:\t{value.decode(errors='replace')}\n")
            else:
                w.write(LEVEL_0, f"{key}:\t{len(value)} bytes\n")

    return tabbed(build)


def _decoded(value: Any) -> bytes:
    try:
        return base64.b64decode(str(value or ""), validate=False)
    except (binascii.Error, ValueError):
        return b""


async def describe_namespace_by_name(client: Client, name: str) -> str:
    namespace = await (await client.resource("v1/namespaces")).get(name)
    quotas = await _listed(client, "v1/resourcequotas", name)
    limits = await _listed(client, "v1/limitranges", name)
    meta = namespace.get("metadata") or {}
    status = namespace.get("status") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Status:\t{status.get('phase', '')}\n")
        if status.get("conditions"):
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
            w.write(LEVEL_1, "----\t------\t------------------\t------\t-------\n")
            for c in status["conditions"]:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')}\t{c.get('status', '')}\t{rfc1123z(c.get('lastTransitionTime'))}"
                    f"\t{c.get('reason', '')}\t{c.get('message', '')}\n",
                )
        if quotas is not None:
            w.write(LEVEL_0, "\n")
            _quotas(quotas, w)
        if limits is not None:
            w.write(LEVEL_0, "\n")
            _limit_ranges(limits, w)

    return tabbed(build)


async def _listed(client: Client, resource: str, namespace: str) -> list[dict[str, Any]] | None:
    try:
        return (await (await client.resource(resource)).list(namespace)).items
    except Exception:  # noqa: BLE001 - a server without quotas: the section is left out
        return None


def _quotas(quotas: list[dict[str, Any]], w: PrefixWriter) -> None:
    if not quotas:
        w.write(LEVEL_0, "No resource quota.\n")
        return
    w.write(LEVEL_0, "Resource Quotas\n")
    for quota in sorted(quotas, key=lambda q: (q.get("metadata") or {}).get("name", "")):
        w.write(LEVEL_1, f"Name:\t{(quota.get('metadata') or {}).get('name', '')}\n")
        w.write(LEVEL_1, "Resource\tUsed\tHard\n")
        w.write(LEVEL_1, "--------\t---\t---\n")
        hard = resource_list((quota.get("status") or {}).get("hard"))
        used = resource_list((quota.get("status") or {}).get("used"))
        for name in sorted(hard):
            w.write(LEVEL_1, f"{name}\t{used.get(name, '0')}\t{hard[name]}\n")


def _limit_ranges(ranges: list[dict[str, Any]], w: PrefixWriter) -> None:
    if not ranges:
        w.write(LEVEL_0, "No LimitRange resource.\n")
        return
    w.write(
        LEVEL_0,
        "Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    )
    w.write(
        LEVEL_0,
        " ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
    )
    for limit_range in ranges:
        for item in (limit_range.get("spec") or {}).get("limits") or []:
            columns = [
                resource_list(item.get(k))
                for k in ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")
            ]
            names = sorted(set().union(*columns))
            for name in names:
                values = "\t".join(str(c[name]) if name in c else "-" for c in columns)
                w.write(LEVEL_0, f" {item.get('type', '')}\t{name}\t{values}\n")
