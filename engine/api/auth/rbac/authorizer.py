"""The RBAC authorizer (plugin/pkg/auth/authorizer/rbac): ClusterRoleBindings first, then
the RoleBindings of the request's namespace; the first rule that allows wins. Members of
system:masters are allowed before RBAC is consulted (the privileged-groups authorizer)."""

from __future__ import annotations

from dataclasses import dataclass

from ..attributes import Attributes
from ..users import MASTERS, User
from .cache import Grant, RBACCache, Snapshot, SubjectKey
from .rules import Rule


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reason: str = ""


DENY = Decision(False)
PRIVILEGED = Decision(True)


def subject_keys(user: User) -> list[SubjectKey]:
    return [("User", user.name), *(("Group", group) for group in user.groups)]


class RBACAuthorizer:
    def __init__(self, cache: RBACCache) -> None:
        self.cache = cache

    def authorize(self, attrs: Attributes) -> Decision:
        user = attrs.user
        if MASTERS in user.groups:
            return PRIVILEGED
        snap = self.cache.snapshot()
        for grant in self._grants(snap, user, attrs.namespace):
            rules = snap.rules_of(grant)
            if rules and any(rule.allows(attrs) for rule in rules):
                return Decision(True, _reason(grant))
        return DENY

    def rules_for(self, user: User, namespace: str) -> tuple[list[Rule], bool]:
        """Every rule that applies to `user` in `namespace` (SelfSubjectRulesReview), and
        whether the list is complete (a binding named a role that does not exist)."""
        if MASTERS in user.groups:
            return [
                Rule(frozenset("*"), frozenset("*"), frozenset("*")),
                Rule(frozenset("*"), non_resource_urls=("*",)),
            ], False
        snap = self.cache.snapshot()
        rules: list[Rule] = []
        incomplete = False
        for grant in self._grants(snap, user, namespace):
            found = snap.rules_of(grant)
            if found is None:
                incomplete = True
                continue
            rules.extend(found)
        return rules, incomplete

    @staticmethod
    def _grants(snap: Snapshot, user: User, namespace: str) -> list[Grant]:
        keys = subject_keys(user)
        grants = [g for key in keys for g in snap.cluster_grants.get(key, ())]
        if namespace:
            local = snap.grants.get(namespace)
            if local:
                grants.extend(g for key in keys for g in local.get(key, ()))
        return grants


def _reason(grant: Grant) -> str:
    return (
        f'RBAC: allowed by {grant.binding_kind} "{grant.binding}" of '
        f'{grant.role_kind} "{grant.role}" to {grant.subject}'
    )
