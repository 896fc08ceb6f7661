"""Unknown and duplicate fields of a request body, found against the kind's schema.

This is what ``fieldValidation=Strict`` (reject) and ``=Warn`` (warning headers) need.
kube-apiserver finds them while decoding (sigs.k8s.io/json, case-sensitive): paths look
like ``spec.template.spec.containers[0].foo`` and errors come in the order met in the
body, each once, at most 100. Server-side apply finds them with structured-merge-diff,
whose paths look like ``.spec.template.spec.containers[name="web"].foo``
(``apply_style=True``).

Unknown means: not among the schema's ``properties``, where the schema has no
``additionalProperties`` (maps such as labels, annotations and resource limits have one)
and no ``x-kubernetes-preserve-unknown-fields``. Free-form objects (RawExtension,
FieldsV1, Patch, JSON) accept anything. ``x-kubernetes-embedded-resource`` objects take
``apiVersion``, ``kind`` and an ObjectMeta ``metadata``. Values of the wrong type are left
to validation.

Duplicates need the raw bytes (orjson keeps the last key silently), so they are found
with the stdlib parser and an ``object_pairs_hook``: only pay for it when the request
asked for Strict or Warn.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from engine.api.openapi.crd import OBJECT_META
from engine.api.openapi.schemas import GVK, REF_PREFIX, Schema, SchemaLookup

MAX_ERRORS = 100  # sigs.k8s.io/json stops collecting strict errors there

_OBJECT_META_REF: Schema = {"$ref": REF_PREFIX + OBJECT_META}
_STRING: Schema = {"type": "string"}


class _Pairs(list):
    """A JSON object as decoded by ``object_pairs_hook``: ordered, duplicates kept."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class FieldIssue:
    problem: Literal["unknown", "duplicate"]
    path: str

    @property
    def message(self) -> str:
        """kube-apiserver's wording: ``unknown field "spec.foo"``."""
        return f'{self.problem} field "{self.path}"'

    def __str__(self) -> str:
        return self.message


def parse_pairs(raw: bytes | str) -> Any:
    """`raw` JSON with every object as a `_Pairs` list (raises ValueError if not JSON)."""
    return json.loads(raw, object_pairs_hook=_Pairs)


def unknown_fields(
    lookup: SchemaLookup, gvk: GVK, obj: Any, *, apply_style: bool = False
) -> list[str]:
    """Paths of the fields of decoded `obj` that the schema of `gvk` does not declare.

    An unknown `gvk` gives no paths (nothing to judge against).
    """
    schema = lookup.schema_for(*gvk)
    if schema is None:
        return []
    walker = _Walker(lookup, apply_style=apply_style)
    walker.value(obj, schema, "")
    return [issue.path for issue in walker.issues]


def duplicate_fields(raw: bytes | str) -> list[str]:
    """Paths of the keys that appear more than once in one object of the JSON `raw`."""
    walker = _Walker(None)
    walker.value(parse_pairs(raw), None, "")
    return [issue.path for issue in walker.issues]


def strict_field_errors(lookup: SchemaLookup, gvk: GVK, raw: bytes | str) -> list[FieldIssue]:
    """Unknown and duplicate fields of the JSON body `raw`, in the order kube-apiserver
    reports them (as met in the body). Their ``message`` is the upstream text."""
    walker = _Walker(lookup)
    walker.value(parse_pairs(raw), lookup.schema_for(*gvk), "")
    return walker.issues


def messages(issues: Iterable[FieldIssue | str]) -> list[str]:
    return [issue.message if isinstance(issue, FieldIssue) else issue for issue in issues]


class _Walker:
    """One walk over a body; `lookup` None (or a None schema) means: duplicates only."""

    def __init__(self, lookup: SchemaLookup | None, *, apply_style: bool = False) -> None:
        self.lookup = lookup
        self.apply_style = apply_style
        self.issues: list[FieldIssue] = []
        self._reported: set[FieldIssue] = set()

    def report(self, problem: Literal["unknown", "duplicate"], path: str) -> None:
        issue = FieldIssue(problem, path)
        if issue not in self._reported and len(self.issues) < MAX_ERRORS:
            self._reported.add(issue)
            self.issues.append(issue)

    # -- paths ---------------------------------------------------------------------------

    def key_path(self, path: str, key: str) -> str:
        if self.apply_style:
            return f"{path}.{key}"
        return f"{path}.{key}" if path else key

    def item_path(self, path: str, index: int, item: Any, schema: Schema | None) -> str:
        if self.apply_style and schema is not None:
            list_type = schema.get("x-kubernetes-list-type")
            keys = schema.get("x-kubernetes-list-map-keys")
            if list_type == "map" and keys and isinstance(item, dict | _Pairs):
                fields = [f"{k}={json.dumps(v)}" for k in keys if (v := _get(item, k)) is not None]
                if fields:
                    return f"{path}[{','.join(fields)}]"
            if list_type == "set" and not isinstance(item, dict | list):
                return f"{path}[={json.dumps(item)}]"
        return f"{path}[{index}]"

    # -- walking -------------------------------------------------------------------------

    def resolve(self, schema: Schema | None) -> Schema | None:
        if schema is None or self.lookup is None:
            return None
        return self.lookup.resolve(schema)

    def value(self, value: Any, schema: Schema | None, path: str) -> None:
        if isinstance(value, dict | _Pairs):
            self.object(value, self.resolve(schema), path)
        elif isinstance(value, list):
            self.array(value, self.resolve(schema), path)

    def array(self, items: list, schema: Schema | None, path: str) -> None:
        if schema is not None and _declared_type(schema) not in (None, "array"):
            return  # a type error, not ours
        item_schema = schema.get("items") if schema is not None else None
        if not isinstance(item_schema, dict):
            item_schema = None
        for index, item in enumerate(items):
            self.value(item, item_schema, self.item_path(path, index, item, schema))

    def object(self, obj: dict | _Pairs, schema: Schema | None, path: str) -> None:
        if schema is not None and _declared_type(schema) not in (None, "object"):
            return  # a type error, not ours
        properties, extra, strict = _object_rules(schema)
        free_form = schema is not None and properties is None and extra is None and not strict
        if free_form and not schema.get("x-kubernetes-preserve-unknown-fields"):
            return  # free-form (RawExtension, FieldsV1...): decoded as raw bytes
        seen: set[str] = set()
        pairs = obj if isinstance(obj, _Pairs) else obj.items()
        for key, child in pairs:
            child_path = self.key_path(path, key)
            child_schema = properties.get(key) if properties is not None else None
            if child_schema is None and extra is not None:
                child_schema = extra
            if child_schema is None and strict:
                # Go reports an unknown field once, however often it appears.
                self.report("unknown", child_path)
                continue
            if isinstance(obj, _Pairs):
                if key in seen:
                    self.report("duplicate", child_path)
                seen.add(key)
            self.value(child, child_schema, child_path)


def _object_rules(schema: Schema | None) -> tuple[dict | None, Schema | None, bool]:
    """(properties, schema of other keys, whether other keys are unknown) of an object."""
    if schema is None:
        return None, None, False
    properties = schema.get("properties")
    if schema.get("x-kubernetes-embedded-resource"):
        properties = {"apiVersion": _STRING, "kind": _STRING, **(properties or {})}
        properties["metadata"] = _OBJECT_META_REF
    extra = schema.get("additionalProperties")
    preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
    if isinstance(extra, dict):
        return properties, extra, False
    if extra is False:
        return properties, None, not preserve
    if extra is True:
        return properties, None, False
    # No additionalProperties: declared properties only, unless unknown fields are kept.
    return properties, None, properties is not None and not preserve


def _declared_type(schema: Schema) -> str | None:
    declared = schema.get("type")
    return declared if isinstance(declared, str) else None


def _get(obj: dict | _Pairs, key: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(key)
    found = None
    for k, v in obj:  # the last one wins, as in Go
        if k == key:
            found = v
    return found
