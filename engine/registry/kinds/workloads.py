"""apps/v1 and batch/v1 kinds."""

from __future__ import annotations

from collections.abc import Callable

from ..defaults import workloads as defaults
from ..field_errors import FieldError
from ..strategy import Strategy
from ..types import SCALE, Obj, ResourceType, ScaleMapping, status_subresource
from ..validation import workloads as validation

Validator = Callable[[Obj], list[FieldError]]


class WorkloadStrategy(Strategy):
    """Defaults + validation, with the selector immutable on update."""

    def __init__(
        self,
        default: Callable[[Obj], None],
        validate: Validator,
        validate_update: Callable[[Obj, Obj], list[FieldError]] | None = None,
        prepare_create: Callable[[Obj], None] | None = None,
    ) -> None:
        self._default = default
        self._validate = validate
        self._validate_update = validate_update
        self._prepare_create = prepare_create

    def default(self, obj: Obj) -> None:
        self._default(obj)

    def prepare_for_create(self, obj: Obj) -> None:
        if self._prepare_create is not None:
            self._prepare_create(obj)

    def validate(self, obj: Obj) -> list[FieldError]:
        return self._validate(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        if self._validate_update is not None:
            return self._validate_update(new, old)
        return self._validate(new) + validation.selector_immutable(new, old)


def workload_kinds() -> list[ResourceType]:
    def apps(
        kind: str, plural: str, short: tuple[str, ...], strategy: Strategy, **kw: object
    ) -> ResourceType:
        return ResourceType(
            "apps",
            "v1",
            kind,
            plural,
            kind.lower(),
            True,
            short_names=short,
            categories=("all",),
            strategy=strategy,
            storage_prefix=f"/registry/{plural}/",
            tracks_generation=True,
            **kw,  # type: ignore[arg-type]
        )

    scaled = {"subresources": (SCALE,), "scale": ScaleMapping()}
    return [
        ResourceType(
            "apps",
            "v1",
            "ControllerRevision",
            "controllerrevisions",
            "controllerrevision",
            True,
            storage_prefix="/registry/controllerrevisions/",
        ),
        apps(
            "DaemonSet",
            "daemonsets",
            ("ds",),
            WorkloadStrategy(defaults.default_daemon_set, validation.validate_daemon_set),
            subresources=(status_subresource("DaemonSet"),),
        ),
        apps(
            "Deployment",
            "deployments",
            ("deploy",),
            WorkloadStrategy(defaults.default_deployment, validation.validate_deployment),
            subresources=(SCALE, status_subresource("Deployment")),
            scale=scaled["scale"],
        ),
        apps(
            "ReplicaSet",
            "replicasets",
            ("rs",),
            WorkloadStrategy(defaults.default_replica_set, validation.validate_replica_set),
            subresources=(SCALE, status_subresource("ReplicaSet")),
            scale=scaled["scale"],
        ),
        apps(
            "StatefulSet",
            "statefulsets",
            ("sts",),
            WorkloadStrategy(
                defaults.default_stateful_set,
                validation.validate_stateful_set,
                validation.validate_stateful_set_update,
            ),
            subresources=(SCALE, status_subresource("StatefulSet")),
            scale=scaled["scale"],
        ),
        ResourceType(
            "batch",
            "v1",
            "CronJob",
            "cronjobs",
            "cronjob",
            True,
            short_names=("cj",),
            categories=("all",),
            subresources=(status_subresource("CronJob"),),
            strategy=WorkloadStrategy(
                defaults.default_cron_job,
                validation.validate_cron_job,
                lambda new, old: validation.validate_cron_job(new),
            ),
            storage_prefix="/registry/cronjobs/",
            tracks_generation=True,
        ),
        ResourceType(
            "batch",
            "v1",
            "Job",
            "jobs",
            "job",
            True,
            categories=("all",),
            subresources=(status_subresource("Job"),),
            strategy=WorkloadStrategy(
                defaults.default_job,
                validation.validate_job,
                validation.validate_job_update,
                prepare_create=defaults.job_selector,
            ),
            storage_prefix="/registry/jobs/",
            tracks_generation=True,
        ),
    ]
