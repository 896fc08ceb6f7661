"""PersistentVolumeClaims as kubectl describes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .events import describe_events, events_about
from .format import go_v, rfc1123z, since
from .metadata import print_annotations, print_labels
from .quantity import Quantity
from .writer import LEVEL_0, LEVEL_1, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client

BETA_CLASS = "volume.beta.kubernetes.io/storage-class"
_MODES = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
          ("ReadWriteOncePod", "RWOP"))  # fmt: skip


def access_modes(modes: list[str] | None) -> str:
    """storageutil.GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order."""
    return ",".join(short for long, short in _MODES if long in (modes or []))


def claim_class(pvc: dict[str, Any]) -> str:
    notes = (pvc.get("metadata") or {}).get("annotations") or {}
    if BETA_CLASS in notes:
        return notes[BETA_CLASS]
    return (pvc.get("spec") or {}).get("storageClassName") or ""


async def describe_claim(client: Client, ref: Any) -> str:
    pvc = await client.bind(ref.resource).get(ref.name, ref.namespace)
    meta = pvc.get("metadata") or {}
    pods = (await (await client.resource("v1/pods")).list(meta.get("namespace"))).items
    users = _users(pvc, pods)
    events = await events_about(client, pvc, "PersistentVolumeClaim")
    spec = pvc.get("spec") or {}
    status = pvc.get("status") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        w.write(LEVEL_0, f"StorageClass:\t{claim_class(pvc)}\n")
        if meta.get("deletionTimestamp"):
            w.write(LEVEL_0, f"Status:\tTerminating (lasts {since(meta['deletionTimestamp'])})\n")
        else:
            w.write(LEVEL_0, f"Status:\t{status.get('phase', '')}\n")
        w.write(LEVEL_0, f"Volume:\t{spec.get('volumeName', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Finalizers:\t{go_v(meta.get('finalizers') or [])}\n")
        capacity, modes = "", ""
        if spec.get("volumeName"):
            modes = access_modes(status.get("accessModes"))
            capacity = str(Quantity.parse((status.get("capacity") or {}).get("storage")))
        w.write(LEVEL_0, f"Capacity:\t{capacity}\n")
        w.write(LEVEL_0, f"Access Modes:\t{modes}\n")
        if spec.get("volumeMode") is not None:
            w.write(LEVEL_0, f"VolumeMode:\t{spec['volumeMode']}\n")
        source = spec.get("dataSource")
        if isinstance(source, dict):
            w.write(LEVEL_0, "DataSource:\n")
            if source.get("apiGroup") is not None:
                w.write(LEVEL_1, f"APIGroup:\t{source['apiGroup']}\n")
            w.write(LEVEL_1, f"Kind:\t{source.get('kind', '')}\n")
            w.write(LEVEL_1, f"Name:\t{source.get('name', '')}\n")
        w.write(LEVEL_0, "Used By:\t")
        if not users:
            w.write_line("<none>")
        for i, name in enumerate(sorted(users)):
            if i:
                w.write(LEVEL_0, "")
                w.write(LEVEL_0, "\t")
            w.write(LEVEL_0, f"{name}\n")
        conditions = status.get("conditions") or []
        if conditions:
            w.write(LEVEL_0, "Conditions:\n")
            w.write(LEVEL_1, "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n")
            w.write(
                LEVEL_1, "----\t------\t-----------------\t------------------\t------\t-------\n"
            )
            for c in conditions:
                w.write(
                    LEVEL_1,
                    f"{c.get('type', '')} \t{c.get('status', '')} \t{rfc1123z(c.get('lastProbeTime'))} "
                    f"\t{rfc1123z(c.get('lastTransitionTime'))} \t{c.get('reason', '')} "
                    f"\t{c.get('message', '')}\n",
                )
        describe_events(events, w)

    return tabbed(build)


def _users(pvc: dict[str, Any], pods: list[dict[str, Any]]) -> list[str]:
    """getPodsForPVC: pods mounting the claim, plus a pod that owns it (ephemeral volumes)."""
    name = (pvc.get("metadata") or {}).get("name")
    users = []
    for pod in pods:
        for volume in (pod.get("spec") or {}).get("volumes") or []:
            if (volume.get("persistentVolumeClaim") or {}).get("claimName") == name:
                users.append((pod.get("metadata") or {}).get("name", ""))
    by_uid = {(p.get("metadata") or {}).get("uid"): p for p in pods}
    for owner in (pvc.get("metadata") or {}).get("ownerReferences") or []:
        owner_pod = by_uid.get(owner.get("uid")) if owner.get("kind") == "Pod" else None
        if owner_pod is not None:
            owner_name = owner_pod["metadata"].get("name", "")
            if owner_name not in users:
                users.append(owner_name)
    return users
