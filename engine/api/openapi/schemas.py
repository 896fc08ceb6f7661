"""The Kubernetes v1.32 schemas (``components.schemas``), loaded once, looked up by name or GVK.

The data file ``schemas.json.gz`` is produced by ``tools/gen_openapi.py`` (see there for
its source). It is read on first use only: importing the engine costs nothing, and the
first OpenAPI or strict-validation request pays ~20 ms once.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

DATA_FILE = Path(__file__).with_name("schemas.json.gz")
REF_PREFIX = "#/components/schemas/"
GVK_KEY = "x-kubernetes-group-version-kind"

Schema = dict[str, Any]
GVK = tuple[str, str, str]  # (group, version, kind); group "" is the core group

_lock = threading.Lock()
_loaded: dict[str, Any] | None = None
_builtin: SchemaLookup | None = None


def load_document(path: Path = DATA_FILE) -> dict[str, Any]:
    """The whole data file: ``{"kubernetesVersion", "source", "generator", "schemas"}``."""
    global _loaded
    if path != DATA_FILE:
        return orjson.loads(gzip.decompress(path.read_bytes()))
    with _lock:
        if _loaded is None:
            _loaded = orjson.loads(gzip.decompress(path.read_bytes()))
        return _loaded


def builtin_schemas() -> dict[str, Schema]:
    """Every built-in schema by its upstream name (``io.k8s.api.core.v1.Pod``...)."""
    return load_document()["schemas"]


def builtin_lookup() -> SchemaLookup:
    """The lookup over the built-in schemas, built once. Treat its schemas as read-only."""
    global _builtin
    if _builtin is None:
        lookup = SchemaLookup(builtin_schemas())
        with _lock:
            if _builtin is None:
                _builtin = lookup
    return _builtin


def ref_name(ref: str) -> str:
    return ref.removeprefix(REF_PREFIX)


def ref_to(name: str) -> dict[str, str]:
    return {"$ref": REF_PREFIX + name}


class SchemaLookup:
    """Schemas by name and by group/version/kind, optionally layered over another lookup.

    CRDs add their schemas with ``extended()``, which returns a new lookup and leaves this
    one untouched (lookups are shared between threads, so they are never mutated).
    """

    def __init__(self, schemas: Mapping[str, Schema], base: SchemaLookup | None = None) -> None:
        self._own = dict(schemas)
        self._base = base
        self._by_gvk: dict[GVK, str] = dict(base._by_gvk) if base is not None else {}
        for name, schema in self._own.items():
            for gvk in schema.get(GVK_KEY, ()):
                self._by_gvk[
                    (gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", ""))
                ] = name
        # Resolved ($ref and single allOf followed) views, memoized by schema identity.
        self._resolved: dict[int, tuple[Schema, Schema]] = {}

    def extended(self, schemas: Mapping[str, Schema]) -> SchemaLookup:
        return SchemaLookup(schemas, self) if schemas else self

    def get(self, name: str) -> Schema | None:
        found = self._own.get(name)
        if found is None and self._base is not None:
            return self._base.get(name)
        return found

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def names(self) -> Iterator[str]:
        if self._base is not None:
            yield from (n for n in self._base.names() if n not in self._own)
        yield from self._own

    def name_for(self, group: str, version: str, kind: str) -> str | None:
        return self._by_gvk.get((group, version, kind))

    def schema_for(self, group: str, version: str, kind: str) -> Schema | None:
        name = self.name_for(group, version, kind)
        return self.get(name) if name is not None else None

    def resolve(self, schema: Schema) -> Schema:
        """`schema` with its ``$ref`` (or ``allOf: [{$ref}]`` + siblings) followed and merged.

        Siblings win over the target's keys: they carry the list type, map keys and patch
        strategy of the field, while the target carries the type's properties.
        """
        memo = self._resolved.get(id(schema))
        if memo is not None and memo[0] is schema:
            return memo[1]
        resolved = self._resolve(schema, depth=0)
        self._resolved[id(schema)] = (schema, resolved)
        return resolved

    def _resolve(self, schema: Schema, depth: int) -> Schema:
        if depth > 32:  # a reference cycle without structure; treat as free-form
            return {}
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target = self.get(ref_name(ref)) or {}
            return self._resolve(target, depth + 1)
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict):
            target = self._resolve(all_of[0], depth + 1)
            siblings = {k: v for k, v in schema.items() if k != "allOf"}
            return {**target, **siblings}
        return schema
