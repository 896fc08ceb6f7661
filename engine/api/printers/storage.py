"""PersistentVolumes and PersistentVolumeClaims."""

from __future__ import annotations

from typing import Any

from ..humanize import since
from .columns import AGE, NAME, col, wide
from .helpers import Obj, get, meta, quantity
from .registry import register

STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"

_ACCESS_MODES = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def access_modes(modes: list[str] | None) -> str:
    """helper.GetAccessModesAsString: always in RWO, ROX, RWX, RWOP order."""
    present = set(modes or [])
    return ",".join(short for mode, short in _ACCESS_MODES if mode in present)


def _storage_class(obj: Obj) -> str:
    # The beta annotation still wins over the field, as upstream's helpers decide.
    annotations = meta(obj, "annotations") or {}
    if STORAGE_CLASS_ANNOTATION in annotations:
        return annotations[STORAGE_CLASS_ANNOTATION]
    return get(obj, "spec", "storageClassName", default="")


def _phase(obj: Obj) -> str:
    if meta(obj, "deletionTimestamp") is not None:
        return "Terminating"
    return get(obj, "status", "phase", default="")


PV_COLUMNS = (
    NAME,
    col("Capacity", "PersistentVolumeSpec.capacity"),
    col("Access Modes", "PersistentVolumeSpec.accessModes"),
    col("Reclaim Policy", "PersistentVolumeSpec.persistentVolumeReclaimPolicy"),
    col("Status", "PersistentVolumeStatus.phase"),
    col("Claim", "PersistentVolumeSpec.claimRef"),
    col("StorageClass", "StorageClass of the pv"),
    col("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
    col("Reason", "PersistentVolumeStatus.reason"),
    AGE,
    wide("VolumeMode", "PersistentVolumeSpec.volumeMode"),
)


@register("", "PersistentVolume", PV_COLUMNS)
def pv_cells(obj: Obj, now: float) -> list[Any]:
    claim = get(obj, "spec", "claimRef")
    claim_text = f"{claim.get('namespace', '')}/{claim.get('name', '')}" if claim else ""
    return [
        meta(obj, "name", ""),
        quantity(get(obj, "spec", "capacity", "storage")),
        access_modes(get(obj, "spec", "accessModes")),
        get(obj, "spec", "persistentVolumeReclaimPolicy", default=""),
        _phase(obj),
        claim_text,
        _storage_class(obj),
        get(obj, "spec", "volumeAttributesClassName", default="<unset>"),
        get(obj, "status", "reason", default=""),
        since(meta(obj, "creationTimestamp"), now),
        get(obj, "spec", "volumeMode", default="<unset>"),
    ]


PVC_COLUMNS = (
    NAME,
    col("Status", "PersistentVolumeClaimStatus.phase"),
    col("Volume", "PersistentVolumeClaimSpec.volumeName"),
    col("Capacity", "PersistentVolumeClaimStatus.capacity"),
    col("Access Modes", "PersistentVolumeClaimStatus.accessModes"),
    col("StorageClass", "StorageClass of the pvc"),
    col("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
    AGE,
    wide("VolumeMode", "PersistentVolumeClaimSpec.volumeMode"),
)


@register("", "PersistentVolumeClaim", PVC_COLUMNS)
def pvc_cells(obj: Obj, now: float) -> list[Any]:
    volume = get(obj, "spec", "volumeName", default="")
    capacity = modes = ""
    if volume:  # capacity and modes are only meaningful once bound
        capacity = quantity(get(obj, "status", "capacity", "storage"))
        modes = access_modes(get(obj, "status", "accessModes"))
    return [
        meta(obj, "name", ""),
        _phase(obj),
        volume,
        capacity,
        modes,
        _storage_class(obj),
        get(obj, "spec", "volumeAttributesClassName", default="<unset>"),
        since(meta(obj, "creationTimestamp"), now),
        get(obj, "spec", "volumeMode", default="<unset>"),
    ]
