"""Subresources with their own logic: scale, pods/binding, pods/eviction, namespaces/finalize."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from engine.api.selectors import format_label_selector, format_labels, selector_from_label_selector
from engine.api.status import StatusError
from engine.registry.field_errors import invalid as field_invalid
from engine.registry.types import Obj, ResourceType
from engine.registry.validation.workloads import non_negative

from .context import StorageContext
from .deletion import delete, finalize, remove
from .errors import bad_request, conflict, invalid, not_found, too_many_requests
from .meta import metadata, now
from .options import DeleteOptions, ListOptions, WriteOptions
from .reads import list_objects
from .views import kv_object
from .writes import Outcome, update

ScaleChange = Callable[[Obj], "tuple[Obj, bool]"]


# -- scale ------------------------------------------------------------------------------


def _get_path(obj: Obj, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(part)  # type: ignore[assignment]
    return obj


def to_scale(rt: ResourceType, obj: Obj) -> Obj:
    """autoscaling/v1 Scale of a Deployment, ReplicaSet, StatefulSet or RC."""
    mapping = rt.scale
    assert mapping is not None
    meta = obj.get("metadata") or {}
    selector = _get_path(obj, mapping.selector) if mapping.selector else None
    if mapping.selector_is_text:  # a CRD's labelSelectorPath points at a string
        selector_text = selector if isinstance(selector, str) else ""
    elif mapping.selector_is_map:
        selector_text = format_labels(selector or {})
    else:
        selector_text = format_label_selector(selector) if selector else ""
    status: Obj = {"replicas": _get_path(obj, mapping.status_replicas) or 0}
    if selector_text:
        status["selector"] = selector_text
    scale_meta = {
        key: meta[key]
        for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
        if key in meta
    }
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": scale_meta,
        "spec": {"replicas": _get_path(obj, mapping.spec_replicas) or 0},
        "status": status,
    }


async def update_scale(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    name: str,
    change: ScaleChange,
    opts: WriteOptions,
) -> Obj:
    """Apply `change` (Scale → new Scale) to the parent's replicas."""
    mapping = rt.scale
    assert mapping is not None

    def mutate(parent: Obj | None) -> tuple[Obj, bool]:
        if parent is None:
            raise not_found(rt, name, f"{rt.qualified_resource}/scale")
        old_scale = to_scale(rt, parent)
        scale, pinned = change(copy.deepcopy(old_scale))
        if not isinstance(scale, dict):
            raise bad_request("the body of the request must be a Scale object")
        if scale.get("kind") not in (None, "Scale"):
            raise bad_request(f"expected input object type to be Scale, but {scale.get('kind')}")
        replicas = (scale.get("spec") or {}).get("replicas", 0)
        errors = non_negative(replicas, "spec.replicas")
        if errors:
            raise invalid(rt, name, errors, kind="Scale.autoscaling")
        smeta = scale.get("metadata") or {}
        if not isinstance(smeta, dict):
            raise bad_request("the body of the request must be a Scale object")
        if smeta.get("uid") and smeta["uid"] != parent["metadata"].get("uid"):
            raise conflict(
                rt,
                name,
                f"Precondition failed: UID in precondition: {smeta['uid']}, UID in object meta: {parent['metadata'].get('uid')}",
                f"{rt.qualified_resource}/scale",
            )
        target = parent
        for part in mapping.spec_replicas[:-1]:
            target = target.setdefault(part, {})
        target[mapping.spec_replicas[-1]] = replicas
        parent["metadata"]["resourceVersion"] = smeta.get("resourceVersion") or ""
        return parent, pinned

    outcome = await update(ctx, rt, namespace, name, mutate, opts, subresource="scale")
    return to_scale(rt, outcome.obj)


# -- pods/binding -----------------------------------------------------------------------


async def bind(
    ctx: StorageContext,
    pods: ResourceType,
    namespace: str,
    name: str,
    binding: Any,
    opts: WriteOptions,
) -> None:
    """Set spec.nodeName once (the scheduler's write); 409 when already bound."""
    if not isinstance(binding, dict):
        raise bad_request("the body of the request must be a Binding object")
    bmeta = binding.get("metadata") or {}
    if bmeta.get("name") and bmeta["name"] != name:
        raise bad_request("name in URL does not match name in Binding object")
    target = binding.get("target") or {}
    node = target.get("name")
    if target.get("kind") not in (None, "", "Node"):
        raise invalid(
            pods,
            name,
            [field_invalid("target.kind", target.get("kind"), "must be empty or 'Node'")],
            kind="Binding",
        )
    if not node:
        raise invalid(
            pods, name, [field_invalid("target.name", "", "must be a node name")], kind="Binding"
        )

    def mutate(pod: Obj | None) -> tuple[Obj, bool]:
        if pod is None:
            raise not_found(pods, name)
        meta = metadata(pod)
        if meta.get("deletionTimestamp"):
            raise conflict(
                pods,
                name,
                f"pod {name} is being deleted, cannot be assigned to a host",
                "pods/binding",
            )
        spec = pod.setdefault("spec", {})
        if spec.get("nodeName"):
            assigned = f'pod {name} is already assigned to node "{spec["nodeName"]}"'
            raise conflict(pods, name, assigned, "pods/binding")
        spec["nodeName"] = node
        for key, value in (bmeta.get("annotations") or {}).items():
            meta.setdefault("annotations", {})[key] = value
        status = pod.setdefault("status", {})
        conditions = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
        conditions.append(
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": now(ctx.clock),
            }
        )
        status["conditions"] = conditions
        return pod, False

    await update(ctx, pods, namespace, name, mutate, opts, subresource="binding")


# -- pods/eviction ----------------------------------------------------------------------

EVICTION_BLOCKED = "Cannot evict pod as it would violate the pod's disruption budget."


async def evict(
    ctx: StorageContext,
    pods: ResourceType,
    pdbs: ResourceType | None,
    namespace: str,
    name: str,
    eviction: Any,
) -> None:
    """Delete the pod unless a PodDisruptionBudget forbids it (429)."""
    if not isinstance(eviction, dict):
        raise bad_request("the body of the request must be an Eviction object")
    emeta = eviction.get("metadata") or {}
    if emeta.get("name") and emeta["name"] != name:
        raise bad_request("name in URL does not match name in Eviction object")
    options = DeleteOptions.parse({}, eviction.get("deleteOptions"))
    try:
        kv = ctx.store.get(pods.key(namespace, name))
    except Exception:
        raise not_found(pods, name) from None
    pod = kv_object(pods, kv)
    phase = (pod.get("status") or {}).get("phase")
    ignores_budget = phase in ("Succeeded", "Failed", "Pending") or (pod.get("metadata") or {}).get(
        "deletionTimestamp"
    )
    if pdbs is not None and not ignores_budget:
        page = await list_objects(ctx, pdbs, namespace, ListOptions())
        budgets = (
            page.objects if page.objects is not None else [kv_object(pdbs, kv) for kv in page.items]
        )
        labels = (pod.get("metadata") or {}).get("labels") or {}
        matching = [b for b in budgets if _budget_selects(b, labels)]
        if len(matching) > 1:
            raise StatusError(
                500,
                "InternalError",
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
            )
        if matching:
            await _spend_budget(ctx, pdbs, namespace, matching[0])
    await delete(ctx, pods, namespace, name, options)


def _budget_selects(budget: Obj, labels: dict[str, str]) -> bool:
    selector = (budget.get("spec") or {}).get("selector")
    if selector is None:
        return False
    try:
        return selector_from_label_selector(selector).matches(labels)
    except Exception:
        return False


async def _spend_budget(
    ctx: StorageContext, pdbs: ResourceType, namespace: str, budget: Obj
) -> None:
    name = budget["metadata"]["name"]
    status = budget.get("status") or {}
    allowed = status.get("disruptionsAllowed") or 0
    if allowed <= 0:
        desired = status.get("desiredHealthy", 0)
        healthy = status.get("currentHealthy", 0)
        raise too_many_requests(
            EVICTION_BLOCKED,
            [
                {
                    "reason": "DisruptionBudget",
                    "message": f"The disruption budget {name} needs {desired} healthy pods and has {healthy} currently",
                }
            ],
        )

    def spend(current: Obj | None) -> tuple[Obj, bool]:
        if current is None:
            raise not_found(pdbs, name)
        cstatus = current.setdefault("status", {})
        left = cstatus.get("disruptionsAllowed") or 0
        if left <= 0:
            raise too_many_requests(EVICTION_BLOCKED)
        cstatus["disruptionsAllowed"] = left - 1
        return current, False

    await update(ctx, pdbs, namespace, name, spend, WriteOptions(), subresource="status")


# -- namespaces/finalize ----------------------------------------------------------------


async def finalize_namespace(
    ctx: StorageContext, namespaces: ResourceType, name: str, body: Any, opts: WriteOptions
) -> Obj:
    """Set spec.finalizers (the namespace controller's write); the last one gone deletes it."""
    if not isinstance(body, dict):
        raise bad_request("the body of the request must be a Namespace object")
    finalizers = list((body.get("spec") or {}).get("finalizers") or [])
    key = namespaces.key("", name)
    kv = ctx.store.get(key) if _exists(ctx, key) else None
    if kv is None:
        raise not_found(namespaces, name)
    current = kv_object(namespaces, kv)
    rv = (body.get("metadata") or {}).get("resourceVersion")
    if rv and rv != str(kv.mod_revision):
        raise conflict(namespaces, name)
    current.setdefault("spec", {})["finalizers"] = finalizers
    if not finalizers:
        current["spec"].pop("finalizers")
    meta = metadata(current)
    if meta.get("deletionTimestamp") and not finalizers and not meta.get("finalizers"):
        if opts.dry_run:
            return current
        return await remove(ctx, namespaces, "", name, current, kv.mod_revision)
    if opts.dry_run:
        return current
    from .views import set_rv, storage_bytes

    stored = await ctx.store.aupdate(key, storage_bytes(namespaces, current), kv.mod_revision)
    return set_rv(current, stored.mod_revision)


def _exists(ctx: StorageContext, key: str) -> bool:
    try:
        ctx.store.get(key)
    except Exception:
        return False
    return True


__all__ = ["Outcome", "bind", "evict", "finalize", "finalize_namespace", "to_scale", "update_scale"]
