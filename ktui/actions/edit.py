"""Replacing an edited object as `kubectl edit` does: PUT with fieldValidation=Strict (unknown
or duplicate fields are errors, not silently dropped), first as a server dry run whose answer
is what the server would store, then for real. The edited object carries the
resourceVersion it was loaded at, so a change made meanwhile is a Conflict, not lost."""

from __future__ import annotations

import re
from typing import Any

from ktui.client import ApiError, Client
from ktui.refs import ObjectRef

from .names import display

FIELD_MANAGER = "ktui-edit"


async def _put(
    client: Client, ref: ObjectRef, obj: dict[str, Any], dry_run: bool
) -> dict[str, Any]:
    res = client.bind(ref.resource)
    params = {
        "fieldManager": FIELD_MANAGER,
        "fieldValidation": "Strict",
        "dryRun": "All" if dry_run else None,
    }
    return await client.json("PUT", res.path(ref.name, ref.namespace), body=obj, params=params)


async def dry_run_replace(client: Client, ref: ObjectRef, obj: dict[str, Any]) -> dict[str, Any]:
    """What the server would store for `obj` (defaults filled, admission run); nothing changes."""
    return await _put(client, ref, obj, dry_run=True)


async def replace(
    client: Client, ref: ObjectRef, obj: dict[str, Any]
) -> tuple[dict[str, Any], str]:
    """Store `obj`; returns the stored object and `deployment.apps/web edited`."""
    stored = await _put(client, ref, obj, dry_run=False)
    return stored, f"{display(ref)} edited"


# Where servers name the offending field: Strict decoding ("unknown field \"spec.foo\""),
# Go's JSON decoder ("Go struct field DeploymentSpec.spec.replicas of type int32") and
# validation ("Deployment.apps \"web\" is invalid: spec.replicas: Invalid value ...").
_FIELD_PATTERNS = [
    re.compile(r'(?:unknown|duplicate) field "([^"]+)"'),
    re.compile(r"Go struct field \w+\.([\w.\[\]]+) of type"),
    re.compile(r"is invalid: ([\w.\[\]/-]+): "),
]


def field_paths(error: ApiError) -> list[str]:
    """The field paths an API error blames, most precise first (causes, then the message)."""
    paths = [c["field"] for c in error.causes if c.get("field")]
    for pattern in _FIELD_PATTERNS:
        paths.extend(pattern.findall(error.message))
    seen: set[str] = set()
    return [p for p in paths if not (p in seen or seen.add(p))]
