"""Pod and pod-template defaults (k8s.io/kubernetes pkg/apis/core/v1/defaults.go), plus the
values the default admission plugins add (ServiceAccount name, priority, the not-ready and
unreachable tolerations), so a created pod reads as it does on a real cluster."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

DEFAULT_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", 300),
    ("node.kubernetes.io/unreachable", 300),
)
_FILE_MODE = 420  # 0644, how JSON shows upstream's default volume mode


def image_pull_policy(image: str) -> str:
    """Always for `:latest` or an untagged image (digests pin), else IfNotPresent."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "Always"
    return "Always" if last.rsplit(":", 1)[1] == "latest" else "IfNotPresent"


def _probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    probe.setdefault("timeoutSeconds", 1)
    probe.setdefault("periodSeconds", 10)
    probe.setdefault("successThreshold", 1)
    probe.setdefault("failureThreshold", 3)
    http = probe.get("httpGet")
    if isinstance(http, dict):
        http.setdefault("scheme", "HTTP")
    grpc = probe.get("grpc")
    if isinstance(grpc, dict):
        grpc.setdefault("service", "")


def _items(value: Any) -> list[Any]:
    """A list field's items; a wrongly typed field is left for validation to report."""
    return value if isinstance(value, list) else []


def _container(container: Any) -> None:
    if not isinstance(container, dict):
        return
    image = container.get("image")
    if isinstance(image, str) and image and "imagePullPolicy" not in container:
        container["imagePullPolicy"] = image_pull_policy(image)
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    resources = container.setdefault("resources", {})
    if isinstance(resources, dict):
        limits = resources.get("limits")
        if isinstance(limits, dict) and limits:
            requests = resources.setdefault("requests", {})
            if isinstance(requests, dict):
                for name, quantity in limits.items():
                    requests.setdefault(name, quantity)
    for port in _items(container.get("ports")):
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
    for env in _items(container.get("env")):
        if isinstance(env, dict):
            ref = (env.get("valueFrom") or {}).get("fieldRef")
            if isinstance(ref, dict):
                ref.setdefault("apiVersion", "v1")
    for name in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(container.get(name))


def _volume(volume: Any) -> None:
    if not isinstance(volume, dict):
        return
    for source in ("configMap", "secret", "downwardAPI", "projected"):
        spec = volume.get(source)
        if isinstance(spec, dict):
            spec.setdefault("defaultMode", _FILE_MODE)
    if isinstance(volume.get("hostPath"), dict):
        volume["hostPath"].setdefault("type", "")
    if len(volume) == 1 and "name" in volume:  # no source given: an emptyDir
        volume["emptyDir"] = {}


def default_pod_spec(spec: Any) -> None:
    if not isinstance(spec, dict):
        return
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("enableServiceLinks", True)
    for key in ("containers", "initContainers", "ephemeralContainers"):
        for container in _items(spec.get(key)):
            _container(container)
    for volume in _items(spec.get("volumes")):
        _volume(volume)


def admit_pod_spec(spec: Any) -> None:
    """What the default admission plugins add to a pod (not to templates)."""
    if not isinstance(spec, dict):
        return
    name = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    spec.setdefault("serviceAccountName", name)
    spec.setdefault("serviceAccount", name)
    spec.setdefault("priority", 0)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    tolerations = spec.setdefault("tolerations", [])
    if not isinstance(tolerations, list):
        return
    for key, seconds in DEFAULT_TOLERATIONS:
        if any(isinstance(t, dict) and t.get("key") == key for t in tolerations):
            continue
        tolerations.append(
            {"key": key, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": seconds}
        )


def default_pod_template(template: Any) -> None:
    if isinstance(template, dict):
        default_pod_spec(template.get("spec"))


def qos_class(spec: Any) -> str:
    """Guaranteed when every container's requests equal its limits for cpu and memory,
    BestEffort when nothing is requested or limited, else Burstable."""
    containers = [
        c
        for key in ("containers", "initContainers")
        for c in _items((spec if isinstance(spec, dict) else {}).get(key))
        if isinstance(c, dict)
    ]
    any_set = False
    guaranteed = bool(containers)
    for container in containers:
        resources = container.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        if requests or limits:
            any_set = True
        for name in ("cpu", "memory"):
            if name not in limits or requests.get(name, limits[name]) != limits[name]:
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"
