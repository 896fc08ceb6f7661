"""Services, Endpoints and EndpointSlices."""

from __future__ import annotations

from typing import Any

from ..humanize import since
from ..selectors import format_labels
from .columns import AGE, NAME, col, wide
from .helpers import Obj, get, join_host_port, list_with_more, meta
from .registry import register

SERVICE_COLUMNS = (
    NAME,
    col("Type", "ServiceSpec.type"),
    col("Cluster-IP", "ServiceSpec.clusterIP"),
    col("External-IP", "ServiceSpec.externalIPs"),
    col("Port(s)", "ServiceSpec.ports"),
    AGE,
    wide("Selector", "ServiceSpec.selector"),
)

LOAD_BALANCER_WIDTH = 16


def _load_balancer_ips(svc: Obj, wide: bool) -> str:
    found = set()
    for ingress in get(svc, "status", "loadBalancer", "ingress", default=[]):
        if ingress.get("ip"):
            found.add(ingress["ip"])
        elif ingress.get("hostname"):
            found.add(ingress["hostname"])
    text = ",".join(sorted(found))
    if not wide and len(text) > LOAD_BALANCER_WIDTH:
        text = text[: LOAD_BALANCER_WIDTH - 3] + "..."
    return text


def external_ip(svc: Obj, wide: bool = True) -> str:
    """getServiceExternalIP. The server prints wide, so load balancer IPs are not clipped."""
    kind = get(svc, "spec", "type", default="")
    external = get(svc, "spec", "externalIPs", default=[])
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if kind == "LoadBalancer":
        lb = _load_balancer_ips(svc, wide)
        if external:
            return ",".join((lb.split(",") if lb else []) + list(external))
        return lb or "<pending>"
    if kind == "ExternalName":
        return get(svc, "spec", "externalName", default="")
    return "<unknown>"


def port_string(ports: list[Obj]) -> str:
    """makePortString: "80/TCP,443:30443/TCP"."""
    pieces = []
    for port in ports:
        protocol = port.get("protocol") or "TCP"  # the server defaults it
        if port.get("nodePort"):
            pieces.append(f"{port.get('port')}:{port['nodePort']}/{protocol}")
        else:
            pieces.append(f"{port.get('port')}/{protocol}")
    return ",".join(pieces)


@register("", "Service", SERVICE_COLUMNS)
def service_cells(svc: Obj, now: float) -> list[Any]:
    cluster_ip = get(svc, "spec", "clusterIPs", 0) or get(svc, "spec", "clusterIP") or "<none>"
    return [
        meta(svc, "name", ""),
        get(svc, "spec", "type", default=""),
        cluster_ip,
        external_ip(svc),
        port_string(get(svc, "spec", "ports", default=[])) or "<none>",
        since(meta(svc, "creationTimestamp"), now),
        format_labels(get(svc, "spec", "selector")),
    ]


def format_endpoints(endpoints: Obj, limit: int = 3) -> str:
    """formatEndpoints: "10.0.0.1:80,10.0.0.2:80 + 3 more..."."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    more = False
    for subset in subsets:
        addresses = subset.get("addresses") or []
        ports = subset.get("ports") or []
        if not ports:  # headless services may have no ports
            count += len(addresses)
            for address in addresses:
                if len(shown) == limit:
                    more = True
                    break
                shown.append(address.get("ip", ""))
            continue
        for port in ports:
            count += len(addresses)
            for address in addresses:
                if len(shown) == limit:
                    more = True
                    break
                shown.append(join_host_port(address.get("ip", ""), port.get("port", 0)))
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if more else text


ENDPOINTS_COLUMNS = (NAME, col("Endpoints", "Endpoints.subsets"), AGE)


@register("", "Endpoints", ENDPOINTS_COLUMNS)
def endpoints_cells(obj: Obj, now: float) -> list[Any]:
    return [
        meta(obj, "name", ""),
        format_endpoints(obj),
        since(meta(obj, "creationTimestamp"), now),
    ]


ENDPOINT_SLICE_COLUMNS = (
    NAME,
    col("AddressType", "EndpointSlice.addressType"),
    col("Ports", "EndpointSlice.ports"),
    col("Endpoints", "EndpointSlice.endpoints"),
    AGE,
)


def _slice_ports(ports: list[Obj]) -> str:
    names = []
    for port in ports:
        if port.get("port") is not None:
            names.append(str(port["port"]))
        elif port.get("name") is not None:
            names.append(port["name"])
        else:
            names.append("*")
    return list_with_more(names, len(names))


def _slice_endpoints(endpoints: list[Obj]) -> str:
    addresses = [a for e in endpoints for a in e.get("addresses") or []]
    return list_with_more(addresses, len(addresses))


@register("discovery.k8s.io", "EndpointSlice", ENDPOINT_SLICE_COLUMNS)
def endpointslice_cells(obj: Obj, now: float) -> list[Any]:
    return [
        meta(obj, "name", ""),
        obj.get("addressType", ""),
        _slice_ports(obj.get("ports") or []),
        _slice_endpoints(obj.get("endpoints") or []),
        since(meta(obj, "creationTimestamp"), now),
    ]
