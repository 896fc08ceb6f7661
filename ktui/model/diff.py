"""A unified diff of two objects as YAML, as `kubectl diff` shows it: server bookkeeping
that changes on every write (managedFields, resourceVersion, generation) and status (which
an edit cannot change) are left out, so only what the user changed shows."""

from __future__ import annotations

import difflib
from typing import Any

from .yaml_edit import dump, without

NOISE: tuple[tuple[str, ...], ...] = (
    ("metadata", "managedFields"),
    ("metadata", "resourceVersion"),
    ("metadata", "generation"),
    ("status",),
)


def strip_noise(obj: dict[str, Any], noise: tuple[tuple[str, ...], ...] = NOISE) -> dict[str, Any]:
    return without(obj, noise)


def diff_objects(
    old: dict[str, Any],
    new: dict[str, Any],
    *,
    old_label: str = "live",
    new_label: str = "edited",
    context: int = 3,
    noise: tuple[tuple[str, ...], ...] = NOISE,
) -> list[str]:
    """Unified diff lines (no line endings); empty when nothing but noise differs."""
    before = dump(strip_noise(old, noise)).splitlines()
    after = dump(strip_noise(new, noise)).splitlines()
    return list(difflib.unified_diff(before, after, old_label, new_label, n=context, lineterm=""))


def diff_counts(lines: list[str]) -> tuple[int, int]:
    """(lines added, lines removed) of a unified diff."""
    added = sum(1 for x in lines if x.startswith("+") and not x.startswith("+++"))
    removed = sum(1 for x in lines if x.startswith("-") and not x.startswith("---"))
    return added, removed
