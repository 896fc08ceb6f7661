"""Services (with the endpoints behind each port) and Endpoints, as kubectl describes them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from .events import describe_events, events_about
from .format import format_labels, go_bool
from .metadata import print_annotations, print_labels
from .writer import LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client

log = logging.getLogger(__name__)
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MAX_ENDPOINTS = 3


async def describe_service_by_name(client: Client, name: str, namespace: str) -> str:
    service = await (await client.resource("v1/services")).get(name, namespace)
    slices: list[dict[str, Any]] = []
    try:
        listed = await (await client.resource("endpointslices.discovery.k8s.io")).list(
            namespace, label_selector=f"{SERVICE_NAME_LABEL}={name}"
        )
        slices = listed.items
    except Exception as error:  # noqa: BLE001 - older clusters: read the Endpoints instead
        log.info("endpointslices of %s/%s: %s", namespace, name, error)
        slices = await _slices_from_endpoints(client, name, namespace)
    events = await events_about(client, service, "Service")
    return describe_service(service, slices, events)


async def _slices_from_endpoints(client: Client, name: str, namespace: str) -> list[dict[str, Any]]:
    """The Endpoints object seen as EndpointSlices, for servers without discovery.k8s.io."""
    try:
        endpoints = await (await client.resource("v1/endpoints")).get(name, namespace)
    except Exception:  # noqa: BLE001 - no endpoints: "<none>"
        return []
    slices = []
    for subset in endpoints.get("subsets") or []:
        points = [
            {"addresses": [a.get("ip", "")], "conditions": {"ready": True}}
            for a in subset.get("addresses") or []
        ]
        points += [
            {"addresses": [a.get("ip", "")], "conditions": {"ready": False}}
            for a in subset.get("notReadyAddresses") or []
        ]
        slices.append({"endpoints": points, "ports": subset.get("ports") or []})
    return slices


def format_endpoints(slices: list[dict[str, Any]], port_name: str | None) -> str:
    """formatEndpointSlices: up to three ready `ip:port`, then `+ N more...`."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    more = False
    count = 0
    for piece in slices:
        points = piece.get("endpoints") or []
        ports = piece.get("ports") or []
        targets = (
            [None]
            if not ports
            else [p for p in ports if port_name is None or (p.get("name") or "") == port_name]
        )
        for port in targets:
            for point in points:
                if len(shown) == MAX_ENDPOINTS:
                    more = True
                ready = (point.get("conditions") or {}).get("ready")
                if ready is False:
                    continue
                address = (point.get("addresses") or [""])[0]
                if not more:
                    if port is None:
                        shown.append(address)
                    else:
                        number = str(port.get("port", 0))
                        shown.append(
                            f"[{address}]:{number}" if ":" in address else f"{address}:{number}"
                        )
                count += 1
    text = ",".join(shown)
    return f"{text} + {count - MAX_ENDPOINTS} more..." if more else text


def describe_service(
    service: dict[str, Any], slices: list[dict[str, Any]], events: list[dict[str, Any]] | None
) -> str:
    meta = service.get("metadata") or {}
    spec = service.get("spec") or {}
    ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
        w.write(LEVEL_0, f"Type:\t{spec.get('type', '')}\n")
        if spec.get("ipFamilyPolicy") is not None:
            w.write(LEVEL_0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
        w.write(LEVEL_0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
        w.write(LEVEL_0, f"IP:\t{spec.get('clusterIP', '')}\n")
        w.write(LEVEL_0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
        if spec.get("externalIPs"):
            w.write(LEVEL_0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
        if spec.get("loadBalancerIP"):
            w.write(LEVEL_0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
        if spec.get("externalName"):
            w.write(LEVEL_0, f"External Name:\t{spec['externalName']}\n")
        if ingress:
            w.write(LEVEL_0, f"LoadBalancer Ingress:\t{_ingress(ingress)}\n")
        for port in spec.get("ports") or []:
            name = port.get("name") or "<unset>"
            protocol = port.get("protocol", "")
            w.write(LEVEL_0, f"Port:\t{name}\t{port.get('port', 0)}/{protocol}\n")
            target = port.get("targetPort", 0)
            w.write(LEVEL_0, f"TargetPort:\t{target}/{protocol}\n")
            if port.get("nodePort"):
                w.write(LEVEL_0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
            endpoints = format_endpoints(slices, port.get("name") or "")
            w.write(LEVEL_0, f"Endpoints:\t{endpoints}\n")
        w.write(LEVEL_0, f"Session Affinity:\t{spec.get('sessionAffinity', '')}\n")
        if spec.get("externalTrafficPolicy"):
            w.write(LEVEL_0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
        if spec.get("internalTrafficPolicy") is not None:
            w.write(LEVEL_0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
        if spec.get("healthCheckNodePort"):
            w.write(LEVEL_0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
        if spec.get("loadBalancerSourceRanges"):
            w.write(
                LEVEL_0,
                f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n",
            )
        if spec.get("trafficDistribution"):
            w.write(LEVEL_0, f"Traffic Distribution:\t{spec['trafficDistribution']}\n")
        if events is not None:
            describe_events(events, w)

    return tabbed(build)


def _ingress(ingress: list[dict[str, Any]]) -> str:
    parts = []
    for point in ingress:
        if point.get("ip"):
            mode = f" ({point['ipMode']})" if point.get("ipMode") else ""
            parts.append(point["ip"] + mode)
        else:
            parts.append(point.get("hostname", ""))
    return ", ".join(parts)


async def describe_endpoints_by_name(client: Client, name: str, namespace: str) -> str:
    endpoints = await (await client.resource("v1/endpoints")).get(name, namespace)
    events = await events_about(client, endpoints, "Endpoints")
    meta = endpoints.get("metadata") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, "Subsets:\n")
        for subset in endpoints.get("subsets") or []:
            ready = ",".join(a.get("ip", "") for a in subset.get("addresses") or [])
            w.write(LEVEL_1, f"Addresses:\t{ready or '<none>'}\n")
            unready = ",".join(a.get("ip", "") for a in subset.get("notReadyAddresses") or [])
            w.write(LEVEL_1, f"NotReadyAddresses:\t{unready or '<none>'}\n")
            if subset.get("ports"):
                w.write(LEVEL_1, "Ports:\n")
                w.write(LEVEL_2, "Name\tPort\tProtocol\n")
                w.write(LEVEL_2, "----\t----\t--------\n")
                for port in subset["ports"]:
                    w.write(
                        LEVEL_2,
                        f"{port.get('name') or '<unset>'}\t{port.get('port', 0)}\t{port.get('protocol', '')}\n",
                    )
            w.write(LEVEL_0, "\n")
        describe_events(events, w)

    return tabbed(build)


async def describe_endpoint_slice_by_name(client: Client, name: str, namespace: str) -> str:
    eps = await (await client.resource("endpointslices.discovery.k8s.io")).get(name, namespace)
    events = await events_about(client, eps, "EndpointSlice")
    meta = eps.get("metadata") or {}

    def unset(value: Any) -> str:
        return "<unset>" if value is None else str(value)

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"AddressType:\t{eps.get('addressType', '')}\n")
        ports = eps.get("ports") or []
        if not ports:
            w.write(LEVEL_0, "Ports: <unset>\n")
        else:
            w.write(LEVEL_0, "Ports:\n")
            w.write(LEVEL_1, "Name\tPort\tProtocol\n")
            w.write(LEVEL_1, "----\t----\t--------\n")
            for port in ports:
                w.write(
                    LEVEL_1,
                    f"{port.get('name') or '<unset>'}\t{unset(port.get('port'))}"
                    f"\t{port.get('protocol', '')}\n",
                )
        points = eps.get("endpoints") or []
        if not points:
            w.write(LEVEL_0, "Endpoints: <none>\n")
        else:
            w.write(LEVEL_0, "Endpoints:\n")
        for point in points:
            w.write(
                LEVEL_1, f"- Addresses:\t{', '.join(point.get('addresses') or []) or '<none>'}\n"
            )
            w.write(LEVEL_2, "Conditions:\n")
            ready = (point.get("conditions") or {}).get("ready")
            w.write(LEVEL_3, f"Ready:\t{'<unset>' if ready is None else go_bool(ready)}\n")
            w.write(LEVEL_2, f"Hostname:\t{unset(point.get('hostname'))}\n")
            target = point.get("targetRef")
            if isinstance(target, dict):
                w.write(LEVEL_2, f"TargetRef:\t{target.get('kind', '')}/{target.get('name', '')}\n")
            w.write(LEVEL_2, f"NodeName:\t{unset(point.get('nodeName'))}\n")
            w.write(LEVEL_2, f"Zone:\t{unset(point.get('zone'))}\n")
        describe_events(events, w)

    return tabbed(build)
