"""`kubectl rollout undo` for StatefulSets and DaemonSets: send an older ControllerRevision back.

Their controllers record every pod template they roll out as a ControllerRevision the set
owns, numbered by `.revision`. Its `data` is already the way back: a strategic merge patch
`{"spec": {"template": {..., "$patch": "replace"}}}`. Undo sends that patch to the set as
it is stored (so does kubectl), and the controller rolls the old template out again.
Messages are kubectl's (kubectl/pkg/polymorphichelpers/rollback.go).
"""

from __future__ import annotations

from typing import Any

from ktui.client import ApiError, Client
from ktui.refs import ObjectRef

from .errors import ActionError
from .history import controlled
from .names import display

# (group, resource) of the kinds whose history is ControllerRevisions
REVISION_KINDS = {("apps", "statefulsets"), ("apps", "daemonsets")}


def revision_number(history: dict[str, Any]) -> int:
    value = history.get("revision")
    return value if isinstance(value, int) else 0


def not_found(to_revision: int) -> ActionError:
    return ActionError(f"unable to find specified revision {to_revision} in history")


def pick_history(history: list[dict[str, Any]], to_revision: int) -> dict[str, Any]:
    """The ControllerRevision numbered `to_revision`, or (0) the one before the latest."""
    if to_revision < 0:
        raise not_found(to_revision)
    if to_revision == 0:
        if len(history) <= 1:
            raise ActionError("no last revision to roll back to")
        return sorted(history, key=revision_number)[-2]
    for revision in history:
        if revision_number(revision) == to_revision:
            return revision
    raise not_found(to_revision)


def template_patch(workload: dict[str, Any]) -> dict[str, Any]:
    """The patch the controller records for the workload's current template."""
    template = (workload.get("spec") or {}).get("template") or {}
    return {"spec": {"template": {**template, "$patch": "replace"}}}


def _without_nulls(value: Any) -> Any:
    # Go writes an unset timestamp as null (`creationTimestamp: null` in every recorded
    # template) where a server may leave the key out; both mean "unset".
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def matches(workload: dict[str, Any], history: dict[str, Any]) -> bool:
    """Whether rolling back to `history` would change nothing (kubectl compares the bytes of
    the two patches; this compares their meaning)."""
    return _without_nulls(history.get("data")) == _without_nulls(template_patch(workload))


async def rollback_set(client: Client, ref: ObjectRef, to_revision: int = 0) -> str:
    workloads = client.bind(ref.resource)
    workload = await workloads.get(ref.name, ref.namespace)
    history = await controlled(client, "controllerrevisions.apps", workload)
    target = pick_history(history, to_revision)
    revision = revision_number(target)
    if matches(workload, target):
        # kubectl names `to_revision` here, which reads "revision 0" for the default
        return (
            f"{display(ref)} skipped rollback "
            f"(current template already matches revision {revision})"
        )
    patch = target.get("data")
    if not isinstance(patch, dict):
        name = (target.get("metadata") or {}).get("name")
        raise ActionError(
            f"failed restoring revision {to_revision}: controllerrevision {name} has no data"
        )
    try:
        await workloads.patch(ref.name, patch, ref.namespace, type="strategic")
    except ApiError as error:
        raise ActionError(f"failed restoring revision {to_revision}: {error}") from error
    return f"{display(ref)} rolled back"
