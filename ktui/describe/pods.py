"""Pods and pod templates as kubectl describes them (describePod, DescribePodTemplate)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ktui.client import ApiError

from .containers import EnvResolver, describe_containers, describe_resources
from .events import describe_events, search_events
from .format import format_label_selector, printed_controller, rfc1123z, since
from .metadata import print_annotations, print_labels
from .quantity import Quantity, resource_list
from .volumes import describe_volumes
from .writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client

MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


async def describe_pod_by_name(client: Client, name: str, namespace: str) -> str:
    pods = await client.resource("v1/pods")
    try:
        pod = await pods.get(name, namespace)
    except ApiError as error:
        # kubectl still shows the events of a pod that is gone (or hidden).
        message = str(error)
        events = await search_events(client, name, namespace)
        if not events:
            raise

        def gone(w: PrefixWriter) -> None:
            w.write(LEVEL_0, f"Pod '{name}': error '{message}', but found events.\n")
            describe_events(events, w)

        return tabbed(gone)
    meta = pod.get("metadata") or {}
    uid = (meta.get("annotations") or {}).get(MIRROR_POD_ANNOTATION) or meta.get("uid")
    # No kind in the search: events may name the pod with any kind spelling.
    events = await search_events(client, name, namespace, None, uid)
    return describe_pod(pod, events)


def describe_pod(pod: dict[str, Any], events: list[dict[str, Any]] | None) -> str:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        if spec.get("priority") is not None:
            w.write(LEVEL_0, f"Priority:\t{spec['priority']}\n")
        if spec.get("priorityClassName"):
            w.write(LEVEL_0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
        if spec.get("runtimeClassName"):
            w.write(LEVEL_0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
        if spec.get("serviceAccountName"):
            w.write(LEVEL_0, f"Service Account:\t{spec['serviceAccountName']}\n")
        if not spec.get("nodeName"):
            w.write(LEVEL_0, "Node:\t<none>\n")
        else:
            w.write(LEVEL_0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
        if status.get("startTime"):
            w.write(LEVEL_0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        phase = status.get("phase", "")
        if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'])})\n")
            grace = meta.get("deletionGracePeriodSeconds", 0)
            w.write(LEVEL_0, f"Termination Grace Period:\t{grace}s\n")
        else:
            w.write(LEVEL_0, f"Status:\t{phase}\n")
        if status.get("reason"):
            w.write(LEVEL_0, f"Reason:\t{status['reason']}\n")
        if status.get("message"):
            w.write(LEVEL_0, f"Message:\t{status['message']}\n")
        seccomp = (spec.get("securityContext") or {}).get("seccompProfile")
        if isinstance(seccomp, dict):
            w.write(LEVEL_0, f"SeccompProfile:\t{seccomp.get('type', '')}\n")
            if seccomp.get("type") == "Localhost":
                w.write(LEVEL_0, f"LocalhostProfile:\t{seccomp.get('localhostProfile', '')}\n")
        w.write(LEVEL_0, f"IP:\t{status.get('podIP', '')}\n")
        ips = status.get("podIPs") or []
        if not ips:
            w.write(LEVEL_0, "IPs:\t<none>\n")
        else:
            w.write(LEVEL_0, "IPs:\n")
            for ip in ips:
                w.write(LEVEL_1, f"IP:\t{ip.get('ip', '')}\n")
        controller = printed_controller(pod)
        if controller:
            w.write(LEVEL_0, f"Controlled By:\t{controller}\n")
        if status.get("nominatedNodeName"):
            w.write(LEVEL_0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
        if spec.get("resources") is not None:
            w.write(LEVEL_0, "Resources:\n")
            describe_resources(spec["resources"], w, LEVEL_1)
        resolver = env_resolver(pod)
        if spec.get("initContainers"):
            describe_containers(
                "Init Containers",
                spec["initContainers"],
                status.get("initContainerStatuses"),
                resolver,
                w,
                "",
            )
        describe_containers(
            "Containers",
            spec.get("containers") or [],
            status.get("containerStatuses"),
            resolver,
            w,
            "",
        )
        if spec.get("ephemeralContainers"):
            describe_containers(
                "Ephemeral Containers",
                spec["ephemeralContainers"],
                status.get("ephemeralContainerStatuses"),
                resolver,
                w,
                "",
            )
        conditions = status.get("conditions") or []
        if spec.get("readinessGates"):
            w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n")
            for gate in spec["readinessGates"]:
                found = next(
                    (
                        c.get("status")
                        for c in conditions
                        if c.get("type") == gate.get("conditionType")
                    ),
                    "<none>",
                )
                w.write(LEVEL_1, f"{gate.get('conditionType', '')} \t{found} \n")
        if conditions:
            w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n")
            for condition in conditions:
                w.write(LEVEL_1, f"{condition.get('type', '')} \t{condition.get('status', '')} \n")
        describe_volumes(spec.get("volumes"), w, "")
        w.write(LEVEL_0, f"QoS Class:\t{status.get('qosClass') or pod_qos(pod)}\n")
        print_labels(w, "Node-Selectors", spec.get("nodeSelector"))
        print_tolerations(w, "Tolerations", spec.get("tolerations"))
        describe_topology_spread(spec.get("topologySpreadConstraints"), w, "")
        if events is not None:
            describe_events(events, w)

    return tabbed(build)


def describe_pod_template(template: dict[str, Any] | None, w: PrefixWriter) -> None:
    w.write(LEVEL_0, "Pod Template:\n")
    if template is None:
        w.write(LEVEL_1, "<unset>")
        return
    meta = template.get("metadata") or {}
    spec = template.get("spec") or {}
    print_labels(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        print_annotations(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(LEVEL_1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        describe_containers("Init Containers", spec["initContainers"], None, None, w, "  ")
    describe_containers("Containers", spec.get("containers") or [], None, None, w, "  ")
    describe_volumes(spec.get("volumes"), w, "  ")
    describe_topology_spread(spec.get("topologySpreadConstraints"), w, "  ")
    if spec.get("priorityClassName"):
        w.write(LEVEL_1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    print_labels(w, "  Node-Selectors", spec.get("nodeSelector"))
    print_tolerations(w, "  Tolerations", spec.get("tolerations"))


def env_resolver(pod: dict[str, Any]) -> EnvResolver:
    """EnvValueRetriever: kubectl's scheme only converts metadata.name and metadata.namespace
    field paths, so every other fieldRef shows an empty value, as kubectl shows it."""
    meta = pod.get("metadata") or {}

    def resolve(var: dict[str, Any]) -> str:
        path = ((var.get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath", "")
        if path == "metadata.name":
            return meta.get("name", "")
        if path == "metadata.namespace":
            return meta.get("namespace", "")
        return ""

    return resolve


def print_tolerations(
    w: PrefixWriter, title: str, tolerations: list[dict[str, Any]] | None
) -> None:
    w.write(LEVEL_0, f"{title}:\t")
    if not tolerations:
        w.write_line("<none>")
        return
    for i, toleration in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(LEVEL_0, "")
            w.write(LEVEL_0, "\t")
        key, value, effect = (
            toleration.get("key", ""),
            toleration.get("value", ""),
            toleration.get("effect", ""),
        )
        text = key + (f"={value}" if value else "") + (f":{effect}" if effect else "")
        if toleration.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if toleration.get("tolerationSeconds") is not None:
            text += f" for {toleration['tolerationSeconds']}s"
        w.write(LEVEL_0, text + "\n")


def describe_topology_spread(
    constraints: list[dict[str, Any]] | None, w: PrefixWriter, space: str
) -> None:
    if not constraints:
        return
    w.write(LEVEL_0, f"{space}Topology Spread Constraints:\t")
    for i, tsc in enumerate(sorted(constraints, key=lambda c: c.get("topologyKey", ""))):
        if i:
            w.write(LEVEL_0, space)
            w.write(LEVEL_0, "\t")
        text = (
            f"{tsc.get('topologyKey', '')}:{tsc.get('whenUnsatisfiable', '')}"
            f" when max skew {tsc.get('maxSkew', 0)} is exceeded"
        )
        if tsc.get("labelSelector") is not None:
            text += f" for selector {format_label_selector(tsc['labelSelector'])}"
        w.write(LEVEL_0, text + "\n")


def pod_qos(pod: dict[str, Any]) -> str:
    """ComputePodQOS (when the status does not say): from cpu/memory requests and limits."""
    spec = pod.get("spec") or {}
    requests: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    guaranteed = True
    for container in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        resources = container.get("resources") or {}
        for name, quantity in resource_list(resources.get("requests")).items():
            if name in ("cpu", "memory") and quantity.value > 0:
                requests[name] = requests[name] + quantity if name in requests else quantity
        found = set()
        for name, quantity in resource_list(resources.get("limits")).items():
            if name in ("cpu", "memory") and quantity.value > 0:
                found.add(name)
                limits[name] = limits[name] + quantity if name in limits else quantity
        if not {"cpu", "memory"} <= found:
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed:
        for name, request in requests.items():
            if name not in limits or limits[name].value != request.value:
                guaranteed = False
                break
    if guaranteed and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"
