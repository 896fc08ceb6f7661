"""`l` and `p` in the browser on pods the engine's kubelet really runs: the container's
own output, followed as it writes; every container at once; the instance before a
restart; kubelet's word for a container that has not started."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from ktui.app import KtuiApp
from ktui.screens.logs import ContainerPicker, LogsScreen
from ktui.session import Session

from ..app.pilot import browser, names, until
from .conftest import RunningPods, container, pod_on_node, wait_for


async def open_logs(pilot: Pilot, pod: str, key: str = "l") -> LogsScreen:
    screen = await browser(pilot)
    await until(pilot, lambda: names(screen) == [pod])
    await pilot.press(key)
    await until(pilot, lambda: isinstance(pilot.app.screen, LogsScreen))
    logs = pilot.app.screen
    assert isinstance(logs, LogsScreen)
    return logs


def shown(logs: LogsScreen) -> list[str]:
    return [row for row in logs.view.visible_text() if row]


def status(logs: LogsScreen) -> str:
    return str(logs.query_one("#logs-status").render())


def message(logs: LogsScreen) -> str:
    widget = logs.query_one("#logs-message")
    return str(widget.render()) if widget.display else ""


async def test_l_shows_the_output_and_follows_new_lines(
    session: Session, running_pods: RunningPods, tmp_path: Path
) -> None:
    go = tmp_path / "go"
    script = f"echo first; echo second; until [ -e {go} ]; do sleep 0.05; done; echo third"
    await running_pods.start(pod_on_node("talker", container("main", script + "; exec sleep 300")))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        logs = await open_logs(pilot, "talker")
        await until(pilot, lambda: shown(logs) == ["first", "second"])
        assert "main" in status(logs) and "following" in status(logs)
        go.touch()  # the container writes its next line now, while the view is open
        await until(pilot, lambda: shown(logs) == ["first", "second", "third"])
        assert "3 lines" in status(logs) and not message(logs)


async def test_l_keeps_following_the_container_across_a_restart(
    session: Session, running_pods: RunningPods, tmp_path: Path
) -> None:
    count, crash = tmp_path / "count", tmp_path / "crash"
    # The first instance runs until told to crash; the second one stays up.
    script = (
        f"n=$(cat {count} 2>/dev/null || echo 0); n=$((n + 1)); echo $n > {count}; "
        f'echo "instance $n"; if [ $n -eq 1 ]; then until [ -e {crash} ]; do sleep 0.05; '
        'done; echo "crashing"; exit 1; fi; exec sleep 300'
    )
    await running_pods.start(pod_on_node("phoenix", container("main", script)))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        logs = await open_logs(pilot, "phoenix")
        await until(pilot, lambda: shown(logs) == ["instance 1"])
        crash.touch()
        await until(pilot, lambda: shown(logs) == ["instance 1", "crashing", "instance 2"])
        assert "following" in status(logs) and "ended" not in status(logs)


async def test_l_ends_when_the_restart_policy_keeps_the_container_stopped(
    session: Session, running_pods: RunningPods, tmp_path: Path
) -> None:
    stop = tmp_path / "stop"
    script = f"echo working; until [ -e {stop} ]; do sleep 0.05; done; echo done"
    manifest = pod_on_node("once", container("main", script), restartPolicy="OnFailure")
    await running_pods.start(manifest)
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        logs = await open_logs(pilot, "once")
        await until(pilot, lambda: shown(logs) == ["working"])
        assert "following" in status(logs)
        stop.touch()  # exit 0: OnFailure does not restart it
        await until(pilot, lambda: "ended" in status(logs))
        assert shown(logs) == ["working", "done"] and not message(logs)


async def test_all_containers_show_each_line_with_its_container(
    session: Session, running_pods: RunningPods
) -> None:
    manifest = pod_on_node(
        "pair",
        container("app", "echo from the app; exec sleep 300"),
        container("sidecar", "echo from the sidecar; exec sleep 300"),
    )
    await running_pods.start(manifest)
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        logs = await open_logs(pilot, "pair")
        await until(pilot, lambda: shown(logs) == ["from the app"])  # the first container
        await pilot.press("a")
        await until(pilot, lambda: isinstance(pilot.app.screen, ContainerPicker))
        await pilot.press("home", "enter")  # "all containers" heads the list
        await until(pilot, lambda: pilot.app.screen is logs and logs.all_containers)
        await until(pilot, lambda: len(shown(logs)) == 2)
        assert sorted(shown(logs)) == ["app     from the app", "sidecar from the sidecar"]
        assert "all containers" in status(logs)


async def test_p_shows_the_instance_before_the_restart(
    session: Session, running_pods: RunningPods, tmp_path: Path
) -> None:
    count = tmp_path / "count"
    # The first instance crashes, the second one stays up.
    script = (
        f"n=$(cat {count} 2>/dev/null || echo 0); n=$((n + 1)); echo $n > {count}; "
        'echo "instance $n"; [ $n -gt 1 ] || exit 1; exec sleep 300'
    )
    await running_pods.create(pod_on_node("crashy", container("main", script)))

    async def restarted_and_running() -> bool:
        statuses = (await running_pods.status("crashy")).get("containerStatuses") or []
        return (
            bool(statuses)
            and statuses[0]["restartCount"] == 1
            and "running" in (statuses[0].get("state") or {})
        )

    await wait_for(restarted_and_running, "a restart")
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        logs = await open_logs(pilot, "crashy", key="p")
        await until(pilot, lambda: "ended" in status(logs))
        assert shown(logs) == ["instance 1"] and "(previous)" in status(logs)
        await pilot.press("escape", "l")
        await until(pilot, lambda: isinstance(pilot.app.screen, LogsScreen))
        current = pilot.app.screen
        assert isinstance(current, LogsScreen) and current is not logs
        await until(pilot, lambda: shown(current) == ["instance 2"])


async def test_a_waiting_container_shows_kubelets_message(
    session: Session, running_pods: RunningPods
) -> None:
    # A missing ConfigMap keeps the container waiting in CreateContainerConfigError.
    env = [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "absent", "key": "k"}}}]
    await running_pods.create(pod_on_node("waiting", container("main", "echo hi", env=env)))

    async def config_error() -> bool:
        # ContainerCreating comes first, until the kubelet has tried the ConfigMap.
        statuses = (await running_pods.status("waiting")).get("containerStatuses") or []
        reason = statuses and ((statuses[0].get("state") or {}).get("waiting") or {}).get("reason")
        return reason == "CreateContainerConfigError"

    await wait_for(config_error, "the container to wait in CreateContainerConfigError")
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        logs = await open_logs(pilot, "waiting")
        await until(pilot, lambda: bool(message(logs)))
        assert (
            'container "main" in pod "waiting" is waiting to start: CreateContainerConfigError'
            in message(logs)
        )
        await until(pilot, lambda: "failed" in status(logs))
        assert shown(logs) == []


async def test_a_node_without_a_kubelet_is_a_clear_message(session: Session) -> None:
    """A pod bound to a node name no kubelet of this engine serves (e.g. a typo)."""
    pods = await session.client.resource("pods")
    manifest = pod_on_node("stray", container("main", "echo hi"))
    manifest["spec"]["nodeName"] = "no-such-node"
    await pods.create(manifest)
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        logs = await open_logs(pilot, "stray")
        await until(pilot, lambda: bool(message(logs)))
        assert "node no-such-node has no kubelet serving it" in message(logs)
        assert isinstance(pilot.app.screen, LogsScreen)
