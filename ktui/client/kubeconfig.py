"""Reading kubeconfig files the way kubectl does.

`$KUBECONFIG` may name several files: they are merged so that the first file to define a
cluster, user or context name wins, and `current-context` comes from the first file that
sets one. Relative paths inside a file are relative to that file. A missing file listed in
`$KUBECONFIG` is skipped (as kubectl does); an explicit `--kubeconfig` must exist.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .config import ClusterConfig, ExecConfig
from .errors import KubeconfigError

_SECTIONS = ("clusters", "users", "contexts")
_PATH_FIELDS = ("certificate-authority", "client-certificate", "client-key", "tokenFile")


@dataclass
class Kubeconfig:
    """Merged kubeconfig: named clusters, users and contexts."""

    clusters: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    current_context: str | None = None
    sources: list[Path] = field(default_factory=list)

    @property
    def context_names(self) -> list[str]:
        return list(self.contexts)

    def namespace_of(self, context: str | None = None) -> str:
        name = context or self.current_context
        return (self.contexts.get(name or "") or {}).get("namespace") or "default"

    def resolve(self, context: str | None = None, namespace: str | None = None) -> ClusterConfig:
        """The connection settings of a context (the current one by default)."""
        name = context or self.current_context
        where = ", ".join(str(p) for p in self.sources) or "kubeconfig"
        if not name:
            raise KubeconfigError(f"{where}: no current-context is set; choose a context")
        if name not in self.contexts:
            known = ", ".join(sorted(self.contexts)) or "none"
            raise KubeconfigError(f'{where}: context "{name}" not found (known: {known})')
        ctx = self.contexts[name]
        cluster_name, user_name = ctx.get("cluster"), ctx.get("user")
        if not cluster_name or cluster_name not in self.clusters:
            raise KubeconfigError(
                f'{where}: context "{name}" refers to cluster "{cluster_name}", '
                "which is not defined"
            )
        if user_name and user_name not in self.users:
            raise KubeconfigError(
                f'{where}: context "{name}" refers to user "{user_name}", which is not defined'
            )
        cluster = self.clusters[cluster_name]
        user = self.users.get(user_name or "", {})
        server = cluster.get("server")
        if not server:
            raise KubeconfigError(f'{where}: cluster "{cluster_name}" has no server')
        return ClusterConfig(
            server=str(server).rstrip("/"),
            namespace=namespace or ctx.get("namespace") or "default",
            context=name,
            ca_data=_b64(cluster, "certificate-authority-data", where),
            ca_file=cluster.get("certificate-authority"),
            insecure=bool(cluster.get("insecure-skip-tls-verify")),
            tls_server_name=cluster.get("tls-server-name"),
            proxy_url=cluster.get("proxy-url"),
            cert_data=_b64(user, "client-certificate-data", where),
            cert_file=user.get("client-certificate"),
            key_data=_b64(user, "client-key-data", where),
            key_file=user.get("client-key"),
            token=user.get("token"),
            token_file=user.get("tokenFile"),
            username=user.get("username"),
            password=user.get("password"),
            exec=_exec_config(user.get("exec"), cluster, where),
            auth_provider=(user.get("auth-provider") or {}).get("name"),
        )


def kubeconfig_paths(explicit: str | os.PathLike[str] | None, env: Mapping[str, str]) -> list[Path]:
    """The files to read, in precedence order."""
    if explicit:
        return [Path(explicit).expanduser()]
    listed = env.get("KUBECONFIG")
    if listed:
        return [Path(p).expanduser() for p in listed.split(os.pathsep) if p]
    home = env.get("HOME") or os.path.expanduser("~")
    return [Path(home) / ".kube" / "config"]


def load_kubeconfig(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> Kubeconfig:
    """Read and merge the kubeconfig files; raises KubeconfigError with a clear message."""
    env = os.environ if env is None else env
    paths = kubeconfig_paths(path, env)
    merged = Kubeconfig()
    for p in paths:
        if not p.is_file():
            if path is not None:
                raise KubeconfigError(f"{p}: kubeconfig file not found")
            continue
        _merge(merged, _read(p), p)
    if not merged.sources:
        names = ", ".join(str(p) for p in paths)
        raise KubeconfigError(f"no kubeconfig found (looked at {names})")
    return merged


def _read(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except OSError as error:
        raise KubeconfigError(f"{path}: cannot read: {error.strerror or error}") from error
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise KubeconfigError(f"{path}: not valid YAML{where}: {problem}") from error
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise KubeconfigError(f"{path}: not a kubeconfig (expected a mapping at the top)")
    return doc


def _merge(merged: Kubeconfig, doc: dict[str, Any], path: Path) -> None:
    merged.sources.append(path)
    base = path.parent
    for section in _SECTIONS:
        entries = doc.get(section) or []
        if not isinstance(entries, list):
            raise KubeconfigError(f"{path}: '{section}' must be a list")
        key = section[:-1]  # clusters → cluster
        target: dict[str, dict[str, Any]] = getattr(merged, section)
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("name"):
                raise KubeconfigError(f"{path}: an entry of '{section}' has no name")
            body = entry.get(key) or {}
            if not isinstance(body, dict):
                raise KubeconfigError(f"{path}: {key} '{entry['name']}' must be a mapping")
            if entry["name"] not in target:  # the first file wins
                target[entry["name"]] = _absolute(body, base)
    if merged.current_context is None and doc.get("current-context"):
        merged.current_context = str(doc["current-context"])


def _absolute(body: dict[str, Any], base: Path) -> dict[str, Any]:
    """Paths in a kubeconfig are relative to the file that holds them."""
    body = dict(body)
    for name in _PATH_FIELDS:
        if body.get(name):
            body[name] = str((base / Path(body[name]).expanduser()).resolve())
    exec_ = body.get("exec")
    if isinstance(exec_, dict) and exec_.get("command"):
        command = str(exec_["command"])
        if os.sep in command and not os.path.isabs(command):  # "./bin/x", not a PATH lookup
            body["exec"] = {**exec_, "command": str((base / command).resolve())}
    return body


def _b64(section: dict[str, Any], name: str, where: str) -> bytes | None:
    import base64
    import binascii

    value = section.get(name)
    if not value:
        return None
    try:
        return base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError) as error:
        raise KubeconfigError(f"{where}: {name} is not valid base64") from error


def _exec_config(raw: Any, cluster: dict[str, Any], where: str) -> ExecConfig | None:
    if not raw:
        return None
    if not isinstance(raw, dict) or not raw.get("command"):
        raise KubeconfigError(f"{where}: an exec credential plugin needs a command")
    api_version = raw.get("apiVersion") or ""
    if api_version not in ExecConfig.API_VERSIONS:
        raise KubeconfigError(
            f"{where}: exec plugin apiVersion {api_version!r} is not supported "
            f"(use one of {', '.join(ExecConfig.API_VERSIONS)})"
        )
    env = {str(e["name"]): str(e.get("value", "")) for e in raw.get("env") or []}
    mode = raw.get("interactiveMode") or "IfAvailable"
    if mode not in ("Never", "IfAvailable", "Always"):
        raise KubeconfigError(f"{where}: exec plugin interactiveMode {mode!r} is not valid")
    cluster_info = None
    if raw.get("provideClusterInfo"):
        cluster_info = {
            k: v
            for k, v in {
                "server": cluster.get("server"),
                "tls-server-name": cluster.get("tls-server-name"),
                "insecure-skip-tls-verify": cluster.get("insecure-skip-tls-verify"),
                "certificate-authority-data": cluster.get("certificate-authority-data"),
                "proxy-url": cluster.get("proxy-url"),
                "config": (cluster.get("extensions") or [{}])[0].get("extension")
                if cluster.get("extensions")
                else None,
            }.items()
            if v
        }
    return ExecConfig(
        command=str(raw["command"]),
        args=[str(a) for a in raw.get("args") or []],
        env=env,
        api_version=api_version,
        interactive_mode=mode,
        install_hint=raw.get("installHint") or "",
        cluster_info=cluster_info,
    )
