"""An object as editable YAML and back: dump without managedFields, parse with the line of a
syntax error, and find the line of a field path (`spec.template.spec.containers[0].image`)
so an error from the server can point at the text the user wrote."""

from __future__ import annotations

import copy
import re
from typing import Any

import yaml

HIDDEN = (("metadata", "managedFields"),)


class _Dumper(yaml.SafeDumper):
    """Block style for multi-line strings, so a ConfigMap's file reads as a file."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def without(obj: dict[str, Any], paths: tuple[tuple[str, ...], ...]) -> dict[str, Any]:
    """A copy of `obj` without the fields at `paths` (missing ones are fine)."""
    obj = copy.deepcopy(obj)
    for path in paths:
        parent: Any = obj
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(parent, dict):
            parent.pop(path[-1], None)
    return obj


def dump(obj: Any) -> str:
    """YAML in the server's key order (apiVersion, kind, metadata, spec, status)."""
    return yaml.dump(
        obj, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10_000, indent=2
    )


def object_to_yaml(obj: dict[str, Any]) -> str:
    """The text the editor opens: the live object without managedFields."""
    return dump(without(obj, HIDDEN))


class YamlSyntaxError(ValueError):
    """The text is not YAML (or not one object); `line` counts from 1 (0: unknown)."""

    def __init__(self, problem: str, line: int = 0, column: int = 0) -> None:
        self.problem = problem
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line else ""
        super().__init__(f"YAML error: {where}{problem}")


def parse_object(text: str) -> dict[str, Any]:
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "invalid YAML"
        if mark is None:
            raise YamlSyntaxError(problem) from None
        raise YamlSyntaxError(problem, mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as error:
        raise YamlSyntaxError(str(error)) from None
    if len(docs) != 1:
        raise YamlSyntaxError(f"expected one object, found {len(docs)} documents")
    if not isinstance(docs[0], dict):
        raise YamlSyntaxError("the document must be a mapping (an object)")
    return docs[0]


_PART = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


def path_parts(path: str) -> list[str | int]:
    """`spec.containers[0].image` -> ["spec", "containers", 0, "image"];
    `metadata.labels[app.kubernetes.io/name]` -> ["metadata", "labels", "app.kubernetes.io/name"]."""
    parts: list[str | int] = []
    for bracket, name in _PART.findall(path.lstrip(".")):
        if name:
            parts.append(name)
        elif bracket.isdigit():
            parts.append(int(bracket))
        else:
            parts.append(bracket)
    return parts


def line_of(text: str, path: str) -> int | None:
    """The 0-based line of the deepest part of `path` present in `text` (a missing field
    points at its parent); None if the text does not parse or nothing matches."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line: int | None = None
    for part in path_parts(path):
        if isinstance(node, yaml.MappingNode):
            match = next((kv for kv in node.value if kv[0].value == str(part)), None)
            if match is None:
                break
            line, node = match[0].start_mark.line, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                break
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line


def identity_change(original: dict[str, Any], edited: dict[str, Any]) -> str | None:
    """Why `edited` is not the same object as `original` (the editor replaces in place)."""
    for label, get in (
        ("apiVersion", lambda o: o.get("apiVersion")),
        ("kind", lambda o: o.get("kind")),
        ("metadata.name", lambda o: (o.get("metadata") or {}).get("name")),
    ):
        if get(edited) != get(original):
            return f"{label} cannot be changed while editing (was {get(original)!r})"
    namespace = (edited.get("metadata") or {}).get("namespace")
    if namespace and namespace != (original.get("metadata") or {}).get("namespace"):
        return "metadata.namespace cannot be changed while editing"
    return None
