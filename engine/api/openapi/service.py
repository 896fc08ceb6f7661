"""Serialized OpenAPI v3 documents for the HTTP layer, rendered once and cached.

A core/v1 document is ~1 MB of JSON; it is built on its first request and again only after
its group-version changes (a CRD added or removed). ``index()`` hashes every document, so
the first ``GET /openapi/v3`` renders them all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from engine.api.openapi.document import (
    document_hash,
    group_version_document,
    index_document,
    render,
)
from engine.api.openapi.resources import ResourceSpec, gv_path
from engine.api.openapi.schemas import Schema


@dataclass(frozen=True, slots=True)
class Rendered:
    body: bytes
    etag: str  # document_hash(body), without quotes


@dataclass(slots=True)
class _Entry:
    group: str
    version: str
    resources: tuple[ResourceSpec, ...]
    extra_schemas: Mapping[str, Schema]
    rendered: Rendered | None = None


class OpenAPIV3:
    """The documents of every group-version the engine serves, keyed ``api/v1``,
    ``apis/apps/v1``... Thread-safe; cheap to update (rendering is deferred)."""

    def __init__(self, server_version: str = "unversioned") -> None:
        self._server_version = server_version
        self._entries: dict[str, _Entry] = {}
        self._index: Rendered | None = None
        self._generation = 0  # bumped by every change, so a stale index is never cached
        self._lock = threading.Lock()

    def set_group_version(
        self,
        group: str,
        version: str,
        resources: Iterable[ResourceSpec],
        extra_schemas: Mapping[str, Schema] | None = None,
    ) -> None:
        entry = _Entry(group, version, tuple(resources), dict(extra_schemas or {}))
        with self._lock:
            self._entries[gv_path(group, version)] = entry
            self._generation += 1
            self._index = None

    def remove_group_version(self, group: str, version: str) -> None:
        with self._lock:
            if self._entries.pop(gv_path(group, version), None) is not None:
                self._generation += 1
                self._index = None

    def group_versions(self) -> list[str]:
        with self._lock:
            return sorted(self._entries)

    def document(self, key: str) -> Rendered | None:
        """The document of ``api/v1`` / ``apis/apps/v1`` (None: not served)."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None:
            return None
        rendered = entry.rendered
        if rendered is None:
            # Rendered outside the lock: a concurrent duplicate render is harmless.
            doc = group_version_document(
                entry.group,
                entry.version,
                entry.resources,
                entry.extra_schemas,
                server_version=self._server_version,
            )
            body = render(doc)
            rendered = Rendered(body, document_hash(body))
            entry.rendered = rendered
        return rendered

    def index(self) -> Rendered:
        """``GET /openapi/v3``."""
        with self._lock:
            cached = self._index
            keys = sorted(self._entries)
            generation = self._generation
        if cached is not None:
            return cached
        hashes: dict[str, str] = {}
        for key in keys:
            rendered = self.document(key)
            if rendered is not None:
                hashes[key] = rendered.etag
        body = render(index_document(hashes, hashes.__getitem__))
        index = Rendered(body, document_hash(body))
        with self._lock:
            if self._generation == generation:
                self._index = index
        return index
