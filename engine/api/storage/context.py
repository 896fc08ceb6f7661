"""What every storage operation needs: the store, the kinds, time and randomness."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.clock import Clock
from engine.registry import Registry
from engine.store import Store

from .meta import Identity

if TYPE_CHECKING:
    from .allocators import ServiceAllocator


@dataclass
class StorageContext:
    store: Store
    registry: Registry
    clock: Clock = field(default_factory=Clock)
    identity: Identity = field(default_factory=Identity)
    allocator: ServiceAllocator | None = None
