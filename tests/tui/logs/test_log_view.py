"""LogView on its own (no cluster): what it draws for awkward lines, the threaded search
of a large backlog, and a search that survives a restarted stream."""

from __future__ import annotations

from textual.app import App, ComposeResult

from ktui.model.log_store import LogStore
from ktui.widgets.log_line import MAX_LINE_CHARS
from ktui.widgets.log_view import LogView

from .conftest import until


class ViewApp(App):
    def compose(self) -> ComposeResult:
        yield LogView()


async def test_colours_and_control_characters_are_drawn_safely() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 10)) as pilot:
        view = app.query_one(LogView)
        view.append(["\x1b[31mred\x1b[0m text", "bell\x07 and\r return", "a\tb", "x" * 20_000])
        await pilot.pause()
        rows = view.visible_text()
        assert rows[0] == "red text"  # the escape sequence decoded, not printed
        red = [s for s in view.render_line(0) if s.text == "red"]
        assert red and red[0].style is not None and red[0].style.color.number == 1  # ANSI red
        assert rows[1] == "bell\ufffd and return"
        assert rows[2] == "a       b"
        assert all("\x1b" not in row and "\x07" not in row for row in rows)
        whole = view._strip(3).text  # drawn cut, with a marker; the store keeps it all
        assert whole.startswith("x" * MAX_LINE_CHARS) and "10,000 more characters" in whole
        assert view.store.line(3) == "x" * 20_000


async def test_a_large_backlog_is_searched_in_a_thread() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(LogView)
        lines = [f"{i:06d} " + "." * 100 for i in range(60_000)]  # ~6 MB
        lines[12_345] += " needle"
        lines[54_321] += " NEEDLE"
        for start in range(0, len(lines), 10_000):
            view.append(lines[start : start + 10_000])
        view.action_home()
        view.search("needle")
        assert view.searching  # the UI goes on while the thread reads
        await until(pilot, lambda: not view.searching and view.current_match == 1)
        assert view.match_count == 2
        await pilot.pause()
        assert any(row.startswith("012345") for row in view.visible_text())
        view.append(["one more needle"])  # new lines are searched as they arrive
        assert view.match_count == 3


async def test_a_search_applies_to_a_restarted_stream() -> None:
    app = ViewApp()
    async with app.run_test(size=(80, 20)) as pilot:
        view = app.query_one(LogView)
        view.append(["a needle", "hay"])
        view.search("needle")
        view.set_context(0)
        assert view.match_count == 1
        view.reset(LogStore())
        assert view.line_count == 0 and view.match_count == 0
        view.append(["hay", "needle 1", "hay", "needle 2"])
        await pilot.pause()
        assert view.match_count == 2 and view.context == 0
        assert [row for row in view.visible_text() if row] == ["needle 1", "┈" * 78, "needle 2"]
