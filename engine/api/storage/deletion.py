"""DELETE and deletecollection: preconditions, graceful deletion, finalizers.

As upstream's registry Store.Delete: an object with finalizers (or a pod with a grace
period on a node) is not removed but marked (`deletionTimestamp`); the propagation policy
adds the garbage collector's `orphan` / `foregroundDeletion` finalizers; the last update
that empties the finalizers of a marked object deletes it (writes.update → `finalize`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from engine.registry.types import BACKGROUND, FOREGROUND, ORPHAN, Obj, ResourceType
from engine.store import Conflict, NotFound

from .. import admission
from .admission import check_namespace_delete
from .context import StorageContext
from .errors import conflict, not_found
from .meta import metadata, now, rfc3339
from .options import DeleteOptions, ListOptions
from .reads import list_objects
from .views import kv_object, set_rv, storage_bytes

MAX_ATTEMPTS = 16
GC_FINALIZERS = ("orphan", "foregroundDeletion")
NAMESPACE_PURGING = (
    "The system is ensuring all content is removed from this namespace.  Upon completion, "
    "this namespace will automatically be purged by the system."
)


@dataclass(slots=True)
class DeleteOutcome:
    obj: Obj
    deleted: bool  # gone from the store (else marked for deletion and still there)


def _check_preconditions(
    rt: ResourceType, name: str, obj: Obj, rv: int, opts: DeleteOptions
) -> None:
    uid = (obj.get("metadata") or {}).get("uid")
    if opts.precondition_uid and opts.precondition_uid != uid:
        raise conflict(
            rt,
            name,
            f"Precondition failed: UID in precondition: {opts.precondition_uid}, UID in object meta: {uid}",
        )
    if opts.precondition_rv and opts.precondition_rv != str(rv):
        raise conflict(
            rt,
            name,
            f"Precondition failed: ResourceVersion in precondition: {opts.precondition_rv}, "
            f"ResourceVersion in meta: {rv}",
        )


def _gc_finalizers(rt: ResourceType, meta: Obj, opts: DeleteOptions) -> list[str]:
    finalizers = [f for f in meta.get("finalizers") or [] if f not in GC_FINALIZERS]
    policy = opts.policy
    if policy is None:
        existing = meta.get("finalizers") or []
        if "orphan" in existing:
            policy = ORPHAN
        elif "foregroundDeletion" in existing:
            policy = FOREGROUND
        else:
            policy = rt.default_propagation
    if policy == ORPHAN:
        finalizers.append("orphan")
    elif policy == FOREGROUND:
        finalizers.append("foregroundDeletion")
    assert policy in (ORPHAN, FOREGROUND, BACKGROUND)
    return finalizers


async def delete(
    ctx: StorageContext, rt: ResourceType, namespace: str, name: str, opts: DeleteOptions
) -> DeleteOutcome:
    check_namespace_delete(rt, name)
    key = rt.key(namespace, name)
    for _ in range(MAX_ATTEMPTS):
        try:
            kv = ctx.store.get(key)
        except NotFound:
            raise not_found(rt, name) from None
        obj = kv_object(rt, kv)
        _check_preconditions(rt, name, obj, kv.mod_revision, opts)

        marked = _mark(ctx, rt, obj, opts)
        if marked is None:
            if opts.dry_run:
                return DeleteOutcome(obj, True)
            try:
                return DeleteOutcome(
                    await remove(ctx, rt, namespace, name, obj, kv.mod_revision), True
                )
            except (Conflict, NotFound):
                continue
        if marked is obj:  # already being deleted: nothing changes
            return DeleteOutcome(obj, False)
        if opts.dry_run:
            return DeleteOutcome(marked, False)
        try:
            stored = await ctx.store.aupdate(key, storage_bytes(rt, marked), kv.mod_revision)
        except (Conflict, NotFound):
            continue
        return DeleteOutcome(set_rv(marked, stored.mod_revision), False)
    raise conflict(rt, name)


def _mark(ctx: StorageContext, rt: ResourceType, obj: Obj, opts: DeleteOptions) -> Obj | None:
    """The object marked for deletion; `obj` itself if nothing changes; None: delete now."""
    meta = metadata(obj)
    strategy = rt.strategy
    assert strategy is not None
    if rt.group == "" and rt.plural == "namespaces":
        return _mark_namespace(ctx, rt, obj)
    pending = meta.get("deletionTimestamp")
    grace = strategy.grace_period(obj, opts.grace_period_seconds)
    if pending:
        current = meta.get("deletionGracePeriodSeconds") or 0
        if grace is None or opts.grace_period_seconds is None or grace >= current:
            return obj
        if grace == 0 and not meta.get("finalizers"):
            return None
        marked = copy.deepcopy(obj)
        _set_deletion(ctx, marked, grace)
        return marked
    finalizers = _gc_finalizers(rt, meta, opts)
    finalizers += [f for f in strategy.deletion_finalizers(obj) if f not in finalizers]
    graceful = grace is not None and grace > 0
    if not graceful and not finalizers:
        return None
    marked = copy.deepcopy(obj)
    mmeta = metadata(marked)
    if finalizers:
        mmeta["finalizers"] = finalizers
    else:
        mmeta.pop("finalizers", None)
    if mmeta.get("generation"):
        mmeta["generation"] += 1
    _set_deletion(ctx, marked, grace if graceful else 0)
    return marked


def _set_deletion(ctx: StorageContext, obj: Obj, grace: int) -> None:
    meta = metadata(obj)
    meta["deletionTimestamp"] = rfc3339(ctx.clock.time() + grace)
    meta["deletionGracePeriodSeconds"] = grace


def _mark_namespace(ctx: StorageContext, rt: ResourceType, obj: Obj) -> Obj | None:
    """Namespaces delete in two phases: Terminating until their content is gone."""
    meta = metadata(obj)
    spec_finalizers = (obj.get("spec") or {}).get("finalizers") or []
    if meta.get("deletionTimestamp"):
        if spec_finalizers or meta.get("finalizers"):
            raise conflict(rt, meta.get("name", ""), NAMESPACE_PURGING)
        return None
    if not spec_finalizers and not meta.get("finalizers"):
        return None
    marked = copy.deepcopy(obj)
    mmeta = metadata(marked)
    mmeta["deletionTimestamp"] = now(ctx.clock)
    mmeta["deletionGracePeriodSeconds"] = 0
    marked.setdefault("status", {})["phase"] = "Terminating"
    return marked


async def remove(
    ctx: StorageContext, rt: ResourceType, namespace: str, name: str, obj: Obj, expected: int
) -> Obj:
    """Delete the key (compare-and-swap on `expected`); the object at the delete revision."""
    event = await ctx.store.adelete(rt.key(namespace, name), expected)
    await admission.removed(ctx, rt, namespace, obj)  # quotas that counted it get it back
    if ctx.allocator is not None and rt.group == "" and rt.plural == "services":
        await ctx.allocator.release_unused(None, obj)
    return set_rv(obj, event.revision)


async def finalize(
    ctx: StorageContext, rt: ResourceType, namespace: str, name: str, obj: Obj, expected: int
) -> Obj:
    """An update emptied the finalizers of an object being deleted: delete it now."""
    try:
        return await remove(ctx, rt, namespace, name, obj, expected)
    except (Conflict, NotFound):
        raise conflict(rt, name) from None


async def delete_collection(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    list_opts: ListOptions,
    opts: DeleteOptions,
) -> tuple[list[Obj], int]:
    """Delete every selected object; returns those deleted or marked, and the list revision."""
    page = await list_objects(ctx, rt, namespace, list_opts)
    objects = page.objects if page.objects is not None else [kv_object(rt, kv) for kv in page.items]
    done: list[Obj] = []
    for obj in objects:
        meta = obj.get("metadata") or {}
        try:
            outcome = await delete(ctx, rt, meta.get("namespace", ""), meta.get("name", ""), opts)
        except Exception as exc:
            if getattr(exc, "code", None) == 404:
                continue
            raise
        done.append(outcome.obj)
    return done, page.revision
