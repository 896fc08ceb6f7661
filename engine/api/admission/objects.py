"""What admission plugins read: objects of one kind in one namespace, straight from the
store (admission is part of the API server, the only component that touches the store)."""

from __future__ import annotations

from engine.registry.types import Obj, ResourceType
from engine.store import NotFound

from ..storage.context import StorageContext
from ..storage.views import kv_object


def kind(ctx: StorageContext, group: str, plural: str) -> ResourceType | None:
    """group/plural in its preferred version (all versions share one storage key)."""
    for version in ctx.registry.versions(group):
        rt = ctx.registry.lookup(group, version, plural)
        if rt is not None:
            return rt
    return None


def core(ctx: StorageContext, plural: str) -> ResourceType:
    rt = ctx.registry.lookup("", "v1", plural)
    assert rt is not None, plural
    return rt


def get(ctx: StorageContext, rt: ResourceType, namespace: str, name: str) -> Obj | None:
    try:
        return kv_object(rt, ctx.store.get(rt.key(namespace, name)))
    except NotFound:
        return None


def list_in(ctx: StorageContext, rt: ResourceType, namespace: str) -> list[Obj]:
    return [kv_object(rt, kv) for kv in ctx.store.range(rt.prefix(namespace)).items]
