"""Service cluster IPs (10.96.0.0/12) and node ports (30000-32767), allocated without
duplicates and kept in the store, so they survive restarts and concurrent creates.

Each allocation is one key (`/registry/ranges/serviceips/10.96.0.12`,
`/registry/ranges/servicenodeports/30080`) created with compare-and-swap: two services
can never win the same address. The value names the owner (`namespace/name`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import random
from dataclasses import dataclass, field
from typing import Any

from engine.registry.field_errors import GoText, invalid
from engine.store import AlreadyExists, NotFound, Store

Obj = dict[str, Any]

IP_PREFIX = "/registry/ranges/serviceips/"
PORT_PREFIX = "/registry/ranges/servicenodeports/"
DEFAULT_CIDR = "10.96.0.0/12"
DEFAULT_PORTS = (30000, 32767)
ATTEMPTS = 64


class AllocationError(Exception):
    def __init__(self, errors: list[Any]) -> None:
        super().__init__(str(errors))
        self.errors = errors


@dataclass
class Claim:
    """What one service holds: keys created by this request (to roll back on failure)."""

    created: list[str] = field(default_factory=list)


def _go_strings(values: list[str]) -> GoText:
    return GoText("[]string{" + ", ".join(f'"{v}"' for v in values) + "}")


class ServiceAllocator:
    def __init__(
        self,
        store: Store,
        cidr: str = DEFAULT_CIDR,
        ports: tuple[int, int] = DEFAULT_PORTS,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.network = ipaddress.ip_network(cidr)
        self.ports = ports
        self.random = rng or random.Random()
        self.kubernetes_ip = str(self.network.network_address + 1)  # the `kubernetes` service

    # -- what a service wants ------------------------------------------------------------

    @staticmethod
    def wants_ip(spec: Obj) -> bool:
        return spec.get("type", "ClusterIP") != "ExternalName" and spec.get("clusterIP") != "None"

    @staticmethod
    def wants_node_ports(spec: Obj) -> bool:
        kind = spec.get("type")
        if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is False:
            return False
        return kind in ("NodePort", "LoadBalancer")

    def held_keys(self, svc: Obj) -> set[str]:
        spec = svc.get("spec") or {}
        keys: set[str] = set()
        ip = spec.get("clusterIP")
        if ip and ip != "None" and spec.get("type") != "ExternalName":
            keys.add(IP_PREFIX + ip)
        for port in spec.get("ports") or ():
            if isinstance(port, dict) and port.get("nodePort"):
                keys.add(PORT_PREFIX + str(port["nodePort"]))
        return keys

    # -- allocation -----------------------------------------------------------------------

    async def allocate(self, svc: Obj, old: Obj | None, *, dry_run: bool) -> Claim:
        """Fill in spec.clusterIP(s) and nodePorts; raises AllocationError (422 causes)."""
        spec = svc.setdefault("spec", {})
        owner = "{}/{}".format(
            (svc.get("metadata") or {}).get("namespace", ""), svc["metadata"].get("name", "")
        )
        held = self.held_keys(old) if old is not None else set()
        claim = Claim()
        try:
            if self.wants_ip(spec):
                await self._cluster_ip(spec, owner, held, claim, dry_run)
            elif spec.get("type") == "ExternalName":
                spec.pop("clusterIP", None)
                spec.pop("clusterIPs", None)
            elif spec.get("clusterIP") == "None":
                spec["clusterIPs"] = ["None"]
            if self.wants_node_ports(spec):
                await self._node_ports(spec, owner, held, claim, dry_run)
            else:
                for port in spec.get("ports") or ():
                    if isinstance(port, dict):
                        port.pop("nodePort", None)
        except AllocationError:
            await self.release(claim.created)
            raise
        return claim

    async def _take(
        self, key: str, owner: str, held: set[str], claim: Claim, dry_run: bool
    ) -> bool:
        if key in held:
            return True
        if dry_run:
            try:
                self.store.get(key)
                return False
            except NotFound:
                return True
        try:
            await self.store.acreate(key, owner.encode())
        except AlreadyExists:
            return False
        claim.created.append(key)
        return True

    async def _cluster_ip(
        self, spec: Obj, owner: str, held: set[str], claim: Claim, dry_run: bool
    ) -> None:
        requested = spec.get("clusterIP") or ""
        if requested:
            try:
                address = ipaddress.ip_address(requested)
            except ValueError:
                return  # validation reports it
            if address not in self.network or address in (
                self.network.network_address,
                self.network.broadcast_address,
            ):
                raise AllocationError(
                    [
                        invalid(
                            "spec.clusterIPs",
                            _go_strings([requested]),
                            f"failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {self.network}",
                        )
                    ]
                )
            if not await self._take(IP_PREFIX + requested, owner, held, claim, dry_run):
                raise AllocationError(
                    [
                        invalid(
                            "spec.clusterIPs",
                            _go_strings([requested]),
                            f"failed to allocate IP {requested}: provided IP is already allocated",
                        )
                    ]
                )
        else:
            size = self.network.num_addresses
            for _ in range(ATTEMPTS):
                offset = self.random.randrange(2, size - 1)
                candidate = str(self.network.network_address + offset)
                if await self._take(IP_PREFIX + candidate, owner, held, claim, dry_run):
                    requested = candidate
                    break
            else:
                raise AllocationError(
                    [
                        invalid(
                            "spec.clusterIPs",
                            _go_strings([]),
                            "failed to allocate a serviceIP: range is full",
                        )
                    ]
                )
        spec["clusterIP"] = requested
        spec["clusterIPs"] = [requested]

    async def _node_ports(
        self, spec: Obj, owner: str, held: set[str], claim: Claim, dry_run: bool
    ) -> None:
        low, high = self.ports
        for index, port in enumerate(spec.get("ports") or ()):
            if not isinstance(port, dict):
                continue
            wanted = port.get("nodePort")
            if wanted:
                if not isinstance(wanted, int) or not low <= wanted <= high:
                    continue  # validation reports it
                if not await self._take(PORT_PREFIX + str(wanted), owner, held, claim, dry_run):
                    raise AllocationError(
                        [
                            invalid(
                                f"spec.ports[{index}].nodePort",
                                wanted,
                                "provided port is already allocated",
                            )
                        ]
                    )
                continue
            for _ in range(ATTEMPTS):
                candidate = self.random.randint(low, high)
                if await self._take(PORT_PREFIX + str(candidate), owner, held, claim, dry_run):
                    port["nodePort"] = candidate
                    break
            else:
                raise AllocationError(
                    [
                        invalid(
                            f"spec.ports[{index}].nodePort",
                            0,
                            "failed to allocate a nodePort: range is full",
                        )
                    ]
                )

    # -- release --------------------------------------------------------------------------

    async def release(self, keys: list[str] | set[str]) -> None:
        for key in keys:
            with contextlib.suppress(NotFound):
                await self.store.adelete(key)

    async def release_unused(self, new: Obj | None, old: Obj) -> None:
        """After an update or delete: free what `old` held and `new` no longer does."""
        keep = self.held_keys(new) if new is not None else set()
        await self.release(self.held_keys(old) - keep)
