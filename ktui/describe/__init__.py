"""`kubectl describe`, in Python: the same requests and the same text, for any kind.

    text = await describe(client, ref)

Kinds with a kubectl describer of their own (pods, nodes, workloads, services, endpoints,
config maps, secrets, namespaces, RBAC, quotas, PDBs...) are described as kubectl describes
them (its 1.32 layout); every other kind,
CRDs included, through kubectl's generic describer. Errors from the API (NotFound,
Forbidden, ...) are raised as the client's typed errors for the caller to show.
Pure Python: no Textual here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ktui.client import Client
from ktui.refs import ObjectRef

from .configs import describe_configmap_by_name, describe_namespace_by_name, describe_secret_by_name
from .generic import describe_generic
from .jobs import describe_cronjob_by_name, describe_job_by_name
from .nodes import describe_node_by_name
from .pods import describe_pod_by_name
from .policy import describe_disruption_budget, describe_limit_range, describe_quota
from .rbac import describe_binding, describe_role, describe_service_account
from .services import (
    describe_endpoint_slice_by_name,
    describe_endpoints_by_name,
    describe_service_by_name,
)
from .storage import describe_claim
from .workloads import (
    describe_daemonset_by_name,
    describe_deployment_by_name,
    describe_replicaset_by_name,
    describe_statefulset_by_name,
)

__all__ = ["describe", "describer_for"]

Describer = Callable[[Client, ObjectRef], Awaitable[str]]


def _namespaced(fn: Callable[[Client, str, str], Awaitable[str]]) -> Describer:
    async def run(client: Client, ref: ObjectRef) -> str:
        return await fn(client, ref.name, ref.namespace or client.namespace or "default")

    return run


def _cluster(fn: Callable[[Client, str], Awaitable[str]]) -> Describer:
    async def run(client: Client, ref: ObjectRef) -> str:
        return await fn(client, ref.name)

    return run


# (API group, kind) -> describer, as kubectl's describerMap keys them.
DESCRIBERS: dict[tuple[str, str], Describer] = {
    ("", "Pod"): _namespaced(describe_pod_by_name),
    ("", "Service"): _namespaced(describe_service_by_name),
    ("", "Endpoints"): _namespaced(describe_endpoints_by_name),
    ("", "ConfigMap"): _namespaced(describe_configmap_by_name),
    ("", "Secret"): _namespaced(describe_secret_by_name),
    ("", "Node"): _cluster(describe_node_by_name),
    ("", "Namespace"): _cluster(describe_namespace_by_name),
    ("apps", "Deployment"): _namespaced(describe_deployment_by_name),
    ("apps", "ReplicaSet"): _namespaced(describe_replicaset_by_name),
    ("apps", "StatefulSet"): _namespaced(describe_statefulset_by_name),
    ("apps", "DaemonSet"): _namespaced(describe_daemonset_by_name),
    ("batch", "Job"): _namespaced(describe_job_by_name),
    ("batch", "CronJob"): _namespaced(describe_cronjob_by_name),
    ("discovery.k8s.io", "EndpointSlice"): _namespaced(describe_endpoint_slice_by_name),
    ("", "ServiceAccount"): describe_service_account,
    ("", "PersistentVolumeClaim"): describe_claim,
    ("", "ResourceQuota"): describe_quota,
    ("", "LimitRange"): describe_limit_range,
    ("policy", "PodDisruptionBudget"): describe_disruption_budget,
    ("rbac.authorization.k8s.io", "Role"): describe_role,
    ("rbac.authorization.k8s.io", "ClusterRole"): describe_role,
    ("rbac.authorization.k8s.io", "RoleBinding"): describe_binding,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): describe_binding,
}


def describer_for(ref: ObjectRef) -> Describer:
    return DESCRIBERS.get((ref.resource.group, ref.resource.kind), describe_generic)


async def describe(client: Client, ref: ObjectRef) -> str:
    """The `kubectl describe` text of the object `ref` names, events included."""
    return await describer_for(ref)(client, ref)
