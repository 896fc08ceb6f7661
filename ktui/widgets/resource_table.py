"""The table every resource view shows: virtualized and incremental.

A Line-API `ScrollView`: `render_line(y)` renders only the rows on screen, from a RowModel
(ktui/model/rows.py) that keeps the sorted, filtered order up to date one change at a time.
50,000 pods paint in a fraction of a second, and a batch of watch events costs a few
bisects and one repaint. Row zero is the header; it stays put while the rows scroll.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from ktui.client import Column, TableRow
from ktui.model.row_filter import Filter
from ktui.model.row_layout import row_key
from ktui.model.rows import RowModel

MARK = "*"  # replaces the left margin of marked rows


class ResourceTable(ScrollView, can_focus=True):
    """Rows of a server-side Table (kubectl's columns), live from watch events."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "resource-table--header",
        "resource-table--cursor",
        "resource-table--marked",
        "resource-table--warning",
        "resource-table--error",
        "resource-table--dim",
    }

    DEFAULT_CSS = """
    ResourceTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .resource-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .resource-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .resource-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .resource-table--marked { background: $accent 25%; text-style: bold; }
        & > .resource-table--warning { color: $warning; }
        & > .resource-table--error { color: $error; }
        & > .resource-table--dim { color: $text-muted; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.cursor_up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.cursor_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "first", "First row", show=False, id="table.first"),
        Binding("end,G", "last", "Last row", show=False, id="table.last"),
        Binding("enter", "select", "Open", show=False, id="table.select"),
        Binding("space", "toggle_mark", "Mark", id="table.mark"),
    ]

    class Selected(Message):
        """Enter on a row."""

        def __init__(self, table: ResourceTable, row: TableRow) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> ResourceTable:
            return self.table

    class CursorMoved(Message):
        """The cursor is on another row (or on none: the table is empty)."""

        def __init__(self, table: ResourceTable, row: TableRow | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> ResourceTable:
            return self.table

    AGE_REFRESH_S: ClassVar[float] = 1.0  # live ages repaint (visible rows only) this often
    # After loading this many rows, run a full garbage collection once the table is painted.
    # Loading them makes Python's next full collection due soon, and it walks every object
    # held (50-110 ms at 10k-50k rows): better right after the paint than on a keystroke.
    COLLECT_AFTER_ROWS: ClassVar[int] = 10_000  # 0: never

    def __init__(
        self,
        columns: Sequence[Column] = (),
        *,
        wide: bool = False,
        name: str | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.model = RowModel(columns, wide=wide)
        self._cursor_key: str | None = None
        self._painted_layout = -1

    # --- the contract other views call ----------------------------------------------------

    @property
    def columns(self) -> list[Column]:
        return self.model.columns

    @property
    def wide(self) -> bool:
        return self.model.wide

    def set_columns(self, columns: Sequence[Column], *, wide: bool = False) -> None:
        """A new kind: clears rows and marks, default sort and live ages. The very same
        columns again only change `wide` (rows kept), as set_wide does."""
        if list(columns) == self.model.columns and self.model.columns:
            self.set_wide(wide)
            return
        self.model.set_columns(columns, wide=wide)
        if self.is_mounted:
            self.scroll_to(0, 0, animate=False, force=True)
        self._changed(keep_screen_row=False)

    def set_wide(self, wide: bool) -> None:
        """Show or hide the priority-1 columns (kubectl's `-o wide`), keeping the rows."""
        self.model.set_wide(wide)
        self._changed()

    def set_show_namespace(self, show: bool) -> None:
        """A NAMESPACE column first, as `kubectl get -A` prints (from row.namespace)."""
        self.model.set_show_namespace(show)
        self._changed()

    def reset(self, rows: Iterable[TableRow]) -> None:
        """Replace every row (a fresh LIST); the cursor stays on its object if it is there."""
        self._with_screen_row(lambda: self.model.reset(rows))
        if self.is_mounted and 0 < self.COLLECT_AFTER_ROWS <= self.model.row_count:
            self.call_after_refresh(gc.collect)

    def apply(self, changes: Iterable[tuple[str, TableRow]]) -> None:
        """("ADDED" | "MODIFIED" | "DELETED", row) by row key (uid, else namespace/name);
        incremental, one repaint per call. The cursor row keeps its place on screen."""
        self._with_screen_row(lambda: self.model.apply(changes))

    def set_filter(self, text: str) -> None:
        """ "" clears. Substring, regex, `!` inverts, `-l` label selector (see row_filter)."""
        if text != self.model.filter.text:
            self.model.set_filter(text)
            self._changed(keep_screen_row=False)

    @property
    def filter(self) -> Filter:
        """The parsed filter; `filter.error` says why a label selector is malformed."""
        return self.model.filter

    def sort_by(self, column: str | int, reverse: bool | None = None) -> None:
        """By column name (case-insensitive) or position among the displayed columns;
        reverse None toggles on the same column and sorts ascending on another."""
        self.model.sort_by(column, reverse)
        self._changed(keep_screen_row=False)

    @property
    def sort_column(self) -> str | None:
        return self.model.sort_column

    @property
    def sort_reverse(self) -> bool:
        return self.model.sort_reverse

    def set_live_age(self, column_name: str, timestamp: Callable[[TableRow], str | None]) -> None:
        """Render that column as the age of an RFC 3339 timestamp, at paint time, and sort
        it newest first. Default: "Age" ← metadata.creationTimestamp."""
        self.model.set_live_age(column_name, timestamp)
        self._changed()

    def set_sort_key(self, column_name: str, key: Callable[[TableRow], Any]) -> None:
        self.model.set_sort_key(column_name, key)
        self._changed()

    @property
    def selected_row(self) -> TableRow | None:
        return self.model.cursor_row

    @property
    def cursor_position(self) -> int:
        """The cursor's index among the visible rows."""
        return self.model.cursor

    def move_cursor(self, position: int) -> None:
        self.model.move_cursor(position)
        self._cursor_moved()

    def select_key(self, key: str) -> bool:
        """Put the cursor on the row with this key (uid, else namespace/name), if shown."""
        position = self.model.position_of(key)
        if position is not None:
            self.move_cursor(position)
        return position is not None

    def visible_rows(self, limit: int | None = None) -> list[TableRow]:
        """The rows the filter lets through, in display order (the first `limit`)."""
        model = self.model
        count = model.visible_count if limit is None else min(limit, model.visible_count)
        return [row for p in range(count) if (row := model.row_at(p)) is not None]

    @property
    def marked_rows(self) -> list[TableRow]:
        """Marked rows that the filter shows, in display order."""
        return self.model.marked_rows

    def toggle_mark(self) -> None:
        self.model.toggle_mark()
        self.refresh()

    def clear_marks(self) -> None:
        self.model.clear_marks()
        self.refresh()

    @property
    def row_count(self) -> int:
        return self.model.row_count

    @property
    def visible_count(self) -> int:
        return self.model.visible_count

    # --- keys -------------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self.move_cursor(self.model.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.model.cursor + 1)

    def action_page_up(self) -> None:
        self._page_by(-self._page())

    def action_page_down(self) -> None:
        self._page_by(self._page())

    def _page_by(self, rows: int) -> None:
        """Turn a page: the rows and the cursor move together, so it stays on its line."""
        screen_row = self.model.cursor - round(self.scroll_y)
        self.model.move_cursor(self.model.cursor + rows)
        self._scroll_y_to(round(self.scroll_y) + rows)
        if not 0 <= self.model.cursor - round(self.scroll_y) < self._page():
            self._scroll_y_to(self.model.cursor - screen_row)
        self._cursor_moved()

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.model.visible_count - 1)

    def action_select(self) -> None:
        row = self.model.cursor_row
        if row is not None:
            self.post_message(self.Selected(self, row))

    def action_toggle_mark(self) -> None:
        self.toggle_mark()

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self.focus()
            self.move_cursor(round(self.scroll_y) + event.y - 1)

    # --- keeping the view in step -----------------------------------------------------------

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _with_screen_row(self, change: Callable[[], None]) -> None:
        """Run a change to the rows keeping the cursor's object on the same screen line."""
        screen_row = self.model.cursor - round(self.scroll_y)
        change()
        self._changed(keep_screen_row=0 <= screen_row < self._page(), screen_row=screen_row)

    def _changed(self, *, keep_screen_row: bool = False, screen_row: int = 0) -> None:
        model = self.model
        width = cell_len(model.header_text())
        size = Size(width, model.visible_count + 1)
        if size != self.virtual_size:
            self._set_virtual_size(size)
        if keep_screen_row:
            self._scroll_y_to(model.cursor - screen_row)
        else:
            self._scroll_to_cursor()
        self._repaint()
        self._post_cursor()

    def _cursor_moved(self) -> None:
        self._scroll_to_cursor()
        self._repaint()
        self._post_cursor()

    def _repaint(self) -> None:
        """refresh(), and mark this widget (and its scrollbars) dirty on the screen at once
        rather than when they next go idle: a change made just before the screen's next
        frame (a keystroke in a filter input, a batch of watch events) then shows in that
        frame instead of one or two frames (17-40 ms) later. Falls back to refresh()."""
        self.refresh()
        if not self.is_mounted or not self.display:
            return
        try:
            screen = self.screen
            if screen not in screen._compositor:
                return
            widgets: list[Widget] = [self]
            if self.show_vertical_scrollbar:
                widgets.append(self.vertical_scrollbar)
            if self.show_horizontal_scrollbar:
                widgets.append(self.horizontal_scrollbar)
            for widget in widgets:
                if widget._repaint_required and widget in screen._compositor:
                    screen._dirty_widgets.add(widget)
                    widget._repaint_required = False
            screen.check_idle()
        except Exception:  # another Textual: the ordinary refresh() path still paints
            pass

    def _set_virtual_size(self, size: Size) -> None:
        """Assigning `virtual_size` asks for a layout of the whole screen, which paints the
        table a frame or two later; only the scrollbars depend on it, so update them here
        (a scrollbar appearing or going still lays the screen out, through its reactive)."""
        if not self.is_mounted or not self.container_size:
            self.virtual_size = size
            return
        self.set_reactive(ResourceTable.virtual_size, size)
        self._scroll_update(size)

    def _scroll_to_cursor(self) -> None:
        top, cursor, page = round(self.scroll_y), self.model.cursor, self._page()
        if cursor < top:
            self._scroll_y_to(cursor)
        elif cursor >= top + page:
            self._scroll_y_to(cursor - page + 1)

    def _scroll_y_to(self, y: int) -> None:
        y = max(0, min(y, self.max_scroll_y))
        if y != round(self.scroll_y) and self.is_mounted:
            # force: the scrollbars may not be laid out yet after virtual_size grew.
            self.scroll_to(y=y, animate=False, force=True)

    def _post_cursor(self) -> None:
        row = self.model.cursor_row
        key = None if row is None else row_key(row)
        if key != self._cursor_key:
            self._cursor_key = key
            self.post_message(self.CursorMoved(self, row))

    def on_mount(self) -> None:
        self.set_interval(self.AGE_REFRESH_S, self._repaint_ages, name="live ages")

    def on_resize(self, event: events.Resize) -> None:
        self._scroll_to_cursor()  # a smaller terminal must not hide the cursor

    def _repaint_ages(self) -> None:
        if self.model.layout.has_live and self.model.visible_count:
            self.refresh()  # the compositor asks only for the visible lines

    # --- painting ---------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        model = self.model
        base = self.rich_style
        if y == 0:
            self._painted_layout = model.layout_version
            style = base + self.get_component_rich_style("resource-table--header")
            return self._strip(model.header_text(), style, scroll_x, width)
        position = scroll_y + y - 1
        if position >= model.visible_count:
            return Strip.blank(width, base)
        text, tone = model.line(position)
        style = base
        if tone is not None:
            style += self.get_component_rich_style(f"resource-table--{tone}")
        if model.is_marked(position):
            style += self.get_component_rich_style("resource-table--marked")
            text = MARK + text[1:]
        if position == model.cursor:
            style += self.get_component_rich_style("resource-table--cursor")
        if model.layout_version != self._painted_layout:
            # A live age outgrew its column while painting: paint everything again.
            self._painted_layout = model.layout_version
            self.call_later(self._changed)
        return self._strip(text, style, scroll_x, width)

    @staticmethod
    def _strip(text: str, style: Style, scroll_x: int, width: int) -> Strip:
        length = len(text) if text.isascii() else cell_len(text)
        return Strip([Segment(text, style)], length).crop_extend(scroll_x, scroll_x + width, style)
