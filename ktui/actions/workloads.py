"""What `kubectl scale`, `kubectl rollout restart` and `kubectl set image` do to a workload."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ktui.client import Client
from ktui.refs import ObjectRef

from .errors import ActionError
from .names import display

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
RESTARTABLE = {("apps", "deployments"), ("apps", "statefulsets"), ("apps", "daemonsets")}


async def scale(client: Client, ref: ObjectRef, replicas: int) -> str:
    """Set spec.replicas through the scale subresource (works for CRDs that declare one)."""
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
        raise ActionError(f"replicas must be an integer >= 0, not {replicas!r}")
    if "scale" not in ref.resource.subresources:
        raise ActionError(f"{display(ref)} cannot be scaled (it has no scale subresource)")
    res = client.bind(ref.resource)
    await res.patch(ref.name, {"spec": {"replicas": replicas}}, ref.namespace, subresource="scale")
    return f"{display(ref)} scaled to {replicas}"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


async def restart(client: Client, ref: ObjectRef) -> str:
    """A new pod-template annotation: the controller rolls every pod, as
    `kubectl rollout restart` does."""
    r = ref.resource
    if (r.group, r.name) not in RESTARTABLE:
        raise ActionError(f"{display(ref)}: restarting is not supported for {r.kind}")
    res = client.bind(r)
    if r.name == "deployments":
        live = await res.get(ref.name, ref.namespace)
        if (live.get("spec") or {}).get("paused"):
            raise ActionError(f"can't restart paused {display(ref)} (resume it first)")
    patch = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: _now()}}}}}
    await res.patch(ref.name, patch, ref.namespace)
    return f"{display(ref)} restarted"


def pod_spec_path(kind: str) -> list[str]:
    """Where the pod spec lives in an object of `kind`."""
    if kind == "Pod":
        return ["spec"]
    if kind == "CronJob":
        return ["spec", "jobTemplate", "spec", "template", "spec"]
    return ["spec", "template", "spec"]


def pod_spec(obj: dict[str, Any]) -> dict[str, Any]:
    spec: Any = obj
    for key in pod_spec_path(obj.get("kind", "")):
        spec = (spec or {}).get(key)
    return spec or {}


def containers_of(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """The containers (then init containers) of a pod or of a workload's pod template."""
    spec = pod_spec(obj)
    return [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]


async def set_image(client: Client, ref: ObjectRef, container: str, image: str) -> str:
    """Set one container's image (`*` for all of them), as `kubectl set image` does."""
    image = image.strip()
    if not image:
        raise ActionError("the image must not be empty")
    res = client.bind(ref.resource)
    live = await res.get(ref.name, ref.namespace)
    live.setdefault("kind", ref.resource.kind)
    base = "/" + "/".join(pod_spec_path(live["kind"]))
    spec = pod_spec(live)
    ops: list[dict[str, Any]] = []
    changed = False
    for field in ("containers", "initContainers"):
        for index, c in enumerate(spec.get(field) or []):
            if container not in ("*", c.get("name")):
                continue
            at = f"{base}/{field}/{index}"
            # The test keeps a concurrent reorder of containers from changing the wrong one.
            ops.append({"op": "test", "path": f"{at}/name", "value": c.get("name")})
            ops.append({"op": "add", "path": f"{at}/image", "value": image})
            changed = changed or c.get("image") != image
    if not ops:
        raise ActionError(f'unable to find container named "{container}" in {display(ref)}')
    if not changed:
        return f"{display(ref)} already runs {image}"
    await res.patch(ref.name, ops, ref.namespace, type="json")
    return f"{display(ref)} image updated to {image}"
