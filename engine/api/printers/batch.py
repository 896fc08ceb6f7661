"""Jobs (STATUS, COMPLETIONS, DURATION since 1.30) and CronJobs."""

from __future__ import annotations

from typing import Any

from ..humanize import duration_between, human_duration, parse_time, since
from ..selectors import format_label_selector
from .columns import AGE, CONTAINERS, IMAGES, NAME, col, wide
from .helpers import Obj, as_int, bool_ptr, get, layout_containers, meta
from .registry import register

JOB_COLUMNS = (
    NAME,
    col("Status", "Status of the job."),
    col("Completions", "JobStatus.succeeded"),
    col("Duration", "Time required to complete the job."),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", "JobSpec.selector"),
)


def _condition(job: Obj, kind: str) -> bool:
    # The first condition of the type decides, as hasJobCondition does.
    for condition in get(job, "status", "conditions", default=[]):
        if condition.get("type") == kind:
            return condition.get("status") == "True"
    return False


def job_status(job: Obj) -> str:
    if _condition(job, "Complete"):
        return "Complete"
    if _condition(job, "Failed"):
        return "Failed"
    if meta(job, "deletionTimestamp") is not None:
        return "Terminating"
    if _condition(job, "Suspended"):
        return "Suspended"
    if _condition(job, "FailureTarget"):
        return "FailureTarget"
    return "Running"


def job_completions(job: Obj) -> str:
    succeeded = as_int(get(job, "status", "succeeded"))
    completions = get(job, "spec", "completions")
    if completions is not None:
        return f"{succeeded}/{as_int(completions)}"
    parallelism = as_int(get(job, "spec", "parallelism"))
    if parallelism > 1:
        return f"{succeeded}/1 of {parallelism}"
    return f"{succeeded}/1"


def job_duration(job: Obj, now: float) -> str:
    start = get(job, "status", "startTime")
    if parse_time(start) is None:
        return ""
    end = get(job, "status", "completionTime")
    if parse_time(end) is None:
        return human_duration(now - (parse_time(start) or 0.0))
    return duration_between(start, end)


@register("batch", "Job", JOB_COLUMNS)
def job_cells(job: Obj, now: float) -> list[Any]:
    names, images = layout_containers(get(job, "spec", "template", "spec", "containers"))
    return [
        meta(job, "name", ""),
        job_status(job),
        job_completions(job),
        job_duration(job, now),
        since(meta(job, "creationTimestamp"), now),
        names,
        images,
        format_label_selector(get(job, "spec", "selector")),
    ]


CRON_JOB_COLUMNS = (
    NAME,
    col("Schedule", "CronJobSpec.schedule"),
    col("Timezone", "CronJobSpec.timeZone"),
    col("Suspend", "CronJobSpec.suspend", "boolean"),
    col("Active", "CronJobStatus.active", "integer"),
    col("Last Schedule", "CronJobStatus.lastScheduleTime"),
    AGE,
    CONTAINERS,
    IMAGES,
    wide("Selector", "JobSpec.selector"),
)


@register("batch", "CronJob", CRON_JOB_COLUMNS)
def cronjob_cells(obj: Obj, now: float) -> list[Any]:
    template = get(obj, "spec", "jobTemplate", "spec", default={})
    names, images = layout_containers(get(template, "template", "spec", "containers"))
    last = get(obj, "status", "lastScheduleTime")
    return [
        meta(obj, "name", ""),
        get(obj, "spec", "schedule", default=""),
        get(obj, "spec", "timeZone", default="<none>"),
        bool_ptr(get(obj, "spec", "suspend")),
        len(get(obj, "status", "active", default=[])),
        since(last, now) if last is not None else "<none>",
        since(meta(obj, "creationTimestamp"), now),
        names,
        images,
        format_label_selector(template.get("selector")),
    ]
