"""Apply conflicts, worded as kube-apiserver's fieldmanager words them.

    Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas

A manager is printed by name, with ` with subresource "status"` when it wrote a
subresource, and ` using <apiVersion>` for Update managers (their identity carries the
version; an applier's does not). Several conflicts are grouped by manager, sorted.
"""

from __future__ import annotations

from dataclasses import dataclass

from .elements import path_string

Path = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    manager: str
    operation: str
    api_version: str
    subresource: str
    path: Path

    def who(self) -> str:
        text = _quote(self.manager)
        if self.subresource:
            text += f" with subresource {_quote(self.subresource)}"
        if self.operation == "Update":
            text += f" using {self.api_version}"
        return text


def _quote(text: str) -> str:
    import orjson

    return orjson.dumps(text).decode()


def conflict_message(conflicts: list[Conflict]) -> str:
    if len(conflicts) == 1:
        c = conflicts[0]
        return f"Apply failed with 1 conflict: conflict with {c.who()}: {path_string(c.path)}"
    by_manager: dict[str, list[Conflict]] = {}
    for c in conflicts:
        by_manager.setdefault(_identity_key(c), []).append(c)
    lines: list[str] = []
    for key in sorted(by_manager):
        group = by_manager[key]
        lines.append(f"conflicts with {group[0].who()}:")
        lines.extend(f"- {path_string(c.path)}" for c in group)
    return f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)


def _identity_key(c: Conflict) -> str:
    """Upstream sorts by the JSON-encoded manager identity, which starts with the name."""
    import orjson

    identity = {"manager": c.manager, "operation": c.operation}
    if c.operation == "Update":
        identity["apiVersion"] = c.api_version
    if c.subresource:
        identity["subresource"] = c.subresource
    return orjson.dumps(identity).decode()


def conflict_causes(conflicts: list[Conflict]) -> list[dict[str, str]]:
    return [
        {
            "reason": "FieldManagerConflict",
            "message": f"conflict with {c.who()}",
            "field": path_string(c.path),
        }
        for c in conflicts
    ]
