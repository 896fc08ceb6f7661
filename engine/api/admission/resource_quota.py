"""ResourceQuota admission (plugin/pkg/admission/resourcequota), validating, last.

Design (why status.used is a ledger charged before the object is written):
the store is single-key compare-and-swap, so "check the quota and write the object" cannot
be one transaction. As upstream, the quota's `status.used` is the serialization point: a
write that adds usage first charges every matching quota with a CAS update of its status
(on a conflict it re-reads and re-checks, so two racing creates cannot both take the last
slot), then the object is written; if that write fails, the charge is refunded. A request
that the quota rejects is refused before any charge, so it changes nothing, usage included.
Usage that goes away (a delete, a pod that reached Succeeded/Failed, a smaller claim) is
refunded after the write commits. Upstream's quota controller would also recalculate
usage periodically; the engine has none yet, so a quota computes its usage from the store
when it is created (status.hard mirrors spec.hard then and on every spec update), and a
quota whose status lacks a hard resource gets it computed from the store when charged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.api.status import StatusError
from engine.registry.types import Obj, ResourceType
from engine.store import Conflict, KeyValue, NotFound

from ..storage.context import StorageContext
from ..storage.errors import forbidden, internal
from ..storage.views import kv_object, storage_bytes
from . import objects
from .quantity import ZERO, parse_quantity
from .quota_usage import (
    IGNORED,
    PODS,
    Kind,
    count_name,
    matches_scopes,
    missing_compute,
    owner,
    usage,
)
from .resources import ResourceList, as_dict, resource_list

MAX_ATTEMPTS = 16
# One quota to charge: its stored version, the object, its usage after, the amounts charged.
Charge = tuple[KeyValue, Obj, ResourceList, ResourceList]


@dataclass
class Reservation:
    """Charges taken before an object write; refunds to give once it committed."""

    ctx: StorageContext | None = None
    namespace: str = ""
    kind: Kind = ("", "")
    charged: list[tuple[str, ResourceList]] = field(default_factory=list)
    freed: ResourceList = field(default_factory=dict)
    subject: Obj | None = None  # the object whose scopes decide which quotas get refunds

    async def release(self) -> None:
        """The object write failed: give every charge back."""
        for key, amounts in self.charged:
            await _adjust(self.ctx, key, amounts, -1)
        self.charged = []

    async def commit(self) -> None:
        """The object write succeeded: refund the usage it freed."""
        if self.ctx is None or not self.freed:
            return
        await refund(self.ctx, self.namespace, self.kind, self.subject or {}, self.freed)


NOTHING = Reservation()


def _quotas_type(ctx: StorageContext) -> ResourceType:
    return objects.core(ctx, "resourcequotas")


def _hard(quota: Obj) -> ResourceList:
    status_hard = as_dict(quota.get("status")).get("hard")
    return resource_list(status_hard if status_hard else as_dict(quota.get("spec")).get("hard"))


def _differences(new: ResourceList, old: ResourceList) -> tuple[ResourceList, ResourceList]:
    """(what grows, what shrinks) from old to new, zeros left out."""
    grows = {k: v - old.get(k, ZERO) for k, v in new.items() if v > old.get(k, ZERO)}
    shrinks = {k: v - new.get(k, ZERO) for k, v in old.items() if v > new.get(k, ZERO)}
    return grows, shrinks


def _pretty(items: ResourceList) -> str:
    return ",".join(f"{k}={items[k]}" for k in sorted(items))


async def admit(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    obj: Obj,
    old: Obj | None,
    *,
    dry_run: bool,
) -> Reservation:
    """Check every quota of the namespace and charge them; 403 when one would be exceeded."""
    kind: Kind = (rt.group, rt.plural)
    if not rt.namespaced or kind in IGNORED:
        return NOTHING
    if not ctx.store.range(_quotas_type(ctx).prefix(namespace), limit=1).items:
        return NOTHING  # no quota in the namespace: nothing to charge (usage() is costly)
    grows, shrinks = _differences(usage(kind, obj), usage(kind, old) if old is not None else {})
    if not grows and not shrinks:
        return NOTHING
    name = str(as_dict(obj.get("metadata")).get("name") or "")
    quotas_rt = _quotas_type(ctx)
    for _ in range(MAX_ATTEMPTS):
        kvs = ctx.store.range(quotas_rt.prefix(namespace)).items
        plan = _plan(ctx, rt, namespace, name, obj, old is None, grows, kvs)
        if dry_run:
            return NOTHING
        reservation = Reservation(ctx, namespace, kind, [], shrinks, obj)
        if await _charge(ctx, reservation, plan):
            return reservation
    raise internal("resource quota usage could not be updated: too many conflicts")


def _plan(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    name: str,
    obj: Obj,
    creating: bool,
    grows: ResourceList,
    kvs: list[KeyValue],
) -> list[Charge]:
    """The charge for each matching quota (quota, its status.used after the charge)."""
    kind: Kind = (rt.group, rt.plural)
    plan: list[Charge] = []
    for kv in kvs:
        quota = kv_object(_quotas_type(ctx), kv)
        if not matches_scopes(quota, kind, obj):
            continue
        hard = _hard(quota)
        tracked = {n for n in hard if owner(n) == kind}
        if not tracked:
            continue
        qname = as_dict(quota.get("metadata")).get("name", "")
        if kind == PODS and creating:
            missing = missing_compute(obj, tracked)
            if missing:
                why = "; ".join(f"{res} for: {','.join(sorted(c))}" for res, c in missing.items())
                raise forbidden(rt, name, f"failed quota: {qname}: must specify {why}")
        used = resource_list(as_dict(quota.get("status")).get("used"))
        unknown = [n for n in hard if n not in used]
        if unknown:  # no controller filled it in: compute it from the store now
            used.update(
                {n: v for n, v in compute_used(ctx, namespace, quota).items() if n in unknown}
            )
        requested = {n: v for n, v in grows.items() if n in hard}
        after = {n: used.get(n, ZERO) + v for n, v in requested.items()}
        exceeded = sorted(n for n, v in after.items() if v > hard[n])
        if exceeded:
            raise forbidden(
                rt,
                name,
                f"exceeded quota: {qname}, "
                f"requested: {_pretty({n: requested[n] for n in exceeded})}, "
                f"used: {_pretty({n: used.get(n, ZERO) for n in exceeded})}, "
                f"limited: {_pretty({n: hard[n] for n in exceeded})}",
            )
        if requested or unknown:
            plan.append((kv, quota, {**used, **after}, requested))
    return plan


async def _charge(ctx: StorageContext, reservation: Reservation, plan: list[Charge]) -> bool:
    """Write each quota's new usage (CAS); on a conflict undo what was written: retry."""
    quotas_rt = _quotas_type(ctx)
    for kv, quota, used, requested in plan:
        quota.setdefault("status", {})["used"] = {k: str(v) for k, v in used.items()}
        quota["status"].setdefault("hard", as_dict(quota.get("spec")).get("hard") or {})
        try:
            await ctx.store.aupdate(kv.key, storage_bytes(quotas_rt, quota), kv.mod_revision)
        except (Conflict, NotFound):
            await reservation.release()
            return False
        except BaseException:
            await reservation.release()
            raise
        reservation.charged.append((kv.key, requested))
    return True


async def _adjust(ctx: StorageContext | None, key: str, amounts: ResourceList, sign: int) -> None:
    """Add (sign 1) or take back (sign -1) usage on one quota, never below zero."""
    if ctx is None or not amounts:
        return
    quotas_rt = _quotas_type(ctx)
    for _ in range(MAX_ATTEMPTS):
        try:
            kv = ctx.store.get(key)
        except NotFound:
            return
        quota = kv_object(quotas_rt, kv)
        status = quota.setdefault("status", {})
        used = resource_list(status.get("used"))
        changed = False
        for name, amount in amounts.items():
            if name in used:
                value = used[name] + amount if sign > 0 else used[name] - amount
                used[name] = value if value > ZERO else ZERO
                changed = True
        if not changed:
            return
        status["used"] = {k: str(v) for k, v in used.items()}
        try:
            await ctx.store.aupdate(key, storage_bytes(quotas_rt, quota), kv.mod_revision)
            return
        except (Conflict, NotFound):
            continue


async def refund(
    ctx: StorageContext, namespace: str, kind: Kind, subject: Obj, freed: ResourceList
) -> None:
    """Take usage that went away off every quota of the namespace that counted it."""
    quotas_rt = _quotas_type(ctx)
    for kv in ctx.store.range(quotas_rt.prefix(namespace)).items:
        quota = kv_object(quotas_rt, kv)
        if not matches_scopes(quota, kind, subject):
            continue
        hard = _hard(quota)
        amounts = {n: v for n, v in freed.items() if n in hard}
        try:
            await _adjust(ctx, kv.key, amounts, -1)
        except StatusError:  # best effort: the object write already committed
            continue


def compute_used(ctx: StorageContext, namespace: str, quota: Obj) -> ResourceList:
    """The usage of every hard resource, from what the namespace holds now."""
    hard = _hard(quota)
    total: ResourceList = {n: ZERO for n in hard}
    kinds = {owner(n) for n in hard} - {None}
    for kind in kinds:
        assert kind is not None
        rt = objects.kind(ctx, *kind)
        if rt is None or not rt.namespaced:
            continue
        for obj in objects.list_in(ctx, rt, namespace):
            if not matches_scopes(quota, kind, obj):
                continue
            for name, value in usage(kind, obj).items():
                if name in total:
                    total[name] = total[name] + value
    return total


def admit_quota(ctx: StorageContext, quota: Obj, namespace: str, old: Obj | None) -> None:
    """What the quota controller would do at once: status.hard mirrors spec.hard, and
    status.used holds the namespace's usage of each hard resource (a new quota counts
    itself among resourcequotas)."""
    spec_hard = as_dict(quota.get("spec")).get("hard")
    hard = dict(spec_hard) if isinstance(spec_hard, dict) else {}
    old_status = as_dict((old or {}).get("status"))
    kept = resource_list(old_status.get("used"))
    status = quota.get("status") if isinstance(quota.get("status"), dict) else {}
    status["hard"] = hard
    probe = {**quota, "status": {"hard": hard}}
    fresh = compute_used(ctx, namespace, probe) if any(n not in kept for n in hard) else {}
    if old is None:
        for name in ("resourcequotas", count_name("", "resourcequotas")):
            if name in fresh:
                fresh[name] = fresh[name] + parse_quantity(1)
    used = {n: kept[n] if n in kept else fresh.get(n, ZERO) for n in resource_list(hard)}
    status["used"] = {k: str(v) for k, v in used.items()}
    quota["status"] = status
