"""ResourceQuotas, LimitRanges and PodDisruptionBudgets as kubectl describes them."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

from .events import describe_events, events_about
from .format import format_label_selector, go_v
from .quantity import Quantity, canonical, resource_list
from .writer import LEVEL_0, LEVEL_2, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client

SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited "
    "lifespan on a node before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually "
    "include long running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have "
    "a best effort quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These "
    "pods have a burstable or guaranteed quality of service.",
}


async def describe_quota(client: Client, ref: Any) -> str:
    quota = await client.bind(ref.resource).get(ref.name, ref.namespace)
    meta = quota.get("metadata") or {}
    status = quota.get("status") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        scopes = sorted((quota.get("spec") or {}).get("scopes") or [])
        if scopes:
            w.write(LEVEL_0, f"Scopes:\t{', '.join(scopes)}\n")
            for scope in scopes:
                if scope in SCOPE_HELP:
                    w.write(LEVEL_0, f" * {SCOPE_HELP[scope]}\n")
        w.write(LEVEL_0, "Resource\tUsed\tHard\n")
        w.write(LEVEL_0, "--------\t----\t----\n")
        hard = resource_list(status.get("hard"))
        used = resource_list(status.get("used"))
        for name in sorted(hard):
            amount = used.get(name, Quantity.parse(0))
            text = str(amount)
            if amount.format != hard[name].format:  # used is shown in the unit of hard
                text = canonical(Fraction(amount.value_ceil()), hard[name].format)
            w.write(LEVEL_0, f"{name}\t{text}\t{hard[name]}\n")

    return tabbed(build)


async def describe_limit_range(client: Client, ref: Any) -> str:
    limits = await client.bind(ref.resource).get(ref.name, ref.namespace)
    meta = limits.get("metadata") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(
            LEVEL_0,
            "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
        )
        w.write(
            LEVEL_0,
            "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
        )
        limit_range_rows(limits, "", w)

    return tabbed(build)


def limit_range_rows(limits: dict[str, Any], prefix: str, w: PrefixWriter) -> None:
    """describeLimitRangeSpec; kubectl walks a Go map here (random order), we sort."""
    keys = ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")
    for item in (limits.get("spec") or {}).get("limits") or []:
        columns = [resource_list(item.get(k)) for k in keys]
        for name in sorted(set().union(*columns)):
            values = "\t".join(str(c[name]) if name in c else "-" for c in columns)
            w.write(LEVEL_0, f"{prefix}{item.get('type', '')}\t{name}\t{values}\n")


async def describe_disruption_budget(client: Client, ref: Any) -> str:
    pdb = await client.bind(ref.resource).get(ref.name, ref.namespace)
    events = await events_about(client, pdb, "PodDisruptionBudget")
    meta = pdb.get("metadata") or {}
    spec = pdb.get("spec") or {}
    status = pdb.get("status") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        if spec.get("minAvailable") is not None:
            w.write(LEVEL_0, f"Min available:\t{go_v(spec['minAvailable'])}\n")
        elif spec.get("maxUnavailable") is not None:
            w.write(LEVEL_0, f"Max unavailable:\t{go_v(spec['maxUnavailable'])}\n")
        if spec.get("selector") is not None:
            w.write(LEVEL_0, f"Selector:\t{format_label_selector(spec['selector'])}\n")
        else:
            w.write(LEVEL_0, "Selector:\t<unset>\n")
        w.write(LEVEL_0, "Status:\n")
        w.write(LEVEL_2, f"Allowed disruptions:\t{status.get('disruptionsAllowed', 0)}\n")
        w.write(LEVEL_2, f"Current:\t{status.get('currentHealthy', 0)}\n")
        w.write(LEVEL_2, f"Desired:\t{status.get('desiredHealthy', 0)}\n")
        w.write(LEVEL_2, f"Total:\t{status.get('expectedPods', 0)}\n")
        describe_events(events, w)

    return tabbed(build)
