"""`kubectl rollout undo`: put an older pod template back into a Deployment, StatefulSet or
DaemonSet. StatefulSets and DaemonSets keep their history as ControllerRevisions
(rollback_revisions); this module does Deployments.

A Deployment keeps its history as the ReplicaSets it owns, each numbered by the
`deployment.kubernetes.io/revision` annotation. Undo copies the chosen ReplicaSet's template
(without the controller's pod-template-hash label) and its annotations into the Deployment;
the Deployment controller then rolls out that template as a new revision.
"""

from __future__ import annotations

import copy
from typing import Any

from ktui.client import Client
from ktui.refs import ObjectRef

from .errors import ActionError
from .history import controlled
from .names import display
from .rollback_revisions import REVISION_KINDS, rollback_set

REVISION = "deployment.kubernetes.io/revision"
HASH_LABEL = "pod-template-hash"
# Annotations the Deployment keeps as its own; the rest come from the ReplicaSet (as kubectl).
KEEP_ON_DEPLOYMENT = {
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
}


def revision_of(obj: dict[str, Any]) -> int:
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(REVISION)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def pick_revision(
    replica_sets: list[dict[str, Any]], to_revision: int, name: str = ""
) -> dict[str, Any]:
    """The ReplicaSet of `to_revision`, or (0) the one before the latest (kubectl's words)."""
    if to_revision:
        for rs in replica_sets:
            if revision_of(rs) == to_revision:
                return rs
        raise ActionError(f"unable to find specified revision {to_revision} in history")
    ordered = sorted(replica_sets, key=revision_of, reverse=True)
    if len(ordered) < 2 or revision_of(ordered[1]) <= 0:
        raise ActionError(f'no rollout history found for deployment "{name}"')
    return ordered[1]


def _without_hash(template: dict[str, Any]) -> dict[str, Any]:
    template = copy.deepcopy(template)
    meta = template.setdefault("metadata", {})
    labels = meta.get("labels") or {}
    labels.pop(HASH_LABEL, None)
    if labels:
        meta["labels"] = labels
    else:
        meta.pop("labels", None)
    return template


async def rollback(client: Client, ref: ObjectRef, to_revision: int = 0) -> str:
    """Roll back to `to_revision`, or (0) to the revision before the latest."""
    key = (ref.resource.group, ref.resource.name)
    if key == ("apps", "deployments"):
        return await rollback_deployment(client, ref, to_revision)
    if key in REVISION_KINDS:
        return await rollback_set(client, ref, to_revision)
    raise ActionError(
        f"{display(ref)}: rollback is supported for Deployments, StatefulSets and DaemonSets only"
    )


async def rollback_deployment(client: Client, ref: ObjectRef, to_revision: int = 0) -> str:
    deployments = client.bind(ref.resource)
    deployment = await deployments.get(ref.name, ref.namespace)
    spec = deployment.get("spec") or {}
    if spec.get("paused"):
        raise ActionError(f"you cannot roll back paused {display(ref)}; resume it first")
    history = await controlled(client, "replicasets.apps", deployment)
    if not history:
        raise ActionError(f"no rollout history found for {display(ref)}")
    target = pick_revision(history, to_revision, ref.name)
    revision = revision_of(target)
    template = _without_hash((target.get("spec") or {}).get("template") or {})
    if template == _without_hash(spec.get("template") or {}):
        return f"{display(ref)} skipped rollback (current template already matches revision {revision})"
    current = deployment["metadata"].get("annotations") or {}
    annotations = {k: v for k, v in current.items() if k in KEEP_ON_DEPLOYMENT}
    for key, value in ((target.get("metadata") or {}).get("annotations") or {}).items():
        if key not in KEEP_ON_DEPLOYMENT:
            annotations[key] = value
    patch = [
        {"op": "replace", "path": "/spec/template", "value": template},
        {"op": "add", "path": "/metadata/annotations", "value": annotations},
    ]
    await deployments.patch(ref.name, patch, ref.namespace, type="json")
    return f"{display(ref)} rolled back"
