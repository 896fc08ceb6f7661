"""Service defaults (pkg/apis/core/v1/defaults.go SetDefaults_Service). The cluster IP and
node ports are allocated by the API layer (engine/api/storage/allocators.py)."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def default_service(obj: Obj) -> None:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    kind = spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["sessionAffinity"] == "ClientIP":
        config = spec.setdefault("sessionAffinityConfig", {})
        if isinstance(config, dict):
            client = config.setdefault("clientIP", {})
            if isinstance(client, dict):
                client.setdefault("timeoutSeconds", 10800)
    ports = spec.get("ports")
    for port in ports if isinstance(ports, list) else ():  # a wrong type is validation's
        if not isinstance(port, dict):
            continue
        port.setdefault("protocol", "TCP")
        if "targetPort" not in port or port["targetPort"] in (0, ""):
            port["targetPort"] = port.get("port")
    if kind == "ExternalName":
        return
    spec.setdefault("internalTrafficPolicy", "Cluster")
    if kind in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if kind == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    if spec.get("clusterIP") and "clusterIPs" not in spec:
        spec["clusterIPs"] = [spec["clusterIP"]]
