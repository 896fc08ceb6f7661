"""GET /openapi/v3 (index) and /openapi/v3/<group-version> from the registry; /openapi/v2
answers 404, which kubectl tolerates. The documents follow the registry as it changes."""

from __future__ import annotations

import email.utils
import time

from engine.api.app import KUBE_GIT_VERSION, Request, Response, Router, json_response
from engine.api.openapi import OpenAPIV3, ResourceSpec, custom_resource_schemas
from engine.api.openapi.schemas import Schema
from engine.api.openapi.v2 import PROTOBUF_TYPE, v2_document, v2_protobuf
from engine.api.rest.negotiation import media_ranges
from engine.api.status import StatusError, path_not_found
from engine.registry import Registry

ONE_YEAR = 365 * 24 * 3600


def specs(registry: Registry, group: str, version: str) -> list[ResourceSpec]:
    return [
        ResourceSpec(
            rt.plural,
            rt.kind,
            rt.namespaced,
            tuple(rt.verbs),
            tuple(sub.name for sub in rt.subresources),
        )
        for rt in registry.in_group_version(group, version)
    ]


def custom_schemas(registry: Registry, group: str, version: str) -> dict[str, Schema]:
    """The published schemas of the custom resources served in a group-version."""
    schemas: dict[str, Schema] = {}
    for rt in registry.in_group_version(group, version):
        if rt.custom is not None:
            schema = (rt.custom.get("schema") or {}).get("openAPIV3Schema")
            schemas.update(custom_resource_schemas(group, version, rt.kind, schema))
    return schemas


class OpenAPIRoutes:
    def __init__(self, registry: Registry, service: OpenAPIV3 | None = None) -> None:
        self.registry = registry
        self.service = service or OpenAPIV3(server_version=KUBE_GIT_VERSION)
        self._served: set[tuple[str, str]] = set()
        self.sync(registry)
        registry.subscribe(self.sync)

    def sync(self, registry: Registry) -> None:
        wanted = {(rt.group, rt.version) for rt in registry.all()}
        for group, version in sorted(wanted):
            self.service.set_group_version(
                group,
                version,
                specs(registry, group, version),
                custom_schemas(registry, group, version),
            )
        for group, version in self._served - wanted:
            self.service.remove_group_version(group, version)
        self._served = wanted

    def register(self, router: Router) -> None:
        router.add("/openapi/v3", self.handle_v3, prefix=True)
        router.add("/openapi/v2", self.handle_v2, prefix=True)

    async def handle_v2(self, req: Request) -> Response:
        # An empty Swagger 2.0 document: kubectl falls back to v2 for create-only kinds
        # (a 404 there fails `kubectl create`), skips client-side checks, and the
        # server's own strict validation still applies.
        if "protobuf" in req.headers.get("accept", ""):
            return Response(v2_protobuf(KUBE_GIT_VERSION), 200, PROTOBUF_TYPE.encode())
        return json_response(v2_document(KUBE_GIT_VERSION))

    async def handle_v3(self, req: Request) -> Response:
        self.registry.sync()  # documents of a CRD stored a moment ago
        key = req.path[len("/openapi/v3") :].strip("/")
        accept = req.headers.get("accept", "")
        if accept and not any(
            media in ("application/json", "*/*", "application/*")
            for media, _ in media_ranges(accept)
        ):
            raise StatusError(
                406,
                "NotAcceptable",
                "only the following media types are accepted: application/json",
            )
        if not key:
            index = self.service.index()
            return Response(
                index.body, 200, b"application/json", [(b"etag", f'"{index.etag}"'.encode())]
            )
        rendered = self.service.document(key)
        if rendered is None:
            raise path_not_found()
        wanted = req.param("hash")
        if wanted and wanted != rendered.etag:
            location = f"/openapi/v3/{key}?hash={rendered.etag}".encode()
            return Response(b"", 301, b"text/plain", [(b"location", location)])
        headers = [(b"etag", f'"{rendered.etag}"'.encode())]
        if wanted:
            expires = email.utils.formatdate(time.time() + ONE_YEAR, usegmt=True)
            headers = [
                (b"etag", f'"{rendered.etag}"'.encode()),
                (b"expires", expires.encode()),
            ]
        return Response(rendered.body, 200, b"application/json", headers)
