"""HTTP side of subresources: status, scale, binding, eviction, finalize, and the
node-agent ones: pods/log, exec, attach and portforward (the streaming package);
proxy is not served yet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from engine.api.app import JSON, Request, Response
from engine.api.status import StatusError, method_not_allowed, path_not_found
from engine.api.storage.errors import bad_request
from engine.api.storage.views import kv_object
from engine.registry.types import Obj, ResourceType

from . import bodies
from .paths import RequestInfo
from .responses import created_status, object_response
from .streaming import SERVED, PodStreams

if TYPE_CHECKING:
    from .handlers import ResourceHandlers

NODE_AGENT = frozenset({"log", "exec", "attach", "portforward", "proxy"})


def not_available(what: str, message: str) -> StatusError:
    return StatusError(503, "ServiceUnavailable", message, {"kind": what})


class SubresourceHandlers:
    def __init__(self, handlers: ResourceHandlers) -> None:
        self.h = handlers
        self.storage = handlers.storage
        self.streams: PodStreams | None = None  # set by install(): it needs the node agents

    async def handle(self, req: Request, rt: ResourceType, info: RequestInfo) -> Response | None:
        sub = rt.subresource(info.subresource)
        if sub is None or not info.name:
            raise path_not_found()
        method = req.method
        verb = {
            "GET": "get",
            "HEAD": "get",
            "POST": "create",
            "PUT": "update",
            "PATCH": "patch",
        }.get(method)
        if verb is None or verb not in sub.verbs:
            raise method_not_allowed()
        name = sub.name
        if name == "status" or name == "ephemeralcontainers":
            return await self.status(req, rt, info, verb)
        if name == "scale":
            return await self.scale(req, rt, info, verb)
        if name == "binding":
            body, _ = await bodies.read_object(req, "Binding")
            await self.storage.bind(info.namespace, info.name, body, self.h.write_options(req))
            return Response(orjson.dumps(created_status()), 201, JSON)
        if name == "eviction":
            body, _ = await bodies.read_object(req, "Eviction")
            await self.storage.evict(info.namespace, info.name, body)
            return Response(orjson.dumps(created_status()), 201, JSON)
        if name == "finalize":
            body, _ = await bodies.read_object(req, "Namespace")
            obj = await self.storage.finalize_namespace(info.name, body, self.h.write_options(req))
            return self.h.respond(rt, obj, self.h.output(req), 200)
        if name in NODE_AGENT:
            return await self.node_agent(req, rt, info)
        raise not_available(
            f"{rt.plural}/{name}", f"{rt.plural}/{name} is not available yet in this engine"
        )

    async def status(
        self, req: Request, rt: ResourceType, info: RequestInfo, verb: str
    ) -> Response:
        if verb == "get":
            kv = await self.storage.get(rt, info.namespace, info.name)
            return object_response(
                rt, kv_object(rt, kv), self.h.output(req), now=self.storage.clock.time()
            )
        if info.subresource == "ephemeralcontainers":
            raise not_available(
                f"{rt.plural}/ephemeralcontainers",
                "ephemeral containers are not available yet in this engine",
            )
        if verb == "update":
            return await self.h.update(req, rt, info, subresource="status")
        return await self.h.patch(req, rt, info, subresource="status")

    async def scale(self, req: Request, rt: ResourceType, info: RequestInfo, verb: str) -> Response:
        output = self.h.output(req, tables=False)
        if rt.scale is None:
            raise path_not_found()
        if verb == "get":
            scale = await self.storage.get_scale(rt, info.namespace, info.name)
            return Response(
                orjson.dumps(scale), 200, output.content_type if output.format == "json" else JSON
            )
        opts = self.h.write_options(req)
        if verb == "update":
            body, _ = await bodies.read_object(req, "Scale")
            if not isinstance(body, dict):
                raise bad_request("the body of the request must be a Scale object")
            pinned = bool((body.get("metadata") or {}).get("resourceVersion"))

            def replace(_: Obj) -> tuple[Obj, bool]:
                return body, pinned

            scale = await self.storage.update_scale(rt, info.namespace, info.name, replace, opts)
        else:
            content_type, patch = await bodies.read_patch(req)
            if content_type == "application/apply-patch+yaml":
                raise not_available(
                    f"{rt.plural}/scale",
                    "server-side apply of the scale subresource is not available yet",
                )

            def patched(current: Obj) -> tuple[Obj, bool]:
                return self.h.patch_object(content_type, current, patch), False

            scale = await self.storage.update_scale(rt, info.namespace, info.name, patched, opts)
        return Response(orjson.dumps(scale), 200, JSON)

    async def node_agent(
        self, req: Request, rt: ResourceType, info: RequestInfo
    ) -> Response | None:
        """log/exec/attach/portforward of pods go to the pod's node agent; the rest
        (proxy, nodes/services subresources of that family) are not served yet."""
        what = f"{rt.plural}/{info.subresource}"
        served = rt.plural == "pods" and not rt.group and info.subresource in SERVED
        if served and self.streams is not None:
            return await self.streams.serve(req, rt, info)
        if rt.plural != "pods":
            raise not_available(what, f"{what} is not available yet in this engine")
        pod: Any = kv_object(rt, await self.storage.get(rt, info.namespace, info.name))
        node = (pod.get("spec") or {}).get("nodeName")
        if not node:
            raise bad_request(f"pod {info.name} does not have a host assigned")
        raise not_available(
            what,
            f"{what} is not available yet: node {node} has no kubelet serving it in this engine",
        )
