"""Field selectors: apimachinery's fields.ParseSelector, plus per-kind label conversion.

A field selector is an AND of `field=value`, `field==value` and `field!=value` terms.
Values may be empty and may escape `\\`, `,` and `=` with a backslash; field names are
taken verbatim (no trimming: "a = b" names the field "a "). Terms are sorted before use,
as upstream does, so the first error reported is the first in sorted order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .errors import SelectorError
from .field_labels import convert_field_label

_OPERATORS = ("!=", "==", "=")  # "==" before "=" so no "=" is left on the value


@dataclass(frozen=True)
class FieldTerm:
    field: str
    value: str
    negated: bool = False

    def matches(self, fields: Mapping[str, str]) -> bool:
        # A field the object does not have reads as "" (fields.Set.Get).
        return (fields.get(self.field, "") == self.value) != self.negated

    def __str__(self) -> str:
        return f"{self.field}{'!=' if self.negated else '='}{escape_value(self.value)}"


class FieldSelector:
    """A parsed field selector: `matches(fields)` with fields from `fields_of()`."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[FieldTerm, ...] = ()) -> None:
        self.terms = terms

    def matches(self, fields: Mapping[str, str]) -> bool:
        return all(term.matches(fields) for term in self.terms)

    @property
    def empty(self) -> bool:
        return not self.terms

    def requires_exact_match(self, field: str) -> str | None:
        """The value `field` must equal, if a term pins it (lets the API use an index)."""
        for term in self.terms:
            if term.field == field and not term.negated:
                return term.value
        return None

    def for_kind(
        self,
        group: str,
        version: str,
        kind: str,
        selectable_fields: Sequence[str] | None = None,
    ) -> FieldSelector:
        """Apply the kind's field label conversion (scheme.ConvertFieldLabel).

        Renames legacy labels (spec.host, regarding.*) to the ones `fields_of` returns and
        raises SelectorError("field label not supported: ...") for fields the kind lacks.
        `selectable_fields` are a custom resource's CRD selectableFields jsonPaths.
        """
        terms = []
        for term in self.terms:
            field, value = convert_field_label(
                group, version, kind, term.field, term.value, selectable_fields
            )
            if field or value:  # an empty label and value transform to "everything"
                terms.append(FieldTerm(field, value, term.negated))
        return FieldSelector(tuple(terms))

    def __str__(self) -> str:
        return ",".join(str(term) for term in self.terms)

    def __repr__(self) -> str:
        return f"FieldSelector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldSelector) and self.terms == other.terms

    def __hash__(self) -> int:
        return hash(self.terms)


def _split_terms(text: str) -> list[str]:
    """Split on commas that are not backslash-escaped (the backslash stays in the term)."""
    if not text:
        return []
    terms, start, in_slash = [], 0, False
    for i, ch in enumerate(text):
        if in_slash:
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch == ",":
            terms.append(text[start:i])
            start = i + 1
    terms.append(text[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    for i in range(len(term)):
        for op in _OPERATORS:
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op) :]
    return None


def unescape_value(value: str) -> str:
    if not any(ch in value for ch in "\\,="):
        return value
    out, in_slash = [], False
    for ch in value:
        if in_slash:
            if ch not in "\\,=":
                raise SelectorError(f"invalid field selector: invalid escape sequence: \\{ch}")
            out.append(ch)
            in_slash = False
        elif ch == "\\":
            in_slash = True
        elif ch in ",=":
            # Go prints the rune with %v, which is its code point number.
            raise SelectorError(f"invalid field selector: unescaped character in value: {ord(ch)}")
        else:
            out.append(ch)
    if in_slash:
        raise SelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def escape_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def parse_field_selector(text: str) -> FieldSelector:
    """fields.ParseSelector, without kind-specific checks. Raises SelectorError."""
    terms = []
    for part in sorted(_split_terms(text)):
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise SelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
        field, op, raw = split
        terms.append(FieldTerm(field, unescape_value(raw), negated=op == "!="))
    return FieldSelector(tuple(terms))


def compile_field_selector(
    text: str,
    group: str,
    version: str,
    kind: str,
    selectable_fields: Sequence[str] | None = None,
) -> FieldSelector:
    """Parse `fieldSelector=` and check it against the kind, as a list or watch would."""
    return parse_field_selector(text).for_kind(group, version, kind, selectable_fields)
