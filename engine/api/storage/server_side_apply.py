"""Server-side apply (PATCH application/apply-patch+yaml), simplified.

What it does: creates the object when absent (201), otherwise merges the applied
configuration into it (strategic merge for built-in kinds: lists merge by their keys;
JSON merge for custom resources), and records an `Apply` managedFields entry owning the
applied fields. What it does not do yet: field-manager conflicts (409 unless force=true)
and removing fields a manager applied before and no longer applies.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

from engine.api.patch import apply_merge_patch, apply_strategic_merge_patch, builtin_patch_meta
from engine.api.status import StatusError
from engine.registry.types import Obj, ResourceType

from .context import StorageContext
from .errors import bad_request
from .managed_fields import record_update
from .meta import now
from .options import WriteOptions
from .writes import Outcome, create, update


async def apply(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    name: str,
    patch: Any,
    opts: WriteOptions,
    subresource: str = "",
) -> Outcome:
    if not opts.field_manager:
        raise bad_request("PATCH, application/apply-patch+yaml requires fieldManager parameter")
    if not isinstance(patch, dict):
        raise bad_request("the body of an apply request must be an object")
    applied = copy.deepcopy(patch)
    if not applied.get("apiVersion") or not applied.get("kind"):
        raise bad_request("invalid object type: /, Kind=")
    meta = applied.get("metadata") or {}
    if meta.get("name") and meta["name"] != name:
        raise bad_request(
            f"the name of the object ({meta['name']}) does not match the name on the URL ({name})"
        )
    patch_meta = builtin_patch_meta(rt.group, rt.kind) if rt.custom is None else None
    manager = opts.field_manager
    update_opts = dataclasses.replace(opts, field_manager="")

    def mutate(current: Obj | None) -> tuple[Obj, bool]:
        assert current is not None
        body = {k: v for k, v in applied.items()}
        body["metadata"] = {k: v for k, v in meta.items() if k not in ("managedFields",)}
        if patch_meta is not None:
            merged = apply_strategic_merge_patch(current, body, patch_meta)
        else:
            merged = apply_merge_patch(current, body)
        record_update(
            merged,
            current,
            manager,
            rt.api_version,
            now(ctx.clock),
            rt.group,
            rt.kind,
            subresource=subresource,
            with_status=not rt.has_status,
            applied=body,
        )
        return merged, False

    try:
        return await update(ctx, rt, namespace, name, mutate, update_opts, subresource=subresource)
    except StatusError as exc:
        if exc.code != 404 or subresource:
            raise
    body = copy.deepcopy(applied)
    body.setdefault("metadata", {})["name"] = name
    created = await create(
        ctx, rt, namespace, body, WriteOptions(opts.dry_run, "", opts.field_validation)
    )
    created_meta = created.setdefault("metadata", {})
    created_meta.pop("managedFields", None)
    record_update(
        created,
        None,
        manager,
        rt.api_version,
        created_meta.get("creationTimestamp", ""),
        rt.group,
        rt.kind,
        with_status=not rt.has_status,
        applied=applied,
    )
    if not opts.dry_run:
        # The create above stored no managedFields; record the Apply entry now.
        from .views import set_rv, storage_bytes

        rv = int(created_meta["resourceVersion"])
        stored = await ctx.store.aupdate(rt.key(namespace, name), storage_bytes(rt, created), rv)
        set_rv(created, stored.mod_revision)
    return Outcome(created, created=True)
