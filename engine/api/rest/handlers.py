"""The REST handlers: one dispatcher for every kind under /api and /apis.

URL → RequestInfo → ResourceType (registry) → verb → APIStorage → negotiated answer
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from engine.api.app import JSON, Request, Response
from engine.api.auth.kinds import REVIEW_GROUPS
from engine.api.auth.reviews import AuthAPIs
from engine.api.openapi import (
    builtin_lookup,
    decoding_error,
    strict_decoding_error,
    strict_field_errors,
    warning_headers,
)
from engine.api.patch import EMPTY_META, apply_patch
from engine.api.status import StatusError, method_not_allowed, path_not_found
from engine.api.storage.errors import bad_request
from engine.api.storage.options import DeleteOptions, ListOptions, WriteOptions
from engine.api.storage.service import APIStorage
from engine.api.storage.views import api_bytes, kv_object
from engine.registry.types import Obj, ResourceType

from . import bodies
from .negotiation import JSON as JSON_FORMAT
from .negotiation import Output, negotiate
from .paths import RequestInfo, parse_path
from .responses import (
    created_status,
    include_object,
    list_response,
    object_response,
    objects_list,
    success_status,
)
from .subresources import SubresourceHandlers
from .watch import serve_watch

log = logging.getLogger(__name__)

Headers = list[tuple[bytes, bytes]]
METHOD_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch"}


class ResourceHandlers:
    def __init__(self, storage: APIStorage) -> None:
        self.storage = storage
        self.registry = storage.registry
        self.subresources = SubresourceHandlers(self)
        self.auth: AuthAPIs | None = None  # set by install()

    # -- entry --------------------------------------------------------------------------

    def resolve(self, info: RequestInfo) -> ResourceType:
        assert info.version is not None
        rt = self.registry.lookup(info.group, info.version, info.resource)
        if rt is None:
            raise path_not_found()
        if info.namespaced_path and not rt.namespaced:
            raise path_not_found()
        if rt.namespaced and info.name and not info.namespaced_path:
            raise path_not_found()
        return rt

    async def handle(self, req: Request, info: RequestInfo) -> Response | None:
        rt = self.resolve(info)
        if self.auth is not None:  # the authentication/authorization APIs store nothing
            if rt.group in REVIEW_GROUPS:
                return await self.auth.handle(req, rt, info)
            if info.subresource == "token" and rt.plural == "serviceaccounts" and not rt.group:
                return await self.auth.token_request(req, rt, info)
        if info.subresource:
            return await self.subresources.handle(req, rt, info)
        method = req.method
        if method in ("GET", "HEAD"):
            watch = info.watch_path or (req.param("watch") or "") in ("true", "1", "True")
            if info.name:
                if watch:
                    return await self.watch(req, rt, info, name=info.name)
                return await self.get(req, rt, info)
            if watch:
                return await self.watch(req, rt, info)
            return await self.list(req, rt, info)
        if info.watch_path:
            raise method_not_allowed()
        if method == "POST":
            if info.name:
                raise method_not_allowed()
            return await self.create(req, rt, info)
        if method == "PUT" and info.name:
            return await self.update(req, rt, info)
        if method == "PATCH" and info.name:
            return await self.patch(req, rt, info)
        if method == "DELETE":
            if info.name:
                return await self.delete(req, rt, info)
            return await self.delete_collection(req, rt, info)
        raise method_not_allowed()

    @staticmethod
    def allow(rt: ResourceType, verb: str) -> None:
        if verb not in rt.verbs:
            raise method_not_allowed()

    @staticmethod
    def output(req: Request, *, tables: bool = True) -> Output:
        return negotiate(req.headers.get("accept"), tables=tables)

    def write_options(self, req: Request) -> WriteOptions:
        return WriteOptions.from_query(req.query, req.headers.get("user-agent", ""))

    # -- reads --------------------------------------------------------------------------

    async def get(self, req: Request, rt: ResourceType, info: RequestInfo) -> Response:
        self.allow(rt, "get")
        output = self.output(req)
        kv = await self.storage.get(
            rt, info.namespace, info.name, req.param("resourceVersion") or ""
        )
        if output.format == JSON_FORMAT:
            return object_response(rt, None, output, raw=api_bytes(rt, kv.value, kv.mod_revision))
        return object_response(
            rt,
            kv_object(rt, kv),
            output,
            now=self.storage.clock.time(),
            include=include_object(req.query),
        )

    async def list(self, req: Request, rt: ResourceType, info: RequestInfo) -> Response:
        self.allow(rt, "list")
        output = self.output(req)
        include = include_object(req.query)
        opts = ListOptions.from_query(req.query)
        page = await self.storage.list(rt, info.namespace, opts)
        return list_response(rt, page, output, self.storage.clock.time(), include)

    async def watch(
        self, req: Request, rt: ResourceType, info: RequestInfo, name: str = ""
    ) -> None:
        self.allow(rt, "watch")
        output = self.output(req)
        include = include_object(req.query)
        opts = ListOptions.from_query(req.query)
        opts.watch = True
        if name:
            selector = f"metadata.name={name}"
            opts.field_selector = (
                f"{opts.field_selector},{selector}" if opts.field_selector else selector
            )
        watcher = self.storage.watcher(rt, info.namespace, opts)
        await serve_watch(req, self.storage, watcher, output, include)

    # -- writes -------------------------------------------------------------------------

    def check_fields(
        self, rt: ResourceType, raw: bytes, opts: WriteOptions, headers: Headers
    ) -> None:
        """fieldValidation=Strict|Warn: unknown and duplicate fields of a JSON body."""
        if opts.field_validation not in ("Strict", "Warn"):
            return
        lookup = rt.field_schemas or builtin_lookup()  # a custom resource's own schema
        issues = strict_field_errors(lookup, (rt.group, rt.version, rt.kind), raw)
        if not issues:
            return
        if opts.field_validation == "Strict":
            raise strict_decoding_error(rt.kind, rt.version, issues)
        headers.extend(warning_headers(issues))

    def object_checker(self, rt: ResourceType, opts: WriteOptions, headers: Headers) -> None:
        if opts.field_validation not in ("Strict", "Warn"):
            return

        def check(obj: Obj) -> None:
            import orjson

            self.check_fields(rt, orjson.dumps(obj), opts, headers)

        opts.checker = check

    async def create(self, req: Request, rt: ResourceType, info: RequestInfo) -> Response:
        self.allow(rt, "create")
        if rt.namespaced and not info.namespaced_path:
            raise path_not_found()
        output = self.output(req)
        opts = self.write_options(req)
        body, raw = await bodies.read_object(req, rt.kind)
        check_decoding(rt, body)
        headers: Headers = []
        self.check_fields(rt, raw, opts, headers)
        obj = await self.storage.create(rt, info.namespace, body, opts)
        return self.respond(rt, obj, output, 201, headers)

    async def update(
        self, req: Request, rt: ResourceType, info: RequestInfo, subresource: str = ""
    ) -> Response:
        self.allow(rt, "update")
        output = self.output(req)
        opts = self.write_options(req)
        body, raw = await bodies.read_object(req, rt.kind)
        check_decoding(rt, body)
        headers: Headers = []
        self.check_fields(rt, raw, opts, headers)
        outcome = await self.storage.update(rt, info.namespace, info.name, body, opts, subresource)
        return self.respond(rt, outcome.obj, output, 201 if outcome.created else 200, headers)

    async def patch(
        self, req: Request, rt: ResourceType, info: RequestInfo, subresource: str = ""
    ) -> Response:
        self.allow(rt, "patch")
        output = self.output(req)
        opts = self.write_options(req)
        content_type, patch = await bodies.read_patch(req)
        headers: Headers = []
        self.object_checker(rt, opts, headers)
        outcome = await self.storage.patch(
            rt, info.namespace, info.name, content_type, patch, opts, subresource
        )
        return self.respond(rt, outcome.obj, output, 201 if outcome.created else 200, headers)

    def respond(
        self,
        rt: ResourceType,
        obj: Obj,
        output: Output,
        status: int,
        headers: Headers | None = None,
    ) -> Response:
        return object_response(
            rt, obj, output, status=status, now=self.storage.clock.time(), headers=headers or None
        )

    async def delete(self, req: Request, rt: ResourceType, info: RequestInfo) -> Response:
        self.allow(rt, "delete")
        output = self.output(req)
        opts = DeleteOptions.parse(req.query, await bodies.read_optional(req))
        outcome = await self.storage.delete(rt, info.namespace, info.name, opts)
        if outcome.deleted and not rt.delete_returns_object:
            return Response(_dumps(success_status(rt, outcome.obj)), 200, JSON)
        return self.respond(rt, outcome.obj, output, 200)

    async def delete_collection(
        self, req: Request, rt: ResourceType, info: RequestInfo
    ) -> Response:
        self.allow(rt, "deletecollection")
        if rt.namespaced and not info.namespaced_path:
            raise path_not_found()
        list_opts = ListOptions.from_query(req.query)
        opts = DeleteOptions.parse(req.query, await bodies.read_optional(req))
        objects, revision = await self.storage.delete_collection(
            rt, info.namespace, list_opts, opts
        )
        return Response(_dumps(objects_list(rt, objects, revision)), 200, JSON)

    # -- helpers for subresources ---------------------------------------------------------

    @staticmethod
    def patch_object(content_type: str, current: Obj, patch: Any) -> Obj:
        return apply_patch(content_type, copy.deepcopy(current), patch, EMPTY_META)


def _dumps(obj: Any) -> bytes:
    import orjson

    return orjson.dumps(obj)


def check_decoding(rt: ResourceType, body: Any) -> None:
    """400 for a create/update body the Go decoder of a built-in kind would refuse."""
    if rt.field_schemas is not None:  # a custom resource: unstructured upstream
        return
    message = decoding_error(builtin_lookup(), (rt.group, rt.version, rt.kind), body)
    if message is not None:
        raise bad_request(message)


def body_error(message: str) -> StatusError:
    return bad_request(message)


__all__ = ["ResourceHandlers", "created_status", "parse_path"]
