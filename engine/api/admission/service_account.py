"""ServiceAccount admission (plugin/pkg/admission/serviceaccount), mutating, pods on create.

A pod gets the `default` ServiceAccount when it names none (spec.serviceAccount mirrors
spec.serviceAccountName, as the v1 conversion does), and, unless automounting is turned
off on the pod or the ServiceAccount, the projected `kube-api-access-xxxxx` volume (bound
token, the cluster CA from the `kube-root-ca.crt` ConfigMap, the namespace) mounted
read-only at /var/run/secrets/kubernetes.io/serviceaccount in every container.

Upstream rejects a pod whose ServiceAccount does not exist. The engine has no
serviceaccount controller yet to create `default` in every namespace, so until it does a
missing ServiceAccount only means no token volume; set REJECT_MISSING_SERVICE_ACCOUNT to
True when the controller exists.
"""

from __future__ import annotations

from typing import Any

from engine.registry.types import Obj

from ..storage.context import StorageContext
from ..storage.errors import forbidden
from . import objects
from .resources import as_list, containers

# Turn on upstream's "error looking up service account" rejection once the serviceaccount
# controller creates `default` in every namespace (engine/controllers).
REJECT_MISSING_SERVICE_ACCOUNT = False

DEFAULT_SERVICE_ACCOUNT = "default"
VOLUME_PREFIX = "kube-api-access-"
TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
ROOT_CA_CONFIG_MAP = "kube-root-ca.crt"
# serviceaccount.WarnOnlyBoundTokenExpirationSeconds: one hour plus 7 s, so a kubelet that
# refreshes at 80% of the lifetime is told apart from one that does not.
TOKEN_EXPIRATION_SECONDS = 3607
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


def token_volume(name: str) -> Obj:
    """TokenVolumeSource(), as the JSON a real cluster returns."""
    return {
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {
                    "serviceAccountToken": {
                        "expirationSeconds": TOKEN_EXPIRATION_SECONDS,
                        "path": "token",
                    }
                },
                {
                    "configMap": {
                        "name": ROOT_CA_CONFIG_MAP,
                        "items": [{"key": "ca.crt", "path": "ca.crt"}],
                    }
                },
                {
                    "downwardAPI": {
                        "items": [
                            {
                                "path": "namespace",
                                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"},
                            }
                        ]
                    }
                },
            ],
        },
    }


def admit_pod(ctx: StorageContext, pod: Obj, namespace: str) -> None:
    meta = pod.get("metadata") or {}
    if MIRROR_POD_ANNOTATION in (meta.get("annotations") or {}):
        return  # static pods' mirrors carry no ServiceAccount
    spec = pod.get("spec")
    if not isinstance(spec, dict):
        return
    name = spec.get("serviceAccountName") or spec.get("serviceAccount") or DEFAULT_SERVICE_ACCOUNT
    spec["serviceAccountName"] = name
    spec["serviceAccount"] = name
    account = objects.get(ctx, objects.core(ctx, "serviceaccounts"), namespace, name)
    if account is None:
        if REJECT_MISSING_SERVICE_ACCOUNT:
            pods = objects.core(ctx, "pods")
            raise forbidden(
                pods,
                str(meta.get("name") or meta.get("generateName") or ""),
                f"error looking up service account {namespace}/{name}: "
                f'serviceaccount "{name}" not found',
            )
        return
    if _automount(account, spec):
        _mount_token(ctx, spec)
    if not spec.get("imagePullSecrets"):
        secrets = [
            {"name": ref.get("name", "")}
            for ref in as_list(account.get("imagePullSecrets"))
            if isinstance(ref, dict)
        ]
        if secrets:
            spec["imagePullSecrets"] = secrets


def _automount(account: Obj, spec: Obj) -> bool:
    """shouldAutomount: the pod's choice first, then the ServiceAccount's, else yes."""
    if isinstance(spec.get("automountServiceAccountToken"), bool):
        return bool(spec["automountServiceAccountToken"])
    if isinstance(account.get("automountServiceAccountToken"), bool):
        return bool(account["automountServiceAccountToken"])
    return True


def _mount_token(ctx: StorageContext, spec: Obj) -> None:
    volumes = spec.get("volumes", [])
    if not isinstance(volumes, list):
        return  # validation reports the bad field; mounting into it would hide it
    existing = next(
        (
            v["name"]
            for v in volumes
            if isinstance(v, dict) and str(v.get("name", "")).startswith(VOLUME_PREFIX)
        ),
        None,
    )
    volume_name = existing or VOLUME_PREFIX + ctx.identity.suffix()
    needs_volume = False
    for key in ("initContainers", "containers"):
        for container in containers(spec, key):
            mounts: Any = container.get("volumeMounts", [])
            if not isinstance(mounts, list):
                continue
            # a container that mounts something at the token path keeps its own mount
            if any(isinstance(m, dict) and m.get("mountPath") == TOKEN_MOUNT_PATH for m in mounts):
                continue
            mounts.append({"name": volume_name, "readOnly": True, "mountPath": TOKEN_MOUNT_PATH})
            container["volumeMounts"] = mounts
            needs_volume = True
    if needs_volume and existing is None:
        volumes.append(token_volume(volume_name))
        spec["volumes"] = volumes
