"""kubectl's generic describer, for every kind without a describer of its own (CRDs too):
the object's fields as nested `Key: value` lines with smart labels, then its events."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from .events import describe_events, events_about
from .format import go_v
from .metadata import print_annotations, print_labels
from .writer import LEVEL_0, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client
    from ktui.refs import ObjectRef

SKIP = (
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
)
ACRONYMS = {"API", "URL", "UID", "OSB", "GUID"}


async def describe_generic(client: Client, ref: ObjectRef) -> str:
    obj = await client.bind(ref.resource).get(ref.name, ref.namespace)
    events = await events_about(client, obj, obj.get("kind") or ref.resource.kind)
    return describe_object(obj, events)


def describe_object(obj: dict[str, Any], events: list[dict[str, Any]] | None) -> str:
    meta = obj.get("metadata") or {}

    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, f"Name:\t{meta.get('name', '')}\n")
        w.write(LEVEL_0, f"Namespace:\t{meta.get('namespace', '')}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        print_content(w, LEVEL_0, obj, "")
        if events is not None:
            describe_events(events, w)

    return tabbed(build)


def print_content(w: PrefixWriter, level: int, content: dict[str, Any], prefix: str) -> None:
    """printUnstructuredContent: keys sorted, maps and lists nested one level deeper."""
    for field in sorted(content):
        value = content[field]
        path = f"{prefix}.{field}"
        if path in SKIP:
            continue
        if isinstance(value, dict):
            w.write(level, f"{smart_label(field)}:\n")
            print_content(w, level + 1, value, path)
        elif isinstance(value, list):
            w.write(level, f"{smart_label(field)}:\n")
            for child in value:
                if isinstance(child, dict):
                    print_content(w, level + 1, child, path)
                else:
                    w.write(level + 1, f"{go_v(child)}\n")
        else:
            w.write(level, f"{smart_label(field)}:\t{go_v(value)}\n")


def smart_label(field: str) -> str:
    """smartLabelFor: `apiVersion` -> `API Version`; names with digits or symbols as they are."""
    if any(not (ch.isalpha() or ch == "-") for ch in field):
        return field
    parts = []
    for part in camelcase_split(field):
        parts.append(part.upper() if part.upper() in ACRONYMS else part[:1].upper() + part[1:])
    return " ".join(parts)


def _class(ch: str) -> int:
    category = unicodedata.category(ch)
    if category == "Ll":
        return 1
    if category == "Lu":
        return 2
    if category == "Nd":
        return 3
    return 4


def camelcase_split(text: str) -> list[str]:
    """fatih/camelcase.Split: runs of one character class; `PDFLoader` -> PDF, Loader."""
    runs: list[list[str]] = []
    last = 0
    for ch in text:
        kind = _class(ch)
        if kind == last and runs:
            runs[-1].append(ch)
        else:
            runs.append([ch])
        last = kind
    for i in range(len(runs) - 1):
        if runs[i] and runs[i + 1] and runs[i][0].isupper() and runs[i + 1][0].islower():
            runs[i + 1].insert(0, runs[i].pop())
    return ["".join(run) for run in runs if run]
