"""The CRD controller: stored CustomResourceDefinitions → kinds in the registry, and the
cleanup of a deleted CRD's custom resources.

`sync()` compares the stored CRDs (key and mod revision: no decoding when nothing changed)
with what it registered last and replaces the difference in one registry change. It runs
at install (so a restarted engine serves every stored CRD before it listens), from a
background thread watching the CRD prefix, and from the registry itself when a lookup
misses (so a custom resource sent right after its CRD never races the thread).

Deleting a CRD marks it with the `customresourcecleanup.apiextensions.k8s.io` finalizer
(CRDStrategy.deletion_finalizers); the thread then deletes its custom resources through
the storage pipeline (their own finalizers honoured) and removes the finalizer once none
is left, which deletes the CRD, as upstream's finalizer controller does.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from engine.api.storage import deletion, writes
from engine.api.storage.codec import decode
from engine.api.storage.options import DeleteOptions, ListOptions, WriteOptions
from engine.api.storage.service import APIStorage
from engine.registry import Registry, ResourceType
from engine.store import StoreError

from .kinds import resource_types
from .strategies import CLEANUP_FINALIZER, CRDStrategy, CustomResourceStrategy

log = logging.getLogger(__name__)

CRD_GROUP, CRD_VERSION, CRD_PLURAL = "apiextensions.k8s.io", "v1", "customresourcedefinitions"
RETRY_SECONDS = 1.0

Obj = dict[str, Any]


class CRDController:
    def __init__(self, storage: APIStorage) -> None:
        self.storage = storage
        self.store = storage.store
        self.registry: Registry = storage.registry
        crd_type = self.registry.lookup(CRD_GROUP, CRD_VERSION, CRD_PLURAL)
        if crd_type is None:
            raise RuntimeError("the registry does not serve CustomResourceDefinitions")
        crd_type.strategy = CRDStrategy()
        self.crd_type: ResourceType = crd_type
        self._lock = threading.RLock()
        self._seen: dict[str, int] = {}  # CRD key → mod revision last registered
        self._served: dict[str, list[tuple[str, str, str]]] = {}  # CRD key → its kinds
        self._terminating: dict[str, Obj] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- registry ------------------------------------------------------------------------

    def sync(self) -> bool:
        """Bring the registry up to date with the stored CRDs; True if it changed."""
        try:
            items = self.store.range(self.crd_type.prefix()).items
        except StoreError:
            return False
        current = {kv.key: kv.mod_revision for kv in items}
        with self._lock:
            if current == self._seen:
                return False
            remove: list[tuple[str, str, str]] = []
            add: list[ResourceType] = []
            for key in set(self._seen) - set(current):
                remove += self._served.pop(key, [])
                self._terminating.pop(key, None)
            for kv in items:
                if self._seen.get(kv.key) == kv.mod_revision:
                    continue
                crd = decode(kv.value, kv.mod_revision)
                types = resource_types(crd, CustomResourceStrategy)
                wanted = {(rt.group, rt.version, rt.plural) for rt in types}
                remove += [gvr for gvr in self._served.get(kv.key, []) if gvr not in wanted]
                self._served[kv.key] = sorted(wanted)
                add += types
                if (crd.get("metadata") or {}).get("deletionTimestamp"):
                    self._terminating[kv.key] = crd
                else:
                    self._terminating.pop(kv.key, None)
            self._seen = current
            self.registry.replace(remove, add)
        return True

    # -- the background thread ---------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ktui-crd-controller", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        try:
            watch = self.store.watch(self.crd_type.prefix())
        except StoreError:
            return
        try:
            self.sync()
            while not self._stop.is_set():
                try:
                    watch.get(timeout=RETRY_SECONDS)
                except StoreError:
                    return
                if self._stop.is_set():
                    return
                self.sync()
                with self._lock:
                    pending = list(self._terminating.values())
                for crd in pending:
                    try:
                        asyncio.run(self.cleanup(crd))
                    except StoreError:
                        return
                    except Exception:
                        log.exception("cleanup of CRD %s failed", crd["metadata"].get("name"))
        finally:
            watch.close()

    # -- deletion ------------------------------------------------------------------------

    async def cleanup(self, crd: Obj) -> None:
        """Delete the CRD's custom resources; when none is left, drop the finalizer."""
        name = crd["metadata"]["name"]
        types = resource_types(crd, CustomResourceStrategy)
        if types:
            rt = types[0]
            ctx = self.storage.ctx
            await deletion.delete_collection(ctx, rt, "", ListOptions(), DeleteOptions())
            if self.store.range(rt.prefix(), limit=1).items:
                return  # some have finalizers of their own: try again later
        if CLEANUP_FINALIZER not in (crd["metadata"].get("finalizers") or []):
            return

        def mutate(current: Obj | None) -> tuple[Obj, bool]:
            assert current is not None
            meta = current["metadata"]
            meta["finalizers"] = [f for f in meta.get("finalizers") or [] if f != CLEANUP_FINALIZER]
            if not meta["finalizers"]:
                del meta["finalizers"]
            return current, False

        try:
            await writes.update(
                self.storage.ctx,
                self.crd_type,
                "",
                name,
                mutate,
                WriteOptions(),
                finalize=deletion.finalize,
            )
        except Exception as exc:
            if getattr(exc, "code", None) != 404:
                raise
        self.sync()


def install_crds(storage: APIStorage) -> CRDController | None:
    """Serve the stored CRDs now, follow changes from now on (None: the registry has no
    CustomResourceDefinition kind, e.g. a test registry)."""
    if storage.registry.lookup(CRD_GROUP, CRD_VERSION, CRD_PLURAL) is None:
        return None
    controller = CRDController(storage)
    controller.sync()
    storage.registry.add_syncer(controller.sync)
    controller.start()
    return controller
