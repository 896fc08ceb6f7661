"""What a request asks, in the authorizer's terms (apiserver's RequestInfo + user).

Resource requests: verb from the method (GET → get/list/watch, POST → create, PUT →
update, PATCH → patch, DELETE → delete/deletecollection), API group, resource,
subresource, namespace, name. Everything else (/version, /api, /apis/<g>/<v>, /openapi/…)
is a non-resource request whose verb is the lower-cased method.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from engine.api.app import User

WATCH_VALUES = frozenset({"true", "1", "True"})
NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})


@dataclass(frozen=True, slots=True)
class Attributes:
    user: User
    verb: str
    resource_request: bool = True
    group: str = ""
    version: str = ""
    resource: str = ""
    subresource: str = ""
    namespace: str = ""
    name: str = ""
    path: str = ""

    @property
    def combined_resource(self) -> str:
        return f"{self.resource}/{self.subresource}" if self.subresource else self.resource


def from_request(user: User, method: str, path: str, query_string: bytes = b"") -> Attributes:
    """Attributes of one HTTP request, parsed as kube-apiserver's RequestInfoFactory does."""
    parts = [p for p in path.split("/") if p]
    method = method.upper()
    nonresource = Attributes(user, method.lower(), False, path=path)
    if len(parts) < 3 or parts[0] not in ("api", "apis"):
        return nonresource
    if parts[0] == "apis":
        if len(parts) < 4:
            return nonresource  # /apis/<g>/<v>: discovery
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        group, version, rest = "", parts[1], parts[2:]
    query = parse_qs(query_string.decode("latin-1")) if query_string else {}
    watch = False
    if rest[0] == "watch":
        watch = True
        rest = rest[1:]
        if not rest:
            return nonresource
    elif any(v in WATCH_VALUES for v in query.get("watch", ())):
        watch = True
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    subresource = rest[2] if len(rest) > 2 else ""
    verb = _verb(method, bool(name), watch)
    if verb in ("list", "watch") and not name:
        name = _name_from_field_selector(query)  # as upstream: list?fieldSelector=metadata.name=x
    return Attributes(
        user, verb, True, group, version, resource, subresource, namespace, name, path
    )


def _verb(method: str, named: bool, watch: bool) -> str:
    if method in ("GET", "HEAD"):
        if watch:
            return "watch"
        return "get" if named else "list"
    if method == "POST":
        return "create"
    if method == "PUT":
        return "update"
    if method == "PATCH":
        return "patch"
    if method == "DELETE":
        return "delete" if named else "deletecollection"
    return method.lower()


def _name_from_field_selector(query: dict[str, list[str]]) -> str:
    for selector in query.get("fieldSelector", ()):
        for term in selector.split(","):
            key, sep, value = term.partition("=")
            if sep and key.strip() == "metadata.name" and not key.endswith("!"):
                return value.lstrip("=").strip()
    return ""
