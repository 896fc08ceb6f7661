"""Label and field selectors compiled for one kind (list, watch, deletecollection)."""

from __future__ import annotations

from engine.api.selectors import (
    FieldSelector,
    LabelSelector,
    SelectorError,
    compile_field_selector,
    fields_of,
    parse_label_selector,
)
from engine.registry.types import Obj, ResourceType

from .errors import bad_request


class Filter:
    """Which objects a request selects; `empty` means all (no decoding needed)."""

    __slots__ = ("rt", "labels", "fields", "name", "namespace", "selectable")

    def __init__(
        self, rt: ResourceType, label_selector: str = "", field_selector: str = ""
    ) -> None:
        self.rt = rt
        self.selectable = _selectable_fields(rt)
        try:
            self.labels: LabelSelector | None = (
                parse_label_selector(label_selector) if label_selector else None
            )
            self.fields: FieldSelector | None = (
                compile_field_selector(
                    field_selector, rt.group, rt.version, rt.kind, self.selectable
                )
                if field_selector
                else None
            )
        except SelectorError as exc:
            raise bad_request(str(exc)) from None
        if self.labels is not None and self.labels.empty:
            self.labels = None
        if self.fields is not None and self.fields.empty:
            self.fields = None
        self.name = self.fields.requires_exact_match("metadata.name") if self.fields else None
        self.namespace = (
            self.fields.requires_exact_match("metadata.namespace") if self.fields else None
        )

    @property
    def empty(self) -> bool:
        return self.labels is None and self.fields is None

    def matches(self, obj: Obj) -> bool:
        if self.labels is not None:
            labels = (obj.get("metadata") or {}).get("labels")
            if not self.labels.matches(labels if isinstance(labels, dict) else {}):
                return False
        if self.fields is not None:
            fields = fields_of(self.rt.group, self.rt.kind, obj, self.selectable)
            if not self.fields.matches(fields):
                return False
        return True


def _selectable_fields(rt: ResourceType) -> list[str] | None:
    if rt.custom is None:
        return None
    return [f.get("jsonPath", "") for f in rt.custom.get("selectableFields") or ()]
