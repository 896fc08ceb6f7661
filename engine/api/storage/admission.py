"""Admission the storage layer applies itself: NamespaceLifecycle (first, before defaults
are looked at by any plugin). The other plugins (LimitRanger, ServiceAccount,
ResourceQuota) live in engine/api/admission/, called from writes.py and deletion.py.
"""

from __future__ import annotations

import orjson

from engine.registry.types import ResourceType
from engine.store import NotFound

from .context import StorageContext
from .errors import forbidden, namespace_not_found, namespace_terminating

NAMESPACES_KEY = "/registry/namespaces/"
IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")


def check_namespace_for_create(
    ctx: StorageContext, rt: ResourceType, namespace: str, name: str
) -> None:
    """Refuse content in a namespace that does not exist or is being terminated."""
    if not rt.namespaced:
        return
    try:
        kv = ctx.store.get(NAMESPACES_KEY + namespace)
    except NotFound:
        raise namespace_not_found(namespace) from None
    if b'"deletionTimestamp"' in kv.value or b'"phase":"Terminating"' in kv.value:
        phase = ((orjson.loads(kv.value).get("status")) or {}).get("phase")
        meta = orjson.loads(kv.value).get("metadata") or {}
        if phase == "Terminating" or meta.get("deletionTimestamp"):
            raise namespace_terminating(rt, name, namespace)


def check_namespace_delete(rt: ResourceType, name: str) -> None:
    if rt.group == "" and rt.plural == "namespaces" and name in IMMORTAL_NAMESPACES:
        raise forbidden(rt, name, "this namespace may not be deleted")
