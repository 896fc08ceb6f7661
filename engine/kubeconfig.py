"""Writing the admin kubeconfig of the lab cluster.

The file is merged, not clobbered: entries with our names are replaced, every other
cluster, user and context in it is kept (like `kind create cluster`), and current-context
switches to the lab. Written atomically, mode 0600 (it holds the admin token).
"""

from __future__ import annotations

import base64
import ipaddress
import logging
from pathlib import Path
from typing import Any

import yaml

from engine.api.pki import write_file

log = logging.getLogger(__name__)

CLUSTER_NAME = "ktui-lab"
USER_NAME = "admin"
CONTEXT_NAME = "ktui-lab"


class KubeconfigError(Exception):
    """The kubeconfig cannot be written (one line, meant for the user)."""


def server_url(scheme: str, host: str, port: int) -> str:
    """The URL a client dials: a wildcard listen address becomes loopback."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return f"{scheme}://{host}:{port}"
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    if address.version == 6:
        return f"{scheme}://[{address}]:{port}"
    return f"{scheme}://{address}:{port}"


def build_kubeconfig(
    server: str,
    token: str,
    ca_pem: bytes | None,
    cluster: str = CLUSTER_NAME,
    user: str = USER_NAME,
    context: str = CONTEXT_NAME,
) -> dict[str, Any]:
    cluster_entry: dict[str, Any] = {"server": server}
    if ca_pem is not None:
        cluster_entry["certificate-authority-data"] = base64.b64encode(ca_pem).decode()
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster, "cluster": cluster_entry}],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": cluster, "user": user}}],
        "current-context": context,
        "preferences": {},
    }


def write_kubeconfig(path: Path, config: dict[str, Any]) -> None:
    """Merge `config` into the kubeconfig at `path` (created if absent)."""
    merged = _merge(_load(path), config) if path.exists() else config
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(merged, sort_keys=False, default_flow_style=False)
    try:
        write_file(path, text.encode(), private=True)
    except OSError as exc:
        raise KubeconfigError(f"cannot write {path}: {exc.strerror or exc}") from None


def _load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KubeconfigError(f"{path} exists but cannot be read as a kubeconfig: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or data.get("kind", "Config") != "Config":
        raise KubeconfigError(f"{path} exists and is not a kubeconfig; choose another file")
    return data


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    merged = {**old, "apiVersion": "v1", "kind": "Config"}
    for section in ("clusters", "users", "contexts"):
        replacing = {entry["name"] for entry in new[section]}
        kept = [
            entry
            for entry in old.get(section) or []
            if not (isinstance(entry, dict) and entry.get("name") in replacing)
        ]
        merged[section] = kept + new[section]
    merged["current-context"] = new["current-context"]
    merged.setdefault("preferences", {})
    return merged
