"""Generic REST on one resource: get, list (all pages), create, replace, patch, apply,
delete, watch and Table views. Works for every kind discovery knows, CRDs included."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import httpx
import orjson

from .discovery import APIResource
from .pages import paused_gc, peek_list_metadata
from .tables import ACCEPT_TABLE, Table, TableRow
from .watch import WatchEvent, watch_batches

if TYPE_CHECKING:
    from .client import Client

FIELD_MANAGER = "ktui"
PAGE_SIZE = 500
PatchType = Literal["merge", "json", "strategic", "apply"]
PATCH_CONTENT_TYPES: dict[str, str] = {
    "merge": "application/merge-patch+json",
    "json": "application/json-patch+json",
    "strategic": "application/strategic-merge-patch+json",
    "apply": "application/apply-patch+yaml",  # JSON is valid YAML; the server takes it
}


@dataclass
class ObjectList:
    """Every item of a (possibly paginated) list and the list's resourceVersion."""

    items: list[dict[str, Any]]
    resource_version: str
    kind: str = ""


def watch_timeout() -> int:
    # client-go spreads watch restarts: 5–10 minutes, so watchers do not reconnect at once.
    return random.randint(300, 600)


class ResourceClient:
    def __init__(self, client: Client, resource: APIResource) -> None:
        self.client = client
        self.resource = resource

    def __repr__(self) -> str:
        return f"ResourceClient({self.resource.qualified_name})"

    # -- paths --------------------------------------------------------------------------

    def _namespace(self, namespace: str | None, all_namespaces: bool = False) -> str | None:
        if not self.resource.namespaced or all_namespaces:
            return None
        return namespace or self.client.namespace

    def path(
        self,
        name: str | None = None,
        namespace: str | None = None,
        subresource: str | None = None,
        all_namespaces: bool = False,
    ) -> str:
        r = self.resource
        parts = [r.prefix]
        ns = self._namespace(namespace, all_namespaces)
        if ns:
            parts.append(f"namespaces/{ns}")
        parts.append(r.name)
        if name:
            parts.append(name)
        if subresource:
            parts.append(subresource)
        return "/".join(parts)

    def _object_namespace(self, obj: dict[str, Any], namespace: str | None) -> str | None:
        return namespace or (obj.get("metadata") or {}).get("namespace")

    # -- reads --------------------------------------------------------------------------

    async def get(
        self, name: str, namespace: str | None = None, subresource: str | None = None
    ) -> dict[str, Any]:
        return await self.client.json("GET", self.path(name, namespace, subresource))

    def _list_params(self, **kw: Any) -> dict[str, Any]:
        return {
            "labelSelector": kw.get("label_selector"),
            "fieldSelector": kw.get("field_selector"),
            "resourceVersion": kw.get("resource_version"),
            "limit": kw.get("limit"),
        }

    async def raw_pages(
        self,
        namespace: str | None = None,
        *,
        all_namespaces: bool = False,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int = PAGE_SIZE,
        resource_version: str | None = None,
        table: bool = False,
    ) -> AsyncIterator[bytes]:
        """Each page's body (a List or Table document), following `continue` to the end.
        The next page is asked for before this one is handed out (its token read from the
        page's head), so the server prepares it while the caller decodes this one."""
        path = self.path(None, namespace, all_namespaces=all_namespaces)
        params = self._list_params(
            label_selector=label_selector,
            field_selector=field_selector,
            limit=limit,
            resource_version=resource_version,
        )
        accept = ACCEPT_TABLE if table else None
        body = (await self.client.request("GET", path, params=params, accept=accept)).content
        following: asyncio.Future[httpx.Response] | None = None
        try:
            while True:
                meta = peek_list_metadata(body)
                if meta is None:  # not the usual shape: decode it to find the token
                    meta = orjson.loads(body).get("metadata") or {}
                token = meta.get("continue")
                if not token:
                    yield body
                    return
                # The server pins later pages to the first page's revision via the token.
                params = {**params, "continue": token, "resourceVersion": None}
                following = await self.client.prefetch("GET", path, params=params, accept=accept)
                yield body
                body = (await following).content
                following = None
        finally:
            if following is not None:  # the caller stopped early
                following.cancel()
                if following.done() and not following.cancelled():
                    following.exception()  # retrieved: no "never retrieved" warning

    async def pages(
        self, namespace: str | None = None, **kwargs: Any
    ) -> AsyncIterator[dict[str, Any]]:
        """Each page decoded; the arguments are those of `raw_pages`."""
        async with contextlib.aclosing(self.raw_pages(namespace, **kwargs)) as bodies:
            async for body in bodies:
                with paused_gc():
                    page = orjson.loads(body)
                yield page

    async def list(self, namespace: str | None = None, **kwargs: Any) -> ObjectList:
        items: list[dict[str, Any]] = []
        rv, kind = "", ""
        async for page in self.pages(namespace, **kwargs):
            items.extend(page.get("items") or [])
            rv = rv or (page.get("metadata") or {}).get("resourceVersion") or ""
            kind = page.get("kind") or kind
        return ObjectList(items, rv, kind)

    async def table(self, namespace: str | None = None, **kwargs: Any) -> Table:
        """The list as server-side printed rows (all pages joined)."""
        result: Table | None = None
        async for page in self.pages(namespace, table=True, **kwargs):
            part = Table.from_dict(page)
            if result is None:
                result = part
            else:
                result.rows.extend(part.rows)
        assert result is not None
        result.continue_token = ""
        return result

    # -- writes -------------------------------------------------------------------------

    @staticmethod
    def _write_params(dry_run: bool, field_manager: str | None, **extra: Any) -> dict[str, Any]:
        return {"dryRun": "All" if dry_run else None, "fieldManager": field_manager, **extra}

    async def create(
        self,
        obj: dict[str, Any],
        namespace: str | None = None,
        *,
        dry_run: bool = False,
        field_manager: str | None = FIELD_MANAGER,
    ) -> dict[str, Any]:
        ns = self._object_namespace(obj, namespace)
        return await self.client.json(
            "POST",
            self.path(None, ns),
            body=obj,
            params=self._write_params(dry_run, field_manager),
        )

    async def replace(
        self,
        obj: dict[str, Any],
        namespace: str | None = None,
        *,
        subresource: str | None = None,
        dry_run: bool = False,
        field_manager: str | None = FIELD_MANAGER,
    ) -> dict[str, Any]:
        """PUT; fails with Conflict when metadata.resourceVersion is stale."""
        name = obj["metadata"]["name"]
        ns = self._object_namespace(obj, namespace)
        return await self.client.json(
            "PUT",
            self.path(name, ns, subresource),
            body=obj,
            params=self._write_params(dry_run, field_manager),
        )

    async def patch(
        self,
        name: str,
        patch: dict[str, Any] | list[Any],
        namespace: str | None = None,
        *,
        type: PatchType = "merge",
        subresource: str | None = None,
        dry_run: bool = False,
        field_manager: str | None = FIELD_MANAGER,
        force: bool | None = None,
    ) -> dict[str, Any]:
        params = self._write_params(dry_run, field_manager)
        if type == "apply":
            params["force"] = "true" if force else "false"
        return await self.client.json(
            "PATCH",
            self.path(name, namespace, subresource),
            body=patch,
            content_type=PATCH_CONTENT_TYPES[type],
            params=params,
        )

    async def apply(
        self,
        obj: dict[str, Any],
        namespace: str | None = None,
        *,
        force: bool = False,
        dry_run: bool = False,
        field_manager: str = FIELD_MANAGER,
        subresource: str | None = None,
    ) -> dict[str, Any]:
        """Server-side apply: creates the object if absent, owns the fields it sets."""
        ns = self._object_namespace(obj, namespace)
        return await self.patch(
            obj["metadata"]["name"],
            obj,
            ns,
            type="apply",
            subresource=subresource,
            dry_run=dry_run,
            field_manager=field_manager,
            force=force,
        )

    async def delete(
        self,
        name: str,
        namespace: str | None = None,
        *,
        propagation: Literal["Foreground", "Background", "Orphan"] | None = None,
        grace_period: int | None = None,
        dry_run: bool = False,
        preconditions: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """DELETE; answers the object (still being finalized) or a Success Status."""
        options: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1"}
        if propagation:
            options["propagationPolicy"] = propagation
        if grace_period is not None:
            options["gracePeriodSeconds"] = grace_period
        if dry_run:
            options["dryRun"] = ["All"]
        if preconditions:
            options["preconditions"] = preconditions
        return await self.client.json("DELETE", self.path(name, namespace), body=options)

    # -- watch --------------------------------------------------------------------------

    async def watch(
        self,
        namespace: str | None = None,
        *,
        all_namespaces: bool = False,
        resource_version: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        bookmarks: bool = True,
        timeout_seconds: int | None = None,
        table: bool = False,
    ) -> AsyncIterator[list[WatchEvent]]:
        """One watch stream, in batches, until the server ends it. Raises Gone (410) when
        `resource_version` is too old; ERROR events are passed through for the caller.
        For a watch that never stops, use a Reflector."""
        timeout = timeout_seconds or watch_timeout()
        params = {
            "watch": "true",
            "resourceVersion": resource_version,
            "labelSelector": label_selector,
            "fieldSelector": field_selector,
            "allowWatchBookmarks": bookmarks,
            "timeoutSeconds": timeout,
        }
        path = self.path(None, namespace, all_namespaces=all_namespaces)
        accept = ACCEPT_TABLE if table else None
        async with self.client.stream(
            path, params=params, accept=accept, read_timeout=timeout + 30
        ) as response:
            async for batch in watch_batches(response):
                yield batch

    async def watch_rows(self, namespace: str | None = None, **kwargs: Any):
        """A watch of Table rows: (event type, row) pairs, for live resource views."""
        async for batch in self.watch(namespace, table=True, **kwargs):
            for event in batch:
                if event.type in ("ADDED", "MODIFIED", "DELETED"):
                    for row in event.object.get("rows") or []:
                        yield event.type, TableRow.from_dict(row)
                else:
                    yield event.type, event
