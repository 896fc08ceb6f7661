"""A reference to one object of one kind: what screens pass to each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ktui.client import APIResource


@dataclass(frozen=True)
class ObjectRef:
    resource: APIResource
    name: str
    namespace: str | None = None  # None for cluster-scoped kinds

    @classmethod
    def of(cls, resource: APIResource, obj: dict[str, Any]) -> ObjectRef:
        meta = obj.get("metadata") or {}
        namespace = meta.get("namespace") if resource.namespaced else None
        return cls(resource, meta.get("name", ""), namespace)

    @property
    def title(self) -> str:
        """`pods/web-1 (default)` — for headers and messages."""
        where = f" ({self.namespace})" if self.namespace else ""
        return f"{self.resource.name}/{self.name}{where}"
