"""ktui's settings: $XDG_CONFIG_HOME/ktui/config.toml, and the XDG folders ktui uses.

The dataclasses are the contract every screen reads. `load_config` never raises: each thing
wrong in the file becomes one readable line in `Config.problems` (the app shows them) and
that setting keeps its default, so a typo never stops anyone from reaching their cluster.

    theme = "ktui-light"
    namespace = "web"
    favourites = ["web", "kube-system"]
    readonly = false
    editor = "internal"            # or "external" ($EDITOR)

    [aliases]                      # your own `:` words
    dp = "deploy"
    sys = "po kube-system"

    [keymap]                       # binding id = "key[,key...]"
    "logs.follow" = "F"

    [logs]
    tail = 1000                    # -1: all history
    timestamps = false
    wrap = false
    follow = true
    context_lines = 0
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass
class LogSettings:
    tail: int = 1000  # lines of history to fetch when a log view opens (-1: all)
    timestamps: bool = False
    wrap: bool = False
    follow: bool = True
    context_lines: int = 0  # lines shown around each search match when filtering


@dataclass
class Config:
    theme: str = "ktui-dark"
    keymap: dict[str, str] = field(default_factory=dict)  # binding id -> keys
    aliases: dict[str, str] = field(default_factory=dict)  # `:` word -> command, e.g. dp = "deploy"
    namespace: str | None = None  # default namespace (else the context's)
    favourites: list[str] = field(default_factory=list)  # namespaces on keys 1..9
    readonly: bool = False
    editor: str = "internal"  # "internal" (in-app TextArea) or "external" ($EDITOR)
    logs: LogSettings = field(default_factory=LogSettings)
    problems: list[str] = field(default_factory=list)  # what was wrong in the file, for the UI


EDITORS = ("internal", "external")
MAX_FAVOURITES = 9  # number keys 1..9
# RFC 1123 label, what Kubernetes accepts as a namespace name.
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")


def _xdg_base(env: Mapping[str, str], variable: str, fallback: tuple[str, ...]) -> Path:
    # The XDG spec says relative paths in these variables are invalid and must be ignored.
    value = env.get(variable, "")
    if value and os.path.isabs(value):
        return Path(value)
    home = env.get("HOME") or os.path.expanduser("~")
    return Path(home, *fallback)


def config_dir(env: Mapping[str, str] = os.environ) -> Path:
    """$XDG_CONFIG_HOME/ktui (default ~/.config/ktui)."""
    return _xdg_base(env, "XDG_CONFIG_HOME", (".config",)) / "ktui"


def data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """$XDG_DATA_HOME/ktui (default ~/.local/share/ktui): the lab's state lives under it."""
    return _xdg_base(env, "XDG_DATA_HOME", (".local", "share")) / "ktui"


def config_path(env: Mapping[str, str] = os.environ) -> Path:
    return config_dir(env) / "config.toml"


def themes_dir(env: Mapping[str, str] = os.environ) -> Path:
    """Where users put their own theme files."""
    return config_dir(env) / "themes"


def load_config(path: Path | None = None, env: Mapping[str, str] = os.environ) -> Config:
    """Read config.toml; a missing file means defaults. Never raises."""
    path = path or config_path(env)
    config = Config()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        config.problems.append(f"{path}: cannot read it ({reason}); using the defaults")
        return config
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        config.problems.append(f"{path}: not valid TOML: {exc}; using the defaults")
        return config
    _Reader(path, config.problems).fill(config, data)
    return config


class _Reader:
    """Copies valid settings from parsed TOML into a Config, noting each bad one."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.path}: {key}: {message}")

    def fill(self, config: Config, data: dict[str, Any]) -> None:
        known = {f.name for f in fields(Config)} - {"problems"}
        self.unknown(data, known, prefix="")
        if "theme" in data:
            config.theme = self.string("theme", data["theme"], config.theme)
        if "keymap" in data:
            config.keymap = self.keymap(data["keymap"])
        if "aliases" in data:
            config.aliases = self.aliases(data["aliases"])
        if "namespace" in data:
            config.namespace = self.namespace(data["namespace"])
        if "favourites" in data:
            config.favourites = self.favourites(data["favourites"])
        if "readonly" in data:
            config.readonly = self.boolean("readonly", data["readonly"], config.readonly)
        if "editor" in data:
            config.editor = self.choice("editor", data["editor"], EDITORS, config.editor)
        if "logs" in data:
            self.logs(config.logs, data["logs"])

    def unknown(self, data: dict[str, Any], known: set[str], prefix: str) -> None:
        for key in data:
            if key in known:
                continue
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            listed = ", ".join(sorted(known))
            self.problem(prefix + key, f"unknown setting{hint}; known: {listed}")

    def string(self, key: str, value: Any, default: str) -> str:
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.problem(key, f"expected a non-empty string, got {_show(value)}; using {default!r}")
        return default

    def boolean(self, key: str, value: Any, default: bool) -> bool:
        if isinstance(value, bool):
            return value
        self.problem(key, f"expected true or false, got {_show(value)}; using {_toml(default)}")
        return default

    def integer(self, key: str, value: Any, default: int, minimum: int) -> int:
        # bool is an int in Python; `tail = true` is a mistake, not 1.
        if isinstance(value, int) and not isinstance(value, bool):
            if value >= minimum:
                return value
            self.problem(key, f"must be at least {minimum}, got {value}; using {default}")
            return default
        self.problem(key, f"expected a whole number, got {_show(value)}; using {default}")
        return default

    def choice(self, key: str, value: Any, allowed: tuple[str, ...], default: str) -> str:
        if value in allowed:
            return value
        options = " or ".join(repr(a) for a in allowed)
        self.problem(key, f"expected {options}, got {_show(value)}; using {default!r}")
        return default

    def namespace(self, value: Any) -> str | None:
        if isinstance(value, str) and _NAMESPACE.match(value):
            return value
        self.problem(
            "namespace",
            f"{_show(value)} is not a namespace name (lowercase letters, digits and '-', "
            "at most 63); using the context's namespace",
        )
        return None

    def favourites(self, value: Any) -> list[str]:
        if not isinstance(value, list):
            self.problem("favourites", f"expected a list of namespaces, got {_show(value)}")
            return []
        good: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, str) and _NAMESPACE.match(item):
                if item not in good:
                    good.append(item)
            else:
                self.problem(f"favourites[{index}]", f"{_show(item)} is not a namespace name")
        if len(good) > MAX_FAVOURITES:
            dropped = ", ".join(good[MAX_FAVOURITES:])
            self.problem("favourites", f"only {MAX_FAVOURITES} fit on keys 1-9; ignoring {dropped}")
            good = good[:MAX_FAVOURITES]
        return good

    def keymap(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            self.problem("keymap", f"expected a table of binding id = keys, got {_show(value)}")
            return {}
        keymap: dict[str, str] = {}
        for binding_id, keys in value.items():
            name = f"keymap.{binding_id}"
            if isinstance(keys, list) and keys and all(isinstance(k, str) for k in keys):
                keys = ",".join(keys)
            if not isinstance(keys, str):
                self.problem(name, f'expected keys as a string like "ctrl+r", got {_show(keys)}')
                continue
            parts = [k.strip() for k in keys.split(",")]
            if not all(parts):
                self.problem(name, f"{keys!r} has an empty key; keeping the default key")
                continue
            keymap[binding_id] = ",".join(parts)
        return keymap

    def aliases(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            self.problem("aliases", f'expected a table of alias = "command", got {_show(value)}')
            return {}
        aliases: dict[str, str] = {}
        for alias, command in value.items():
            if not isinstance(command, str) or not command.strip() or " " in alias:
                self.problem(
                    f"aliases.{alias}",
                    f'expected a command like "po kube-system", got {_show(command)}',
                )
                continue
            aliases[alias.lower()] = command.strip().lstrip(":")
        return aliases

    def logs(self, logs: LogSettings, value: Any) -> None:
        if not isinstance(value, dict):
            self.problem("logs", f"expected a table [logs], got {_show(value)}; using defaults")
            return
        self.unknown(value, {f.name for f in fields(LogSettings)}, prefix="logs.")
        if "tail" in value:
            logs.tail = self.integer("logs.tail", value["tail"], logs.tail, minimum=-1)
        for flag in ("timestamps", "wrap", "follow"):
            if flag in value:
                setattr(logs, flag, self.boolean(f"logs.{flag}", value[flag], getattr(logs, flag)))
        if "context_lines" in value:
            logs.context_lines = self.integer(
                "logs.context_lines", value["context_lines"], logs.context_lines, minimum=0
            )


def _toml(value: bool) -> str:
    return "true" if value else "false"


def _show(value: Any) -> str:
    """A value as the user wrote it, with its TOML type, for messages."""
    kinds = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}
    kind = "table" if isinstance(value, dict) else kinds.get(type(value), type(value).__name__)
    if isinstance(value, bool):
        return f"{_toml(value)} ({kind})"
    text = repr(value) if not isinstance(value, dict) else "{...}"
    if len(text) > 40:
        text = text[:37] + "..."
    return f"{text} ({kind})"
