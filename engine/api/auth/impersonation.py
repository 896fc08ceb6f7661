"""Impersonation (apiserver's filters/impersonation.go): `Impersonate-User`,
`Impersonate-Group` (repeatable), `Impersonate-Uid` and `Impersonate-Extra-<key>` make
the request act as someone else, once the real user may `impersonate` each of them:

    users "jane"          → verb impersonate, resource users, group ""
    serviceaccounts        → resource serviceaccounts in the account's namespace
    groups "g"            → resource groups, group ""
    uids / userextras/<k> → group authentication.k8s.io
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from engine.api.app import Scope, User
from engine.api.status import StatusError

from .attributes import Attributes
from .forbidden import forbidden
from .users import AUTHENTICATED, SERVICE_ACCOUNTS, UNAUTHENTICATED, service_account_of

USER, GROUP, UID = b"impersonate-user", b"impersonate-group", b"impersonate-uid"
EXTRA = b"impersonate-extra-"
AUTH_GROUP = "authentication.k8s.io"

Authorize = Callable[[Attributes], bool]


def requested(scope: Scope) -> tuple[str, list[str], str, dict[str, list[str]]] | None:
    """(user, groups, uid, extra) asked for by the headers, None when there are none."""
    user, uid = "", ""
    groups: list[str] = []
    extra: dict[str, list[str]] = {}
    seen = False
    for key, value in scope.get("headers", ()):
        if not key.startswith(b"impersonate-"):
            continue
        seen = True
        text = value.decode("latin-1")
        if key == USER:
            user = text
        elif key == GROUP:
            groups.append(text)
        elif key == UID:
            uid = text
        elif key.startswith(EXTRA):
            extra.setdefault(unquote(key[len(EXTRA) :].decode("latin-1")), []).append(text)
    return (user, groups, uid, extra) if seen else None


def impersonate(requestor: User, scope: Scope, authorize: Authorize) -> User | None:
    """The user to act as, None without impersonation headers; 403/400 when refused."""
    asked = requested(scope)
    if asked is None:
        return None
    name, groups, uid, extra = asked
    if not name:
        raise StatusError(
            400, "BadRequest", "requested impersonation of groups, uid or extra without a user"
        )
    checks: list[Attributes] = []
    service_account = service_account_of(name)
    if service_account is not None:
        ns, sa = service_account
        checks.append(_attrs(requestor, "", "serviceaccounts", sa, ns))
    else:
        checks.append(_attrs(requestor, "", "users", name))
    checks += [_attrs(requestor, "", "groups", group) for group in groups]
    if uid:
        checks.append(_attrs(requestor, AUTH_GROUP, "uids", uid))
    for key, values in extra.items():
        checks += [_attrs(requestor, AUTH_GROUP, "userextras", v, sub=key) for v in values]
    for attrs in checks:
        if not authorize(attrs):
            raise forbidden(attrs)
    result_groups = list(groups)
    if service_account is not None:
        for group in (SERVICE_ACCOUNTS, f"{SERVICE_ACCOUNTS}:{service_account[0]}"):
            if group not in result_groups:
                result_groups.append(group)
    implied = UNAUTHENTICATED if name == "system:anonymous" else AUTHENTICATED
    if implied not in result_groups:
        result_groups.append(implied)
    extras = tuple((k, tuple(v)) for k, v in extra.items())
    return User(name, tuple(result_groups), uid, extras)


def _attrs(
    requestor: User, group: str, resource: str, name: str, namespace: str = "", sub: str = ""
) -> Attributes:
    return Attributes(requestor, "impersonate", True, group, "", resource, sub, namespace, name)
