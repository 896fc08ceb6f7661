"""The table fed with the server's own Table rows, as the pods view gets them."""

from __future__ import annotations

from textual.app import App, ComposeResult

from ktui.client import Client
from ktui.widgets.resource_table import ResourceTable

from ..conftest import pod
from .test_resource_table import first_words, lines, style


class Bare(App):
    def compose(self) -> ComposeResult:
        yield ResourceTable()


async def test_the_table_shows_the_pods_kubectl_shows(client: Client, namespace: str) -> None:
    pods = await client.resource("pods")
    for name, app in (("web-1", "web"), ("web-2", "web"), ("api-1", "api")):
        await pods.create(pod(name, labels={"app": app}))
    crashing = {
        "containerStatuses": [
            {
                "name": "main",
                "image": "nginx:1.27",
                "imageID": "",
                "ready": False,
                "restartCount": 4,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {},
            }
        ],
        "phase": "Running",
    }
    await pods.patch("web-2", {"status": crashing}, namespace, subresource="status")
    table = await pods.table(namespace)

    app = Bare()
    async with app.run_test(size=(120, 10)) as pilot:
        view = app.query_one(ResourceTable)
        view.set_columns(table.columns)
        view.reset(table.rows)
        await pilot.pause()
        assert lines(view)[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        shown = [line.split()[:3] for line in lines(view)[1:4]]
        assert shown == [
            ["api-1", "0/1", "Pending"],
            ["web-1", "0/1", "Pending"],
            ["web-2", "0/1", "CrashLoopBackOff"],
        ]
        assert lines(view)[1].split()[-1].endswith("s")  # a live age: "0s", "1s", ...
        error = view.get_component_rich_style("resource-table--error").color
        warning = view.get_component_rich_style("resource-table--warning").color
        assert style(view, 3).color == error and style(view, 2).color == warning

        view.set_show_namespace(True)
        view.set_filter("-l app=web")
        await pilot.pause()
        assert lines(view)[0].split()[:2] == ["NAMESPACE", "NAME"]
        assert [line.split()[:2] for line in lines(view)[1:3]] == [
            [namespace, "web-1"],
            [namespace, "web-2"],
        ]
        assert first_words(view)[3] == ""

        await pods.delete("web-1", namespace)
        async for kind, row in pods.watch_rows(namespace, resource_version=table.resource_version):
            if kind == "DELETED":
                view.apply([(kind, row)])  # type: ignore[list-item]
                break
        await pilot.pause()
        assert [line.split()[1] for line in lines(view)[1:2]] == ["web-2"]
        assert view.row_count == 2 and view.visible_count == 1
