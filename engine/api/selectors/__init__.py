"""Label and field selectors exactly as kube-apiserver parses and applies them.

    sel = parse_label_selector("app=web,tier in (a,b),!canary")
    sel.matches(pod["metadata"].get("labels"))

    fsel = compile_field_selector("spec.nodeName=n1,status.phase!=Failed", "", "v1", "Pod")
    fsel.matches(fields_of("", "Pod", pod))

Both raise SelectorError(message) with kube-apiserver's text; answer it with 400 BadRequest.
"""

from __future__ import annotations

from .errors import SelectorError
from .field_labels import convert_field_label, fields_of, rules_for
from .fields import (
    FieldSelector,
    FieldTerm,
    compile_field_selector,
    escape_value,
    parse_field_selector,
    unescape_value,
)
from .label_objects import format_label_selector, selector_from_label_selector
from .label_parser import parse_label_selector
from .labels import (
    LabelSelector,
    Requirement,
    format_labels,
    new_requirement,
    selector_from_set,
)

__all__ = [
    "FieldSelector",
    "FieldTerm",
    "LabelSelector",
    "Requirement",
    "SelectorError",
    "compile_field_selector",
    "convert_field_label",
    "escape_value",
    "fields_of",
    "format_label_selector",
    "format_labels",
    "new_requirement",
    "parse_field_selector",
    "parse_label_selector",
    "rules_for",
    "selector_from_label_selector",
    "selector_from_set",
    "unescape_value",
]
