"""The storage side of the API server: every verb on every kind, for HTTP and in-process
callers alike (engine/api/rest and engine/api/local go through the same methods)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from engine.api.patch import apply_patch, builtin_patch_meta, media_type
from engine.api.patch.errors import APPLY_PATCH_YAML
from engine.clock import Clock
from engine.registry import Registry, ResourceType
from engine.registry.types import Obj
from engine.store import KeyValue, Store

from . import deletion, reads, subresources, writes
from .allocators import ServiceAllocator
from .context import StorageContext
from .errors import not_found
from .meta import Identity
from .options import DeleteOptions, ListOptions, WriteOptions
from .reads import Page
from .server_side_apply import apply as server_side_apply
from .views import kv_object
from .watching import Watcher

log = logging.getLogger(__name__)

BOOKMARK_INTERVAL = 5.0  # seconds between progress notifications (bookmarks) to watches


class APIStorage:
    def __init__(
        self,
        store: Store,
        registry: Registry,
        clock: Clock | None = None,
        identity: Identity | None = None,
        allocator: ServiceAllocator | None = None,
    ) -> None:
        self.store = store
        self.registry = registry
        self.ctx = StorageContext(
            store,
            registry,
            clock or Clock(),
            identity or Identity(),
            allocator if allocator is not None else ServiceAllocator(store),
        )
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    # -- reads -------------------------------------------------------------------------

    async def get(
        self, rt: ResourceType, namespace: str, name: str, resource_version: str = ""
    ) -> KeyValue:
        return await reads.get(self.ctx, rt, namespace, name, resource_version)

    async def get_object(self, rt: ResourceType, namespace: str, name: str) -> Obj:
        return kv_object(rt, await self.get(rt, namespace, name))

    async def list(self, rt: ResourceType, namespace: str, opts: ListOptions) -> Page:
        return await reads.list_objects(self.ctx, rt, namespace, opts)

    def watcher(self, rt: ResourceType, namespace: str, opts: ListOptions) -> Watcher:
        if opts.allow_bookmarks:
            self._start_ticker()
        return Watcher(self.ctx, rt, namespace, opts)

    # -- writes ------------------------------------------------------------------------

    async def create(self, rt: ResourceType, namespace: str, obj: Any, opts: WriteOptions) -> Obj:
        return await writes.create(self.ctx, rt, namespace, obj, opts)

    async def update(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        obj: Any,
        opts: WriteOptions,
        subresource: str = "",
    ) -> writes.Outcome:
        """PUT: replace the object (or its status); unconditional without a resourceVersion."""
        body = writes.check_kind(rt, obj)
        pinned = bool((body.get("metadata") or {}).get("resourceVersion"))

        def mutate(_: Obj | None) -> tuple[Obj, bool]:
            import copy

            return copy.deepcopy(body), pinned

        return await writes.update(
            self.ctx,
            rt,
            namespace,
            name,
            mutate,
            opts,
            subresource=subresource,
            allow_create=True,
            finalize=deletion.finalize,
        )

    async def patch(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        content_type: str,
        patch: Any,
        opts: WriteOptions,
        subresource: str = "",
    ) -> writes.Outcome:
        kind = media_type(content_type)
        if kind == APPLY_PATCH_YAML:
            return await server_side_apply(self.ctx, rt, namespace, name, patch, opts, subresource)
        meta = builtin_patch_meta(rt.group, rt.kind) if rt.custom is None else None

        def mutate(current: Obj | None) -> tuple[Obj, bool]:
            if current is None:
                raise not_found(rt, name)
            return apply_patch(content_type, current, patch, meta), False

        return await writes.update(
            self.ctx,
            rt,
            namespace,
            name,
            mutate,
            opts,
            subresource=subresource,
            finalize=deletion.finalize,
        )

    async def delete(
        self, rt: ResourceType, namespace: str, name: str, opts: DeleteOptions
    ) -> deletion.DeleteOutcome:
        return await deletion.delete(self.ctx, rt, namespace, name, opts)

    async def delete_collection(
        self, rt: ResourceType, namespace: str, list_opts: ListOptions, opts: DeleteOptions
    ) -> tuple[list[Obj], int]:
        return await deletion.delete_collection(self.ctx, rt, namespace, list_opts, opts)

    # -- subresources ------------------------------------------------------------------

    async def get_scale(self, rt: ResourceType, namespace: str, name: str) -> Obj:
        try:
            kv = self.store.get(rt.key(namespace, name))
        except Exception:
            raise not_found(rt, name, f"{rt.qualified_resource}/scale") from None
        return subresources.to_scale(rt, kv_object(rt, kv))

    async def update_scale(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        change: Callable[[Obj], tuple[Obj, bool]],
        opts: WriteOptions,
    ) -> Obj:
        return await subresources.update_scale(self.ctx, rt, namespace, name, change, opts)

    async def bind(self, namespace: str, name: str, binding: Any, opts: WriteOptions) -> None:
        pods = self.registry.lookup("", "v1", "pods")
        assert pods is not None
        await subresources.bind(self.ctx, pods, namespace, name, binding, opts)

    async def evict(self, namespace: str, name: str, eviction: Any) -> None:
        pods = self.registry.lookup("", "v1", "pods")
        assert pods is not None
        pdbs = self.registry.lookup("policy", "v1", "poddisruptionbudgets")
        await subresources.evict(self.ctx, pods, pdbs, namespace, name, eviction)

    async def finalize_namespace(self, name: str, body: Any, opts: WriteOptions) -> Obj:
        namespaces = self.registry.lookup("", "v1", "namespaces")
        assert namespaces is not None
        return await subresources.finalize_namespace(self.ctx, namespaces, name, body, opts)

    # -- bookmarks ---------------------------------------------------------------------

    def _start_ticker(self) -> None:
        if self._ticker is not None:
            return
        self._ticker = threading.Thread(target=self._tick, name="ktui-watch-bookmarks", daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        while not self._stop.wait(BOOKMARK_INTERVAL):
            try:
                self.store.notify_progress()
            except Exception:  # the store closed: no watches left to tell
                return

    def close(self) -> None:
        self._stop.set()
