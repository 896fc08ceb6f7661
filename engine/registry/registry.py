"""The registry of kinds: every generic handler looks its resource up here.

Built-in kinds are added when the API server starts; CRDs add and remove entries at run
time. Readers take a snapshot-free path (dict lookups under the GIL); writers bump
`generation` and notify listeners, so discovery and OpenAPI rebuild only after a change.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable

from .types import ResourceType

log = logging.getLogger(__name__)

# kube-apiserver's order of groups in discovery; others (CRD groups) follow alphabetically.
GROUP_ORDER: tuple[str, ...] = (
    "",
    "apiregistration.k8s.io",
    "apps",
    "events.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "networking.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "storage.k8s.io",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "scheduling.k8s.io",
    "coordination.k8s.io",
    "node.k8s.io",
    "discovery.k8s.io",
    "flowcontrol.apiserver.k8s.io",
)

Listener = Callable[["Registry"], None]
# Brings the registry up to date with what is stored (the CRD controller); True if changed.
Syncer = Callable[[], bool]


def group_rank(group: str) -> tuple[int, str]:
    try:
        return (GROUP_ORDER.index(group), "")
    except ValueError:
        return (len(GROUP_ORDER), group)


class Registry:
    def __init__(self, types: Iterable[ResourceType] = ()) -> None:
        self._lock = threading.Lock()
        self._by_resource: dict[tuple[str, str, str], ResourceType] = {}
        self._by_kind: dict[tuple[str, str, str], ResourceType] = {}
        self._listeners: list[Listener] = []
        self._syncers: list[Syncer] = []
        self.generation = 0
        for rt in types:
            self.add(rt, notify=False)

    # -- changes ------------------------------------------------------------------------

    def add(self, rt: ResourceType, *, notify: bool = True) -> None:
        """Add or replace the entry for (group, version, plural)."""
        with self._lock:
            self._by_resource[(rt.group, rt.version, rt.plural)] = rt
            self._by_kind[(rt.group, rt.version, rt.kind)] = rt
            self.generation += 1
        if notify:
            self._notify()

    def remove(self, group: str, version: str, plural: str) -> ResourceType | None:
        with self._lock:
            rt = self._by_resource.pop((group, version, plural), None)
            if rt is not None and self._by_kind.get((group, version, rt.kind)) is rt:
                del self._by_kind[(group, version, rt.kind)]
            self.generation += 1
        if rt is not None:
            self._notify()
        return rt

    def replace(self, remove: Iterable[tuple[str, str, str]], add: Iterable[ResourceType]) -> None:
        """Remove (group, version, plural) entries and add others, notifying once."""
        with self._lock:
            for group, version, plural in remove:
                rt = self._by_resource.pop((group, version, plural), None)
                if rt is not None and self._by_kind.get((group, version, rt.kind)) is rt:
                    del self._by_kind[(group, version, rt.kind)]
            for rt in add:
                self._by_resource[(rt.group, rt.version, rt.plural)] = rt
                self._by_kind[(rt.group, rt.version, rt.kind)] = rt
            self.generation += 1
        self._notify()

    def add_syncer(self, syncer: Syncer) -> None:
        """Register a catch-up hook: called by `sync()`, and by a lookup that misses, so a
        kind created a moment ago (a CRD just stored) is served without waiting for the
        background controller."""
        self._syncers.append(syncer)

    def sync(self) -> bool:
        changed = False
        for syncer in list(self._syncers):
            try:
                changed = syncer() or changed
            except Exception:
                log.exception("registry syncer %r failed", syncer)
        return changed

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(registry)` after every change (discovery, OpenAPI caches)."""
        self._listeners.append(listener)

    def _notify(self) -> None:
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:
                log.exception("registry listener %r failed", listener)

    # -- lookups ------------------------------------------------------------------------

    def lookup(self, group: str, version: str, plural: str) -> ResourceType | None:
        rt = self._by_resource.get((group, version, plural))
        if rt is None and self._syncers and self.sync():
            rt = self._by_resource.get((group, version, plural))
        return rt

    def by_kind(self, group: str, version: str, kind: str) -> ResourceType | None:
        return self._by_kind.get((group, version, kind))

    def for_api_version(self, api_version: str, kind: str) -> ResourceType | None:
        group, _, version = api_version.rpartition("/")
        return self._by_kind.get((group, version, kind))

    def all(self) -> list[ResourceType]:
        """Every entry, in discovery order (group rank, then version, then plural)."""
        with self._lock:
            types = list(self._by_resource.values())
        return sorted(types, key=lambda rt: (group_rank(rt.group), rt.version, rt.plural))

    def groups(self) -> list[str]:
        seen = dict.fromkeys(rt.group for rt in self.all())
        return list(seen)

    def versions(self, group: str) -> list[str]:
        """Versions served in `group`, preferred first."""
        versions = {rt.version for rt in self.all() if rt.group == group}
        return sorted(versions, key=version_priority)

    def in_group_version(self, group: str, version: str) -> list[ResourceType]:
        return [rt for rt in self.all() if rt.group == group and rt.version == version]

    def __len__(self) -> int:
        return len(self._by_resource)


def version_priority(version: str) -> tuple[int, int, int]:
    """Kubernetes version order: GA before beta before alpha, higher numbers first."""

    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if match is None:
        return (3, 0, 0)
    major = int(match.group(1))
    stage = {"None": 0, "beta": 1, "alpha": 2}[str(match.group(2))]
    minor = int(match.group(3) or 0)
    return (stage, -major, -minor)
