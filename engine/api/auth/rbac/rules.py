"""PolicyRule matching, as k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go.

Rules are compiled once (when the cache sees a role change) into frozensets, so the check
on every request is a handful of set lookups.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..attributes import Attributes

ALL = "*"


@dataclass(frozen=True, slots=True)
class Rule:
    verbs: frozenset[str]
    api_groups: frozenset[str] = frozenset()
    resources: frozenset[str] = frozenset()
    resource_names: frozenset[str] = frozenset()
    non_resource_urls: tuple[str, ...] = ()

    @classmethod
    def parse(cls, rule: Any) -> Rule | None:
        if not isinstance(rule, dict):
            return None

        def strings(key: str) -> list[str]:
            value = rule.get(key) or ()
            return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []

        return cls(
            frozenset(strings("verbs")),
            frozenset(strings("apiGroups")),
            frozenset(strings("resources")),
            frozenset(strings("resourceNames")),
            tuple(strings("nonResourceURLs")),
        )

    def allows(self, attrs: Attributes) -> bool:
        if not verb_matches(self, attrs.verb):
            return False
        if attrs.resource_request:
            return (
                group_matches(self, attrs.group)
                and resource_matches(self, attrs.combined_resource, attrs.subresource)
                and name_matches(self, attrs.name)
            )
        return url_matches(self, attrs.path)

    def to_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {"verbs": sorted(self.verbs)}
        if self.api_groups:
            out["apiGroups"] = sorted(self.api_groups)
        if self.resources:
            out["resources"] = sorted(self.resources)
        if self.resource_names:
            out["resourceNames"] = sorted(self.resource_names)
        if self.non_resource_urls:
            out["nonResourceURLs"] = list(self.non_resource_urls)
        return out


def verb_matches(rule: Rule, verb: str) -> bool:
    return ALL in rule.verbs or verb in rule.verbs


def group_matches(rule: Rule, group: str) -> bool:
    return ALL in rule.api_groups or group in rule.api_groups


def resource_matches(rule: Rule, combined: str, subresource: str) -> bool:
    """`*`, the exact `resource[/subresource]`, or `*/subresource`."""
    if ALL in rule.resources or combined in rule.resources:
        return True
    return bool(subresource) and f"*/{subresource}" in rule.resources


def name_matches(rule: Rule, name: str) -> bool:
    return not rule.resource_names or name in rule.resource_names


def url_matches(rule: Rule, path: str) -> bool:
    for url in rule.non_resource_urls:
        if url in (ALL, path):
            return True
        if url.endswith("*") and path.startswith(url[:-1]):
            return True
    return False


def compile_rules(rules: Any) -> tuple[Rule, ...]:
    if not isinstance(rules, list):
        return ()
    return tuple(r for r in (Rule.parse(rule) for rule in rules) if r is not None)
