"""Every built-in kind the engine serves, in one registry."""

from __future__ import annotations

from .kinds.cluster import cluster_kinds
from .kinds.core import core_kinds
from .kinds.workloads import workload_kinds
from .registry import Registry
from .types import ResourceType


def builtin_kinds() -> list[ResourceType]:
    return [*core_kinds(), *workload_kinds(), *cluster_kinds()]


def builtin_registry() -> Registry:
    """A fresh registry holding the built-in kinds (CRDs are added at run time)."""
    return Registry(builtin_kinds())
