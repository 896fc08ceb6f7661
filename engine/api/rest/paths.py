"""URL → what is asked (apiserver's RequestInfoFactory), for /api and /apis paths.

/api                                     core discovery (APIVersions)
/api/v1                                  core resources (APIResourceList)
/apis, /apis/<g>, /apis/<g>/<v>          group discovery
/api/v1/<resource>[/<name>[/<sub>]]      cluster-scoped, or all namespaces
/api/v1/namespaces/<ns>/<resource>[/<name>[/<sub>]]
/api/v1/namespaces/<ns>[/status|/finalize]   the namespace itself
/apis/<g>/<v>/...                        the same under a group
.../watch/...                            legacy watch paths (`/api/v1/watch/pods`)
"""

from __future__ import annotations

from dataclasses import dataclass

NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})


@dataclass(frozen=True, slots=True)
class RequestInfo:
    group: str
    version: str | None = None
    resource: str = ""
    namespace: str = ""
    name: str = ""
    subresource: str = ""
    watch_path: bool = False  # the legacy /watch/ form
    namespaced_path: bool = False  # the URL had /namespaces/<ns>/ before the resource
    group_only: bool = False  # /apis/<g>

    @property
    def discovery(self) -> bool:
        return not self.resource


def parse_path(path: str) -> RequestInfo | None:
    """None for a path that is not an API path at all (404)."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return None
    if parts[0] == "api":
        group = ""
        rest = parts[1:]
    elif parts[0] == "apis":
        if len(parts) == 1:
            return RequestInfo(group="")  # /apis: the group list (group_only false, version None)
        group = parts[1]
        rest = parts[2:]
        if not rest:
            return RequestInfo(group=group, group_only=True)
    else:
        return None
    if not rest:
        return RequestInfo(group=group) if parts[0] == "api" else None
    version, rest = rest[0], rest[1:]
    if not rest:
        return RequestInfo(group=group, version=version)
    watch = False
    if rest[0] == "watch":
        watch = True
        rest = rest[1:]
        if not rest:
            return None
    namespace = ""
    namespaced = False
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
            namespaced = True
        else:
            # the namespace object itself: /namespaces/<name>[/status|/finalize]
            sub = rest[2] if len(rest) > 2 else ""
            if len(rest) > 3:
                return None
            return RequestInfo(group, version, "namespaces", "", namespace, sub, watch)
    resource = rest[0]
    name = rest[1] if len(rest) > 1 else ""
    sub = rest[2] if len(rest) > 2 else ""
    if len(rest) > 3 and sub != "proxy":  # pods/x/proxy/some/path keeps its tail apart
        return None
    return RequestInfo(group, version, resource, namespace, name, sub, watch, namespaced)
