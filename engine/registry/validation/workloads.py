"""Validation of the workload kinds: replicas, selectors against template labels, the
pod template, and the fields an update may not change."""

from __future__ import annotations

from typing import Any

from engine.api.selectors import SelectorError, selector_from_label_selector

from ..field_errors import (
    FieldError,
    GoText,
    forbidden,
    immutable,
    invalid,
    not_supported,
    required,
)
from .meta import validate_labels
from .pod import validate_pod_spec

Obj = dict[str, Any]
SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
STATEFULSET_UPDATE_FORBIDDEN = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
    "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
)


def go_map(labels: Any) -> GoText:
    """How Go prints a map[string]string bad value (%#v), for messages users know."""
    if not isinstance(labels, dict):
        return GoText("map[string]string(nil)")
    items = ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items()))
    return GoText("map[string]string{" + items + "}")


def non_negative(value: Any, field: str) -> list[FieldError]:
    if value is None:
        return []
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        return [invalid(field, value, "must be greater than or equal to 0")]
    return []


def validate_label_selector(selector: Any, field: str) -> list[FieldError]:
    if not isinstance(selector, dict):
        return [invalid(field, selector, "must be an object")]
    errs = validate_labels(selector.get("matchLabels"), f"{field}.matchLabels")
    for i, expr in enumerate(selector.get("matchExpressions") or ()):
        path = f"{field}.matchExpressions[{i}]"
        if not isinstance(expr, dict):
            errs.append(invalid(path, expr, "must be an object"))
            continue
        op = expr.get("operator")
        values = expr.get("values") or []
        if op not in SELECTOR_OPERATORS:
            errs.append(invalid(f"{path}.operator", op, "not a valid selector operator"))
        elif op in ("In", "NotIn") and not values:
            errs.append(
                required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'")
            )
        elif op in ("Exists", "DoesNotExist") and values:
            errs.append(
                forbidden(
                    f"{path}.values",
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                )
            )
        if not expr.get("key"):
            errs.append(required(f"{path}.key", ""))
    return errs


def _selector_matches(selector: Any, labels: Any, map_selector: bool) -> bool:
    labels = labels if isinstance(labels, dict) else {}
    if map_selector:
        return all(labels.get(k) == v for k, v in (selector or {}).items())
    try:
        parsed = selector_from_label_selector(selector)
    except (SelectorError, ValueError, TypeError, AttributeError):
        return True  # already reported by validate_label_selector
    return parsed.matches(labels)


def validate_selector_and_template(
    spec: Obj,
    what: str,
    *,
    restart_policies: tuple[str, ...] = ("Always",),
    map_selector: bool = False,
    template_key: str = "template",
) -> list[FieldError]:
    errs: list[FieldError] = []
    selector = spec.get("selector")
    if selector is None or selector == {}:
        if not map_selector:
            errs.append(required("spec.selector", ""))
    elif not map_selector and not isinstance(selector, dict):
        errs.append(invalid("spec.selector", selector, "must be a label selector object"))
    elif not map_selector:
        errs.extend(validate_label_selector(selector, "spec.selector"))
        if not selector.get("matchLabels") and not selector.get("matchExpressions"):
            errs.append(invalid("spec.selector", selector, f"empty selector is invalid for {what}"))
    template = spec.get(template_key)
    if not isinstance(template, dict):
        errs.append(required(f"spec.{template_key}", ""))
        return errs
    labels = (template.get("metadata") or {}).get("labels")
    errs.extend(validate_labels(labels, f"spec.{template_key}.metadata.labels"))
    if selector and not _selector_matches(selector, labels, map_selector):
        errs.append(
            invalid(
                f"spec.{template_key}.metadata.labels",
                go_map(labels),
                "`selector` does not match template `labels`",
            )
        )
    errs.extend(
        _restart(
            validate_pod_spec(template.get("spec"), f"spec.{template_key}.spec"),
            template,
            template_key,
            restart_policies,
        )
    )
    return errs


def _restart(
    errs: list[FieldError], template: Obj, key: str, policies: tuple[str, ...]
) -> list[FieldError]:
    """Templates accept fewer restart policies than pods (Always for controllers)."""
    errs = [e for e in errs if not e.field.endswith(".restartPolicy")]
    policy = (template.get("spec") or {}).get("restartPolicy")
    if policy is None and "Always" not in policies:
        errs.append(
            required(
                f"spec.{key}.spec.restartPolicy",
                "valid values: " + ", ".join(f'"{p}"' for p in policies),
            )
        )
    elif policy is not None and policy not in policies:
        errs.append(not_supported(f"spec.{key}.spec.restartPolicy", policy, policies))
    return errs


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def validate_deployment(obj: Obj) -> list[FieldError]:
    spec = _spec(obj)
    errs = non_negative(spec.get("replicas"), "spec.replicas")
    errs += validate_selector_and_template(spec, "deployment")
    strategy = spec.get("strategy") or {}
    kind = strategy.get("type")
    if kind not in (None, "Recreate", "RollingUpdate"):
        errs.append(not_supported("spec.strategy.type", kind, ("Recreate", "RollingUpdate")))
    if kind == "Recreate" and strategy.get("rollingUpdate") is not None:
        errs.append(
            forbidden(
                "spec.strategy.rollingUpdate",
                "may not be specified when strategy `type` is 'Recreate'",
            )
        )
    errs += non_negative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    errs += non_negative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    deadline = spec.get("progressDeadlineSeconds")
    if isinstance(deadline, int) and deadline <= (spec.get("minReadySeconds") or 0):
        errs.append(
            invalid(
                "spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"
            )
        )
    return errs


def validate_replica_set(obj: Obj) -> list[FieldError]:
    spec = _spec(obj)
    errs = non_negative(spec.get("replicas"), "spec.replicas")
    errs += validate_selector_and_template(spec, "replicaset")
    return errs


def validate_stateful_set(obj: Obj) -> list[FieldError]:
    spec = _spec(obj)
    errs = non_negative(spec.get("replicas"), "spec.replicas")
    errs += validate_selector_and_template(spec, "statefulset")
    claims = spec.get("volumeClaimTemplates")
    if claims is not None and not isinstance(claims, list):
        errs.append(invalid("spec.volumeClaimTemplates", claims, "must be a list"))
    policy = spec.get("podManagementPolicy")
    if policy not in (None, "OrderedReady", "Parallel"):
        errs.append(not_supported("spec.podManagementPolicy", policy, ("OrderedReady", "Parallel")))
    errs += _update_strategy(spec)
    return errs


def _update_strategy(spec: Obj) -> list[FieldError]:
    strategy = spec.get("updateStrategy")
    if strategy is None:
        return []
    if not isinstance(strategy, dict):
        return [invalid("spec.updateStrategy", strategy, "must be an object")]
    kind = strategy.get("type")
    if kind not in (None, "RollingUpdate", "OnDelete"):
        return [not_supported("spec.updateStrategy.type", kind, ("OnDelete", "RollingUpdate"))]
    return []


def validate_daemon_set(obj: Obj) -> list[FieldError]:
    spec = _spec(obj)
    errs = validate_selector_and_template(spec, "daemonset")
    errs += _update_strategy(spec)
    return errs


def validate_job_spec(spec: Obj) -> list[FieldError]:
    errs = non_negative(spec.get("parallelism"), "spec.parallelism")
    errs += non_negative(spec.get("completions"), "spec.completions")
    errs += non_negative(spec.get("backoffLimit"), "spec.backoffLimit")
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and (not isinstance(deadline, int) or deadline <= 0):
        errs.append(invalid("spec.activeDeadlineSeconds", deadline, "must be greater than 0"))
    errs += validate_selector_and_template(spec, "job", restart_policies=("OnFailure", "Never"))
    return errs


def validate_job(obj: Obj) -> list[FieldError]:
    return validate_job_spec(_spec(obj))


def validate_cron_job(obj: Obj) -> list[FieldError]:
    spec = _spec(obj)
    errs: list[FieldError] = []
    name = (obj.get("metadata") or {}).get("name") or ""
    if len(name) > 52:
        errs.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    schedule = spec.get("schedule")
    if not schedule:
        errs.append(required("spec.schedule", ""))
    elif not isinstance(schedule, str) or not _cron_ok(schedule):
        errs.append(invalid("spec.schedule", schedule, f"unparseable schedule: {schedule}"))
    policy = spec.get("concurrencyPolicy")
    if policy not in (None, "Allow", "Forbid", "Replace"):
        errs.append(not_supported("spec.concurrencyPolicy", policy, ("Allow", "Forbid", "Replace")))
    template = spec.get("jobTemplate")
    if not isinstance(template, dict):
        errs.append(required("spec.jobTemplate", ""))
        return errs
    job_spec = template.get("spec") if isinstance(template.get("spec"), dict) else {}
    pod = job_spec.get("template") if isinstance(job_spec.get("template"), dict) else {}
    inner = validate_pod_spec(pod.get("spec"), "spec.jobTemplate.spec.template.spec")
    errs += _restart(
        [FieldError(e.type, e.field, e.value, e.detail) for e in inner],
        pod,
        "jobTemplate.spec.template",
        ("OnFailure", "Never"),
    )
    return errs


def _cron_ok(schedule: str) -> bool:
    if schedule.startswith("@"):
        return schedule in {
            "@yearly",
            "@annually",
            "@monthly",
            "@weekly",
            "@daily",
            "@midnight",
            "@hourly",
        } or schedule.startswith("@every ")
    fields = schedule.split()
    if fields and fields[0].startswith(("TZ=", "CRON_TZ=")):
        fields = fields[1:]
    return len(fields) == 5


def validate_replication_controller(obj: Obj) -> list[FieldError]:
    spec = _spec(obj)
    errs = non_negative(spec.get("replicas"), "spec.replicas")
    if not spec.get("selector"):
        errs.append(required("spec.selector", ""))
    errs += validate_selector_and_template(spec, "replicationcontroller", map_selector=True)
    return errs


def selector_immutable(new: Obj, old: Obj) -> list[FieldError]:
    new_sel, old_sel = _spec(new).get("selector"), _spec(old).get("selector")
    if new_sel != old_sel:
        return [immutable("spec.selector", new_sel)]
    return []


def validate_stateful_set_update(new: Obj, old: Obj) -> list[FieldError]:
    errs = validate_stateful_set(new)
    mutable = (
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "minReadySeconds",
        "persistentVolumeClaimRetentionPolicy",
    )
    strip = lambda spec: {k: v for k, v in spec.items() if k not in mutable}  # noqa: E731
    if strip(_spec(new)) != strip(_spec(old)):
        errs.append(forbidden("spec", STATEFULSET_UPDATE_FORBIDDEN))
    return errs


def validate_job_update(new: Obj, old: Obj) -> list[FieldError]:
    errs = validate_job(new) + selector_immutable(new, old)
    new_spec, old_spec = _spec(new), _spec(old)
    if new_spec.get("template") != old_spec.get("template") and not new_spec.get("suspend"):
        errs.append(immutable("spec.template", new_spec.get("template")))
    if new_spec.get("completions") != old_spec.get("completions"):
        errs.append(immutable("spec.completions", new_spec.get("completions")))
    return errs
