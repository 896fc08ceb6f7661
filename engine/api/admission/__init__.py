"""Admission: the plugins between decoding and storing, in kube-apiserver's order.

    defaulting → NamespaceLifecycle (storage/admission.py) → mutating admission
    (LimitRanger defaults, ServiceAccount) → prepare → validation → validating admission
    (LimitRanger bounds, ResourceQuota charges) → store

engine/api/storage/writes.py calls `mutate` and `validate`; deletion.py calls `removed`.
A rejected request raises a 403 StatusError before anything is written.
"""

from __future__ import annotations

from engine.registry.types import Obj, ResourceType

from ..storage.context import StorageContext
from . import limit_ranger, resource_quota, service_account
from .quota_usage import IGNORED, usage
from .resource_quota import NOTHING, Reservation

__all__ = ["Reservation", "mutate", "removed", "validate"]


def _is(rt: ResourceType, plural: str) -> bool:
    return rt.group == "" and rt.plural == plural


def mutate(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    obj: Obj,
    old: Obj | None = None,
    subresource: str = "",
) -> None:
    """Mutating admission of a create (old None) or an update of the main resource."""
    if subresource:
        return
    if _is(rt, "pods") and old is None:
        limit_ranger.admit_pod(ctx, obj, namespace)
        service_account.admit_pod(ctx, obj, namespace)
    elif _is(rt, "resourcequotas"):
        resource_quota.admit_quota(ctx, obj, namespace, old)


async def validate(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    obj: Obj,
    old: Obj | None = None,
    subresource: str = "",
    *,
    dry_run: bool = False,
) -> Reservation:
    """Validating admission; the quota charges to release if the store write fails and
    to commit (refunds) once it succeeded."""
    if not subresource and ((_is(rt, "pods") and old is None) or _is(rt, "persistentvolumeclaims")):
        limit_ranger.validate(ctx, rt.plural, obj, namespace)
    if not rt.namespaced:
        return NOTHING
    return await resource_quota.admit(ctx, rt, namespace, obj, old, dry_run=dry_run)


async def removed(ctx: StorageContext, rt: ResourceType, namespace: str, obj: Obj) -> None:
    """An object left the store: the quotas that counted it get its usage back."""
    kind = (rt.group, rt.plural)
    if not rt.namespaced or kind in IGNORED:
        return
    await resource_quota.refund(ctx, namespace, kind, obj, usage(kind, obj))
