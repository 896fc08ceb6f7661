"""The browser, driven by keys against the engine: what a user sees and what changes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ktui.app import KtuiApp
from ktui.client import Client
from ktui.session import Session

from ..conftest import deployment, pod
from .pilot import browser, command, names, screen_text, until


async def _make(client: Client, namespace: str, *objects: dict) -> None:
    for obj in objects:
        kind = obj["kind"].lower() + "s"
        await (await client.resource(kind)).create(obj, namespace)


async def test_the_pods_view_shows_what_kubectl_shows(
    session: Session, client: Client, namespace: str, kubeconfig: Path
) -> None:
    await _make(client, namespace, pod("web-1"), pod("web-2"), pod("db-0"))
    async with KtuiApp(session).run_test(size=(140, 40)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: screen.view.table.row_count == 3)
        kubectl = subprocess.run(
            ["kubectl", "--kubeconfig", str(kubeconfig), "get", "pods", "-n", namespace],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
        shown = screen_text(screen)
        for line in kubectl[1:]:
            name, ready, status = line.split()[:3]
            assert any(
                shown_line.split()[:3] == [name, ready, status] for shown_line in shown.splitlines()
            ), f"{line!r} not shown in:\n{shown}"
        assert "NAME" in shown.splitlines()[0] and "STATUS" in shown.splitlines()[0]


async def test_a_new_pod_appears_and_a_deleted_one_goes(
    session: Session, client: Client, namespace: str
) -> None:
    await _make(client, namespace, pod("first"))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["first"])
        pods = await client.resource("pods")
        await pods.create(pod("second"), namespace)
        await until(pilot, lambda: sorted(names(screen)) == ["first", "second"])
        await pods.delete("first", namespace, grace_period=0)
        await until(pilot, lambda: names(screen) == ["second"])


async def test_filter_narrows_and_escape_clears(
    session: Session, client: Client, namespace: str
) -> None:
    await _make(client, namespace, pod("api-1"), pod("api-2"), pod("web-1"))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: screen.view.table.row_count == 3)
        await pilot.press("slash", *"api")
        await until(pilot, lambda: sorted(names(screen)) == ["api-1", "api-2"])
        await pilot.press("enter")  # keeps the filter, back to the table
        assert screen.view.table.has_focus
        await pilot.press("escape")  # clears it
        await until(pilot, lambda: len(names(screen)) == 3)
        await pilot.press("slash", *"!api", "enter")
        await until(pilot, lambda: names(screen) == ["web-1"])


async def test_deployment_drills_into_its_pods_and_escape_goes_back(
    session: Session, client: Client, namespace: str
) -> None:
    await _make(client, namespace, deployment("web"), pod("web-abc", labels={"app": "web"}))
    await _make(client, namespace, pod("other", labels={"app": "other"}))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await command(pilot, "deploy")
        await until(pilot, lambda: names(screen) == ["web"])
        await pilot.press("enter")
        await until(pilot, lambda: screen.state.label_selector == "app=web")
        await until(pilot, lambda: names(screen) == ["web-abc"])
        assert screen.view.crumbs == [f"deployments({namespace})", "pods(web)"]
        await pilot.press("enter")  # pod → its containers
        await until(pilot, lambda: names(screen) == ["main"])
        await pilot.press("escape", "escape")
        await until(pilot, lambda: screen.state.resource.kind == "Deployment")
        await until(pilot, lambda: names(screen) == ["web"])


async def test_all_and_several_namespaces(session: Session, client: Client, namespace: str) -> None:
    other = f"{namespace}-b"
    await (await client.resource("namespaces")).create({"metadata": {"name": other}})
    await _make(client, namespace, pod("here"))
    await _make(client, other, pod("there"))
    async with KtuiApp(session).run_test(size=(140, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["here"])
        await command(pilot, f"po {namespace},{other}")
        await until(pilot, lambda: sorted(names(screen)) == ["here", "there"])
        assert screen_text(screen).splitlines()[0].split()[0] == "NAMESPACE"
        await pilot.press("0")  # all namespaces
        await until(pilot, lambda: screen.state.namespaces is None)
        await until(pilot, lambda: {"here", "there"} <= set(names(screen)))
        await pilot.press("1")  # the first favourite: the namespace we started in
        await until(pilot, lambda: screen.state.namespaces == (namespace,))
        await until(pilot, lambda: names(screen) == ["here"])


async def test_tabs_keep_their_own_views(session: Session, client: Client, namespace: str) -> None:
    await _make(client, namespace, pod("p1"), deployment("d1"))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["p1"])
        await pilot.press("ctrl+t")
        await command(pilot, "deploy")
        await until(pilot, lambda: names(screen) == ["d1"])
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: screen.state.resource.kind == "Pod")
        assert names(screen) == ["p1"]
        await pilot.press("ctrl+w")
        await until(pilot, lambda: len(screen.query("TabPane")) == 1)


async def test_unknown_kind_and_bad_command_are_messages(session: Session) -> None:
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await command(pilot, "flurbs")
        await until(pilot, lambda: any("flurbs" in n.message for n in pilot.app._notifications))
        await command(pilot, "po Bad_NS")
        await until(pilot, lambda: any("Bad_NS" in n.message for n in pilot.app._notifications))
        assert screen.state.resource.kind == "Pod"  # nothing changed


async def test_describe_yaml_and_delete_ask_first(
    session: Session, client: Client, namespace: str
) -> None:
    await _make(client, namespace, pod("victim"))
    async with KtuiApp(session).run_test(size=(120, 40)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["victim"])
        await pilot.press("d")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "DescribeScreen")
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen)
        await pilot.press("y")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "YamlScreen")
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen)
        await pilot.press("ctrl+d")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmScreen")
        await pilot.press("n")
        await until(pilot, lambda: pilot.app.screen is screen)
        pods = await client.resource("pods")
        assert (await pods.get("victim", namespace))["metadata"]["name"] == "victim"
        await pilot.press("ctrl+d")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        await until(
            pilot,
            lambda: (
                names(screen) == []
                or all(
                    "Terminating" in " ".join(map(str, r.cells))
                    for r in screen.view.table.visible_rows()
                )
            ),
        )


async def test_readonly_offers_nothing_that_writes(
    session: Session, client: Client, namespace: str
) -> None:
    session.readonly = True
    await _make(client, namespace, pod("safe"))
    async with KtuiApp(session).run_test(size=(160, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["safe"])
        footer_keys = {b.binding.action for b in pilot.app.active_bindings.values()}
        assert "describe" in footer_keys
        assert not {"delete", "kill", "edit", "shell"} & {
            b.binding.action
            for b in pilot.app.active_bindings.values()
            if screen.check_action(b.binding.action, ())
        }
        await pilot.press("ctrl+d")
        await pilot.pause(0.2)
        assert pilot.app.screen is screen  # no confirmation: nothing is offered
        assert await (await client.resource("pods")).get("safe", namespace)


async def test_forbidden_is_a_message_not_a_crash(
    session: Session, client: Client, namespace: str
) -> None:
    """A ServiceAccount with no rights sees why the list is empty."""
    accounts = await client.resource("serviceaccounts")
    await accounts.create({"metadata": {"name": "nobody"}}, namespace)
    request = await client.json(
        "POST",
        f"/api/v1/namespaces/{namespace}/serviceaccounts/nobody/token",
        body={"apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": {}},
    )
    from dataclasses import replace

    from ktui.client import Client as KubeClient

    config = replace(client.config, token=request["status"]["token"], token_file=None)
    async with KubeClient(config) as nobody:
        limited = Session(nobody, context="lab", config=session.config)
        async with KtuiApp(limited).run_test(size=(140, 30)) as pilot:
            screen = await browser(pilot, synced=False)
            await until(pilot, lambda: "forbidden" in screen.view.message.lower())
            assert "cannot list resource" in screen.view.message
            assert screen.view.table.row_count == 0


async def test_palette_finds_a_kind(session: Session, client: Client, namespace: str) -> None:
    await _make(client, namespace, deployment("pal"))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "CommandPalette")
        await pilot.press(*"Show Deployment (deployments.apps)")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await until(pilot, lambda: screen.state.resource.kind == "Deployment")
        await until(pilot, lambda: names(screen) == ["pal"])


async def test_logs_events_and_xray_open_from_the_browser(
    session: Session, client: Client, namespace: str
) -> None:
    await _make(client, namespace, pod("talker"))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["talker"])
        await pilot.press("l")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "LogsScreen")
        # No kubelet serves this pod: the server's answer is a message, not a crash.
        await until(pilot, lambda: any("host" in n.message for n in pilot.app._notifications))
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen)
        await command(pilot, "events")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "EventsScreen")
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen)
        await command(pilot, "xray deploy")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "XrayScreen")


async def test_an_event_jumps_to_its_object(
    session: Session, client: Client, namespace: str
) -> None:
    await _make(client, namespace, pod("noisy"))
    events = await client.resource("events")
    await events.create(
        {
            "metadata": {"name": "noisy.1"},
            "involvedObject": {
                "kind": "Pod",
                "name": "noisy",
                "namespace": namespace,
                "apiVersion": "v1",
            },
            "reason": "BackOff",
            "message": "Back-off restarting failed container",
            "type": "Warning",
            "count": 3,
            "lastTimestamp": "2026-01-01T00:00:00Z",
        },
        namespace,
    )
    async with KtuiApp(session).run_test(size=(140, 30)) as pilot:
        screen = await browser(pilot)
        await command(pilot, "cm")
        await until(pilot, lambda: screen.state.resource.kind == "ConfigMap")
        await command(pilot, "events")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "EventsScreen")
        events_screen = pilot.app.screen
        await until(pilot, lambda: events_screen.query("ResourceTable").first().row_count == 1)
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.screen is screen)
        await until(pilot, lambda: screen.state.resource.kind == "Pod")
        await until(pilot, lambda: names(screen) == ["noisy"])
        await pilot.press("escape")  # back to where we were
        await until(pilot, lambda: screen.state.resource.kind == "ConfigMap")


async def test_marked_rows_are_deleted_together_after_one_question(
    session: Session, client: Client, namespace: str
) -> None:
    await _make(client, namespace, pod("m-1"), pod("m-2"), pod("m-3"))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: screen.view.table.row_count == 3)
        await pilot.press("N")  # by name: m-1, m-2, m-3
        await until(pilot, lambda: names(screen) in (["m-1", "m-2", "m-3"], ["m-3", "m-2", "m-1"]))
        if names(screen)[0] != "m-1":
            await pilot.press("N")
        await until(pilot, lambda: names(screen) == ["m-1", "m-2", "m-3"])
        await pilot.press("home", "space", "down", "space")
        assert [row.name for row in screen.view.table.marked_rows] == ["m-1", "m-2"]
        await pilot.press("ctrl+d")
        await until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmScreen")
        await pilot.press("y")
        pods = await client.resource("pods")

        async def left() -> list[str]:
            return sorted(p["metadata"]["name"] for p in (await pods.list(namespace)).items)

        remaining: list[str] = []
        for _ in range(100):
            remaining = await left()
            if remaining == ["m-3"]:
                break
            await pilot.pause(0.05)
        assert remaining == ["m-3"]


async def test_sort_keys_order_and_reverse(
    session: Session, client: Client, namespace: str
) -> None:
    await _make(client, namespace, pod("b"), pod("c"), pod("a"))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: screen.view.table.row_count == 3)
        await pilot.press("N")
        first = names(screen)
        assert first in (["a", "b", "c"], ["c", "b", "a"])
        await pilot.press("N")
        assert names(screen) == list(reversed(first))
        await pilot.press("greater_than_sign")  # the next column after NAME: READY
        assert (screen.view.table.sort_column or "").lower() == "ready"


async def test_config_aliases_are_commands(
    session: Session, client: Client, namespace: str
) -> None:
    session.config.aliases = {"dp": "deploy", "mine": f"po {namespace}"}
    await _make(client, namespace, deployment("aliased"), pod("p"))
    async with KtuiApp(session).run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await command(pilot, "dp")
        await until(pilot, lambda: names(screen) == ["aliased"])
        await command(pilot, "mine")
        await until(pilot, lambda: names(screen) == ["p"])
