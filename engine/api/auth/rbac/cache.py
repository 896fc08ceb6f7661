"""An informer over Roles, ClusterRoles, RoleBindings and ClusterRoleBindings.

One list of each kind from the store, then a watch from that revision, followed by a
thread with its own event loop (one task per kind), as client-go's shared informers do.
Authorization reads an immutable `Snapshot`, rebuilt lazily after a change, indexed by
subject so a request looks at its own bindings only, never at every binding.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from engine.store import Compacted, EventType, Store, StoreError, Watch, WatchClosed
from engine.store.watch import STORE_CLOSED

from ..users import service_account_username
from .rules import Rule, compile_rules

log = logging.getLogger(__name__)

ROLES, CLUSTER_ROLES = "roles", "clusterroles"
ROLE_BINDINGS, CLUSTER_ROLE_BINDINGS = "rolebindings", "clusterrolebindings"
KINDS = (ROLES, CLUSTER_ROLES, ROLE_BINDINGS, CLUSTER_ROLE_BINDINGS)
PREFIXES = {kind: f"/registry/{kind}/" for kind in KINDS}  # upstream's etcd layout

SubjectKey = tuple[str, str]  # ("User", name) or ("Group", name); ServiceAccounts as users
Obj = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Grant:
    """One binding of one subject to a role: enough to authorize and to explain why."""

    binding_kind: str  # RoleBinding / ClusterRoleBinding
    binding: str  # "ns/name" or "name"
    role_kind: str  # Role / ClusterRole
    role: str
    namespace: str  # of the binding ("" for ClusterRoleBindings)
    subject: str  # `User "jane"`, for the allow reason


@dataclass(slots=True)
class Snapshot:
    cluster_roles: dict[str, tuple[Rule, ...]] = field(default_factory=dict)
    roles: dict[tuple[str, str], tuple[Rule, ...]] = field(default_factory=dict)
    cluster_grants: dict[SubjectKey, list[Grant]] = field(default_factory=dict)
    grants: dict[str, dict[SubjectKey, list[Grant]]] = field(default_factory=dict)

    def rules_of(self, grant: Grant) -> tuple[Rule, ...] | None:
        if grant.role_kind == "ClusterRole":
            return self.cluster_roles.get(grant.role)
        if grant.role_kind == "Role":
            return self.roles.get((grant.namespace, grant.role))
        return None


def subject_key(subject: Any, namespace: str) -> tuple[SubjectKey, str] | None:
    """The index key of a binding subject and how upstream prints it."""
    if not isinstance(subject, dict):
        return None
    kind, name = subject.get("kind"), subject.get("name")
    if not isinstance(name, str) or not name:
        return None
    if kind == "User":
        return ("User", name), f'User "{name}"'
    if kind == "Group":
        return ("Group", name), f'Group "{name}"'
    if kind == "ServiceAccount":
        ns = subject.get("namespace") or namespace  # local SAs need no namespace
        if not ns:
            return None
        return ("User", service_account_username(ns, name)), f'ServiceAccount "{ns}/{name}"'
    return None


class RBACCache:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._objects: dict[str, dict[str, Obj]] = {kind: {} for kind in KINDS}
        self._lock = threading.Lock()
        self._generation = 0
        self._snapshot: tuple[int, Snapshot] | None = None
        self._listeners: list[Callable[[str], None]] = []
        self._thread: threading.Thread | None = None
        self._watches: set[Watch] = set()
        self._stopped = False
        self._revisions: dict[str, int] = {}

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """List every kind now (so the first request sees the policy), then follow."""
        for kind in KINDS:
            self._revisions[kind] = self._relist(kind)
        self._thread = threading.Thread(target=self._run, name="ktui-rbac-informer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """End the watches (which ends the thread) and wait for the thread."""
        self._stopped = True
        for watch in list(self._watches):
            watch.close()
        if self._thread is not None:
            self._thread.join(5.0)
            self._thread = None

    def subscribe(self, listener: Callable[[str], None]) -> None:
        """`listener(kind)` runs on the informer thread after each batch of changes."""
        self._listeners.append(listener)

    # -- reads ---------------------------------------------------------------------------

    def objects(self, kind: str) -> list[Obj]:
        with self._lock:
            return list(self._objects[kind].values())

    def snapshot(self) -> Snapshot:
        cached = self._snapshot
        generation = self._generation
        if cached is not None and cached[0] == generation:
            return cached[1]
        with self._lock:
            generation = self._generation
            snapshot = _build(self._objects)
        self._snapshot = (generation, snapshot)
        return snapshot

    # -- following the store -------------------------------------------------------------

    def _relist(self, kind: str) -> int:
        result = self.store.range(PREFIXES[kind])
        objects = {}
        for kv in result.items:
            obj = _decode(kv.value)
            if obj is not None:
                objects[kv.key] = obj
        with self._lock:
            self._objects[kind] = objects
            self._generation += 1
        return result.revision

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self._follow_all())
        except Exception:
            if not self._stopped:
                log.exception("the RBAC informer stopped")
        finally:
            loop.close()

    async def _follow_all(self) -> None:
        await asyncio.gather(*(self._follow(kind) for kind in KINDS))

    async def _follow(self, kind: str) -> None:
        prefix = PREFIXES[kind]
        while not self._stopped:
            try:
                watch = self.store.watch(prefix, after_revision=self._revisions[kind])
            except Compacted:
                self._revisions[kind] = self._relist(kind)
                self._changed(kind)
                continue
            except StoreError:
                return  # the store closed: the engine is stopping
            self._watches.add(watch)
            if self._stopped:
                watch.close()
            try:
                async for events in watch:
                    self._apply(kind, events)
                    self._revisions[kind] = watch.revision
                    self._changed(kind)
                return
            except WatchClosed as closed:
                if closed.reason == STORE_CLOSED:
                    return
                log.info("RBAC watch on %s ended (%s); listing again", kind, closed)
                self._revisions[kind] = self._relist(kind)
                self._changed(kind)
            except StoreError:
                return
            finally:
                self._watches.discard(watch)
                watch.close()

    def _apply(self, kind: str, events: list[Any]) -> None:
        with self._lock:
            objects = self._objects[kind]
            for event in events:
                if event.type == EventType.PUT:
                    obj = _decode(event.value)
                    if obj is not None:
                        objects[event.key] = obj
                elif event.type == EventType.DELETE:
                    objects.pop(event.key, None)
            self._generation += 1

    def _changed(self, kind: str) -> None:
        for listener in self._listeners:
            try:
                listener(kind)
            except Exception:
                log.exception("RBAC cache listener failed")


def _decode(value: bytes | None) -> Obj | None:
    if not value:
        return None
    try:
        obj = orjson.loads(value)
    except orjson.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


def _build(objects: dict[str, dict[str, Obj]]) -> Snapshot:
    snap = Snapshot()
    for obj in objects[CLUSTER_ROLES].values():
        snap.cluster_roles[_meta(obj)[1]] = compile_rules(obj.get("rules"))
    for obj in objects[ROLES].values():
        snap.roles[_meta(obj)] = compile_rules(obj.get("rules"))
    for kind, namespaced in ((CLUSTER_ROLE_BINDINGS, False), (ROLE_BINDINGS, True)):
        for obj in objects[kind].values():
            namespace, name = _meta(obj)
            ref = obj.get("roleRef") or {}
            role_kind, role = ref.get("kind", ""), ref.get("name", "")
            binding_kind = "RoleBinding" if namespaced else "ClusterRoleBinding"
            index = snap.grants.setdefault(namespace, {}) if namespaced else snap.cluster_grants
            for subject in obj.get("subjects") or ():
                found = subject_key(subject, namespace)
                if found is None:
                    continue
                key, described = found
                where = f"{namespace}/{name}" if namespaced else name
                grant = Grant(binding_kind, where, role_kind, role, namespace, described)
                index.setdefault(key, []).append(grant)
    return snap


def _meta(obj: Obj) -> tuple[str, str]:
    meta = obj.get("metadata") or {}
    return str(meta.get("namespace") or ""), str(meta.get("name") or "")
