"""What kube-apiserver creates on start: the system namespaces, the `kubernetes` Service
in `default` (cluster IP 10.96.0.1, port 443) and its Endpoints/EndpointSlice pointing at
the API server itself. Idempotent: a restart refreshes the endpoint (the port may move).

Default ServiceAccounts per namespace are the serviceaccount controller's job (later); until
then the system namespaces get theirs here, so their pods get a token volume (admission).
"""

from __future__ import annotations

import ipaddress
import logging
from typing import TYPE_CHECKING, Any

from engine.api.status import StatusError

from .options import WriteOptions

if TYPE_CHECKING:
    from .service import APIStorage

log = logging.getLogger(__name__)

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
MANAGER = WriteOptions(field_manager="kube-apiserver")
Obj = dict[str, Any]


def endpoint_ip(host: str) -> str:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return "127.0.0.1"
    if address.is_unspecified:
        return "127.0.0.1" if address.version == 4 else "::1"
    return str(address)


async def _ensure(
    storage: APIStorage, group: str, plural: str, namespace: str, obj: Obj, *, refresh: bool
) -> None:
    rt = storage.registry.lookup(group, "v1", plural)
    assert rt is not None
    name = obj["metadata"]["name"]
    try:
        current = await storage.get_object(rt, namespace, name)
    except StatusError as exc:
        if exc.code != 404:
            raise
        await storage.create(rt, namespace, obj, MANAGER)
        return
    if not refresh:
        return
    desired = dict(current)
    for key, value in obj.items():
        if key != "metadata":
            desired[key] = value
    if desired != current:
        desired["metadata"] = {
            **current["metadata"],
            "resourceVersion": current["metadata"]["resourceVersion"],
        }
        await storage.update(rt, namespace, name, desired, MANAGER)


async def bootstrap(storage: APIStorage, host: str, port: int) -> None:
    for name in SYSTEM_NAMESPACES:
        await _ensure(storage, "", "namespaces", "", {"metadata": {"name": name}}, refresh=False)
    for name in SYSTEM_NAMESPACES:  # until the serviceaccount controller makes them everywhere
        sa = {"metadata": {"name": "default", "namespace": name}}
        await _ensure(storage, "", "serviceaccounts", name, sa, refresh=False)
    allocator = storage.ctx.allocator
    cluster_ip = allocator.kubernetes_ip if allocator is not None else "10.96.0.1"
    ip = endpoint_ip(host)
    labels = {"component": "apiserver", "provider": "kubernetes"}
    await _ensure(
        storage,
        "",
        "services",
        "default",
        {
            "metadata": {"name": "kubernetes", "namespace": "default", "labels": labels},
            "spec": {
                "type": "ClusterIP",
                "clusterIP": cluster_ip,
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}],
                "sessionAffinity": "None",
            },
        },
        refresh=False,
    )
    await _ensure(
        storage,
        "",
        "endpoints",
        "default",
        {
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"},
            },
            "subsets": [
                {
                    "addresses": [{"ip": ip}],
                    "ports": [{"name": "https", "port": port, "protocol": "TCP"}],
                }
            ],
        },
        refresh=True,
    )
    await _ensure(
        storage,
        "discovery.k8s.io",
        "endpointslices",
        "default",
        {
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"kubernetes.io/service-name": "kubernetes"},
            },
            "addressType": "IPv6" if ":" in ip else "IPv4",
            "endpoints": [{"addresses": [ip], "conditions": {"ready": True}}],
            "ports": [{"name": "https", "port": port, "protocol": "TCP"}],
        },
        refresh=True,
    )
    log.info("bootstrapped the default namespaces and the kubernetes service (%s:%d)", ip, port)
