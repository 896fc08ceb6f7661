"""Create and update (PUT, the update half of PATCH, /status): the write pipeline.

    decode → defaulting → admission (namespace lifecycle) → mutating admission
    (engine/api/admission) → prepare (system metadata, spec/status separation,
    generation) → validation (422) → managedFields → validating admission (403; quota
    charges, released if the store write fails) → store

A rejected request changes nothing. An update that changes nothing writes nothing (the
resourceVersion stays, as etcd3's GuaranteedUpdate skips identical bytes). Updates
retry on a store conflict unless the client pinned a resourceVersion.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from engine.registry.types import Obj, ResourceType
from engine.registry.validation.meta import validate_object_meta, validate_object_meta_update
from engine.store import AlreadyExists, Conflict, NotFound

from .. import admission
from .admission import check_namespace_for_create
from .allocators import AllocationError, Claim
from .context import StorageContext
from .errors import (
    INTERNAL_RV_ON_CREATE,
    already_exists,
    bad_request,
    conflict,
    internal,
    invalid,
    not_found,
)
from .managed_fields import record_update
from .meta import generated_name, metadata, now
from .options import WriteOptions
from .views import kv_object, set_rv, storage_bytes

log = logging.getLogger(__name__)

MAX_UPDATE_ATTEMPTS = 16
GENERATE_NAME_ATTEMPTS = 8
_SYSTEM_META = ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds")
TRUSTED_SUBRESOURCES = frozenset({"binding"})
_NOT_SPEC = frozenset({"metadata", "status", "apiVersion", "kind"})

# A mutation turns the current object (None when absent) into the desired one, and says
# whether the client pinned a resourceVersion (then a store conflict is the client's 409).
Mutation = Callable[[Obj | None], "tuple[Obj, bool]"]
# Deletion of an object whose last finalizer an update removed (set by deletion.py).
Finalize = Callable[[StorageContext, ResourceType, str, str, Obj, int], Awaitable[Obj]]


@dataclass(slots=True)
class Outcome:
    obj: Obj
    created: bool = False
    changed: bool = True


# -- shared checks ---------------------------------------------------------------------


def check_kind(rt: ResourceType, obj: Any) -> Obj:
    """The body must be an object of this kind; apiVersion and kind default to the URL's."""
    if not isinstance(obj, dict):
        raise bad_request(f"the object provided is unrecognized (must be of type {rt.kind})")
    api_version = obj.get("apiVersion")
    kind = obj.get("kind")
    if api_version and api_version != rt.api_version:
        raise bad_request(
            f"the API version in the data ({api_version}) does not match the expected API "
            f"version ({rt.api_version})"
        )
    if kind and kind != rt.kind:
        raise bad_request(
            f"the kind in the data ({kind}) does not match the expected kind ({rt.kind})"
        )
    obj["apiVersion"] = rt.api_version
    obj["kind"] = rt.kind
    meta = obj.get("metadata")
    if meta is None:
        obj["metadata"] = {}
    elif not isinstance(meta, dict):
        raise bad_request(
            f"the object provided is unrecognized (must be of type {rt.kind}): metadata must be an object"
        )
    return obj


def place_namespace(rt: ResourceType, namespace: str, obj: Obj) -> None:
    """EnsureObjectNamespaceMatchesRequestNamespace."""
    meta = metadata(obj)
    given = meta.get("namespace") or ""
    if not rt.namespaced:
        meta.pop("namespace", None)
        return
    if not given:
        meta["namespace"] = namespace
    elif given != namespace:
        raise bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"
        )


def _fail_invalid(rt: ResourceType, obj: Obj, errors: list[Any]) -> None:
    if errors:
        raise invalid(rt, str(metadata(obj).get("name") or ""), errors)


def _spec_part(obj: Obj) -> Obj:
    return {k: v for k, v in obj.items() if k not in _NOT_SPEC}


def _comparable(obj: Obj, *, ownership: bool = False) -> Obj:
    # With `ownership` (server-side apply), managedFields count: an apply that only
    # changes who owns what is a change. Other writers carry the entries they read, and a
    # stale copy must not turn their no-op into a write.
    skip = ("resourceVersion",) if ownership else ("resourceVersion", "managedFields")
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k not in skip}
    return {**obj, "metadata": meta}


# -- create ----------------------------------------------------------------------------


async def create(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    obj: Obj,
    opts: WriteOptions,
    *,
    url_name: str | None = None,
    managed_fields: list[Obj] | None = None,
) -> Obj:
    """`managed_fields`: the entries a server-side apply computed (instead of recording
    an Update by opts.field_manager)."""
    obj = check_kind(rt, obj)
    place_namespace(rt, namespace, obj)
    meta = metadata(obj)
    if meta.get("resourceVersion"):
        raise internal(INTERNAL_RV_ON_CREATE)
    if url_name is not None and meta.get("name") and meta["name"] != url_name:
        raise bad_request(
            f"the name of the object ({meta['name']}) does not match the name on the URL ({url_name})"
        )
    generate = meta.get("generateName") if not meta.get("name") else None
    if generate and isinstance(generate, str):
        meta["name"] = generated_name(generate, ctx.identity)
    check_namespace_for_create(ctx, rt, namespace, str(meta.get("name") or ""))
    strategy = rt.strategy
    assert strategy is not None
    strategy.default(obj)
    for field in ("deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
        meta.pop(field, None)
    meta["uid"] = ctx.identity.uid()
    meta["creationTimestamp"] = now(ctx.clock)
    if rt.tracks_generation:
        meta["generation"] = 1
    else:
        meta.pop("generation", None)
    if rt.has_status and strategy.reset_status_on_create():
        obj.pop("status", None)
    admission.mutate(ctx, rt, namespace, obj)
    strategy.prepare_for_create(obj)
    _fail_invalid(rt, obj, validate_object_meta(obj, rt) + strategy.validate(obj))
    meta.pop("managedFields", None)
    if managed_fields is not None:
        meta["managedFields"] = managed_fields
    else:
        record_update(
            obj,
            None,
            opts.field_manager,
            rt.api_version,
            meta["creationTimestamp"],
            rt.group,
            rt.kind,
            with_status=not rt.has_status,
        )
    claim = await _allocate(ctx, rt, obj, None, opts)
    try:
        reservation = await admission.validate(ctx, rt, namespace, obj, dry_run=opts.dry_run)
    except BaseException:
        await _rollback(ctx, claim)
        raise
    if opts.dry_run:
        return obj
    for attempt in range(GENERATE_NAME_ATTEMPTS):
        try:
            kv = await ctx.store.acreate(rt.key(namespace, meta["name"]), storage_bytes(rt, obj))
        except AlreadyExists:
            if generate and attempt + 1 < GENERATE_NAME_ATTEMPTS:
                meta["name"] = generated_name(generate, ctx.identity)
                continue
            await _rollback(ctx, claim)
            await reservation.release()
            raise already_exists(rt, meta["name"]) from None
        except BaseException:
            await _rollback(ctx, claim)
            await reservation.release()
            raise
        return set_rv(obj, kv.mod_revision)
    raise AssertionError("unreachable")


# -- update ----------------------------------------------------------------------------


async def update(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    name: str,
    mutate: Mutation,
    opts: WriteOptions,
    *,
    subresource: str = "",
    allow_create: bool = False,
    finalize: Finalize | None = None,
    ownership: bool = False,
) -> Outcome:
    key = rt.key(namespace, name)
    for _ in range(MAX_UPDATE_ATTEMPTS):
        try:
            kv = ctx.store.get(key)
        except NotFound:
            if not (allow_create and rt.create_on_update and not subresource):
                raise not_found(rt, name) from None
            body, pinned = mutate(None)
            if pinned:
                raise not_found(rt, name) from None
            return Outcome(
                await create(ctx, rt, namespace, body, opts, url_name=name), created=True
            )
        old = kv_object(rt, kv)
        new, pinned = mutate(copy.deepcopy(old))
        new = check_kind(rt, new)
        if opts.checker is not None:
            opts.checker(new)
        new_meta = metadata(new)
        if new_meta.get("name", name) != name:
            raise bad_request(
                f"the name of the object ({new_meta.get('name')}) does not match the name on the URL ({name})"
            )
        place_namespace(rt, namespace, new)
        given_rv = new_meta.get("resourceVersion")
        if given_rv and given_rv != str(kv.mod_revision):
            raise conflict(rt, name)
        uid = new_meta.get("uid")
        if uid and uid != old["metadata"].get("uid"):
            raise conflict(
                rt,
                name,
                f"Precondition failed: UID in precondition: {uid}, UID in object meta: {old['metadata'].get('uid')}",
            )
        new = prepare_update(ctx, rt, new, old, subresource)
        admission.mutate(ctx, rt, namespace, new, old, subresource)
        if _comparable(new, ownership=ownership) == _comparable(old, ownership=ownership):
            return Outcome(old, changed=False)
        record_update(
            new,
            old,
            opts.field_manager,
            rt.api_version,
            now(ctx.clock),
            rt.group,
            rt.kind,
            subresource=subresource,
            with_status=not rt.has_status,
        )
        if finalize is not None and _finalizers_emptied(new):
            if opts.dry_run:
                return Outcome(new)
            return Outcome(await finalize(ctx, rt, namespace, name, new, kv.mod_revision))
        claim = await _allocate(ctx, rt, new, old, opts) if not subresource else None
        try:
            reservation = await admission.validate(
                ctx, rt, namespace, new, old, subresource, dry_run=opts.dry_run
            )
        except BaseException:
            await _rollback(ctx, claim)
            raise
        if opts.dry_run:
            return Outcome(new)
        try:
            stored = await ctx.store.aupdate(key, storage_bytes(rt, new), kv.mod_revision)
        except (Conflict, NotFound):
            await _rollback(ctx, claim)
            await reservation.release()
            if pinned or given_rv:
                raise conflict(rt, name) from None
            continue
        if ctx.allocator is not None and rt.group == "" and rt.plural == "services":
            await ctx.allocator.release_unused(new, old)
        await reservation.commit()
        return Outcome(set_rv(new, stored.mod_revision))
    raise conflict(rt, name)


def prepare_update(
    ctx: StorageContext, rt: ResourceType, new: Obj, old: Obj, subresource: str
) -> Obj:
    """Merge what the client may change into the stored object, then validate."""
    strategy = rt.strategy
    assert strategy is not None
    if subresource in TRUSTED_SUBRESOURCES:
        return new  # built from the stored object by the server itself (pods/binding)
    if subresource == "status":
        result = copy.deepcopy(old)
        if "status" in new:
            result["status"] = new["status"]
        else:
            result.pop("status", None)
        strategy.prepare_for_status_update(result, old)
        _fail_invalid(rt, result, strategy.validate_status_update(result, old))
        return result
    strategy.default(new)
    new_meta, old_meta = metadata(new), old.get("metadata") or {}
    if rt.has_status:
        if "status" in old:
            new["status"] = old["status"]
        else:
            new.pop("status", None)
    if not new_meta.get("uid"):
        new_meta["uid"] = old_meta.get("uid")
    for field in _SYSTEM_META[1:]:
        if field in old_meta:
            new_meta[field] = old_meta[field]
        else:
            new_meta.pop(field, None)
    if "managedFields" not in new_meta and "managedFields" in old_meta:
        new_meta["managedFields"] = old_meta["managedFields"]
    strategy.prepare_for_update(new, old)
    if rt.tracks_generation:
        generation = old_meta.get("generation") or 1
        new_meta["generation"] = (
            generation + 1 if _spec_part(new) != _spec_part(old) else generation
        )
    else:
        new_meta.pop("generation", None)
        if "generation" in old_meta:
            new_meta["generation"] = old_meta["generation"]
    _fail_invalid(
        rt, new, validate_object_meta_update(new, old, rt) + strategy.validate_update(new, old)
    )
    return new


def _finalizers_emptied(obj: Obj) -> bool:
    """An update that removed the last finalizer of an object being deleted deletes it."""
    meta = obj.get("metadata") or {}
    if not meta.get("deletionTimestamp") or meta.get("finalizers"):
        return False
    return not meta.get("deletionGracePeriodSeconds")


# -- service allocations ---------------------------------------------------------------


async def _allocate(
    ctx: StorageContext, rt: ResourceType, obj: Obj, old: Obj | None, opts: WriteOptions
) -> Claim | None:
    if ctx.allocator is None or rt.group != "" or rt.plural != "services":
        return None
    try:
        return await ctx.allocator.allocate(obj, old, dry_run=opts.dry_run)
    except AllocationError as exc:
        raise invalid(rt, str(metadata(obj).get("name") or ""), exc.errors) from None


async def _rollback(ctx: StorageContext, claim: Claim | None) -> None:
    if claim is not None and claim.created and ctx.allocator is not None:
        await ctx.allocator.release(claim.created)
