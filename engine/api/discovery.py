"""API discovery generated from the registry: aggregated (apidiscovery.k8s.io v2 and
v2beta1 APIGroupDiscoveryList) and legacy (APIVersions, APIGroupList, APIGroup,
APIResourceList). Bodies are rendered once and cached until the registry changes."""

from __future__ import annotations

import hashlib
import threading
from typing import Any

import orjson

from engine.registry import Registry, ResourceType

Obj = dict[str, Any]

AGGREGATED_CONTENT_TYPES = {
    "v2": b"application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
    "v2beta1": b"application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList",
}


def storage_version_hash(rt: ResourceType) -> str:
    """An opaque hash of the storage version (what upstream derives from group/version/kind)."""
    digest = hashlib.sha256(f"{rt.group}/{rt.version}/{rt.kind}".encode()).digest()
    import base64

    return base64.b64encode(digest[:8]).decode()


def api_resource(rt: ResourceType) -> list[Obj]:
    """APIResourceList entries: the resource, then its subresources."""
    entry: Obj = {
        "name": rt.plural,
        "singularName": rt.singular,
        "namespaced": rt.namespaced,
        "kind": rt.kind,
        "verbs": sorted(rt.verbs),
    }
    if rt.short_names:
        entry["shortNames"] = list(rt.short_names)
    if rt.categories:
        entry["categories"] = list(rt.categories)
    entry["storageVersionHash"] = storage_version_hash(rt)
    entries = [entry]
    for sub in rt.subresources:
        item: Obj = {
            "name": f"{rt.plural}/{sub.name}",
            "singularName": "",
            "namespaced": rt.namespaced,
            "kind": sub.kind,
            "verbs": sorted(sub.verbs),
        }
        if sub.group is not None:
            item["group"] = sub.group
            item["version"] = sub.version
        entries.append(item)
    return entries


def aggregated_resource(rt: ResourceType) -> Obj:
    entry: Obj = {
        "resource": rt.plural,
        "responseKind": {"group": rt.group, "version": rt.version, "kind": rt.kind},
        "scope": "Namespaced" if rt.namespaced else "Cluster",
        "singularResource": rt.singular,
        "verbs": sorted(rt.verbs),
    }
    if rt.short_names:
        entry["shortNames"] = list(rt.short_names)
    if rt.categories:
        entry["categories"] = list(rt.categories)
    if rt.subresources:
        entry["subresources"] = [
            {
                "subresource": sub.name,
                "responseKind": {
                    "group": sub.group if sub.group is not None else rt.group,
                    "version": sub.version if sub.version is not None else rt.version,
                    "kind": sub.kind,
                },
                "verbs": sorted(sub.verbs),
            }
            for sub in rt.subresources
        ]
    return entry


class Discovery:
    """Renders discovery documents on demand and caches them per registry generation."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, ...], bytes] = {}
        self._generation = -1

    def _cached(self, key: tuple[str, ...], build: Any) -> bytes:
        with self._lock:
            if self._generation != self.registry.generation:
                self._cache.clear()
                self._generation = self.registry.generation
            body = self._cache.get(key)
        if body is None:
            body = orjson.dumps(build())
            with self._lock:
                self._cache[key] = body
        return body

    # -- aggregated ---------------------------------------------------------------------

    def aggregated(self, core: bool, version: str) -> bytes:
        self.registry.sync()  # a CRD stored a moment ago is listed already
        return self._cached(
            ("aggregated", str(core), version), lambda: self._aggregated(core, version)
        )

    def _aggregated(self, core: bool, version: str) -> Obj:
        items = []
        for group in self.registry.groups():
            if (group == "") != core:
                continue
            versions = []
            for gv in self.registry.versions(group):
                resources = [
                    aggregated_resource(rt) for rt in self.registry.in_group_version(group, gv)
                ]
                versions.append({"version": gv, "resources": resources, "freshness": "Current"})
            meta: Obj = {"creationTimestamp": None}
            if group:
                meta = {"name": group, "creationTimestamp": None}
            items.append({"metadata": meta, "versions": versions})
        return {
            "kind": "APIGroupDiscoveryList",
            "apiVersion": f"apidiscovery.k8s.io/{version}",
            "metadata": {},
            "items": items,
        }

    # -- legacy -------------------------------------------------------------------------

    def api_versions(self, server_address: str) -> bytes:
        return orjson.dumps(
            {
                "kind": "APIVersions",
                "versions": self.registry.versions("") or ["v1"],
                "serverAddressByClientCIDRs": [
                    {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
                ],
            }
        )

    def _group(self, group: str) -> Obj:
        versions = [
            {"groupVersion": f"{group}/{v}", "version": v} for v in self.registry.versions(group)
        ]
        return {"name": group, "versions": versions, "preferredVersion": versions[0]}

    def group_list(self) -> bytes:
        self.registry.sync()

        def build() -> Obj:
            groups = [self._group(g) for g in self.registry.groups() if g]
            return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}

        return self._cached(("groups",), build)

    def group(self, group: str) -> bytes | None:
        self.registry.sync()
        if not group or group not in self.registry.groups():
            return None
        return self._cached(
            ("group", group), lambda: {"kind": "APIGroup", "apiVersion": "v1", **self._group(group)}
        )

    def resource_list(self, group: str, version: str) -> bytes | None:
        self.registry.sync()
        types = self.registry.in_group_version(group, version)
        if not types:
            return None

        def build() -> Obj:
            resources = [entry for rt in types for entry in api_resource(rt)]
            body: Obj = {"kind": "APIResourceList"}
            if group:
                body["apiVersion"] = "v1"
            body["groupVersion"] = f"{group}/{version}" if group else version
            body["resources"] = resources
            return body

        return self._cached(("resources", group, version), build)
