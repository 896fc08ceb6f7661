"""Pod volumes as kubectl describes them (describeVolumes and its print*VolumeSource)."""

from __future__ import annotations

from typing import Any

from .format import go_bool, go_v
from .quantity import Quantity
from .writer import LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter

# Simple sources: the Type line, then (label, field) pairs printed as `%v`.
_SIMPLE: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "gcePersistentDisk": (
        "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
        (
            ("PDName", "pdName"),
            ("FSType", "fsType"),
            ("Partition", "partition"),
            ("ReadOnly", "readOnly"),
        ),
    ),
    "awsElasticBlockStore": (
        "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
        (
            ("VolumeID", "volumeID"),
            ("FSType", "fsType"),
            ("Partition", "partition"),
            ("ReadOnly", "readOnly"),
        ),
    ),
    "gitRepo": (
        "GitRepo (a volume that is pulled from git when the pod is created)",
        (("Repository", "repository"), ("Revision", "revision")),
    ),
    "nfs": (
        "NFS (an NFS mount that lasts the lifetime of a pod)",
        (("Server", "server"), ("Path", "path"), ("ReadOnly", "readOnly")),
    ),
    "glusterfs": (
        "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)",
        (("EndpointsName", "endpoints"), ("Path", "path"), ("ReadOnly", "readOnly")),
    ),
    "persistentVolumeClaim": (
        "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
        (("ClaimName", "claimName"), ("ReadOnly", "readOnly")),
    ),
    "quobyte": (
        "Quobyte (a Quobyte mount on the host that shares a pod's lifetime)",
        (("Registry", "registry"), ("Volume", "volume"), ("ReadOnly", "readOnly")),
    ),
    "vsphereVolume": (
        "vSphereVolume (a Persistent Disk resource in vSphere)",
        (
            ("VolumePath", "volumePath"),
            ("FSType", "fsType"),
            ("StoragePolicyName", "storagePolicyName"),
        ),
    ),
    "cinder": (
        "Cinder (a Persistent Disk resource in OpenStack)",
        (
            ("VolumeID", "volumeID"),
            ("FSType", "fsType"),
            ("ReadOnly", "readOnly"),
            ("SecretRef", "secretRef"),
        ),
    ),
    "photonPersistentDisk": (
        "PhotonPersistentDisk (a Persistent Disk resource in photon platform)",
        (("PdID", "pdID"), ("FSType", "fsType")),
    ),
    "portworxVolume": ("PortworxVolume (a Portworx Volume resource)", (("VolumeID", "volumeID"),)),
    "cephfs": (
        "CephFS (a CephFS mount on the host that shares a pod's lifetime)",
        (
            ("Monitors", "monitors"),
            ("Path", "path"),
            ("User", "user"),
            ("SecretFile", "secretFile"),
            ("SecretRef", "secretRef"),
            ("ReadOnly", "readOnly"),
        ),
    ),
    "storageos": (
        "StorageOS (a StorageOS Persistent Disk resource)",
        (
            ("VolumeName", "volumeName"),
            ("VolumeNamespace", "volumeNamespace"),
            ("FSType", "fsType"),
            ("ReadOnly", "readOnly"),
        ),
    ),
    "azureFile": (
        "AzureFile (an Azure File Service mount on the host and bind mount to the pod)",
        (("SecretName", "secretName"), ("ShareName", "shareName"), ("ReadOnly", "readOnly")),
    ),
    "flexVolume": (
        "FlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)",
        (
            ("Driver", "driver"),
            ("FSType", "fsType"),
            ("SecretRef", "secretRef"),
            ("ReadOnly", "readOnly"),
            ("Options", "options"),
        ),
    ),
    "flocker": (
        "Flocker (a Flocker volume mounted by the Flocker agent)",
        (("DatasetName", "datasetName"), ("DatasetUUID", "datasetUUID")),
    ),
    "image": (
        "Image (a container image or OCI artifact)",
        (("Reference", "reference"), ("PullPolicy", "pullPolicy")),
    ),
}
_BOOL_FIELDS = {"readOnly"}
_INT_FIELDS = {"partition"}


def describe_volumes(volumes: list[dict[str, Any]] | None, w: PrefixWriter, space: str) -> None:
    if not volumes:
        w.write(LEVEL_0, f"{space}Volumes:\t<none>\n")
        return
    w.write(LEVEL_0, f"{space}Volumes:\n")
    for volume in volumes:
        name_indent = " " if space else ""
        w.write(LEVEL_1, f"{name_indent}{volume.get('name', '')}:\n")
        _source(volume, w)


def _source(volume: dict[str, Any], w: PrefixWriter) -> None:  # noqa: C901 - one branch per kind
    if isinstance(volume.get("hostPath"), dict):
        host = volume["hostPath"]
        kind = "<none>" if host.get("type") is None else host["type"]
        w.write(
            LEVEL_2,
            "Type:\tHostPath (bare host directory volume)\n"
            f"    Path:\t{host.get('path', '')}\n    HostPathType:\t{kind}\n",
        )
    elif isinstance(volume.get("emptyDir"), dict):
        empty = volume["emptyDir"]
        limit = (
            Quantity.parse(empty.get("sizeLimit")) if empty.get("sizeLimit") is not None else None
        )
        size = str(limit) if limit is not None and limit.value > 0 else "<unset>"
        w.write(
            LEVEL_2,
            "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
            f"    Medium:\t{empty.get('medium', '')}\n    SizeLimit:\t{size}\n",
        )
    elif isinstance(volume.get("secret"), dict):
        secret = volume["secret"]
        w.write(
            LEVEL_2,
            "Type:\tSecret (a volume populated by a Secret)\n"
            f"    SecretName:\t{secret.get('secretName', '')}\n"
            f"    Optional:\t{go_bool(secret.get('optional'))}\n",
        )
    elif isinstance(volume.get("configMap"), dict):
        config = volume["configMap"]
        w.write(
            LEVEL_2,
            "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
            f"    Name:\t{config.get('name', '')}\n"
            f"    Optional:\t{go_bool(config.get('optional'))}\n",
        )
    elif isinstance(volume.get("projected"), dict):
        _projected(volume["projected"], w)
    elif isinstance(volume.get("downwardAPI"), dict):
        w.write(
            LEVEL_2,
            "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
        )
        for item in volume["downwardAPI"].get("items") or []:
            if isinstance(item.get("fieldRef"), dict):
                w.write(
                    LEVEL_3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n"
                )
            if isinstance(item.get("resourceFieldRef"), dict):
                w.write(
                    LEVEL_3,
                    f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n",
                )
    elif isinstance(volume.get("csi"), dict):
        csi = volume["csi"]
        w.write(
            LEVEL_2,
            "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
            f"    Driver:\t{csi.get('driver', '')}\n    FSType:\t{csi.get('fsType') or ''}\n"
            f"    ReadOnly:\t{go_bool(csi.get('readOnly'))}\n",
        )
        _attributes(w, "VolumeAttributes", csi.get("volumeAttributes") or {})
    elif isinstance(volume.get("ephemeral"), dict):
        w.write(
            LEVEL_2,
            "Type:\tEphemeralVolume (an inline specification for a volume that gets created and "
            "deleted with the pod)\n",
        )
    else:
        for key, (title, fields) in _SIMPLE.items():
            source = volume.get(key)
            if isinstance(source, dict):
                text = f"Type:\t{title}\n" + "".join(
                    f"    {label}:\t{_value(source, field)}\n" for label, field in fields
                )
                w.write(LEVEL_2, text)
                return
        w.write(LEVEL_1, "<unknown>\n")


def _value(source: dict[str, Any], field: str) -> str:
    value = source.get(field)
    if field in _BOOL_FIELDS:
        return go_bool(value)
    if field in _INT_FIELDS:
        return str(value or 0)
    if field == "secretRef":
        return (
            f"&LocalObjectReference{{Name:{value.get('name', '')},}}"
            if isinstance(value, dict)
            else "nil"
        )
    if value is None:
        return "map[]" if field == "options" else "[]" if field == "monitors" else ""
    return go_v(value)


def _projected(projected: dict[str, Any], w: PrefixWriter) -> None:
    w.write(
        LEVEL_2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n"
    )
    for source in projected.get("sources") or []:
        # kubectl 1.32 prints the Optional pointers themselves: <nil> when unset.
        if isinstance(source.get("secret"), dict):
            secret = source["secret"]
            w.write(
                LEVEL_2,
                f"SecretName:\t{secret.get('name', '')}\n"
                f"    SecretOptionalName:\t{_optional(secret.get('optional'))}\n",
            )
        elif isinstance(source.get("downwardAPI"), dict):
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n")
        elif isinstance(source.get("configMap"), dict):
            config = source["configMap"]
            w.write(
                LEVEL_2,
                f"ConfigMapName:\t{config.get('name', '')}\n"
                f"    ConfigMapOptional:\t{_optional(config.get('optional'))}\n",
            )
        elif isinstance(source.get("serviceAccountToken"), dict):
            seconds = source["serviceAccountToken"].get("expirationSeconds", 0)
            w.write(LEVEL_2, f"TokenExpirationSeconds:\t{seconds}\n")


def _optional(value: Any) -> str:
    return "<nil>" if value is None else go_bool(value)


def _attributes(w: PrefixWriter, title: str, attributes: dict[str, Any]) -> None:
    w.write(LEVEL_2, f"{title}:\t")
    if not attributes:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(attributes)):
        if i:
            w.write(LEVEL_2, "")
            w.write(LEVEL_2, "\t")
        line = f"{key}={attributes[key]}"
        w.write(LEVEL_2, f"{line[:140]}...\n" if len(line) > 140 else f"{line}\n")
