"""Service validation (the checks users meet: ports, types, immutable cluster IP)."""

from __future__ import annotations

import ipaddress
from typing import Any

from ..field_errors import FieldError, GoText, duplicate, invalid, not_supported, required
from .names import is_dns1123_label, is_dns1123_subdomain
from .pod import port_name_errors, validate_port_number

Obj = dict[str, Any]
TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PROTOCOLS = ("SCTP", "TCP", "UDP")
AFFINITIES = ("ClientIP", "None")
NODE_PORT_RANGE = (30000, 32767)


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def validate_service(obj: Obj) -> list[FieldError]:
    spec = _spec(obj)
    errs: list[FieldError] = []
    kind = spec.get("type", "ClusterIP")
    if kind not in TYPES:
        errs.append(not_supported("spec.type", kind, TYPES))
    affinity = spec.get("sessionAffinity")
    if affinity is not None and affinity not in AFFINITIES:
        errs.append(not_supported("spec.sessionAffinity", affinity, AFFINITIES))
    ports = spec.get("ports") or []
    if not isinstance(ports, list):
        errs.append(invalid("spec.ports", ports, "must be a list of ports"))
        ports = []
    if kind == "ExternalName":
        name = spec.get("externalName")
        if not name:
            errs.append(required("spec.externalName", ""))
        else:
            errs.extend(
                invalid("spec.externalName", name, m)
                for m in is_dns1123_subdomain(str(name).rstrip("."))
            )
    elif not ports and spec.get("clusterIP") != "None":
        errs.append(required("spec.ports", ""))
    names: set[str] = set()
    seen: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        path = f"spec.ports[{i}]"
        if not isinstance(port, dict):
            errs.append(invalid(path, port, "must be an object"))
            continue
        name = port.get("name", "")
        if len(ports) > 1 and not name:
            errs.append(required(f"{path}.name", ""))
        elif name:
            errs.extend(invalid(f"{path}.name", name, m) for m in is_dns1123_label(str(name)))
            if name in names:
                errs.append(duplicate(f"{path}.name", name))
            names.add(name)
        errs.extend(validate_port_number(port.get("port"), f"{path}.port"))
        protocol = port.get("protocol", "TCP")
        if protocol not in PROTOCOLS:
            errs.append(not_supported(f"{path}.protocol", protocol, PROTOCOLS))
        key = (port.get("port"), protocol)
        if not all(isinstance(part, (int, str)) for part in key):
            continue  # already reported as an invalid port or protocol
        if key in seen:
            errs.append(
                duplicate(path, GoText(f'core.ServicePort{{Port:{key[0]}, Protocol:"{protocol}"}}'))
            )
        seen.add(key)
        target = port.get("targetPort")
        if isinstance(target, str):
            errs.extend(invalid(f"{path}.targetPort", target, m) for m in port_name_errors(target))
        elif target is not None:
            errs.extend(validate_port_number(target, f"{path}.targetPort"))
        node_port = port.get("nodePort")
        if node_port:
            if kind not in ("NodePort", "LoadBalancer"):
                errs.append(
                    invalid(
                        f"{path}.nodePort", node_port, "may not be used when `type` is 'ClusterIP'"
                    )
                )
            elif (
                not isinstance(node_port, int)
                or not NODE_PORT_RANGE[0] <= node_port <= NODE_PORT_RANGE[1]
            ):
                errs.append(
                    invalid(
                        f"{path}.nodePort",
                        node_port,
                        "provided port is not in the valid range. The range of valid ports is 30000-32767",
                    )
                )
    cluster_ip = spec.get("clusterIP")
    if cluster_ip and cluster_ip != "None":
        try:
            ipaddress.ip_address(cluster_ip)
        except ValueError:
            errs.append(
                invalid(
                    "spec.clusterIPs[0]",
                    cluster_ip,
                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                )
            )
    return errs


def validate_service_update(new: Obj, old: Obj) -> list[FieldError]:
    errs = validate_service(new)
    new_spec, old_spec = _spec(new), _spec(old)
    old_ip = old_spec.get("clusterIP")
    if (
        old_ip
        and new_spec.get("type") != "ExternalName"
        and old_spec.get("type") != "ExternalName"
        and new_spec.get("clusterIP") != old_ip
    ):
        errs.append(
            invalid("spec.clusterIPs[0]", new_spec.get("clusterIP", ""), "may not change once set")
        )
    return errs
