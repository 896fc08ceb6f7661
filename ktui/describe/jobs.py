"""Jobs and CronJobs as kubectl describes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .events import describe_events, events_about
from .format import go_v, human_duration, parse_time, printed_controller, rfc1123z, selector_string
from .metadata import print_annotations, print_labels
from .pods import describe_pod_template
from .workloads import header
from .writer import LEVEL_0, PrefixWriter, tabbed

if TYPE_CHECKING:
    from ktui.client import Client


async def describe_job_by_name(client: Client, name: str, namespace: str) -> str:
    job = await (await client.resource("jobs.batch")).get(name, namespace)
    return describe_job(job, await events_about(client, job, "Job"))


def describe_job(job: dict[str, Any], events: list[dict[str, Any]] | None) -> str:
    meta = job.get("metadata") or {}
    spec = job.get("spec") or {}
    status = job.get("status") or {}

    def build(w: PrefixWriter) -> None:
        header(w, job)
        w.write(LEVEL_0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        if printed_controller(job):
            w.write(LEVEL_0, f"Controlled By:\t{printed_controller(job)}\n")
        if spec.get("parallelism") is not None:
            w.write(LEVEL_0, f"Parallelism:\t{spec['parallelism']}\n")
        completions = spec.get("completions")
        w.write(LEVEL_0, f"Completions:\t{'<unset>' if completions is None else completions}\n")
        if spec.get("completionMode") is not None:
            w.write(LEVEL_0, f"Completion Mode:\t{spec['completionMode']}\n")
        if spec.get("suspend") is not None:
            w.write(LEVEL_0, f"Suspend:\t{go_v(spec['suspend'])}\n")
        if spec.get("backoffLimit") is not None:
            w.write(LEVEL_0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
        if spec.get("ttlSecondsAfterFinished") is not None:
            w.write(LEVEL_0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
        if status.get("startTime"):
            w.write(LEVEL_0, f"Start Time:\t{rfc1123z(status['startTime'])}\n")
        if status.get("completionTime"):
            w.write(LEVEL_0, f"Completed At:\t{rfc1123z(status['completionTime'])}\n")
        start, end = parse_time(status.get("startTime")), parse_time(status.get("completionTime"))
        if start and end:
            w.write(LEVEL_0, f"Duration:\t{human_duration((end - start).total_seconds())}\n")
        if spec.get("activeDeadlineSeconds") is not None:
            w.write(LEVEL_0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
        counts = (status.get("active", 0), status.get("succeeded", 0), status.get("failed", 0))
        if status.get("ready") is None:
            w.write(
                LEVEL_0,
                f"Pods Statuses:\t{counts[0]} Active / {counts[1]} Succeeded / {counts[2]} Failed\n",
            )
        else:
            w.write(
                LEVEL_0,
                f"Pods Statuses:\t{counts[0]} Active ({status['ready']} Ready) / {counts[1]} "
                f"Succeeded / {counts[2]} Failed\n",
            )
        if spec.get("completionMode") == "Indexed":
            w.write(
                LEVEL_0, f"Completed Indexes:\t{_cap_indexes(status.get('completedIndexes', ''))}\n"
            )
        describe_pod_template(spec.get("template") or {}, w)
        if events is not None:
            describe_events(events, w)

    return tabbed(build)


def _cap_indexes(indexes: str, limit: int = 50) -> str:
    if not indexes:
        return "<none>"
    cut = indexes.find(",", limit)
    return indexes if cut < 0 else indexes[: cut + 1] + "..."


async def describe_cronjob_by_name(client: Client, name: str, namespace: str) -> str:
    cron = await (await client.resource("cronjobs.batch")).get(name, namespace)
    events = await events_about(client, cron, "CronJob")
    meta = cron.get("metadata") or {}
    spec = cron.get("spec") or {}
    status = cron.get("status") or {}

    def unset(value: Any, suffix: str = "") -> str:
        return "<unset>" if value is None else f"{value}{suffix}"

    def build(w: PrefixWriter) -> None:
        header(w, cron)
        print_labels(w, "Labels", meta.get("labels"))
        print_annotations(w, "Annotations", meta.get("annotations"))
        w.write(LEVEL_0, f"Schedule:\t{spec.get('schedule', '')}\n")
        w.write(LEVEL_0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
        suspend = spec.get("suspend")
        w.write(
            LEVEL_0,
            f"Suspend:\t{'<unset>' if suspend is None else ('True' if suspend else 'False')}\n",
        )
        w.write(
            LEVEL_0,
            f"Successful Job History Limit:\t{unset(spec.get('successfulJobsHistoryLimit'))}\n",
        )
        w.write(
            LEVEL_0, f"Failed Job History Limit:\t{unset(spec.get('failedJobsHistoryLimit'))}\n"
        )
        w.write(
            LEVEL_0,
            f"Starting Deadline Seconds:\t{unset(spec.get('startingDeadlineSeconds'), 's')}\n",
        )
        job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
        if job_spec.get("selector") is not None:
            w.write(LEVEL_0, f"Selector:\t{selector_string(job_spec['selector'])}\n")
        else:
            w.write(LEVEL_0, "Selector:\t<unset>\n")
        w.write(LEVEL_0, f"Parallelism:\t{unset(job_spec.get('parallelism'))}\n")
        w.write(LEVEL_0, f"Completions:\t{unset(job_spec.get('completions'))}\n")
        if job_spec.get("activeDeadlineSeconds") is not None:
            w.write(LEVEL_0, f"Active Deadline Seconds:\t{job_spec['activeDeadlineSeconds']}s\n")
        describe_pod_template(job_spec.get("template") or {}, w)
        last = status.get("lastScheduleTime")
        w.write(LEVEL_0, f"Last Schedule Time:\t{rfc1123z(last) if last else '<unset>'}\n")
        w.write(LEVEL_0, "Active Jobs:\t")
        active = status.get("active") or []
        if not active:
            w.write_line("<none>")
        else:
            w.write(LEVEL_0, ", ".join(job.get("name", "") for job in active))
            w.write_line("")
        describe_events(events, w)

    return tabbed(build)
