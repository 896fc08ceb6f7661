"""metav1.LabelSelector objects, as Deployments, ReplicaSets and Jobs carry them."""

from __future__ import annotations

import pytest

from engine.api.selectors import (
    SelectorError,
    format_label_selector,
    selector_from_label_selector,
)


def test_match_labels_and_expressions_are_anded() -> None:
    sel = selector_from_label_selector(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["fe", "be"]},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
                {"key": "track", "operator": "Exists"},
                {"key": "canary", "operator": "DoesNotExist"},
            ],
        }
    )
    assert str(sel) == "app=web,!canary,env notin (dev),tier in (be,fe),track"
    assert sel.matches({"app": "web", "tier": "fe", "track": "stable"})
    assert not sel.matches({"app": "web", "tier": "fe"})  # no track
    assert not sel.matches({"app": "web", "tier": "fe", "track": "x", "canary": "1"})
    assert not sel.matches({"app": "web", "tier": "fe", "track": "x", "env": "dev"})
    assert not sel.matches({"app": "db", "tier": "fe", "track": "x"})


def test_nil_selects_nothing_and_empty_selects_everything() -> None:
    assert not selector_from_label_selector(None).matches({"app": "web"})
    assert selector_from_label_selector({}).matches({"app": "web"})
    assert selector_from_label_selector({"matchLabels": {}}).matches({})


def test_invalid_selectors() -> None:
    with pytest.raises(SelectorError) as caught:
        selector_from_label_selector({"matchExpressions": [{"key": "a", "operator": "Has"}]})
    assert caught.value.message == '"Has" is not a valid label selector operator'
    with pytest.raises(SelectorError) as caught:
        selector_from_label_selector({"matchExpressions": [{"key": "a", "operator": "In"}]})
    assert caught.value.message == (
        "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"
    )
    with pytest.raises(SelectorError, match=r'^key: Invalid value: "-a": name part'):
        selector_from_label_selector({"matchLabels": {"-a": "b"}})


def test_format_label_selector() -> None:
    assert format_label_selector({"matchLabels": {"app": "web", "pod-template-hash": "5d4"}}) == (
        "app=web,pod-template-hash=5d4"
    )
    assert format_label_selector({}) == "<none>"
    assert format_label_selector(None) == "<none>"
    assert (
        format_label_selector({"matchExpressions": [{"key": "a", "operator": "Bad"}]}) == "<error>"
    )
