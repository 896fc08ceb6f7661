"""metav1.LabelSelector matching (matchLabels, matchExpressions), for aggregation rules."""

from __future__ import annotations

from typing import Any


def matches(selector: Any, labels: dict[str, str]) -> bool:
    """An empty selector matches everything, as metav1.LabelSelectorAsSelector does."""
    if not isinstance(selector, dict):
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or ():
        key, op = expr.get("key", ""), expr.get("operator", "")
        values = expr.get("values") or []
        present = key in labels
        if op == "In" and not (present and labels[key] in values):
            return False
        if op == "NotIn" and present and labels[key] in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return True
