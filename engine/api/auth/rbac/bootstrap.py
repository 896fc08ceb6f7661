"""Writing the bootstrap policy, as kube-apiserver's rbac/bootstrap-roles post-start hook:
missing roles and bindings are created on every start; existing ones that keep the
`rbac.authorization.kubernetes.io/autoupdate: "true"` annotation get back any rule or
subject they lost (a union, never a removal)."""

from __future__ import annotations

import copy
import logging
from typing import TYPE_CHECKING, Any

from engine.api.status import StatusError
from engine.api.storage.options import WriteOptions

from .policy import AUTOUPDATE, RBAC_GROUP, cluster_role_bindings, cluster_roles

if TYPE_CHECKING:
    from engine.api.storage.service import APIStorage

log = logging.getLogger(__name__)
Obj = dict[str, Any]
MANAGER = WriteOptions(field_manager="kube-apiserver")


async def ensure_policy(storage: APIStorage) -> int:
    """Create or repair the bootstrap roles and bindings; returns how many were written."""
    written = 0
    for plural, objects, field in (
        ("clusterroles", cluster_roles(), "rules"),
        ("clusterrolebindings", cluster_role_bindings(), "subjects"),
    ):
        rt = storage.registry.lookup(RBAC_GROUP, "v1", plural)
        assert rt is not None
        for desired in objects:
            name = desired["metadata"]["name"]
            try:
                current = await storage.get_object(rt, "", name)
            except StatusError as exc:
                if exc.code != 404:
                    raise
                await storage.create(rt, "", copy.deepcopy(desired), MANAGER)
                written += 1
                continue
            repaired = _union(current, desired, field)
            if repaired is not None:
                await storage.update(rt, "", name, repaired, MANAGER)
                written += 1
    if written:
        log.info("wrote %d bootstrap RBAC objects", written)
    return written


def _union(current: Obj, desired: Obj, field: str) -> Obj | None:
    annotations = (current.get("metadata") or {}).get("annotations") or {}
    if annotations.get(AUTOUPDATE) != "true" or "aggregationRule" in desired:
        return None
    have = list(current.get(field) or [])
    missing = [item for item in desired.get(field) or [] if item not in have]
    if not missing:
        return None
    repaired = copy.deepcopy(current)
    repaired[field] = have + missing
    return repaired


async def write_aggregated(storage: APIStorage, role: Obj, rules: list[Obj]) -> None:
    """The aggregation controller's write: the role's rules replaced by the union."""
    rt = storage.registry.lookup(RBAC_GROUP, "v1", "clusterroles")
    assert rt is not None
    name = role["metadata"]["name"]
    opts = WriteOptions(field_manager="clusterrole-aggregation-controller")
    await storage.patch(rt, "", name, "application/merge-patch+json", {"rules": rules}, opts)
