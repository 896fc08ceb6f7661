"""Well-known users and groups, named as kube-apiserver names them."""

from __future__ import annotations

from engine.api.app import ADMIN, ANONYMOUS, User

AUTHENTICATED = "system:authenticated"
UNAUTHENTICATED = "system:unauthenticated"
MASTERS = "system:masters"
SERVICE_ACCOUNTS = "system:serviceaccounts"
NODES = "system:nodes"
SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
NODE_PREFIX = "system:node:"

# The engine's own components, as kubeadm's kubeconfigs name them.
SCHEDULER = User("system:kube-scheduler", (AUTHENTICATED,))
CONTROLLER_MANAGER = User("system:kube-controller-manager", (AUTHENTICATED,))
PROXY = User("system:kube-proxy", (AUTHENTICATED,))

__all__ = [
    "ADMIN",
    "ANONYMOUS",
    "CONTROLLER_MANAGER",
    "PROXY",
    "SCHEDULER",
    "User",
    "node_user",
    "service_account_user",
    "service_account_of",
    "with_authenticated",
]


def node_user(node: str) -> User:
    """The kubelet of `node` (system:node:<name> in system:nodes)."""
    return User(f"{NODE_PREFIX}{node}", (NODES, AUTHENTICATED))


def service_account_username(namespace: str, name: str) -> str:
    return f"{SERVICE_ACCOUNT_PREFIX}{namespace}:{name}"


def service_account_user(
    namespace: str, name: str, uid: str = "", extra: tuple[tuple[str, tuple[str, ...]], ...] = ()
) -> User:
    groups = (SERVICE_ACCOUNTS, f"{SERVICE_ACCOUNTS}:{namespace}", AUTHENTICATED)
    return User(service_account_username(namespace, name), groups, uid, extra)


def service_account_of(username: str) -> tuple[str, str] | None:
    """(namespace, name) of a ServiceAccount username, None for other users."""
    if not username.startswith(SERVICE_ACCOUNT_PREFIX):
        return None
    namespace, sep, name = username[len(SERVICE_ACCOUNT_PREFIX) :].partition(":")
    if not sep or not namespace or not name or ":" in name:
        return None
    return namespace, name


def with_authenticated(user: User) -> User:
    """Every authenticated user is in system:authenticated (added once, last)."""
    if AUTHENTICATED in user.groups or user.anonymous:
        return user
    return User(user.name, (*user.groups, AUTHENTICATED), user.uid, user.extra)
