"""The table as a user sees it: keys in, lines out."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from textual.app import App, ComposeResult

from ktui.client import Column, TableRow
from ktui.model.ages import parse_time
from ktui.model.row_layout import row_key
from ktui.widgets.resource_table import ResourceTable

from .rows import POD_COLUMNS, pod_row

SIZE = (80, 12)  # a header and 11 rows


class TableApp(App):
    def __init__(self, rows: Sequence[TableRow], columns: Sequence[Column] = POD_COLUMNS) -> None:
        super().__init__()
        self.rows, self.columns = rows, columns
        self.selected: list[TableRow] = []
        self.moved: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield ResourceTable(self.columns, id="table")

    def on_mount(self) -> None:
        table = self.query_one(ResourceTable)
        table.reset(self.rows)
        table.focus()

    def on_resource_table_selected(self, message: ResourceTable.Selected) -> None:
        self.selected.append(message.row)

    def on_resource_table_cursor_moved(self, message: ResourceTable.CursorMoved) -> None:
        self.moved.append(None if message.row is None else message.row.name)


def lines(table: ResourceTable) -> list[str]:
    return [table.render_line(y).text.rstrip() for y in range(table.size.height)]


def first_words(table: ResourceTable) -> list[str]:
    return [line.split()[0] if line.strip() else "" for line in lines(table)]


def style(table: ResourceTable, y: int) -> Style:
    segment = next(iter(table.render_line(y)))
    assert segment.style is not None
    return segment.style


def pods(n: int) -> list[TableRow]:
    return [pod_row(f"pod-{i:03d}") for i in range(n)]


async def test_header_rows_and_cursor_keys() -> None:
    app = TableApp(pods(30))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        assert lines(table)[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
        assert first_words(table)[1:4] == ["pod-000", "pod-001", "pod-002"]
        await pilot.press("down", "down", "j", "k")
        assert table.selected_row.name == "pod-002"  # type: ignore[union-attr]
        assert style(table, 3).bgcolor != style(table, 2).bgcolor  # the cursor row
        await pilot.press("enter")
        assert [r.name for r in app.selected] == ["pod-002"]
        assert app.moved == ["pod-000", "pod-001", "pod-002", "pod-003", "pod-002"]


async def test_end_home_and_pages_keep_the_header() -> None:
    app = TableApp(pods(30))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.press("end")
        assert table.selected_row.name == "pod-029"  # type: ignore[union-attr]
        words = first_words(table)
        assert words[0] == "NAME" and words[-1] == "pod-029" and words[1] == "pod-019"
        await pilot.press("home")
        assert first_words(table)[1] == "pod-000" and table.cursor_position == 0
        await pilot.press("pagedown")  # a page is the 11 rows on screen
        assert table.cursor_position == 11 and first_words(table)[1] == "pod-011"
        await pilot.press("pagedown")
        assert table.cursor_position == 22 and first_words(table)[-1] == "pod-029"
        await pilot.press("pageup", "G", "g")
        assert table.cursor_position == 0


async def test_space_marks_rows() -> None:
    app = TableApp(pods(5))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.press("down", "space", "down", "down", "space", "space", "up")
        assert [r.name for r in table.marked_rows] == ["pod-001"]
        assert lines(table)[2].startswith("*pod-001") and lines(table)[4].startswith(" pod-003")
        table.clear_marks()
        await pilot.pause()
        assert table.marked_rows == [] and lines(table)[2].startswith(" pod-001")


async def test_updates_repaint_and_the_cursor_row_stays_on_its_line() -> None:
    app = TableApp(pods(30))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.press("down", "down", "down")
        table.apply(
            [
                ("ADDED", pod_row("a-new")),  # sorts above everything
                ("MODIFIED", pod_row("pod-003", "CrashLoopBackOff", ready="0/1")),
                ("DELETED", pod_row("pod-001")),
            ]
        )
        await pilot.pause()
        shown = lines(table)
        assert shown[4].split()[:3] == ["pod-003", "0/1", "CrashLoopBackOff"]
        assert table.selected_row.name == "pod-003" and table.row_count == 30  # type: ignore[union-attr]
        assert "pod-001" not in first_words(table)
        table.apply([("DELETED", pod_row("pod-003"))])
        await pilot.pause()
        assert table.selected_row.name == "pod-004"  # type: ignore[union-attr]
        assert table.select_key(row_key(pod_row("pod-025")))
        await pilot.pause()
        assert table.selected_row.name == "pod-025" and "pod-025" in first_words(table)  # type: ignore[union-attr]
        assert not table.select_key("no/such-row")


async def test_status_colours_come_from_the_theme() -> None:
    rows = [
        pod_row("a", "Running"),
        pod_row("b", "Pending", ready="0/1"),
        pod_row("c", "CrashLoopBackOff", ready="0/1"),
        pod_row("d", "Completed", ready="0/1"),
    ]
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.press("end")  # the cursor off the rows we look at

        def colour(y: int):  # type: ignore[no-untyped-def]
            return style(table, y).color

        def theme(name: str):  # type: ignore[no-untyped-def]
            return table.get_component_rich_style(f"resource-table--{name}").color

        assert colour(2) == theme("warning") and colour(3) == theme("error")
        assert colour(1) not in (theme("warning"), theme("error"))
        app.theme = "textual-light"
        await pilot.pause()
        assert colour(3) == theme("error")


async def test_filter_and_sort_from_the_widget() -> None:
    rows = [pod_row("web-1"), pod_row("api-1", "Pending"), pod_row("web-2", "Error")]
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        await pilot.press("down")
        table.set_filter("web")
        await pilot.pause()
        assert first_words(table)[1:4] == ["web-1", "web-2", ""]
        assert table.visible_count == 2 and table.row_count == 3
        table.sort_by("status")
        await pilot.pause()
        assert "STATUS↑" in lines(table)[0] and first_words(table)[1:3] == ["web-2", "web-1"]
        table.set_filter("-l app in (web")
        await pilot.pause()
        assert table.filter.error and table.visible_count == 0 and table.selected_row is None
        table.set_filter("")
        await pilot.pause()
        assert first_words(table)[1:4] == ["web-2", "api-1", "web-1"]


async def test_namespaces_and_wide_columns() -> None:
    rows = [pod_row("web", namespace="shop"), pod_row("web", namespace="blog")]
    app = TableApp(rows)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        table.set_show_namespace(True)
        table.set_wide(True)
        await pilot.pause()
        assert lines(table)[0].split() == [
            "NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE",
        ]  # fmt: skip
        assert [line.split()[:2] for line in lines(table)[1:3]] == [
            ["blog", "web"],
            ["shop", "web"],
        ]


async def test_ages_repaint_every_tick_with_the_clock() -> None:
    class FastAges(ResourceTable):
        AGE_REFRESH_S = 0.05

    class AgeApp(TableApp):
        def compose(self) -> ComposeResult:
            yield FastAges(self.columns)

    now = [parse_time("2024-05-01T12:00:00Z") + 312]  # type: ignore[operator]
    app = AgeApp([pod_row("web")])
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        table.model.clock = lambda: now[0]
        table.refresh()
        await pilot.pause()
        assert "5m12s" in app.export_screenshot()
        now[0] += 60
        await pilot.pause(0.3)
        screen = app.export_screenshot()
        assert "6m12s" in screen and "5m12s" not in screen


async def test_bindings_have_ids_users_can_remap() -> None:
    app = TableApp(pods(5))
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"table.cursor_down": "n"})
        await pilot.press("n", "n")
        assert app.query_one(ResourceTable).cursor_position == 2


async def test_clicking_a_row_moves_the_cursor() -> None:
    app = TableApp(pods(5))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#table", offset=(3, 4))
        assert app.query_one(ResourceTable).selected_row.name == "pod-003"  # type: ignore[union-attr]


async def test_a_table_configured_before_it_is_mounted() -> None:
    table = ResourceTable(id="table")
    table.set_columns(POD_COLUMNS, wide=True)
    table.reset(pods(3))
    table.apply([("ADDED", pod_row("a-first"))])
    table.sort_by("name", reverse=True)
    table.set_filter("pod")

    class Late(App):
        def compose(self) -> ComposeResult:
            yield table

    async with Late().run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert lines(table)[0].split() == [
            "NAME↓",
            "READY",
            "STATUS",
            "RESTARTS",
            "AGE",
            "IP",
            "NODE",
        ]
        assert first_words(table)[1:5] == ["pod-002", "pod-001", "pod-000", ""]


async def test_wide_rows_scroll_sideways_with_their_header() -> None:
    app = TableApp([pod_row("x" * 70)])
    async with app.run_test(size=(60, 6)) as pilot:
        table = app.query_one(ResourceTable)
        assert table.virtual_size.width > 60
        await pilot.press("right", "right", "right")
        assert lines(table)[0] == "ME" and lines(table)[1].startswith("xxx")  # " NAME", 3 off
        await pilot.press("end")
        assert table.selected_row.name == "x" * 70  # type: ignore[union-attr]


async def test_the_same_columns_again_only_toggle_wide_and_new_ones_clear() -> None:
    app = TableApp(pods(3))
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(ResourceTable)
        table.set_columns(table.columns, wide=True)
        await pilot.pause()
        assert lines(table)[0].split()[-2:] == ["IP", "NODE"] and table.row_count == 3
        table.set_columns([Column("Name", "string"), Column("Data", "integer")])
        await pilot.pause()
        assert lines(table)[0].split() == ["NAME", "DATA"] and table.row_count == 0
