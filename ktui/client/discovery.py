"""Discovery and the REST mapper: which resources the server has and what they are called.

Aggregated discovery (apidiscovery.k8s.io/v2, two requests) is used when the server offers
it, the legacy per-group-version documents otherwise, exactly as kubectl decides: by the
Content-Type of the answer. The result is cached; an unknown name refreshes it once
(a CRD may have been created since).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import NotFound, UnknownResource

if TYPE_CHECKING:
    from .client import Client

AGGREGATED = "as=APIGroupDiscoveryList"
ACCEPT_DISCOVERY = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)


@dataclass(frozen=True)
class APIResource:
    """One resource of one group-version (`deployments` of `apps/v1`)."""

    group: str
    version: str
    kind: str
    name: str  # the plural, used in URLs
    namespaced: bool
    singular: str = ""
    verbs: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: dict[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def prefix(self) -> str:
        return f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"

    @property
    def qualified_name(self) -> str:
        """`deployments.apps`, or `pods` for the core group (kubectl's spelling)."""
        return f"{self.name}.{self.group}" if self.group else self.name

    def names(self) -> set[str]:
        return {self.name, self.singular or self.kind.lower(), self.kind.lower(), *self.short_names}


class Discovery:
    """The server's resources, cached."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._resources: list[APIResource] | None = None
        self._lock = asyncio.Lock()
        self.aggregated: bool | None = None  # which protocol the last refresh used

    def invalidate(self) -> None:
        self._resources = None

    async def resources(self, refresh: bool = False) -> list[APIResource]:
        async with self._lock:
            if refresh or self._resources is None:
                self._resources = await self._fetch()
            return self._resources

    async def find(self, name: str) -> APIResource:
        """Resolve any name kubectl accepts; refreshes discovery once if it is unknown."""
        for refresh in (False, True):
            found = _match(await self.resources(refresh), name)
            if found:
                return found[0]
        raise UnknownResource(f'the server doesn\'t have a resource type "{name}"')

    async def for_kind(self, api_version: str, kind: str) -> APIResource:
        """The resource serving objects of `apiVersion`/`kind` (for manifests)."""
        group, _, version = api_version.rpartition("/")
        for refresh in (False, True):
            for r in await self.resources(refresh):
                if r.kind == kind and r.group == group and r.version == version:
                    return r
        raise UnknownResource(f'no resource for kind "{kind}" in version "{api_version}"')

    async def _fetch(self) -> list[APIResource]:
        core, groups = await asyncio.gather(
            self._client.request("GET", "/api", accept=ACCEPT_DISCOVERY),
            self._client.request("GET", "/apis", accept=ACCEPT_DISCOVERY),
        )
        if all(AGGREGATED in r.headers.get("content-type", "") for r in (core, groups)):
            self.aggregated = True
            return [*_from_aggregated(core.json()), *_from_aggregated(groups.json())]
        self.aggregated = False
        return await self._legacy(core.json(), groups.json())

    async def _legacy(self, core: dict[str, Any], groups: dict[str, Any]) -> list[APIResource]:
        paths = [(f"/api/{v}", "", v) for v in core.get("versions") or []]
        for group in groups.get("groups") or []:
            preferred = (group.get("preferredVersion") or {}).get("version")
            versions = [v["version"] for v in group.get("versions") or []]
            versions.sort(key=lambda v: v != preferred)  # preferred first, stable otherwise
            paths += [(f"/apis/{group['name']}/{v}", group["name"], v) for v in versions]

        async def one(path: str, group: str, version: str) -> list[APIResource]:
            try:
                doc = await self._client.json("GET", path)
            except NotFound:  # a group-version that vanished between the two requests
                return []
            return _from_legacy(doc, group, version)

        lists = await asyncio.gather(*(one(*p) for p in paths))
        return [r for resources in lists for r in resources]


def _from_aggregated(doc: dict[str, Any]) -> list[APIResource]:
    out: list[APIResource] = []
    for item in doc.get("items") or []:
        group = (item.get("metadata") or {}).get("name") or ""
        for version in item.get("versions") or []:
            for res in version.get("resources") or []:
                kind = (res.get("responseKind") or {}).get("kind") or ""
                subs = {
                    s["subresource"]: tuple(s.get("verbs") or [])
                    for s in res.get("subresources") or []
                }
                out.append(
                    APIResource(
                        group=group,
                        version=version["version"],
                        kind=kind,
                        name=res["resource"],
                        namespaced=res.get("scope") == "Namespaced",
                        singular=res.get("singularResource") or kind.lower(),
                        verbs=tuple(res.get("verbs") or ()),
                        short_names=tuple(res.get("shortNames") or ()),
                        categories=tuple(res.get("categories") or ()),
                        subresources=subs,
                    )
                )
    return out


def _from_legacy(doc: dict[str, Any], group: str, version: str) -> list[APIResource]:
    entries = doc.get("resources") or []
    subs: dict[str, dict[str, tuple[str, ...]]] = {}
    for e in entries:
        if "/" in e["name"]:
            parent, sub = e["name"].split("/", 1)
            subs.setdefault(parent, {})[sub] = tuple(e.get("verbs") or ())
    return [
        APIResource(
            group=group,
            version=version,
            kind=e.get("kind") or "",
            name=e["name"],
            namespaced=bool(e.get("namespaced")),
            singular=e.get("singularName") or (e.get("kind") or "").lower(),
            verbs=tuple(e.get("verbs") or ()),
            short_names=tuple(e.get("shortNames") or ()),
            categories=tuple(e.get("categories") or ()),
            subresources=subs.get(e["name"], {}),
        )
        for e in entries
        if "/" not in e["name"]
    ]


def _match(resources: list[APIResource], name: str) -> list[APIResource]:
    """Candidates for `name`, best first (discovery order: core, then groups as served)."""
    wanted = name.strip()
    if wanted.count("/") >= 1:  # apps/v1/Deployment, v1/pods, apps/v1/deployments
        head, _, leaf = wanted.rpartition("/")
        group, _, version = head.rpartition("/")
        return [
            r
            for r in resources
            if r.group == group and r.version == version and leaf.lower() in r.names()
        ]
    lowered = wanted.lower()
    plain = [r for r in resources if lowered in r.names()]
    if plain:
        return plain
    resource, _, rest = lowered.partition(".")  # deploy.v1.apps or deployments.apps
    if not rest:
        return []
    version, _, group = rest.partition(".")
    return [
        r
        for r in resources
        if resource in r.names()
        and (r.group == rest or (r.version == version and r.group == group))
    ]
