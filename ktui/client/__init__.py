"""ktui's asynchronous Kubernetes client, on plain httpx.

    client = await connect(context="kind-dev")
    pods = await client.resource("po")
    for pod in (await pods.list()).items: ...
    informer = Informer(pods, all_namespaces=True); await informer.start()

Imports nothing from `textual` or `engine`: it is usable (and tested) on its own.
"""

from __future__ import annotations

from .client import Client, connect, load_config
from .config import ClusterConfig, ExecConfig, in_cluster_config
from .discovery import APIResource, Discovery
from .errors import (
    AlreadyExists,
    ApiError,
    BadRequest,
    ClientError,
    Conflict,
    ConnectionFailed,
    CredentialError,
    Expired,
    Forbidden,
    Gone,
    InternalError,
    Invalid,
    KubeconfigError,
    MethodNotAllowed,
    NotFound,
    ServerTimeout,
    ServiceUnavailable,
    Timeout,
    TooManyRequests,
    Unauthorized,
    UnknownResource,
)
from .exec import ExecResult, ExecSession
from .indexer import Indexer, object_key
from .informer import Informer, Notification
from .kubeconfig import Kubeconfig, load_kubeconfig
from .portforward import PortForwardError, PortForwardSession
from .reflector import Backoff, Reflector, WatchState
from .resource import ObjectList, ResourceClient
from .tables import Column, Table, TableRow
from .watch import WatchEvent

__all__ = [
    "APIResource",
    "AlreadyExists",
    "ApiError",
    "BadRequest",
    "Client",
    "ClientError",
    "ClusterConfig",
    "Column",
    "Conflict",
    "ConnectionFailed",
    "CredentialError",
    "Discovery",
    "Backoff",
    "ExecConfig",
    "ExecResult",
    "ExecSession",
    "Indexer",
    "Informer",
    "Notification",
    "PortForwardError",
    "PortForwardSession",
    "Reflector",
    "WatchState",
    "object_key",
    "Expired",
    "Forbidden",
    "Gone",
    "InternalError",
    "Invalid",
    "Kubeconfig",
    "KubeconfigError",
    "MethodNotAllowed",
    "NotFound",
    "ObjectList",
    "ResourceClient",
    "ServerTimeout",
    "ServiceUnavailable",
    "Table",
    "TableRow",
    "Timeout",
    "TooManyRequests",
    "Unauthorized",
    "UnknownResource",
    "WatchEvent",
    "connect",
    "in_cluster_config",
    "load_config",
    "load_kubeconfig",
]
