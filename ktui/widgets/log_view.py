"""A virtual log view: renders only the rows on screen, from a `LogStore` of any length.

Rows and scrolling. `scroll_y` is always the index of the top *row*: a log line, or in
filter mode a row of a `LineFilter` (a line or a separator). Without wrap a row is one
screen line and Textual's scrolling applies as is.

Wrap stays virtual by wrapping lazily: only the rows in the window are wrapped, when the
window is drawn. A wrap index (rows per line, for every line) would need the cell width of
every line: reading and measuring the whole log (about a second per million lines) again
on every resize. Instead, with wrap on, `scroll_y` still names the top row and the window
is filled by wrapping rows from there; the virtual height is chosen so the last scroll
position (the "tail anchor") shows the end of the log, found by wrapping the last
screenful of rows backwards. The scrollbar then counts rows rather than screen lines,
which for a log is the useful measure. (A single line taller than the screen shows its
first screenful; turn wrap off to scroll along it.)

Following. An explicit flag, not "are we at the bottom": new lines scroll to the end while
it is on; scrolling up (keys, wheel, scrollbar) turns it off; End (and `follow()`) turns it
on. `scroll_to` right after the virtual size grows needs `force=True` (the scrollbar may not
be laid out yet), and Home/End scroll without animation.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ktui.model.log_search import LogSearch
from ktui.model.log_store import LogStore
from ktui.widgets.log_line import (
    MAX_LINE_CHARS,
    LineStyles,
    line_strip,
    line_text,
    tail_anchor,
    wrap_strip,
    wrapped_window,
)
from ktui.widgets.log_view_search import SearchMixin


class LogView(SearchMixin, ScrollView, can_focus=True):
    """Lines of a `LogStore`, with follow, wrap, search highlights and a context filter."""

    BINDINGS = [
        Binding("home", "home", "Top", id="logs.home", show=False),
        Binding("end", "end", "End (follow)", id="logs.end", show=False),
    ]
    COMPONENT_CLASSES = {
        "log-view--match",
        "log-view--current",
        "log-view--separator",
        "log-view--cut",
    }
    DEFAULT_CSS = """
    LogView {
        background: $surface;
        scrollbar-gutter: stable;
        & > .log-view--match { background: $warning 70%; color: $text; text-style: bold; }
        & > .log-view--current { background: $accent 35%; }
        & > .log-view--separator { color: $text-muted; }
        & > .log-view--cut { color: $text-muted; text-style: italic; }
    }
    """

    class Changed(Message):
        """Something a status line shows changed: lines, following, search, wrap, filter."""

        def __init__(self, log_view: LogView) -> None:
            super().__init__()
            self.log_view = log_view

        @property
        def control(self) -> LogView:
            return self.log_view

    def __init__(
        self,
        store: LogStore | None = None,
        *,
        wrap: bool = False,
        follow: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store if store is not None else LogStore()
        self._wrap = wrap
        self._following = follow
        self._search: LogSearch | None = None
        self._generation = 0  # bumped when every drawn line changes
        self._strips: LRUCache[tuple[int, int, bool], Strip] = LRUCache(2048)
        self._styles: LineStyles | None = None
        self._window_key: tuple | None = None
        self._window: list[Strip] = []
        self._window_rows = (0, 0)  # rows in the wrapped window: [first, last)
        self._tail_anchor = 0
        self._tail_fills = False
        self._prefix_width = 0

    # -- state for status lines ----------------------------------------------------------

    @property
    def following(self) -> bool:
        return self._following

    @property
    def wrap(self) -> bool:
        return self._wrap

    @property
    def line_count(self) -> int:
        return len(self.store)

    @property
    def search_pattern(self) -> str | None:
        return self._search.pattern if self._search else None

    @property
    def match_count(self) -> int:
        return len(self._search.matches) if self._search else 0

    @property
    def current_match(self) -> int | None:
        """1-based number of the match last jumped to."""
        current = self._search.current if self._search else None
        return None if current is None else current + 1

    @property
    def searching(self) -> bool:
        return bool(self._search and self._search.running)

    @property
    def context(self) -> int | None:
        """Context lines of the "matching lines only" filter, None when it is off."""
        return self._search.context if self._search else None

    # -- feeding -------------------------------------------------------------------------

    def append(self, lines: Sequence[str], prefixes: str | Sequence[str] | None = None) -> None:
        """Add a batch of lines (call every 50-100 ms, not per line)."""
        if not lines:
            return
        self.store.append(lines, prefixes)
        if prefixes is not None:
            widest = max(map(len, self.store.prefixes))
            if widest != self._prefix_width:
                self._prefix_width = widest
                self._invalidate()
        self._catch_up_search()
        self._lines_changed()

    def reset(self, store: LogStore | None = None) -> None:
        """Start over on a new store; a search stays, and applies to the new lines."""
        old, self.store = self.store, store if store is not None else LogStore()
        if old is not self.store and not self.searching:  # else the thread still reads it
            old.close()
        if self._search is not None:
            self._search = self._search.restarted()
        self._prefix_width = 0
        self._invalidate()
        self._lines_changed()

    def _lines_changed(self) -> None:
        self._update_virtual_size()
        if self._following:
            self._scroll_to_tail()
        self.refresh()
        self.post_message(self.Changed(self))

    # -- following, wrap, scrolling --------------------------------------------------------

    def follow(self, on: bool = True) -> None:
        """Follow the tail (on) or stay where the view is (off)."""
        if on != self._following:
            self._following = on
            self.post_message(self.Changed(self))
        if on:
            self._scroll_to_tail()

    def set_wrap(self, wrap: bool) -> None:
        if wrap != self._wrap:
            self._wrap = wrap
            self._window_key = None
            self._lines_changed()

    def action_home(self) -> None:
        self.follow(False)
        self.scroll_to(0, 0, animate=False, force=True)

    def action_end(self) -> None:
        self.follow(True)

    # Keys scroll with an animation: leave the tail at once, or the next batch's scroll to
    # the end would cancel the animation before it moved (the wheel and scrollbar don't
    # animate, and `watch_scroll_y` sees them). `force`: the scrollbar may not be laid out
    # yet when the first lines just arrived.
    def action_scroll_up(self) -> None:
        self.follow(False)
        self.scroll_up(force=True)

    def action_page_up(self) -> None:
        self.follow(False)
        self.scroll_page_up(force=True)

    def action_scroll_down(self) -> None:
        self.scroll_down(force=True)

    def action_page_down(self) -> None:
        self.scroll_page_down(force=True)

    def _scroll_to_tail(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, force=True)
        # the scrollbars may change the viewport in the coming layout: check once it is done
        self.call_after_refresh(self._stay_at_tail)

    def _stay_at_tail(self) -> None:
        if self._following and self.scroll_y != self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, force=True)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        # moving up, away from the end, is the user leaving the tail
        moved_up = round(new_value) < round(old_value)
        if self._following and moved_up and round(new_value) < self.max_scroll_y:
            self._following = False
            self.post_message(self.Changed(self))

    def on_resize(self) -> None:
        self._window_key = None
        self._update_virtual_size()
        if self._following:
            self._scroll_to_tail()

    def on_unmount(self) -> None:
        if not self.searching:  # else the search thread still reads it; GC closes it
            self.store.close()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None
        self._invalidate()

    # -- rows --------------------------------------------------------------------------

    def _row_count(self) -> int:
        rows = self._search.filter if self._search else None
        return rows.row_count if rows is not None else len(self.store)

    def _line_at(self, row: int) -> int | None:
        rows = self._search.filter if self._search else None
        if rows is not None:
            return rows.line_at(row)
        return row if 0 <= row < len(self.store) else None

    def _row_of(self, line: int) -> int | None:
        rows = self._search.filter if self._search else None
        return rows.row_of(line) if rows is not None else line

    def _first_line_from(self, row: int) -> int:
        """The line on `row`, or on the next row when `row` is a separator."""
        line = self._line_at(row)
        if line is None:
            line = self._line_at(row + 1)
        return line if line is not None else 0

    def _invalidate(self) -> None:
        self._generation += 1
        self._window_key = None
        self._strips.clear()

    def _update_virtual_size(self) -> None:
        rows = self._row_count()
        width, height = self._wrap_viewport()
        if self._wrap and width > 0 and height > 0:
            self._tail_anchor, self._tail_fills = tail_anchor(
                self._row_count(), height, lambda row: len(self._wrap_row(row, width))
            )
            virtual_height = self._tail_anchor + height if self._tail_fills else min(rows, height)
            self.virtual_size = Size(width, virtual_height)
        else:
            # bytes bound a line's cells (bar tabs): no need to measure every line
            prefix = self._prefix_width + 1 if self._prefix_width else 0
            widest = min(self.store.max_line_bytes, MAX_LINE_CHARS + 40) + prefix
            self.virtual_size = Size(widest, rows)

    def _wrap_viewport(self) -> tuple[int, int]:
        """The text area with wrap on: never a horizontal scrollbar, and the vertical one's
        gutter is stable. (Known before layout settles, unlike the scrollable region.)"""
        region = self.content_region
        return max(0, region.width - self.scrollbar_size_vertical), region.height

    # -- drawing -------------------------------------------------------------------------

    def visible_text(self) -> list[str]:
        """What the view shows, row by row (for status lines and tests)."""
        height = self.scrollable_content_region.height
        return [self.render_line(y).text.rstrip() for y in range(height)]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        style = self.rich_style
        if self._wrap:
            width, height = self._wrap_viewport()
            window = self._wrapped_window(width, height)
            return window[y] if y < len(window) else Strip.blank(width, style)
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        line = self._line_at(row)
        if line is None:
            return self._separator(width) if row < self._row_count() else Strip.blank(width, style)
        return self._strip(line).crop_extend(scroll_x, scroll_x + width, style)

    def _wrapped_window(self, width: int, height: int) -> list[Strip]:
        top, rows = round(self.scroll_y), self._row_count()
        current = self._search.current_line if self._search else None
        key = (top, width, height, rows, self._generation, current, self._tail_anchor)
        if key == self._window_key:
            return self._window
        at_end = self._tail_fills and (top >= self._tail_anchor or top >= self.max_scroll_y)
        window, self._window_rows = wrapped_window(
            top, rows, height, lambda row: self._wrap_row(row, width), from_bottom=at_end
        )
        self._window_key, self._window = key, window
        return window

    def _wrap_row(self, row: int, width: int) -> list[Strip]:
        line = self._line_at(row)
        if line is None:
            return [self._separator(width)]
        return wrap_strip(self._strip(line), width, self.rich_style)

    def _separator(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("log-view--separator")
        return Strip([Segment("┈" * width, style)], width)

    def _strip(self, line: int) -> Strip:
        """Line `line` drawn whole (prefix, colours, highlights), cached."""
        search = self._search
        current = search is not None and line == search.current_line
        key = (line, self._generation, current)
        strip = self._strips.get(key)
        if strip is None:
            prefix = self.store.prefix(line)
            text = line_text(
                self.store.line(line),
                self._line_styles(),
                prefix=prefix,
                prefix_width=self._prefix_width,
                prefix_index=self.store.prefixes.index(prefix) if prefix is not None else 0,
                matcher=search.matcher if search is not None else None,
                current=current,
            )
            strip = self._strips[key] = line_strip(text, self.app.console)
        return strip

    def _line_styles(self) -> LineStyles:
        if self._styles is None:
            style = self.get_component_rich_style
            self._styles = LineStyles(
                self.rich_style,
                style("log-view--match"),
                style("log-view--current"),
                style("log-view--cut"),
            )
        return self._styles
