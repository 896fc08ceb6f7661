"""A cluster folder: what a lab is made of (sample_clusters/lab, or any DIR of `--cluster`).

    DIR/cluster.toml     name = "lab", description = "...", [[nodes]] (one kubelet each:
                         name, cpu, memory, pods, labels, taints, runtime = "process")
    DIR/manifests/*.yaml objects created when the lab's data directory is new

The manifests seed a new lab once: a lab is for rehearsing, so what users then change or
delete must stay changed after a restart. Seeding goes through the API server's in-process
client (admission, validation, defaulting), never to the store directly.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.kubelet.config import NodeConfig, NodeConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
# Created first, so that what lives in them or uses them can be created after.
FIRST_KINDS = ("Namespace", "CustomResourceDefinition", "ServiceAccount", "ConfigMap", "Secret")


class ClusterFolderError(Exception):
    """A cluster folder that cannot be used (the message names the file)."""


@dataclass
class ClusterFolder:
    path: Path
    name: str = "lab"
    description: str = ""
    nodes: list[dict[str, Any]] = field(default_factory=list)  # as written in cluster.toml
    node_configs: list[NodeConfig] = field(default_factory=list)  # checked, for the kubelets
    manifests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (file, object)

    @classmethod
    def load(cls, path: Path) -> ClusterFolder:
        path = path.expanduser().absolute()
        if not path.is_dir():
            raise ClusterFolderError(f"cluster folder {path} does not exist")
        folder = cls(path)
        toml = path / "cluster.toml"
        if toml.is_file():
            try:
                data = tomllib.loads(toml.read_text())
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise ClusterFolderError(f"{toml}: {exc}") from None
            folder.name = str(data.get("name") or path.name)
            folder.description = str(data.get("description") or "")
            nodes = data.get("nodes") or []
            if not isinstance(nodes, list):
                raise ClusterFolderError(f"{toml}: nodes must be an array of tables")
            folder.nodes = nodes
            folder.node_configs = _node_configs(toml, nodes)
        folder.manifests = _read_manifests(path / "manifests")
        return folder


def _node_configs(toml: Path, nodes: list[Any]) -> list[NodeConfig]:
    configs: list[NodeConfig] = []
    for entry in nodes:
        try:
            if not isinstance(entry, dict):
                raise NodeConfigError("nodes must be an array of tables")
            config = NodeConfig.from_toml(entry)
        except NodeConfigError as exc:
            raise ClusterFolderError(f"{toml}: {exc}") from None
        if any(c.name == config.name for c in configs):
            raise ClusterFolderError(f"{toml}: node {config.name!r} is listed twice")
        configs.append(config)
    return configs


def _read_manifests(folder: Path) -> list[tuple[str, dict[str, Any]]]:
    if not folder.is_dir():
        return []
    out: list[tuple[str, dict[str, Any]]] = []
    for file in sorted(folder.rglob("*")):
        if file.suffix not in MANIFEST_SUFFIXES or not file.is_file():
            continue
        try:
            documents = list(yaml.safe_load_all(file.read_text()))
        except (OSError, yaml.YAMLError) as exc:
            raise ClusterFolderError(f"{file}: {exc}") from None
        for doc in documents:
            if doc is None:
                continue
            if not isinstance(doc, dict) or not doc.get("kind") or not doc.get("apiVersion"):
                raise ClusterFolderError(f"{file}: every document needs apiVersion and kind")
            items = doc.get("items") if doc["kind"].endswith("List") else None
            for item in items if isinstance(items, list) else [doc]:
                out.append((str(file.relative_to(folder)), item))
    out.sort(key=lambda entry: _order(entry[1]))
    return out


def _order(obj: dict[str, Any]) -> int:
    kind = obj.get("kind", "")
    return FIRST_KINDS.index(kind) if kind in FIRST_KINDS else len(FIRST_KINDS)


async def seed(client: Any, folder: ClusterFolder) -> list[str]:
    """Create the folder's objects through `client` (engine.api.local.LocalClient).
    Objects that exist already are left alone. Returns one problem line per failure."""
    from engine.api.status import StatusError

    problems: list[str] = []
    for file, obj in folder.manifests:
        meta = obj.get("metadata") or {}
        try:
            namespace = ""
            if client.resource(obj["apiVersion"], obj["kind"]).namespaced:
                namespace = meta.get("namespace") or "default"
            await client.create(obj, namespace=namespace)
        except StatusError as exc:
            if exc.reason != "AlreadyExists":
                problems.append(f"{file}: {obj['kind']} {meta.get('name', '?')}: {exc.message}")
    for problem in problems:
        log.warning("seeding the lab: %s", problem)
    return problems
