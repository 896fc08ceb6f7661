"""The in-process client of the engine's own components (controllers, scheduler, kubelets).

It goes through the same pipeline as HTTP requests — defaulting, admission, validation,
resourceVersion conflicts, watch translation — but without HTTP or JSON round trips:
objects are dicts. Errors are the same `StatusError`s an HTTP client would decode.

    client = api.local_client()                       # async
    pod = await client.get("v1", "Pod", "web", "default")
    async for event in client.watch("apps/v1", "Deployment", resource_version=rv): ...

    sync = SyncLocalClient(client)                    # for worker threads
    sync.create({"apiVersion": "v1", "kind": "ConfigMap", ...})

    scheduler = api.local_client(SCHEDULER)           # acts as system:kube-scheduler: RBAC
    kubelet = client.as_user(node_user("node-1"))     # applies as it does to HTTP requests
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any, Protocol

from engine.api.app import ADMIN, User
from engine.api.auth.attributes import Attributes
from engine.api.auth.forbidden import forbidden
from engine.api.auth.users import MASTERS
from engine.api.status import StatusError
from engine.api.storage.options import DeleteOptions, ListOptions, WriteOptions
from engine.api.storage.service import APIStorage
from engine.api.storage.views import kv_object
from engine.api.storage.watching import ERROR
from engine.registry.types import Obj, ResourceType

PATCH_TYPES = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",
}


def _not_served(api_version: str, kind: str) -> StatusError:
    return StatusError(
        404,
        "NotFound",
        f"the server could not find the requested resource ({kind} in {api_version})",
    )


class Authorizer(Protocol):
    def authorize(self, attrs: Attributes) -> Any: ...


class LocalClient:
    def __init__(
        self,
        storage: APIStorage,
        user: User | None = None,
        field_manager: str = "",
        authorizer: Authorizer | None = None,
    ) -> None:
        self.storage = storage
        self.user = user or ADMIN
        self.field_manager = field_manager
        self.authorizer = authorizer  # None: no authorization (tests of the storage alone)

    def as_user(self, user: User, field_manager: str = "") -> LocalClient:
        """The same client acting as `user` (a component's identity)."""
        return LocalClient(self.storage, user, field_manager or self.field_manager, self.authorizer)

    def authorize(
        self, verb: str, rt: ResourceType, namespace: str = "", name: str = "", sub: str = ""
    ) -> None:
        """403 as an HTTP client would get it, unless the user is in system:masters."""
        if self.authorizer is None or MASTERS in self.user.groups:
            return
        attrs = Attributes(
            self.user,
            verb,
            True,
            rt.group,
            rt.version,
            rt.plural,
            sub,
            namespace if rt.namespaced else "",
            name,
        )
        decision = self.authorizer.authorize(attrs)
        if not decision.allowed:
            raise forbidden(attrs, decision.reason)

    def resource(self, api_version: str, kind: str) -> ResourceType:
        """By kind (`Deployment`) or plural (`deployments`)."""
        registry = self.storage.registry
        rt = registry.for_api_version(api_version, kind)
        if rt is None:
            group, _, version = api_version.rpartition("/")
            rt = registry.lookup(group, version, kind)
        if rt is None:
            raise _not_served(api_version, kind)
        return rt

    def _of(self, obj: Obj) -> ResourceType:
        return self.resource(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))

    def _write(self, dry_run: bool, field_manager: str) -> WriteOptions:
        return WriteOptions(dry_run=dry_run, field_manager=field_manager or self.field_manager)

    # -- reads ---------------------------------------------------------------------------

    async def get(self, api_version: str, kind: str, name: str, namespace: str = "") -> Obj:
        rt = self.resource(api_version, kind)
        self.authorize("get", rt, namespace, name)
        return kv_object(rt, await self.storage.get(rt, namespace, name))

    async def list(
        self,
        api_version: str,
        kind: str,
        namespace: str = "",
        *,
        label_selector: str = "",
        field_selector: str = "",
        limit: int = 0,
        continue_token: str = "",
        resource_version: str = "",
        resource_version_match: str = "",
    ) -> Obj:
        """A List object (`{"kind": "PodList", "metadata": {"resourceVersion"...}, "items"}`)."""
        rt = self.resource(api_version, kind)
        self.authorize("list", rt, namespace)
        opts = ListOptions(
            label_selector,
            field_selector,
            limit,
            continue_token,
            resource_version,
            resource_version_match,
        )
        opts.check()
        page = await self.storage.list(rt, namespace, opts)
        items = (
            page.objects if page.objects is not None else [kv_object(rt, kv) for kv in page.items]
        )
        meta: Obj = {"resourceVersion": str(page.revision)}
        if page.continue_token:
            meta["continue"] = page.continue_token
        return {
            "kind": rt.list_kind,
            "apiVersion": rt.api_version,
            "metadata": meta,
            "items": items,
        }

    async def watch(
        self,
        api_version: str,
        kind: str,
        namespace: str = "",
        *,
        resource_version: str = "",
        label_selector: str = "",
        field_selector: str = "",
        bookmarks: bool = False,
    ) -> AsyncIterator[Obj]:
        """Events as `{"type": "ADDED"|..., "object": {...}}`; an ERROR event ends it."""
        rt = self.resource(api_version, kind)
        self.authorize("watch", rt, namespace)
        opts = ListOptions(
            label_selector,
            field_selector,
            resource_version=resource_version,
            watch=True,
            allow_bookmarks=bookmarks,
        )
        opts.check()
        watcher = self.storage.watcher(rt, namespace, opts)
        try:
            events = await watcher.open()
            while True:
                for event in events:
                    if event.type == ERROR:
                        assert event.error is not None
                        yield {"type": ERROR, "object": event.error.body()}
                        return
                    if event.type == "BOOKMARK":
                        yield {
                            "type": "BOOKMARK",
                            "object": {
                                "kind": rt.kind,
                                "apiVersion": rt.api_version,
                                "metadata": {"resourceVersion": str(event.revision)},
                            },
                        }
                        continue
                    yield {"type": event.type, "object": event.object(rt)}
                events = await watcher.next()
        finally:
            watcher.close()

    # -- writes --------------------------------------------------------------------------

    async def create(
        self,
        obj: Obj,
        namespace: str | None = None,
        *,
        dry_run: bool = False,
        field_manager: str = "",
    ) -> Obj:
        rt = self._of(obj)
        ns = (
            namespace if namespace is not None else (obj.get("metadata") or {}).get("namespace", "")
        )
        import copy

        self.authorize("create", rt, ns or "")
        return await self.storage.create(
            rt, ns or "", copy.deepcopy(obj), self._write(dry_run, field_manager)
        )

    async def update(
        self, obj: Obj, *, subresource: str = "", dry_run: bool = False, field_manager: str = ""
    ) -> Obj:
        rt = self._of(obj)
        meta = obj.get("metadata") or {}
        self.authorize("update", rt, meta.get("namespace", ""), meta.get("name", ""), subresource)
        outcome = await self.storage.update(
            rt,
            meta.get("namespace", ""),
            meta.get("name", ""),
            obj,
            self._write(dry_run, field_manager),
            subresource,
        )
        return outcome.obj

    async def update_status(self, obj: Obj, *, field_manager: str = "") -> Obj:
        return await self.update(obj, subresource="status", field_manager=field_manager)

    async def patch(
        self,
        api_version: str,
        kind: str,
        name: str,
        patch: Any,
        namespace: str = "",
        *,
        patch_type: str = "merge",
        subresource: str = "",
        dry_run: bool = False,
        field_manager: str = "",
    ) -> Obj:
        rt = self.resource(api_version, kind)
        self.authorize("patch", rt, namespace, name, subresource)
        content_type = PATCH_TYPES.get(patch_type, patch_type)
        opts = self._write(dry_run, field_manager)
        outcome = await self.storage.patch(
            rt, namespace, name, content_type, patch, opts, subresource
        )
        return outcome.obj

    async def delete(
        self,
        api_version: str,
        kind: str,
        name: str,
        namespace: str = "",
        *,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        uid: str | None = None,
        resource_version: str | None = None,
        dry_run: bool = False,
    ) -> Obj:
        """The object as deleted (or as marked for deletion when finalizers hold it)."""
        rt = self.resource(api_version, kind)
        self.authorize("delete", rt, namespace, name)
        opts = DeleteOptions(
            grace_period_seconds, propagation_policy, None, uid, resource_version, dry_run
        )
        opts.check()
        return (await self.storage.delete(rt, namespace, name, opts)).obj

    async def bind(self, namespace: str, pod: str, node: str) -> None:
        binding = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": pod, "namespace": namespace},
            "target": {"apiVersion": "v1", "kind": "Node", "name": node},
        }
        self.authorize("create", self.resource("v1", "pods"), namespace, pod, "binding")
        await self.storage.bind(namespace, pod, binding, self._write(False, ""))

    async def evict(self, namespace: str, pod: str, delete_options: Obj | None = None) -> None:
        eviction = {
            "apiVersion": "policy/v1",
            "kind": "Eviction",
            "metadata": {"name": pod, "namespace": namespace},
        }
        if delete_options:
            eviction["deleteOptions"] = delete_options
        self.authorize("create", self.resource("v1", "pods"), namespace, pod, "eviction")
        await self.storage.evict(namespace, pod, eviction)

    async def scale(
        self, api_version: str, kind: str, name: str, namespace: str, replicas: int
    ) -> Obj:
        rt = self.resource(api_version, kind)
        self.authorize("update", rt, namespace, name, "scale")

        def change(scale: Obj) -> tuple[Obj, bool]:
            scale["spec"] = {"replicas": replicas}
            scale["metadata"].pop("resourceVersion", None)
            return scale, False

        return await self.storage.update_scale(rt, namespace, name, change, self._write(False, ""))


class SyncLocalClient:
    """The same calls for worker threads: each thread runs them on a private event loop."""

    def __init__(self, client: LocalClient) -> None:
        self.client = client
        self._local = threading.local()

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
            self._local.loop = loop
        return loop

    def _run(self, coro: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._loop().run_until_complete(coro)
        coro.close()
        raise RuntimeError("SyncLocalClient called from an event loop; use LocalClient")

    def get(self, *args: Any, **kw: Any) -> Obj:
        return self._run(self.client.get(*args, **kw))

    def list(self, *args: Any, **kw: Any) -> Obj:
        return self._run(self.client.list(*args, **kw))

    def create(self, *args: Any, **kw: Any) -> Obj:
        return self._run(self.client.create(*args, **kw))

    def update(self, *args: Any, **kw: Any) -> Obj:
        return self._run(self.client.update(*args, **kw))

    def update_status(self, *args: Any, **kw: Any) -> Obj:
        return self._run(self.client.update_status(*args, **kw))

    def patch(self, *args: Any, **kw: Any) -> Obj:
        return self._run(self.client.patch(*args, **kw))

    def delete(self, *args: Any, **kw: Any) -> Obj:
        return self._run(self.client.delete(*args, **kw))

    def bind(self, *args: Any, **kw: Any) -> None:
        self._run(self.client.bind(*args, **kw))

    def evict(self, *args: Any, **kw: Any) -> None:
        self._run(self.client.evict(*args, **kw))

    def scale(self, *args: Any, **kw: Any) -> Obj:
        return self._run(self.client.scale(*args, **kw))

    def watch(self, *args: Any, **kw: Any) -> Iterator[Obj]:
        """Blocking iteration over events; close the generator to end the watch."""
        stream = self.client.watch(*args, **kw)
        try:
            while True:
                try:
                    yield self._run(stream.__anext__())
                except StopAsyncIteration:
                    return
        finally:
            self._run(stream.aclose())

    def close(self) -> None:
        loop = getattr(self._local, "loop", None)
        if loop is not None:
            loop.close()
