"""User key remapping: config.toml's [keymap] (binding id = "keys") applied with
App.set_keymap. Every Binding in ktui has an id (e.g. "logs.follow") for this.

Mistakes come back as messages: a key Textual cannot name skips that entry (the binding
keeps its default key); an id no binding has is reported, and harmless."""

from __future__ import annotations

import difflib
import importlib
import logging
import pkgutil
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cache

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, key_to_character

log = logging.getLogger(__name__)

# Where ktui's bindings are declared; imported before collecting ids, because the app
# imports some screens only when they first open.
BINDING_PACKAGES = ("ktui.screens", "ktui.widgets")

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def import_binding_modules(packages: Iterable[str] = BINDING_PACKAGES) -> None:
    for package_name in packages:
        try:
            package = importlib.import_module(package_name)
        except Exception:  # a broken module must not stop the app from starting
            log.exception("cannot import %s", package_name)
            continue
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            try:
                importlib.import_module(module.name)
            except Exception:
                log.exception("cannot import %s", module.name)


def known_binding_ids(classes: Iterable[type] | None = None) -> set[str]:
    """Ids of the bindings declared by `classes`, by default every widget, screen and app
    class of ktui's screen and widget packages and whatever else is imported."""
    ids: set[str] = set()
    if classes is None:
        import_binding_modules()
        classes = list(_subclasses(DOMNode))
    for cls in classes:
        for binding in vars(cls).get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


@cache
def _key_names() -> frozenset[str]:
    names = {key.value for key in Keys}
    for code in range(32, 127):  # printable ASCII: "?" is bound as "question_mark"
        names.add(_char_key(chr(code)))
    return frozenset(names)


def _char_key(char: str) -> str:
    """A single character as Textual names it in bindings ("?" -> "question_mark")."""
    if char.isalnum():
        return char
    name = unicodedata.name(char, char).lower().replace("-", "_").replace(" ", "_")
    return KEY_NAME_REPLACEMENTS.get(name, name)


def normalize_key(key: str) -> str | None:
    """A key as the user wrote it ("ctrl+/", "?", "F5") in Textual's spelling, or None."""
    key = key.strip()
    if not key:
        return None
    if len(key) == 1:
        return _char_key(key)
    *mods, name = key.split("+") if not key.endswith("++") else [*key[:-2].split("+"), "+"]
    if any(mod.lower() not in MODIFIERS for mod in mods):
        return None
    if len(name) == 1:
        # With modifiers, terminals report the letter in lower case ("ctrl+shift+x").
        name = _char_key(name.lower() if mods else name)
    elif name.lower() in _key_names():
        name = name.lower()  # "F5", "Escape" are what people type
    elif key_to_character(name) is None and name not in _key_names():
        return None
    return "+".join([*(mod.lower() for mod in mods), name])


def validate_keymap(
    keymap: Mapping[str, str], binding_ids: set[str]
) -> tuple[dict[str, str], list[str]]:
    """The usable part of a keymap (keys in Textual's spelling) and a message per mistake.

    Entries with an unknown id are reported but kept: they cannot do harm, and a binding
    declared somewhere unforeseen still gets its key."""
    valid: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, keys in keymap.items():
        if binding_id not in binding_ids:
            close = difflib.get_close_matches(binding_id, sorted(binding_ids), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"keymap: no binding has the id {binding_id!r}{hint}")
        normalized = [normalize_key(key) for key in keys.split(",")]
        bad = [
            key.strip()
            for key, norm in zip(keys.split(","), normalized, strict=True)
            if norm is None
        ]
        if bad:
            problems.append(
                f"keymap.{binding_id}: {', '.join(repr(b) for b in bad)} is not a key "
                '(examples: "r", "R", "ctrl+r", "f5", "question_mark", "escape")'
            )
            continue
        valid[binding_id] = ",".join(key for key in normalized if key)
    return valid, problems


def apply_keymap(
    app: App, keymap: Mapping[str, str], binding_ids: set[str] | None = None
) -> list[str]:
    """Remap keys by binding id; returns the problems (for notify). Call from on_mount."""
    if not keymap:
        return []  # nothing to remap: no need to import every screen to learn the ids
    ids = binding_ids if binding_ids is not None else known_binding_ids()
    valid, problems = validate_keymap(keymap, ids)
    app.set_keymap(valid)
    return problems
