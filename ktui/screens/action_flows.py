"""The keys that change a cluster, from key press to result: refuse in read-only mode, ask
(ConfirmScreen / PromptScreen), run the action in a worker, tell the outcome with notify().

Each function takes the widget the key was pressed on (`host`: usually the browser screen)
and returns the worker, or None when it refused at once:

    delete_flow(self, session, ref)            # ctrl-d (a list of refs for marked rows)
    delete_flow(self, session, ref, kill=True)  # ctrl-k
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from typing import Any

from textual.widget import Widget
from textual.worker import Worker

from ktui import actions
from ktui.actions import DrainError, display
from ktui.client import ClientError
from ktui.refs import ObjectRef
from ktui.session import Session

from .confirm import ConfirmScreen
from .prompt import PromptScreen, non_empty, replicas_value

READ_ONLY = "read-only mode: this action would change the cluster"
GROUP = "ktui-actions"
DRAIN_TIMEOUT = 120.0


def refuse_if_readonly(host: Widget, session: Session) -> bool:
    if session.readonly:
        host.notify(READ_ONLY, severity="error")
        return True
    return False


async def _ask(host: Widget, screen: Any) -> Any:
    return await host.app.push_screen_wait(screen)


async def _report(host: Widget, action: Awaitable[str]) -> bool:
    try:
        message = await action
    except ClientError as error:
        host.notify(str(error), severity="error")
        return False
    host.notify(message)
    return True


def _start(host: Widget, session: Session, flow: Any, name: str) -> Worker | None:
    if refuse_if_readonly(host, session):
        flow.close()  # never started: no "coroutine was never awaited"
        return None
    return host.run_worker(flow, name=name, group=GROUP)


def delete_flow(
    host: Widget, session: Session, refs: ObjectRef | Sequence[ObjectRef], *, kill: bool = False
) -> Worker | None:
    targets = [refs] if isinstance(refs, ObjectRef) else list(refs)

    async def flow() -> None:
        if not targets:
            return
        verb = "Kill" if kill else "Delete"
        what = display(targets[0]) if len(targets) == 1 else f"{len(targets)} objects"
        body = "\n".join(display(r) for r in targets) if len(targets) > 1 else None
        note = " (no grace period: at once)" if kill else ""
        question = f"{verb} {what}?{note}"
        if not await _ask(host, ConfirmScreen(question, title=verb, dangerous=True, body=body)):
            return
        action = actions.kill if kill else actions.delete
        for ref in targets:
            await _report(host, action(session.client, ref))

    return _start(host, session, flow(), "kill" if kill else "delete")


def scale_flow(host: Widget, session: Session, ref: ObjectRef) -> Worker | None:
    async def flow() -> None:
        res = session.client.bind(ref.resource)
        try:
            scale = await res.get(ref.name, ref.namespace, subresource="scale")
            current = str((scale.get("spec") or {}).get("replicas", 0))
        except ClientError:
            current = ""  # no scale subresource: the action says so after the prompt
        prompt = PromptScreen(
            "Replicas", current, title=f"Scale {display(ref)}", validator=replicas_value
        )
        value = await _ask(host, prompt)
        if value is None:
            return
        await _report(host, actions.scale(session.client, ref, int(value)))

    return _start(host, session, flow(), "scale")


def restart_flow(host: Widget, session: Session, ref: ObjectRef) -> Worker | None:
    async def flow() -> None:
        question = f"Restart {display(ref)}? Its pods are replaced one by one."
        if await _ask(host, ConfirmScreen(question, title="Restart")):
            await _report(host, actions.restart(session.client, ref))

    return _start(host, session, flow(), "restart")


def rollback_flow(host: Widget, session: Session, ref: ObjectRef) -> Worker | None:
    async def flow() -> None:
        question = f"Roll back {display(ref)} to its previous revision?"
        if await _ask(host, ConfirmScreen(question, title="Rollback")):
            await _report(host, actions.rollback(session.client, ref))

    return _start(host, session, flow(), "rollback")


def _container_image_checker(names: list[str]):
    def check(text: str) -> str | None:
        name, sep, image = text.partition("=")
        if not sep or not image.strip():
            return "write container=image"
        if name.strip() not in (*names, "*"):
            return f"no container {name.strip()!r}; containers: {', '.join(names)}"
        return None

    return check


def set_image_flow(host: Widget, session: Session, ref: ObjectRef) -> Worker | None:
    async def flow() -> None:
        try:
            live = await session.client.bind(ref.resource).get(ref.name, ref.namespace)
        except ClientError as error:
            host.notify(str(error), severity="error")
            return
        live.setdefault("kind", ref.resource.kind)
        containers = actions.containers_of(live)
        if not containers:
            host.notify(f"{display(ref)} has no containers", severity="error")
            return
        title = f"Set image of {display(ref)}"
        first = containers[0]
        if len(containers) == 1:
            prompt = PromptScreen(
                f"Image of container {first['name']}",
                first.get("image", ""),
                title=title,
                validator=non_empty,
            )
            value = await _ask(host, prompt)
            container, image = first["name"], value
        else:
            names = [c["name"] for c in containers]
            prompt = PromptScreen(
                f"container=image ({', '.join(names)})",
                f"{first['name']}={first.get('image', '')}",
                title=title,
                validator=_container_image_checker(names),
            )
            value = await _ask(host, prompt)
            container, _, image = (value or "").partition("=")
        if value is None:
            return
        await _report(host, actions.set_image(session.client, ref, container.strip(), image))

    return _start(host, session, flow(), "set-image")


def cordon_flow(
    host: Widget, session: Session, node_name: str, *, uncordon: bool = False
) -> Worker | None:
    async def flow() -> None:
        if uncordon:
            question = f"Uncordon node/{node_name}? New pods may be scheduled on it."
        else:
            question = f"Cordon node/{node_name}? No new pods will be scheduled on it."
        verb = "Uncordon" if uncordon else "Cordon"
        if await _ask(host, ConfirmScreen(question, title=verb)):
            action = actions.uncordon if uncordon else actions.cordon
            await _report(host, action(session.client, node_name))

    return _start(host, session, flow(), "uncordon" if uncordon else "cordon")


def drain_flow(
    host: Widget, session: Session, node_name: str, *, timeout: float = DRAIN_TIMEOUT
) -> Worker | None:
    shown: set[str] = set()

    def progress(message: str) -> None:
        if message not in shown:  # a budget that blocks repeats itself every retry
            shown.add(message)
            warning = message.startswith(("Warning", "cannot"))
            host.notify(message, severity="warning" if warning else "information", timeout=4)

    async def run(**options: Any) -> DrainError | None:
        try:
            message = await actions.drain(
                session.client, node_name, timeout=timeout, on_progress=progress, **options
            )
        except DrainError as error:
            return error
        except ClientError as error:
            host.notify(str(error), severity="error")
            return None
        host.notify(message)
        return None

    async def flow() -> None:
        question = (
            f"Drain node/{node_name}? It is cordoned and its pods are evicted "
            "(DaemonSet pods stay)."
        )
        if not await _ask(host, ConfirmScreen(question, title="Drain", dangerous=True)):
            return
        error = await run()
        if error is not None and error.refused:
            more = f"{error}\n\nDrain anyway, deleting these pods and their emptyDir data?"
            if await _ask(host, ConfirmScreen(more, title="Drain", dangerous=True)):
                error = await run(force=True, delete_emptydir_data=True)
            else:
                error = None
                host.notify(f"node/{node_name} cordoned, not drained", severity="warning")
        if error is not None:
            host.notify(str(error), severity="error")

    return _start(host, session, flow(), "drain")
