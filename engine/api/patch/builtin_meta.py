"""Patch metadata of the built-in kinds, from the `patchStrategy`/`patchMergeKey` struct tags
of k8s.io/api (core/v1, apps/v1, batch/v1, ...) and k8s.io/apimachinery's ObjectMeta.

Each fragment below stands for one Go type and lists its tagged fields; `mount` places a
type where a kind embeds it, the way the struct fields nest. Lists without tags (pod
`tolerations`, `readinessGates`, `args`, node `taints`, Endpoints `subsets`...) are
replaced as a whole by a strategic patch, as upstream does.

To add a kind: build its table from the fragments and add it to `_KINDS`.
"""

from __future__ import annotations

from .meta import MERGE, FieldMeta, FieldPath, TablePatchMeta, combine, merge_by, mount

Fragment = dict[FieldPath, FieldMeta]

OBJECT_META: Fragment = {
    ("finalizers",): MERGE,  # a set of strings
    ("ownerReferences",): merge_by("uid"),
}

CONTAINER: Fragment = {  # also EphemeralContainerCommon, which repeats these tags
    ("ports",): merge_by("containerPort"),
    ("env",): merge_by("name"),
    ("volumeMounts",): merge_by("mountPath"),
    ("volumeDevices",): merge_by("devicePath"),
}

POD_SPEC: Fragment = combine(
    {
        ("volumes",): merge_by("name", retain_keys=True),
        ("initContainers",): merge_by("name"),
        ("containers",): merge_by("name"),
        ("ephemeralContainers",): merge_by("name"),
        ("imagePullSecrets",): merge_by("name"),
        ("hostAliases",): merge_by("ip"),
        ("topologySpreadConstraints",): merge_by("topologyKey"),
        ("schedulingGates",): merge_by("name"),
        ("resourceClaims",): merge_by("name", retain_keys=True),
    },
    mount(("initContainers",), CONTAINER),
    mount(("containers",), CONTAINER),
    mount(("ephemeralContainers",), CONTAINER),
)

POD_STATUS: Fragment = {
    ("conditions",): merge_by("type"),
    ("podIPs",): merge_by("ip"),
    ("hostIPs",): merge_by("ip"),
    ("resourceClaimStatuses",): merge_by("name", retain_keys=True),
}

POD_TEMPLATE_SPEC: Fragment = combine(mount(("metadata",), OBJECT_META), mount(("spec",), POD_SPEC))

CONDITIONS_BY_TYPE: Fragment = {("conditions",): merge_by("type")}


def _kind(*fragments: Fragment) -> TablePatchMeta:
    """A kind's table: its ObjectMeta plus the given fragments."""
    return TablePatchMeta(combine(mount(("metadata",), OBJECT_META), *fragments))


def _workload(*extra: Fragment) -> TablePatchMeta:
    """A controller whose spec.template is a PodTemplateSpec and whose status has conditions."""
    return _kind(
        mount(("spec", "template"), POD_TEMPLATE_SPEC),
        mount(("status",), CONDITIONS_BY_TYPE),
        *extra,
    )


_KINDS: dict[tuple[str, str], TablePatchMeta] = {
    ("", "Pod"): _kind(mount(("spec",), POD_SPEC), mount(("status",), POD_STATUS)),
    ("", "PodTemplate"): _kind(mount(("template",), POD_TEMPLATE_SPEC)),
    ("", "ReplicationController"): _workload(),
    ("", "Service"): _kind(
        {("spec", "ports"): merge_by("port")}, mount(("status",), CONDITIONS_BY_TYPE)
    ),
    ("", "Node"): _kind(
        {("spec", "podCIDRs"): MERGE},
        {("status", "conditions"): merge_by("type"), ("status", "addresses"): merge_by("type")},
    ),
    ("", "Namespace"): _kind(mount(("status",), CONDITIONS_BY_TYPE)),
    ("", "PersistentVolumeClaim"): _kind(mount(("status",), CONDITIONS_BY_TYPE)),
    ("", "ServiceAccount"): _kind({("secrets",): merge_by("name")}),
    ("", "ComponentStatus"): _kind(CONDITIONS_BY_TYPE),
    ("apps", "Deployment"): _workload({("spec", "strategy"): FieldMeta(retain_keys=True)}),
    ("apps", "ReplicaSet"): _workload(),
    ("apps", "StatefulSet"): _workload(),
    ("apps", "DaemonSet"): _workload(),
    ("batch", "Job"): _workload(),
    ("batch", "CronJob"): _kind(
        mount(("spec", "jobTemplate", "metadata"), OBJECT_META),
        mount(("spec", "jobTemplate", "spec", "template"), POD_TEMPLATE_SPEC),
    ),
    ("autoscaling", "HorizontalPodAutoscaler"): _kind(mount(("status",), CONDITIONS_BY_TYPE)),
    ("policy", "PodDisruptionBudget"): _kind(mount(("status",), CONDITIONS_BY_TYPE)),
    ("storage.k8s.io", "CSINode"): _kind({("spec", "drivers"): merge_by("name")}),
}

# Built-in kinds with no tagged field besides their ObjectMeta (ConfigMap, Secret, Event,
# Endpoints, Lease, RBAC...) share this table.
OBJECT_ONLY = _kind()


def builtin_patch_meta(group: str, kind: str) -> TablePatchMeta:
    """Metadata for a built-in kind, by API group ("" for core) and kind.

    Only call this for kinds the server itself defines: custom resources have no strategic
    merge patch at all (raise UnsupportedPatchTypeError for them). Kinds not listed above
    get `OBJECT_ONLY`, which is right for every built-in without tagged lists.
    """
    return _KINDS.get((group, kind), OBJECT_ONLY)


def builtin_kinds_with_meta() -> list[tuple[str, str]]:
    """The (group, kind) pairs that have more than ObjectMeta metadata."""
    return sorted(_KINDS)
