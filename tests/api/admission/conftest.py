"""Fixtures: the storage pipeline in process (fast), with the system namespaces."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from engine.api.storage.bootstrap import bootstrap
from engine.api.storage.meta import SeededIdentity
from engine.api.storage.options import WriteOptions
from engine.api.storage.service import APIStorage
from engine.clock import FakeClock
from engine.registry import builtin_registry
from engine.store import Store

Obj = dict[str, Any]
OPTS = WriteOptions(field_manager="test")


class Cluster:
    """Create/get/delete by (plural, namespace) on an APIStorage."""

    def __init__(self, storage: APIStorage) -> None:
        self.storage = storage

    def rt(self, plural: str, group: str = ""):
        for rt in self.storage.registry.all():
            if rt.group == group and rt.plural == plural:
                return rt
        raise KeyError(plural)

    async def create(
        self, plural: str, obj: Obj, namespace: str = "default", group: str = "", **kw: Any
    ) -> Obj:
        if plural != "namespaces" and namespace != "default":
            await self.ensure_namespace(namespace)
        opts = WriteOptions(field_manager="test", **kw)
        return await self.storage.create(self.rt(plural, group), namespace, obj, opts)

    async def ensure_namespace(self, name: str) -> None:
        from engine.api.status import StatusError

        try:
            await self.storage.create(self.rt("namespaces"), "", {"metadata": {"name": name}}, OPTS)
        except StatusError as error:
            if error.code != 409:
                raise

    async def get(self, plural: str, name: str, namespace: str = "default") -> Obj:
        return await self.storage.get_object(self.rt(plural), namespace, name)

    async def delete(self, plural: str, name: str, namespace: str = "default") -> None:
        from engine.api.storage.options import DeleteOptions

        await self.storage.delete(self.rt(plural), namespace, name, DeleteOptions())

    async def patch_status(self, plural: str, name: str, status: Obj, ns: str = "default") -> Obj:
        outcome = await self.storage.patch(
            self.rt(plural),
            ns,
            name,
            "application/merge-patch+json",
            {"status": status},
            OPTS,
            subresource="status",
        )
        return outcome.obj


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    store = Store(tmp_path / "store")
    storage = APIStorage(store, builtin_registry(), FakeClock(), SeededIdentity(1))
    await bootstrap(storage, "127.0.0.1", 6443)
    yield Cluster(storage)
    storage.close()
    store.close()


def pod(name: str, *containers: Obj, **spec: Any) -> Obj:
    if not containers:
        containers = ({"name": "c", "image": "nginx:1.25"},)
    return {"metadata": {"name": name}, "spec": {"containers": list(containers), **spec}}


def container(name: str = "c", requests: Obj | None = None, limits: Obj | None = None) -> Obj:
    resources: Obj = {}
    if requests:
        resources["requests"] = requests
    if limits:
        resources["limits"] = limits
    return {"name": name, "image": "nginx:1.25", "resources": resources}
