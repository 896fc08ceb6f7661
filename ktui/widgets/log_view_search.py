"""Search in the log view: highlights, next/previous match, the "matching lines only"
filter; a large backlog is searched in a thread, new lines inline as they arrive.

A mixin of `LogView` (ktui/widgets/log_view.py), split out to keep each file one idea:
this one is moving between matches, that one is scrolling and drawing rows.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

from ktui.model.log_search import LogSearch
from ktui.model.log_store import LogStore

if TYPE_CHECKING:  # the mixin works on LogView's rows, scrolling and state
    from ktui.widgets.log_view import LogView

    _Base = LogView
else:
    _Base = object

THREAD_SEARCH_BYTES = 4 << 20  # search a larger backlog in a thread, a smaller one inline


class SearchMixin(_Base):
    """LogView's search methods (public: search, clear_search, next_match,
    previous_match, set_context)."""

    def search(self, pattern: str, *, regex: bool = False) -> None:
        """Find the lines holding `pattern` (case-insensitive), highlight them and jump to
        the first match at or below the top of the view. Raises `re.error` for a bad
        regular expression. An empty pattern clears the search."""
        if not pattern:
            self.clear_search()
            return
        context = self._search.context if self._search else None
        self._search = LogSearch(pattern, regex=regex, context=context)
        self._invalidate()
        self._catch_up_search(jump=True)
        self._update_virtual_size()
        self.refresh()
        self.post_message(self.Changed(self))

    def clear_search(self) -> None:
        if self._search is not None:
            top = self._line_at(round(self.scroll_y))
            self._search = None
            self._invalidate()
            self._update_virtual_size()
            self._restore_position(top)

    def next_match(self) -> bool:
        """Jump to the next match (the first below the top of the view at first)."""
        search = self._search
        if search is None or not search.matches:
            return False
        if search.current is None:
            self._goto_match(search.first_from(self._first_line_from(round(self.scroll_y))))
        else:
            self._goto_match((search.current + 1) % len(search.matches))
        return True

    def previous_match(self) -> bool:
        search = self._search
        if search is None or not search.matches:
            return False
        if search.current is None:
            bottom = round(self.scroll_y) + self.scrollable_content_region.height - 1
            self._goto_match(search.last_until(self._first_line_from(bottom)))
        else:
            self._goto_match((search.current - 1) % len(search.matches))
        return True

    def set_context(self, context: int | None) -> None:
        """Show only matching lines with `context` lines around each (None: every line)."""
        if self._search is None:
            if context is None:
                return
            raise ValueError("search first: the filter shows the lines that match")
        top = self._line_at(round(self.scroll_y))
        self._search.set_context(context, len(self.store))
        self._invalidate()
        self._update_virtual_size()
        self._restore_position(top)

    def _restore_position(self, top_line: int | None) -> None:
        """After rows changed meaning: keep following, else show the current match or the
        line that was at the top."""
        if self._following:
            self._scroll_to_tail()
        elif self._search is not None and self._search.current is not None:
            self._goto_match(self._search.current)
        elif top_line is not None:
            row = self._row_of(top_line)
            self.scroll_to(y=row if row is not None else 0, animate=False, force=True)
        self.refresh()
        self.post_message(self.Changed(self))

    def _catch_up_search(self, jump: bool = False) -> None:
        """Search the lines not searched yet: in a thread when there is much to read."""
        search, store = self._search, self.store
        if search is None or search.running:
            return
        count = len(store)
        if search.backlog_bytes(store) > THREAD_SEARCH_BYTES:
            search.running = True
            self.run_worker(
                lambda: self._search_in_thread(search, store, count, jump),
                thread=True,
                exclusive=True,
                group="log-search",
                description="searching the log",
            )
            return
        self._add_matches(search, search.find(store, count), count)
        if jump:
            self.next_match()

    def _search_in_thread(self, search: LogSearch, store: LogStore, stop: int, jump: bool) -> None:
        try:
            hits = search.find(store, stop)
        except (OSError, ValueError):  # the store was replaced and closed meanwhile
            hits = array("Q")
        self.app.call_from_thread(self._search_done, search, store, hits, stop, jump)

    def _search_done(
        self, search: LogSearch, store: LogStore, hits: array, stop: int, jump: bool
    ) -> None:
        search.running = False
        if search is not self._search or store is not self.store:
            return  # a newer search or a new stream took over
        self._add_matches(search, hits, stop)
        self._catch_up_search(jump=jump)  # and the lines that arrived meanwhile
        self.refresh()
        self.post_message(self.Changed(self))

    def _add_matches(self, search: LogSearch, hits: array, searched: int) -> None:
        search.add(hits, searched, len(self.store))
        if search.filter is not None:
            self._update_virtual_size()
            if self._following:
                self._scroll_to_tail()

    def _goto_match(self, index: int) -> None:
        assert self._search is not None
        self._search.current = index
        row = self._row_of(self._search.matches[index]) or 0
        self.follow(False)
        top, height = round(self.scroll_y), max(1, self.scrollable_content_region.height)
        if self._wrap:
            first, last = self._window_rows
            visible = self._window_key is not None and first <= row < last
            target = row
        else:
            visible = top <= row < top + height
            target = max(0, row - height // 3)
        if not visible:
            self.scroll_to(y=target, animate=False, force=True)
        self._window_key = None
        self.refresh()
        self.post_message(self.Changed(self))
