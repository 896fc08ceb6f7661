"""The xray tree, built from plain lists of objects (no client, no Textual).

Workloads hang together by `ownerReferences` (Deployment → ReplicaSet → Pod,
StatefulSet/DaemonSet/Job → Pod, CronJob → Job → Pod); Services by their endpoints
(EndpointSlices, else the legacy Endpoints) whose addresses point at Pods. Containers sit
under their Pod with their state. Each node carries a status so the view can colour it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]


class Health(str, enum.Enum):
    OK = "ok"
    PENDING = "pending"  # on its way (creating, scaling, waiting for a node)
    WARNING = "warning"
    ERROR = "error"
    DONE = "done"  # completed (a Succeeded pod, a finished job)
    UNKNOWN = "unknown"


@dataclass
class XrayNode:
    kind: str  # Deployment, ReplicaSet, Pod, Container, Service, Endpoint, ...
    name: str
    namespace: str | None
    api_version: str = ""
    health: Health = Health.UNKNOWN
    detail: str = ""  # "2/3 ready", "Running", "CrashLoopBackOff", "10.0.0.4:80"
    children: list[XrayNode] = field(default_factory=list)
    pod: str = ""  # for containers and endpoint addresses: the pod they belong to

    @property
    def label(self) -> str:
        return f"{self.kind} {self.name}"

    def walk(self) -> Iterable[XrayNode]:
        yield self
        for child in self.children:
            yield from child.walk()


# Which kinds a root kind needs, in the order they are fetched (plural resource names).
ROOT_KINDS: dict[str, tuple[str, ...]] = {
    "deployments": ("deployments", "replicasets", "pods"),
    "replicasets": ("replicasets", "pods"),
    "statefulsets": ("statefulsets", "pods"),
    "daemonsets": ("daemonsets", "pods"),
    "jobs": ("jobs", "pods"),
    "cronjobs": ("cronjobs", "jobs", "pods"),
    "services": ("services", "endpointslices", "endpoints", "pods"),
    "pods": ("pods",),
}


# plural → (apiVersion, kind): list items come without kind/apiVersion, so they are stamped.
KINDS: dict[str, tuple[str, str]] = {
    "deployments": ("apps/v1", "Deployment"),
    "replicasets": ("apps/v1", "ReplicaSet"),
    "statefulsets": ("apps/v1", "StatefulSet"),
    "daemonsets": ("apps/v1", "DaemonSet"),
    "jobs": ("batch/v1", "Job"),
    "cronjobs": ("batch/v1", "CronJob"),
    "services": ("v1", "Service"),
    "endpoints": ("v1", "Endpoints"),
    "endpointslices": ("discovery.k8s.io/v1", "EndpointSlice"),
    "pods": ("v1", "Pod"),
}


def stamped(plural: str, objs: Iterable[Obj]) -> list[Obj]:
    """Items with their kind and apiVersion set (copies only where they were missing)."""
    api_version, kind = KINDS[plural]
    return [
        o
        if o.get("kind") and o.get("apiVersion")
        else {**o, "apiVersion": api_version, "kind": kind}
        for o in objs
    ]


def _meta(obj: Obj) -> Obj:
    return obj.get("metadata") or {}


def _sorted(objs: Iterable[Obj]) -> list[Obj]:
    return sorted(objs, key=lambda o: (_meta(o).get("namespace") or "", _meta(o).get("name", "")))


# -- health of each kind ----------------------------------------------------------------

_BAD_WAITING = {
    "CrashLoopBackOff",
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
}


def _replicas(obj: Obj, want_key: str = "replicas", ready_key: str = "readyReplicas"):
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    want = spec.get(want_key)
    want = 1 if want is None else int(want)
    ready = int(status.get(ready_key) or 0)
    health = Health.OK if ready >= want else Health.PENDING
    if want == 0:
        health = Health.DONE
    return health, f"{ready}/{want} ready"


def workload_health(obj: Obj) -> tuple[Health, str]:
    kind = obj.get("kind", "")
    status = obj.get("status") or {}
    if kind in ("Deployment", "ReplicaSet", "StatefulSet"):
        health, detail = _replicas(obj)
        for cond in status.get("conditions") or []:
            if cond.get("type") in ("ReplicaFailure",) and cond.get("status") == "True":
                return Health.ERROR, f"{detail}, {cond.get('reason', 'ReplicaFailure')}"
            if (
                cond.get("type") == "Progressing"
                and cond.get("reason") == "ProgressDeadlineExceeded"
            ):
                return Health.ERROR, f"{detail}, ProgressDeadlineExceeded"
        return health, detail
    if kind == "DaemonSet":
        want = int(status.get("desiredNumberScheduled") or 0)
        ready = int(status.get("numberReady") or 0)
        return (Health.OK if ready >= want else Health.PENDING), f"{ready}/{want} ready"
    if kind == "Job":
        for cond in status.get("conditions") or []:
            if cond.get("status") != "True":
                continue
            if cond.get("type") == "Failed":
                return Health.ERROR, cond.get("reason") or "Failed"
            if cond.get("type") == "Complete":
                return Health.DONE, "Complete"
        done = int(status.get("succeeded") or 0)
        want = (obj.get("spec") or {}).get("completions") or 1
        return Health.PENDING, f"{done}/{want} succeeded"
    if kind == "CronJob":
        if (obj.get("spec") or {}).get("suspend"):
            return Health.DONE, "suspended"
        return Health.OK, f"{len(status.get('active') or [])} active"
    if kind == "Pod":
        return pod_health(obj)
    if kind == "Service":
        return Health.OK, (obj.get("spec") or {}).get("type") or "ClusterIP"
    return Health.UNKNOWN, ""


def pod_health(pod: Obj) -> tuple[Health, str]:
    status = pod.get("status") or {}
    phase = status.get("phase") or "Pending"
    if _meta(pod).get("deletionTimestamp"):
        return Health.PENDING, "Terminating"
    statuses = [*status.get("initContainerStatuses", []), *status.get("containerStatuses", [])]
    for cs in statuses:
        health, detail = container_health(cs)
        if health is Health.ERROR:
            return health, detail
    if phase == "Failed":
        return Health.ERROR, status.get("reason") or "Failed"
    if phase == "Succeeded":
        return Health.DONE, "Completed"
    if phase == "Running":
        main = status.get("containerStatuses") or []
        ready = sum(1 for cs in main if cs.get("ready"))
        total = len((pod.get("spec") or {}).get("containers") or []) or len(main)
        if ready >= total:
            return Health.OK, f"Running {ready}/{total}"
        return Health.WARNING, f"Running {ready}/{total}"
    if phase == "Pending":
        return Health.PENDING, status.get("reason") or "Pending"
    return Health.UNKNOWN, phase


def container_health(cs: Obj | None) -> tuple[Health, str]:
    if not cs:
        return Health.PENDING, "no status yet"
    state = cs.get("state") or {}
    restarts = int(cs.get("restartCount") or 0)
    suffix = f", {restarts} restarts" if restarts else ""
    if "running" in state:
        if cs.get("ready"):
            return Health.OK, f"running{suffix}"
        return Health.WARNING, f"running, not ready{suffix}"
    if "waiting" in state:
        reason = (state["waiting"] or {}).get("reason") or "Waiting"
        return (Health.ERROR if reason in _BAD_WAITING else Health.PENDING), f"{reason}{suffix}"
    if "terminated" in state:
        term = state["terminated"] or {}
        code = int(term.get("exitCode") or 0)
        reason = term.get("reason") or ("Completed" if code == 0 else "Error")
        return (Health.DONE if code == 0 else Health.ERROR), f"{reason} ({code}){suffix}"
    return Health.UNKNOWN, "unknown"


# -- nodes --------------------------------------------------------------------------------


def container_nodes(pod: Obj) -> list[XrayNode]:
    meta, spec, status = _meta(pod), pod.get("spec") or {}, pod.get("status") or {}
    by_name = {
        cs.get("name"): cs
        for cs in [*status.get("initContainerStatuses", []), *status.get("containerStatuses", [])]
    }
    out = []
    for kind, key in (("InitContainer", "initContainers"), ("Container", "containers")):
        for c in spec.get(key) or []:
            health, detail = container_health(by_name.get(c.get("name")))
            out.append(
                XrayNode(
                    kind,
                    c.get("name", ""),
                    meta.get("namespace"),
                    "v1",
                    health,
                    f"{detail} · {c.get('image', '')}",
                    pod=meta.get("name", ""),
                )
            )
    return out


def object_node(obj: Obj) -> XrayNode:
    meta = _meta(obj)
    health, detail = workload_health(obj)
    node = XrayNode(
        obj.get("kind", ""),
        meta.get("name", ""),
        meta.get("namespace"),
        obj.get("apiVersion", ""),
        health,
        detail,
    )
    if node.kind == "Pod":
        node.children = container_nodes(obj)
        node.pod = node.name
    return node


def _owned(objs: Iterable[Obj]) -> dict[str, list[Obj]]:
    """owner uid → objects it owns (controller references first; any owner counts)."""
    out: dict[str, list[Obj]] = {}
    for obj in objs:
        for ref in _meta(obj).get("ownerReferences") or ():
            if ref.get("uid"):
                out.setdefault(ref["uid"], []).append(obj)
    return out


def owner_tree(roots: Sequence[Obj], *descendants: Sequence[Obj]) -> list[XrayNode]:
    """Roots with everything that (transitively) names them in ownerReferences.

    `descendants` are the other lists fetched (e.g. replicasets, pods); a list holds
    objects of one kind, but kinds may be given in any order."""
    owned = _owned(obj for objs in descendants for obj in objs)

    def build(obj: Obj, seen: frozenset[str]) -> XrayNode:
        node = object_node(obj)
        uid = _meta(obj).get("uid", "")
        if uid and uid not in seen:  # a cycle of ownerReferences must not loop forever
            children = [build(child, seen | {uid}) for child in _sorted(owned.get(uid, ()))]
            node.children = children + node.children
        return node

    return [build(root, frozenset()) for root in _sorted(roots)]


# -- services -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    ip: str
    ports: tuple[str, ...]
    ready: bool
    pod: str | None  # targetRef name when the target is a Pod
    namespace: str | None


def _ports(ports: Iterable[Obj] | None) -> tuple[str, ...]:
    return tuple(f"{p.get('port')}/{p.get('protocol', 'TCP')}" for p in ports or () if p)


def _slice_addresses(slc: Obj) -> list[Address]:
    ports = _ports(slc.get("ports"))
    out = []
    for ep in slc.get("endpoints") or []:
        ref = ep.get("targetRef") or {}
        ready = (ep.get("conditions") or {}).get("ready")
        for ip in ep.get("addresses") or []:
            out.append(
                Address(
                    ip,
                    ports,
                    ready is not False,  # unset means ready (discovery/v1)
                    ref.get("name") if ref.get("kind") == "Pod" else None,
                    ref.get("namespace") or _meta(slc).get("namespace"),
                )
            )
    return out


def _endpoints_addresses(ep: Obj) -> list[Address]:
    out = []
    for subset in ep.get("subsets") or []:
        ports = _ports(subset.get("ports"))
        for key, ready in (("addresses", True), ("notReadyAddresses", False)):
            for addr in subset.get(key) or []:
                ref = addr.get("targetRef") or {}
                out.append(
                    Address(
                        addr.get("ip", ""),
                        ports,
                        ready,
                        ref.get("name") if ref.get("kind") == "Pod" else None,
                        ref.get("namespace") or _meta(ep).get("namespace"),
                    )
                )
    return out


def service_addresses(
    service: Obj, endpointslices: Sequence[Obj], endpoints: Sequence[Obj]
) -> list[Address]:
    """EndpointSlices labelled with the service's name; the legacy Endpoints otherwise."""
    meta = _meta(service)
    ns, name = meta.get("namespace"), meta.get("name")
    slices = [
        s
        for s in endpointslices
        if _meta(s).get("namespace") == ns
        and (_meta(s).get("labels") or {}).get("kubernetes.io/service-name") == name
    ]
    if slices:
        seen: set[tuple[str, str | None]] = set()
        out = []
        for slc in _sorted(slices):
            for addr in _slice_addresses(slc):
                if (addr.ip, addr.pod) not in seen:  # dual slices may repeat an address
                    seen.add((addr.ip, addr.pod))
                    out.append(addr)
        return out
    for ep in endpoints:
        if _meta(ep).get("namespace") == ns and _meta(ep).get("name") == name:
            return _endpoints_addresses(ep)
    return []


def service_tree(
    services: Sequence[Obj],
    endpointslices: Sequence[Obj],
    endpoints: Sequence[Obj],
    pods: Sequence[Obj],
) -> list[XrayNode]:
    """Service → one node per endpoint address → the pod it targets → its containers."""
    pods_by_key = {(_meta(p).get("namespace"), _meta(p).get("name")): p for p in pods}
    out = []
    for svc in _sorted(services):
        node = object_node(svc)
        addresses = service_addresses(svc, endpointslices, endpoints)
        spec = svc.get("spec") or {}
        if not addresses:
            external = spec.get("externalName")
            node.detail += f" → {external}" if external else ", no endpoints"
            if not external and spec.get("selector"):
                node.health = Health.WARNING
        for addr in addresses:
            ports = ",".join(addr.ports)
            endpoint = XrayNode(
                "Endpoint",
                f"{addr.ip}:{ports}" if ports else addr.ip,
                addr.namespace,
                "",
                Health.OK if addr.ready else Health.WARNING,
                "ready" if addr.ready else "not ready",
                pod=addr.pod or "",
            )
            target = pods_by_key.get((addr.namespace, addr.pod)) if addr.pod else None
            if target is not None:
                endpoint.children.append(object_node(target))
            node.children.append(endpoint)
        out.append(node)
    return out


def build(root_kind: str, lists: dict[str, Sequence[Obj]]) -> list[XrayNode]:
    """The forest for `root_kind` (a key of ROOT_KINDS) from the lists fetched for it,
    keyed by plural (items of a List may lack kind/apiVersion; they are filled in)."""
    lists = {k: stamped(k, v) for k, v in lists.items() if k in KINDS}
    if root_kind == "services":
        return service_tree(
            lists.get("services", ()),
            lists.get("endpointslices", ()),
            lists.get("endpoints", ()),
            lists.get("pods", ()),
        )
    kinds = ROOT_KINDS[root_kind]
    return owner_tree(lists.get(kinds[0], ()), *(lists.get(k, ()) for k in kinds[1:]))


def target_of(node: XrayNode) -> tuple[str, str, str, str | None] | None:
    """(apiVersion, kind, name, namespace) of the object Enter on `node` opens: the object
    itself, or for a container or an endpoint address the pod behind it."""
    if node.kind in ("Container", "InitContainer", "Endpoint"):
        return ("v1", "Pod", node.pod, node.namespace) if node.pod else None
    if not node.kind or not node.api_version:
        return None
    return node.api_version, node.kind, node.name, node.namespace
