"""The multi-line maps every describer prints: Labels, Annotations, Node-Selectors."""

from __future__ import annotations

from typing import Any

from .writer import LEVEL_0, PrefixWriter

MAX_ANNOTATION_LEN = 140
# kubectl never shows the last-applied configuration: it repeats the whole object.
SKIP_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration"}


def print_labels(
    w: PrefixWriter,
    title: str,
    labels: dict[str, Any] | None,
    initial_indent: str = "",
    inner_indent: str = "\t",
) -> None:
    """printLabelsMultilineWithIndent: `Title:\\tk=v` then one aligned line per label."""
    w.write(LEVEL_0, f"{initial_indent}{title}:{inner_indent}")
    if not labels:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(LEVEL_0, initial_indent)
            w.write(LEVEL_0, inner_indent)
        w.write(LEVEL_0, f"{key}={_text(labels[key])}\n")


def print_annotations(w: PrefixWriter, title: str, annotations: dict[str, Any] | None) -> None:
    """printAnnotationsMultiline: long or multi-line values go below their key, shortened."""
    w.write(LEVEL_0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k not in SKIP_ANNOTATIONS)
    if not keys:
        w.write_line("<none>")
        return
    indent = "\t"
    for i, key in enumerate(keys):
        if i:
            w.write(LEVEL_0, indent)
        value = _text((annotations or {})[key]).removesuffix("\n")
        if len(value.encode()) + len(key.encode()) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(LEVEL_0, f"{key}:\n")
            for line in value.split("\n"):
                w.write(LEVEL_0, f"{indent}  {_shorten(line, MAX_ANNOTATION_LEN - 2)}\n")
        else:
            w.write(LEVEL_0, f"{key}: {value}\n")


def _shorten(text: str, limit: int) -> str:
    # Go slices bytes; cut on a character boundary at or before the byte limit.
    raw = text.encode()
    if len(raw) <= limit:
        return text
    return raw[:limit].decode(errors="ignore") + "..."


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)
