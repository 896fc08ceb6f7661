"""An object as `kubectl get -o yaml` prints it, byte for byte.

kubectl turns the server's JSON into YAML with sigs.k8s.io/yaml (go-yaml v2): keys sorted
at every level, sequences not indented under their key, lines folded at 80 columns, text
with newlines as literal blocks, and double quotes for any string YAML would read back as
something else ("80", "true", a timestamp). PyYAML shares go-yaml's emitter (both come
from libyaml); only the decision which strings need quotes is Go's, made here.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from .format import go_float

MANAGED_FIELDS = "managedFields"
STR = "tag:yaml.org,2002:str"
# Plain scalars go-yaml v2 reads as something other than a string (besides numbers).
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "true", "True", "TRUE", "false", "False", "FALSE",
    "on", "On", "ON", "off", "Off", "OFF",
}  # fmt: skip
_FLOATS = {
    ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    ".nan", ".NaN", ".NAN",
}  # fmt: skip
_INT = re.compile(
    r"^[-+]?(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[0-9a-fA-F])+|0(?:_?[0-7])*"
    r"|[1-9](?:_?[0-9])*)$"
)
_FLOAT = re.compile(
    r"^[-+]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|inf|infinity|nan)$", re.IGNORECASE
)
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_TIMESTAMP = re.compile(
    r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?)?$"
)


def go_tag(text: str) -> str:
    """The tag go-yaml v2 gives `text` as a plain scalar."""
    if text in _NULLS:
        return "tag:yaml.org,2002:null"
    if text in _BOOLS:
        return "tag:yaml.org,2002:bool"
    if text in _FLOATS:
        return "tag:yaml.org,2002:float"
    if text[:1] not in "+-.0123456789":
        return STR
    if _INT.match(text):
        return "tag:yaml.org,2002:int"
    if _FLOAT.match(text) or _BASE60.match(text):
        return "tag:yaml.org,2002:float"
    if _TIMESTAMP.match(text):
        return "tag:yaml.org,2002:timestamp"
    return STR


def reads_as_non_string(text: str) -> bool:
    """Whether go-yaml v2 would read `text`, unquoted, as anything but a string."""
    return go_tag(text) != STR


class _GoResolver(yaml.resolver.BaseResolver):
    """Plain scalars resolve as go-yaml resolves them, so PyYAML quotes what Go quotes."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:  # type: ignore[override]
        if kind is yaml.ScalarNode and implicit[0]:
            return go_tag(value)
        return super().resolve(kind, value, implicit)


class _Dumper(
    yaml.emitter.Emitter, yaml.serializer.Serializer, yaml.representer.SafeRepresenter, _GoResolver
):
    def __init__(self, stream: Any, **kwargs: Any) -> None:
        yaml.emitter.Emitter.__init__(
            self, stream, width=kwargs.get("width"), allow_unicode=True, indent=2
        )
        yaml.serializer.Serializer.__init__(self)
        yaml.representer.SafeRepresenter.__init__(self, default_flow_style=False, sort_keys=True)
        _GoResolver.__init__(self)


def _represent_str(dumper: _Dumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar(STR, value, style="|")
    if reads_as_non_string(value):
        return dumper.represent_scalar(STR, value, style='"')
    return dumper.represent_scalar(STR, value)


def _represent_float(dumper: _Dumper, value: float) -> yaml.ScalarNode:
    if math.isnan(value):
        text = ".nan"
    elif math.isinf(value):
        text = ".inf" if value > 0 else "-.inf"
    else:
        text = go_float(value)
    return dumper.represent_scalar(go_tag(text), text)  # 1.0 prints as a plain 1


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(float, _represent_float)


def without_managed_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """A shallow copy of `obj` without metadata.managedFields (kubectl's default view)."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or MANAGED_FIELDS not in meta:
        return obj
    return {**obj, "metadata": {k: v for k, v in meta.items() if k != MANAGED_FIELDS}}


def to_yaml(obj: Any, *, managed_fields: bool = False) -> str:
    """The text `kubectl get -o yaml` prints (`--show-managed-fields` when asked)."""
    if isinstance(obj, dict) and not managed_fields:
        obj = without_managed_fields(obj)
    return yaml.dump(obj, Dumper=_Dumper, width=80)
