"""`kubectl rollout undo` for Deployments: put an older ReplicaSet's pod template back.

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
from .names import display

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


def selector_string(selector: dict[str, Any] | None) -> str | None:
    """A LabelSelector as a query string (`app=web,tier in (a,b)`); None selects all."""
    if not selector:
        return None
    parts = [f"{k}={v}" for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts) or None


def revision_of(obj: dict[str, Any]) -> int:
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(REVISION)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def owned_by(obj: dict[str, Any], uid: str) -> bool:
    refs = (obj.get("metadata") or {}).get("ownerReferences") or []
    return any(r.get("uid") == uid and r.get("controller") for r in refs)


def pick_revision(replica_sets: list[dict[str, Any]], to_revision: int) -> dict[str, Any]:
    """The ReplicaSet of `to_revision`, or (0) the one before the latest."""
    if to_revision:
        for rs in replica_sets:
            if revision_of(rs) == to_revision:
                return rs
        raise ActionError(f"unable to find specified revision {to_revision} in history")
    ordered = sorted(replica_sets, key=revision_of, reverse=True)
    if len(ordered) < 2 or revision_of(ordered[1]) <= 0:
        raise ActionError("no previous revision to roll back to")
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
    if (ref.resource.group, ref.resource.name) != ("apps", "deployments"):
        raise ActionError(f"{display(ref)}: rollback is supported for Deployments only")
    deployments = client.bind(ref.resource)
    deployment = await deployments.get(ref.name, ref.namespace)
    spec = deployment.get("spec") or {}
    if spec.get("paused"):
        raise ActionError(f"you cannot roll back paused {display(ref)}; resume it first")
    uid = deployment["metadata"].get("uid", "")
    replica_sets = await client.resource("replicasets.apps")
    listed = await replica_sets.list(
        ref.namespace, label_selector=selector_string(spec.get("selector"))
    )
    history = [rs for rs in listed.items if owned_by(rs, uid)]
    if not history:
        raise ActionError(f"no rollout history found for {display(ref)}")
    target = pick_revision(history, to_revision)
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
    return f"{display(ref)} rolled back to revision {revision}"
