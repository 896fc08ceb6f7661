"""The `:` command line, as k9s users type it.

    :pods                 pods in the current namespace
    :po kube-system       pods in kube-system
    :po web,data          pods in two namespaces at once
    :deploy -A            deployments in all namespaces (also `all`)
    :deploy app=web       deployments matching a label selector (`-l app=web` too)
    :ns  :nodes  :events  :xray deploy  :ctx  :q

Parsing is pure: what a word names (a kind, a namespace, a selector) is decided here by its
shape; whether the kind exists is for discovery to say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Commands that are not kinds. Each maps to the canonical command name.
SPECIAL = {
    "q": "quit",
    "q!": "quit",
    "quit": "quit",
    "exit": "quit",
    "xray": "xray",
    "x": "xray",
    "events": "events",
    "ev": "events",
    "event": "events",
    "help": "help",
    "?": "help",
    "ctx": "contexts",
    "context": "contexts",
    "contexts": "contexts",
    "theme": "theme",
}

ALL_NAMESPACES = ("-A", "--all-namespaces", "all", "*")
_SELECTOR_SHAPE = re.compile(r"[=!]|\s(?:in|notin)\s*\(|^!?[\w./-]+$")


@dataclass
class Command:
    name: str  # a kind as typed ("po", "deploy") or a special command ("quit", "xray", ...)
    special: bool = False
    namespaces: list[str] = field(default_factory=list)  # empty: the current namespace
    all_namespaces: bool = False
    selector: str = ""  # a label selector
    args: list[str] = field(default_factory=list)  # the rest, for special commands


class CommandError(ValueError):
    """The command line cannot be understood (the message says why)."""


def parse_command(text: str) -> Command:
    words = text.strip().lstrip(":").split()
    if not words:
        raise CommandError("type a kind (pods, deploy, ns, ...) or a command (q, xray, events)")
    head, rest = words[0], words[1:]
    special = SPECIAL.get(head.lower())
    if special == "events":
        # `:events` takes namespaces like a kind does, but opens the events screen.
        command = _kind_command(head, rest)
        command.name, command.special = "events", True
        return command
    if special is not None:
        return Command(special, special=True, args=rest)
    return _kind_command(head, rest)


def _kind_command(head: str, rest: list[str]) -> Command:
    command = Command(head.lower())
    words = list(rest)
    while words:
        word = words.pop(0)
        if word in ALL_NAMESPACES:
            command.all_namespaces = True
        elif word in ("-l", "--selector"):
            if not words:
                raise CommandError("-l needs a label selector, e.g. -l app=web")
            command.selector = _join_selector(command.selector, words.pop(0))
        elif word.startswith("-l") and len(word) > 2:
            command.selector = _join_selector(command.selector, word[2:])
        elif word in ("-n", "--namespace"):
            if not words:
                raise CommandError("-n needs a namespace")
            command.namespaces.extend(_namespaces(words.pop(0)))
        elif "=" in word or word.startswith("!") or "(" in word:
            command.selector = _join_selector(command.selector, word)
        elif word.startswith("-"):
            raise CommandError(f"unknown option {word!r} (use -A, -n NS or -l SELECTOR)")
        else:
            command.namespaces.extend(_namespaces(word))
    if command.all_namespaces:
        command.namespaces = []
    return command


def _namespaces(word: str) -> list[str]:
    names = [name for name in word.split(",") if name]
    for name in names:
        if not re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name):
            raise CommandError(f"{name!r} is not a namespace name")
    return names


def _join_selector(current: str, more: str) -> str:
    return f"{current},{more}" if current else more
