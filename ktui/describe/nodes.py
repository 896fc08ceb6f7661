"""Nodes as kubectl describes them: conditions, capacity, the non-terminated pods on the node
and the resources they have allocated, its lease and its events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ktui.client import ApiError, Forbidden

from .events import describe_events, search_events
from .format import rfc1123z, since
from .metadata import print_annotations, print_labels
from .quantity import ZERO, ZERO_BINARY, Quantity, add_into, max_into, resource_list
from .writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client

ROLE_PREFIX = "node-role.kubernetes.io/"
ROLE_LABEL = "kubernetes.io/role"
NODE_LEASE_NAMESPACE = "kube-node-lease"
_STANDARD = {"cpu", "memory", "ephemeral-storage"}
_GO_INT64_OF_NAN = -(2**63)  # what int64(NaN or ±Inf) gives on amd64, as kubectl prints it


async def describe_node_by_name(client: Client, name: str) -> str:
    node = await (await client.resource("v1/nodes")).get(name)
    pods: list[dict[str, Any]] | None = None
    try:
        listed = await (await client.resource("v1/pods")).list(
            all_namespaces=True,
            field_selector=f"spec.nodeName={name},status.phase!=Failed,status.phase!=Succeeded",
        )
        pods = listed.items
    except Forbidden:
        pods = None  # kubectl says "not authorized" and describes the rest
    uid = (node.get("metadata") or {}).get("uid")
    # Controllers name a node by its uid, kubelets by its name: kubectl asks for both.
    events = await search_events(client, name, "", "Node", uid)
    events += await search_events(client, name, "", "Node", name)
    lease: dict[str, Any] | None = None
    lease_error = ""
    try:
        lease = await (await client.resource("leases.coordination.k8s.io")).get(
            name, NODE_LEASE_NAMESPACE
        )
    except ApiError as error:
        lease_error = str(error)
    except Exception as error:  # noqa: BLE001 - a cluster without leases
        lease_error = str(error)
    return describe_node(node, pods, events, lease, lease_error)


def node_roles(node: dict[str, Any]) -> list[str]:
    roles: set[str] = set()
    for key, value in ((node.get("metadata") or {}).get("labels") or {}).items():
        if key.startswith(ROLE_PREFIX) and key[len(ROLE_PREFIX) :]:
            roles.add(key[len(ROLE_PREFIX) :])
        elif key == ROLE_LABEL and value:
            roles.add(value)
    return sorted(roles)


def describe_node(
    node: dict[str, Any],
    pods: list[dict[str, Any]] | None,
    events: list[dict[str, Any]] | None,
    lease: dict[str, Any] | None,
    lease_error: str = "",
) -> str:
    meta = node.get("metadata") or {}
    spec = node.get("spec") or {}
    status = node.get("status") or {}
    info = status.get("nodeInfo") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Roles:\t{','.join(node_roles(node)) or '<none>'}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
        _taints(w, spec.get("taints"))
        w.write(LEVEL_0, f"Unschedulable:\t{'true' if spec.get('unschedulable') else 'false'}\n")
        if lease is not None:
            lease_spec = lease.get("spec") or {}
            w.write(LEVEL_0, "Lease:\n")
            w.write(LEVEL_1, f"HolderIdentity:\t{lease_spec.get('holderIdentity') or '<unset>'}\n")
            for title, key in (("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")):
                value = rfc1123z(lease_spec[key]) if lease_spec.get(key) else "<unset>"
                w.write(LEVEL_1, f"{title}:\t{value}\n")
        else:
            w.write(LEVEL_0, f"Lease:\tFailed to get lease: {lease_error}\n")
        conditions = status.get("conditions") or []
        if conditions:
            w.write(
                LEVEL_0,
                "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
            )
            w.write(
                LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n"
            )
            for c in conditions:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')} \t{c.get('status', '')} \t"
                    f"{rfc1123z(c.get('lastHeartbeatTime'))} \t{rfc1123z(c.get('lastTransitionTime'))} \t"
                    f"{c.get('reason', '')} \t{c.get('message', '')}\n",
                )
        w.write(LEVEL_0, "Addresses:\n")
        for address in status.get("addresses") or []:
            w.write(LEVEL_1, f"{address.get('type', '')}:\t{address.get('address', '')}\n")
        for title, key in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
            values = resource_list(status.get(key))
            if values:
                w.write(LEVEL_0, f"{title}:\n")
                for name in sorted(values):
                    w.write(LEVEL_0, f"  {name}:\t{values[name]}\n")
        w.write(LEVEL_0, "System Info:\n")
        for title, key in (
            ("Machine ID", "machineID"),
            ("System UUID", "systemUUID"),
            ("Boot ID", "bootID"),
            ("Kernel Version", "kernelVersion"),
            ("OS Image", "osImage"),
            ("Operating System", "operatingSystem"),
            ("Architecture", "architecture"),
            ("Container Runtime Version", "containerRuntimeVersion"),
            ("Kubelet Version", "kubeletVersion"),
            ("Kube-Proxy Version", "kubeProxyVersion"),
        ):
            w.write(LEVEL_0, f"  {title}:\t{info.get(key, '')}\n")
        if spec.get("podCIDR"):
            w.write(LEVEL_0, f"PodCIDR:\t{spec['podCIDR']}\n")
        if spec.get("podCIDRs"):
            w.write(LEVEL_0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
        if spec.get("providerID"):
            w.write(LEVEL_0, f"ProviderID:\t{spec['providerID']}\n")
        if pods is not None:
            _allocated(pods, node, w)
        else:
            w.write(LEVEL_0, "Pods:\tnot authorized\n")
        if events is not None:
            describe_events(events, w)

    return tabbed(build)


def _taints(w: PrefixWriter, taints: list[dict[str, Any]] | None) -> None:
    w.write(LEVEL_0, "Taints:\t")
    if not taints:
        w.write_line("<none>")
        return
    ordered = sorted(taints, key=lambda t: f"{t.get('effect', '')},{t.get('key', '')}")
    for i, taint in enumerate(ordered):
        if i:
            w.write(LEVEL_0, "")
            w.write(LEVEL_0, "\t")
        value = f"={taint['value']}" if taint.get("value") else ""
        w.write(LEVEL_0, f"{taint.get('key', '')}{value}:{taint.get('effect', '')}\n")


def pod_requests_and_limits(pod: dict[str, Any]) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """resourcehelper.PodRequestsAndLimits: containers summed, init containers as a maximum
    (sidecars added), plus the pod overhead."""
    spec = pod.get("spec") or {}
    totals: list[dict[str, Quantity]] = []
    for key in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for container in spec.get("containers") or []:
            add_into(total, resource_list((container.get("resources") or {}).get(key)))
        sidecars: dict[str, Quantity] = {}
        init_max: dict[str, Quantity] = {}
        for container in spec.get("initContainers") or []:
            values = resource_list((container.get("resources") or {}).get(key))
            if container.get("restartPolicy") == "Always":
                add_into(total, values)
                add_into(sidecars, values)
                values = dict(sidecars)
            else:
                merged: dict[str, Quantity] = {}
                add_into(merged, values)
                add_into(merged, sidecars)
                values = merged
            max_into(init_max, values)
        max_into(total, init_max)
        overhead = resource_list(spec.get("overhead"))
        if key == "requests":
            add_into(total, overhead)
        else:
            for name, quantity in overhead.items():
                if name in total:
                    total[name] = total[name] + quantity
        totals.append(total)
    return totals[0], totals[1]


def _percent(part: int, whole: int) -> int:
    if whole == 0:  # kubectl divides anyway: NaN or Inf, converted to int64
        return _GO_INT64_OF_NAN
    return int(float(part) / float(whole) * 100)


def _guarded(part: int, whole: int) -> int:
    return 0 if whole == 0 else int(float(part) / float(whole) * 100)


def _allocated(pods: list[dict[str, Any]], node: dict[str, Any], w: PrefixWriter) -> None:
    status = node.get("status") or {}
    allocatable = resource_list(status.get("allocatable")) or resource_list(status.get("capacity"))
    cpu = allocatable.get("cpu", ZERO).milli_value()
    memory = allocatable.get("memory", ZERO_BINARY).value_ceil()
    w.write(LEVEL_0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    )
    w.write(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    )
    for pod in pods:
        req, lim = pod_requests_and_limits(pod)
        cr, cl = req.get("cpu", ZERO), lim.get("cpu", ZERO)
        mr, ml = req.get("memory", ZERO), lim.get("memory", ZERO)
        meta = pod.get("metadata") or {}
        w.write(
            LEVEL_1,
            f"{meta.get('namespace', '')}\t{meta.get('name', '')}\t\t"
            f"{cr} ({_percent(cr.milli_value(), cpu)}%)\t{cl} ({_percent(cl.milli_value(), cpu)}%)\t"
            f"{mr} ({_percent(mr.value_ceil(), memory)}%)\t{ml} ({_percent(ml.value_ceil(), memory)}%)\t"
            f"{since(meta.get('creationTimestamp'))}\n",
        )
    w.write(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    )
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n")
    w.write(LEVEL_1, "--------\t--------\t------\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for pod in pods:
        req, lim = pod_requests_and_limits(pod)
        add_into(reqs, req)
        add_into(limits, lim)
    storage = allocatable.get("ephemeral-storage", ZERO_BINARY).value_ceil()
    for name, whole, milli in (
        ("cpu", cpu, True),
        ("memory", memory, False),
        ("ephemeral-storage", storage, False),
    ):
        r, lm = reqs.get(name, ZERO), limits.get(name, ZERO)
        rv, lv = (r.milli_value(), lm.milli_value()) if milli else (r.value_ceil(), lm.value_ceil())
        w.write(LEVEL_1, f"{name}\t{r} ({_guarded(rv, whole)}%)\t{lm} ({_guarded(lv, whole)}%)\n")
    huge = sorted(n for n in allocatable if n.startswith("hugepages-"))
    extended = sorted(
        n
        for n in allocatable
        if not n.startswith("hugepages-") and n not in _STANDARD and n != "pods"
    )
    for name in huge:
        r, lm = reqs.get(name, ZERO), limits.get(name, ZERO)
        whole = allocatable[name].value_ceil()
        w.write(
            LEVEL_1,
            f"{name}\t{r} ({_guarded(r.value_ceil(), whole)}%)\t{lm} ({_guarded(lm.value_ceil(), whole)}%)\n",
        )
    for name in extended:
        w.write(LEVEL_1, f"{name}\t{reqs.get(name, ZERO)}\t{limits.get(name, ZERO)}\n")
