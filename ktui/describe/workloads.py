"""Workloads as kubectl describes them: Deployments (with their ReplicaSets), ReplicaSets,
StatefulSets and DaemonSets (Jobs and CronJobs are in jobs.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .events import describe_events, events_about
from .format import (
    controller_of,
    format_label_selector,
    format_labels,
    go_v,
    int_or_string,
    parse_time,
    printed_controller,
    rfc1123z,
    selector_string,
)
from .metadata import print_annotations, print_labels
from .pods import describe_pod_template
from .quantity import Quantity
from .writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client

HASH_LABEL = "pod-template-hash"
PodCounts = tuple[int, int, int, int]  # running, waiting, succeeded, failed


async def pod_counts(client: Client, obj: dict[str, Any]) -> PodCounts:
    """getPodStatusForController: the phases of the pods this object controls."""
    meta = obj.get("metadata") or {}
    selector = selector_string((obj.get("spec") or {}).get("selector"))
    pods = await (await client.resource("v1/pods")).list(
        meta.get("namespace"), label_selector=selector or None
    )
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods.items:
        ref = controller_of(pod)
        if ref is None or ref.get("uid") != meta.get("uid"):
            continue
        phase = (pod.get("status") or {}).get("phase")
        if phase in counts:
            counts[phase] += 1
    return counts["Running"], counts["Pending"], counts["Succeeded"], counts["Failed"]


def _pods_status(counts: PodCounts) -> str:
    running, waiting, succeeded, failed = counts
    return f"{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"


def header(w: PrefixWriter, obj: dict[str, Any]) -> None:
    meta = obj.get("metadata") or {}
    w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
    w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")


def _conditions(w: PrefixWriter, status: dict[str, Any]) -> None:
    conditions = status.get("conditions") or []
    if conditions:
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n")
        w.write(LEVEL_1, "----\t------\t------\n")
        for c in conditions:
            w.write(
                LEVEL_1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n"
            )


# -- Deployment ---------------------------------------------------------------------------


async def describe_deployment_by_name(client: Client, name: str, namespace: str) -> str:
    deploy = await (await client.resource("deployments.apps")).get(name, namespace)
    events = await events_about(client, deploy, "Deployment")
    old: list[dict[str, Any]] = []
    new: list[dict[str, Any]] = []
    try:
        old, found = await replica_sets_of(client, deploy)
        new = [found] if found else []
    except Exception:  # noqa: BLE001 - kubectl leaves the ReplicaSet lines out on errors
        pass
    return describe_deployment(deploy, old, new, events)


async def replica_sets_of(
    client: Client, deploy: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """deploymentutil.GetAllReplicaSets: (all old ReplicaSets, the new one or None)."""
    meta = deploy.get("metadata") or {}
    selector = selector_string((deploy.get("spec") or {}).get("selector"))
    listed = await (await client.resource("replicasets.apps")).list(
        meta.get("namespace"), label_selector=selector or None
    )
    owned = [rs for rs in listed.items if (controller_of(rs) or {}).get("uid") == meta.get("uid")]
    owned.sort(key=lambda rs: (_created(rs), (rs.get("metadata") or {}).get("name", "")))
    template = _comparable((deploy.get("spec") or {}).get("template"))
    new = next(
        (rs for rs in owned if _comparable((rs.get("spec") or {}).get("template")) == template),
        None,
    )
    old = [rs for rs in owned if rs is not new]
    return old, new


def _created(obj: dict[str, Any]) -> str:
    moment = parse_time((obj.get("metadata") or {}).get("creationTimestamp"))
    return moment.isoformat() if moment else ""


def _comparable(template: Any) -> Any:
    """A pod template for EqualIgnoreHash: without the hash label, and with empty values
    dropped (Go compares typed structs, where absent and empty are the same)."""
    if not isinstance(template, dict):
        return None
    copy = dict(template)
    meta = dict(copy.get("metadata") or {})
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != HASH_LABEL}
    meta["labels"] = labels
    copy["metadata"] = meta
    return _prune(copy)


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, {}, [], "", 0, False)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    return value


def _replica_sets(sets: list[dict[str, Any]]) -> str:
    text = ", ".join(
        f"{(rs.get('metadata') or {}).get('name', '')} "
        f"({(rs.get('status') or {}).get('replicas', 0)}/{(rs.get('spec') or {}).get('replicas', 1)}"
        " replicas created)"
        for rs in sets
    )
    return text or "<none>"


def describe_deployment(
    deploy: dict[str, Any],
    old: list[dict[str, Any]],
    new: list[dict[str, Any]],
    events: list[dict[str, Any]] | None,
) -> str:
    meta = deploy.get("metadata") or {}
    spec = deploy.get("spec") or {}
    status = deploy.get("status") or {}

    def build(w: PrefixWriter) -> None:
        header(w, deploy)
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        w.write(
            LEVEL_0,
            f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} updated"
            f" | {status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available"
            f" | {status.get('unavailableReplicas', 0)} unavailable\n",
        )
        strategy = spec.get("strategy") or {}
        w.write(LEVEL_0, f"StrategyType:\t{strategy.get('type', '')}\n")
        w.write(LEVEL_0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
        rolling = strategy.get("rollingUpdate")
        if isinstance(rolling, dict):
            w.write(
                LEVEL_0,
                f"RollingUpdateStrategy:\t{int_or_string(rolling.get('maxUnavailable'))} max unavailable, "
                f"{int_or_string(rolling.get('maxSurge'))} max surge\n",
            )
        describe_pod_template(spec.get("template") or {}, w)
        _conditions(w, status)
        if old or new:
            w.write(LEVEL_0, f"OldReplicaSets:\t{_replica_sets(old)}\n")
            w.write(LEVEL_0, f"NewReplicaSet:\t{_replica_sets(new)}\n")
        if events is not None:
            describe_events(events, w)

    return tabbed(build)


# -- ReplicaSet, StatefulSet, DaemonSet ---------------------------------------------------


async def describe_replicaset_by_name(client: Client, name: str, namespace: str) -> str:
    rs = await (await client.resource("replicasets.apps")).get(name, namespace)
    counts: PodCounts | None = None
    error = ""
    try:
        counts = await pod_counts(client, rs)
    except Exception as failure:  # noqa: BLE001 - shown in the Pods Status line, as kubectl does
        error = str(failure)
    events = await events_about(client, rs, "ReplicaSet")
    meta = rs.get("metadata") or {}
    spec = rs.get("spec") or {}

    def build(w: PrefixWriter) -> None:
        header(w, rs)
        w.write(LEVEL_0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        if printed_controller(rs):
            w.write(LEVEL_0, f"Controlled By:\t{printed_controller(rs)}\n")
        replicas = (rs.get("status") or {}).get("replicas", 0)
        w.write(LEVEL_0, f"Replicas:\t{replicas} current / {spec.get('replicas', 1)} desired\n")
        w.write(LEVEL_0, "Pods Status:\t")
        if counts is None:
            w.write(LEVEL_0, f"error in fetching pods: {error}\n")
        else:
            w.write(LEVEL_0, _pods_status(counts) + "\n")
        describe_pod_template(spec.get("template") or {}, w)
        _conditions(w, rs.get("status") or {})
        describe_events(events, w)

    return tabbed(build)


async def describe_statefulset_by_name(client: Client, name: str, namespace: str) -> str:
    sts = await (await client.resource("statefulsets.apps")).get(name, namespace)
    counts = await pod_counts(client, sts)
    events = await events_about(client, sts, "StatefulSet")
    meta = sts.get("metadata") or {}
    spec = sts.get("spec") or {}

    def build(w: PrefixWriter) -> None:
        header(w, sts)
        w.write(LEVEL_0, f"CreationTimestamp:\t{rfc1123z(meta.get('creationTimestamp'))}\n")
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        total = (sts.get("status") or {}).get("replicas", 0)
        w.write(LEVEL_0, f"Replicas:\t{spec.get('replicas', 1)} desired | {total} total\n")
        strategy = spec.get("updateStrategy") or {}
        w.write(LEVEL_0, f"Update Strategy:\t{strategy.get('type', '')}\n")
        rolling = strategy.get("rollingUpdate")
        if isinstance(rolling, dict) and rolling.get("partition") is not None:
            w.write(LEVEL_1, f"Partition:\t{rolling['partition']}\n")
            if rolling.get("maxUnavailable") is not None:
                w.write(LEVEL_1, f"MaxUnavailable:\t{go_v(rolling['maxUnavailable'])}\n")
        w.write(LEVEL_0, f"Pods Status:\t{_pods_status(counts)}\n")
        describe_pod_template(spec.get("template") or {}, w)
        _claim_templates(spec.get("volumeClaimTemplates"), w)
        describe_events(events, w)

    return tabbed(build)


def _claim_templates(templates: list[dict[str, Any]] | None, w: PrefixWriter) -> None:
    if not templates:
        w.write(LEVEL_0, "Volume Claims:\t<none>\n")
        return
    w.write(LEVEL_0, "Volume Claims:\n")
    for pvc in templates:
        meta = pvc.get("metadata") or {}
        spec = pvc.get("spec") or {}
        w.write(LEVEL_1, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_1, f"StorageClass:\t{spec.get('storageClassName') or ''}\n")
        print_labels(w, "Labels", meta.get("labels"), "  ")
        print_labels(w, "Annotations", meta.get("annotations"), "  ")
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
        capacity = str(Quantity.parse(storage)) if storage is not None else "<default>"
        w.write(LEVEL_1, f"Capacity:\t{capacity}\n")
        w.write(LEVEL_1, f"Access Modes:\t{go_v(spec.get('accessModes') or [])}\n")


async def describe_daemonset_by_name(client: Client, name: str, namespace: str) -> str:
    ds = await (await client.resource("daemonsets.apps")).get(name, namespace)
    counts = await pod_counts(client, ds)
    events = await events_about(client, ds, "DaemonSet")
    meta = ds.get("metadata") or {}
    spec = ds.get("spec") or {}
    status = ds.get("status") or {}

    def build(w: PrefixWriter) -> None:
        # kubectl 1.32 prints no Namespace line for a DaemonSet.
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector")
        w.write(LEVEL_0, f"Node-Selector:\t{format_labels(node_selector)}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        for title, key in (
            ("Desired Number of Nodes Scheduled", "desiredNumberScheduled"),
            ("Current Number of Nodes Scheduled", "currentNumberScheduled"),
            ("Number of Nodes Scheduled with Up-to-date Pods", "updatedNumberScheduled"),
            ("Number of Nodes Scheduled with Available Pods", "numberAvailable"),
            ("Number of Nodes Misscheduled", "numberMisscheduled"),
        ):
            w.write(LEVEL_0, f"{title}: {status.get(key, 0)}\n")
        w.write(LEVEL_0, f"Pods Status:\t{_pods_status(counts)}\n")
        describe_pod_template(spec.get("template") or {}, w)
        describe_events(events, w)

    return tabbed(build)
