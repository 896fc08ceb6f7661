"""GET and LIST: resourceVersion semantics, consistent pages, selectors.

A list without selectors hands out the stored key-values untouched (the HTTP layer splices
their bytes into the answer); with selectors each candidate is decoded once and kept.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from engine.registry.types import Obj, ResourceType
from engine.store import Compacted, FutureRevision, KeyValue, NotFound

from .context import StorageContext
from .errors import bad_request, expired, not_found, too_large_rv, too_old
from .options import EXACT, ListOptions, parse_rv
from .selection import Filter
from .tokens import InvalidToken, decode_continue, encode_continue
from .views import kv_object

log = logging.getLogger(__name__)

SCAN_CHUNK = 500
RV_WAIT_SECONDS = 3.0  # how long a request for a future resourceVersion may wait
CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted between "
    "the time the first chunk was returned and now may show up in the list."
)


@dataclass(slots=True)
class Page:
    """One list answer: stored items, their decoded API objects when a filter needed them."""

    items: list[KeyValue]
    objects: list[Obj] | None
    revision: int
    continue_token: str = ""
    remaining: int | None = None


async def wait_for_revision(ctx: StorageContext, revision: int) -> None:
    """NotOlderThan: wait (briefly) until the store has committed `revision`."""
    store = ctx.store
    if revision <= store.revision:
        return
    deadline = ctx.clock.monotonic() + RV_WAIT_SECONDS
    while store.revision < revision:
        if ctx.clock.monotonic() >= deadline:
            raise too_large_rv(revision, store.revision)
        await asyncio.sleep(0.01)


async def get(
    ctx: StorageContext, rt: ResourceType, namespace: str, name: str, resource_version: str = ""
) -> KeyValue:
    if resource_version and resource_version != "0":
        await wait_for_revision(ctx, parse_rv(resource_version))
    try:
        return ctx.store.get(rt.key(namespace, name))
    except NotFound:
        raise not_found(rt, name) from None


def _list_prefix(rt: ResourceType, namespace: str, filt: Filter) -> str:
    if rt.namespaced and not namespace and filt.namespace:
        return rt.prefix(filt.namespace)
    return rt.prefix(namespace)


async def list_objects(
    ctx: StorageContext, rt: ResourceType, namespace: str, opts: ListOptions
) -> Page:
    filt = Filter(rt, opts.label_selector, opts.field_selector)
    prefix = _list_prefix(rt, namespace, filt)
    revision: int | None = None
    start: str | None = None
    limit = opts.limit
    requested = 0
    if opts.continue_token:
        try:
            revision, relative = decode_continue(opts.continue_token)
        except InvalidToken as exc:
            raise bad_request(str(exc)) from None
        start = prefix + relative
    elif opts.resource_version == "0":
        limit = 0  # "any": served whole from the current state, as the watch cache does
    elif opts.resource_version:
        requested = parse_rv(opts.resource_version)
        if opts.resource_version_match == EXACT or (not opts.resource_version_match and limit):
            revision = requested
        else:
            await wait_for_revision(ctx, requested)
    try:
        if filt.name is not None and (namespace or not rt.namespaced or filt.namespace):
            return _single(ctx, rt, namespace or filt.namespace or "", filt, revision)
        return _scan(ctx, rt, prefix, start, limit, revision, filt)
    except Compacted as exc:
        if opts.continue_token:
            raise expired(CONTINUE_EXPIRED) from None
        raise too_old(requested or exc.requested, exc.compact_revision) from None
    except FutureRevision as exc:
        raise too_large_rv(exc.requested, exc.current) from None


def _single(
    ctx: StorageContext, rt: ResourceType, namespace: str, filt: Filter, revision: int | None
) -> Page:
    """fieldSelector=metadata.name=X: one key, not a scan (kubectl delete/rollout waits)."""
    store = ctx.store
    at = revision if revision is not None else store.revision
    try:
        kv = store.get(rt.key(namespace, filt.name or ""), revision)
    except NotFound:
        return Page([], [], at)
    obj = kv_object(rt, kv)
    if filt.matches(obj):
        return Page([kv], [obj], at)
    return Page([], [], at)


def _scan(
    ctx: StorageContext,
    rt: ResourceType,
    prefix: str,
    start: str | None,
    limit: int,
    revision: int | None,
    filt: Filter,
) -> Page:
    store = ctx.store
    if filt.empty:
        result = store.range(prefix, start, limit, revision)
        token = ""
        remaining = None
        if result.more and result.items:
            token = encode_continue(result.revision, result.items[-1].key[len(prefix) :] + "\x00")
            remaining = result.remaining  # as kube-apiserver: unfiltered lists only
        return Page(result.items, None, result.revision, token, remaining)
    items: list[KeyValue] = []
    objects: list[Obj] = []
    cursor = start
    at = revision
    chunk = max(limit, SCAN_CHUNK) if limit else SCAN_CHUNK
    while True:
        result = store.range(prefix, cursor, chunk, at)
        at = result.revision
        for index, kv in enumerate(result.items):
            obj = kv_object(rt, kv)
            if not filt.matches(obj):
                continue
            items.append(kv)
            objects.append(obj)
            if limit and len(items) == limit:
                more = result.more or index < len(result.items) - 1
                token = encode_continue(at, kv.key[len(prefix) :] + "\x00") if more else ""
                return Page(items, objects, at, token)
        if not result.more or not result.items:
            return Page(items, objects, at)
        cursor = result.items[-1].key + "\x00"
