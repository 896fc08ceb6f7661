"""metav1.LabelSelector objects (matchLabels + matchExpressions) as compiled selectors.

Deployments, ReplicaSets, DaemonSets, Jobs, StatefulSets and PodDisruptionBudgets carry
their selector in this form; the controllers match pods with it, and the printers show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import SelectorError
from .labels import DOES_NOT_EXIST, EQUALS, EXISTS, IN, NOT_IN, LabelSelector, new_requirement

_OPERATORS = {"In": IN, "NotIn": NOT_IN, "Exists": EXISTS, "DoesNotExist": DOES_NOT_EXIST}


def selector_from_label_selector(obj: Mapping[str, Any] | None) -> LabelSelector:
    """metav1.LabelSelectorAsSelector.

    None selects nothing; an empty object selects everything. Raises SelectorError with
    upstream's message for an invalid key, value or operator.
    """
    if obj is None:
        return LabelSelector.nothing()
    match_labels = obj.get("matchLabels") or {}
    expressions = obj.get("matchExpressions") or []
    if not match_labels and not expressions:
        return LabelSelector.everything()
    requirements = [new_requirement(k, EQUALS, (v,)) for k, v in match_labels.items()]
    for expr in expressions:
        op = expr.get("operator", "")
        if op not in _OPERATORS:
            # Go's %q of the operator string
            raise SelectorError(f'"{op}" is not a valid label selector operator')
        requirements.append(
            new_requirement(expr.get("key", ""), _OPERATORS[op], expr.get("values") or ())
        )
    return LabelSelector(requirements)


def format_label_selector(obj: Mapping[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: the selector's string, "<none>" if empty, "<error>" if bad."""
    try:
        text = str(selector_from_label_selector(obj))
    except SelectorError:
        return "<error>"
    return text or "<none>"
