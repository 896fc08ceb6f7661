"""The /api and /apis trees: discovery documents or a resource request."""

from __future__ import annotations

from engine.api.app import JSON, Request, Response
from engine.api.discovery import AGGREGATED_CONTENT_TYPES, Discovery
from engine.api.status import method_not_allowed, path_not_found

from .handlers import ResourceHandlers
from .negotiation import discovery_v2
from .paths import RequestInfo, parse_path


class APIRoutes:
    def __init__(self, handlers: ResourceHandlers, discovery: Discovery) -> None:
        self.handlers = handlers
        self.discovery = discovery

    async def __call__(self, req: Request) -> Response | None:
        info = parse_path(req.path)
        if info is None:
            raise path_not_found()
        if info.discovery:
            if req.method not in ("GET", "HEAD"):
                raise method_not_allowed()
            return self.serve_discovery(req, info)
        return await self.handlers.handle(req, info)

    def serve_discovery(self, req: Request, info: RequestInfo) -> Response:
        core = req.path.rstrip("/") == "/api"
        if info.version is None and not info.group_only:
            aggregated = discovery_v2(req.headers.get("accept"))
            if aggregated is not None:
                body = self.discovery.aggregated(core, aggregated)
                return Response(body, 200, AGGREGATED_CONTENT_TYPES[aggregated])
            if core:
                return Response(self.discovery.api_versions(_server_address(req)), 200, JSON)
            return Response(self.discovery.group_list(), 200, JSON)
        if info.group_only:
            body = self.discovery.group(info.group)
        else:
            assert info.version is not None
            body = self.discovery.resource_list(info.group, info.version)
        if body is None:
            raise path_not_found()
        return Response(body, 200, JSON)


def _server_address(req: Request) -> str:
    server = req.scope.get("server")
    if server:
        host, port = server[0], server[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return req.headers.get("host", "")
