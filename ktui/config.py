"""ktui's settings: $XDG_CONFIG_HOME/ktui/config.toml (loading comes with the config issue work;
these dataclasses are the contract every screen reads)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    namespace: str | None = None  # default namespace (else the context's)
    favourites: list[str] = field(default_factory=list)  # namespaces on keys 1..9
    readonly: bool = False
    editor: str = "internal"  # "internal" (in-app TextArea) or "external" ($EDITOR)
    logs: LogSettings = field(default_factory=LogSettings)
    problems: list[str] = field(default_factory=list)  # what was wrong in the file, for the UI
