"""The ClusterRole aggregation controller: an aggregated ClusterRole's rules are the
union of the rules of every ClusterRole its clusterRoleSelectors match (in name order,
duplicates dropped), as kube-controller-manager's clusterrole-aggregation controller
writes them. Runs on the RBAC informer's thread whenever ClusterRoles change."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from .cache import CLUSTER_ROLES, RBACCache
from .selectors import matches

log = logging.getLogger(__name__)

Obj = dict[str, Any]
# (name, rules) → write them; supplied by the API server (goes through the storage layer)
Writer = Callable[[Obj, list[Obj]], Coroutine[Any, Any, None]]


def aggregated_rules(role: Obj, roles: list[Obj]) -> list[Obj] | None:
    """The rules `role` should have, or None when it is not an aggregated role."""
    rule = role.get("aggregationRule")
    if not isinstance(rule, dict):
        return None
    selectors = rule.get("clusterRoleSelectors") or []
    name = (role.get("metadata") or {}).get("name")
    wanted: list[Obj] = []
    for other in sorted(roles, key=lambda r: (r.get("metadata") or {}).get("name", "")):
        meta = other.get("metadata") or {}
        if meta.get("name") == name:
            continue
        labels = meta.get("labels") or {}
        if not any(matches(selector, labels) for selector in selectors):
            continue
        for item in other.get("rules") or ():
            if item not in wanted:
                wanted.append(item)
    return wanted


def pending(roles: list[Obj]) -> list[tuple[Obj, list[Obj]]]:
    """Aggregated roles whose stored rules differ from what they should be."""
    changes = []
    for role in roles:
        wanted = aggregated_rules(role, roles)
        if wanted is not None and (role.get("rules") or []) != wanted:
            changes.append((role, wanted))
    return changes


class Aggregator:
    def __init__(self, cache: RBACCache, write: Writer) -> None:
        self.cache = cache
        self.write = write
        cache.subscribe(self._on_change)

    def _on_change(self, kind: str) -> None:
        if kind != CLUSTER_ROLES:
            return
        loop = asyncio.get_running_loop()  # the informer's loop
        loop.create_task(self.reconcile())

    async def reconcile(self) -> int:
        changes = pending(self.cache.objects(CLUSTER_ROLES))
        for role, rules in changes:
            try:
                await self.write(role, rules)
            except Exception as exc:  # a conflict: the next change event retries
                log.info("aggregating ClusterRole %s: %s", role["metadata"].get("name"), exc)
        return len(changes)
