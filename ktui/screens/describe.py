"""`d`: an object described as `kubectl describe` describes it, events included.

    app.push_screen(DescribeScreen(session, ref))

Read-only text with the field names lit, `/` to search (n / N between matches), `r` to
describe again, Esc back. The fetch runs in a worker; NotFound, Forbidden or a lost
connection become a message in the view, never a traceback. `TextInspector` is the frame
this screen shares with the YAML view.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ktui.client import ClientError
from ktui.describe import describe
from ktui.describe.search import Match, find_matches, first_at_or_after, next_index
from ktui.refs import ObjectRef
from ktui.session import Session

# `Key:` at the start of a line (single spaces inside the key, so table rows never match).
_KEY = re.compile(r"^(\s*)([A-Za-z0-9][\w.\-/()'%]*(?: [\w.\-/()'%]+)*:)(?=\s|$)")
_WARNING_ROW = re.compile(r"^  Warning\s")


def failure_text(error: BaseException) -> str:
    """What the user reads when a fetch fails: the server's own words."""
    if isinstance(error, ClientError):
        return str(error) or type(error).__name__
    return f"{type(error).__name__}: {error}"


class _Scroll(ScrollableContainer):
    """Home/End jump at once (Textual animates them by default, which feels slow)."""

    BINDINGS = [
        Binding("home", "top", "Top", show=False, id="describe.home"),
        Binding("end", "bottom", "Bottom", show=False, id="describe.end"),
    ]

    def action_top(self) -> None:
        self.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.scroll_end(animate=False)


class TextInspector(Screen):
    """A screen that shows one object as text: title, body, search bar, status line."""

    DEFAULT_CSS = """
    TextInspector > #inspect-title { height: 1; padding: 0 1; background: $panel; }
    TextInspector > #inspect-status { height: 1; padding: 0 1; color: $text-muted; }
    TextInspector > #inspect-search { dock: bottom; display: none; }
    TextInspector > #inspect-search.visible { display: block; }
    """
    ID_PREFIX = "inspect"
    TITLE_VERB = "Inspect"

    def __init__(self, session: Session, ref: ObjectRef) -> None:
        super().__init__()
        self.session = session
        self.ref = ref
        self.text = ""
        self.error: str | None = None
        self.query_text = ""
        self.matches: list[Match] = []
        self.current: int | None = None

    # -- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="inspect-title", markup=False)
        yield from self.compose_body()
        yield Static("", id="inspect-status", markup=False)
        yield Input(placeholder="search…", id="inspect-search")
        yield Footer()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def _title(self) -> str:
        return f"{self.TITLE_VERB} {self.ref.title}"

    def on_mount(self) -> None:
        self.refresh_view()

    # -- fetching -----------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.refresh_view()

    def refresh_view(self) -> None:
        self.set_status("loading…")
        self._load()

    @work(exclusive=True, group="inspect-load")
    async def _load(self) -> None:
        try:
            text = await self.fetch()
        except Exception as error:  # noqa: BLE001 - every failure becomes a message
            self.error = failure_text(error)
            self.show_error(self.error)
            self.set_status(self.error)
            self.notify(self.error, title=self._title(), severity="error")
            return
        self.error = None
        self.text = text
        self.show_text(text)
        self._research(keep_position=True)

    async def fetch(self) -> str:
        raise NotImplementedError

    def show_text(self, text: str) -> None:
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        raise NotImplementedError

    def set_status(self, message: str) -> None:
        self.query_one("#inspect-status", Static).update(message)

    # -- search -------------------------------------------------------------------------

    def action_search(self) -> None:
        bar = self.query_one("#inspect-search", Input)
        bar.add_class("visible")
        bar.value = self.query_text
        bar.focus()

    @on(Input.Changed, "#inspect-search")
    def _typed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._research(keep_position=False)

    @on(Input.Submitted, "#inspect-search")
    def _submitted(self) -> None:
        self._close_search()

    def _close_search(self) -> None:
        bar = self.query_one("#inspect-search", Input)
        bar.remove_class("visible")
        self.focus_body()

    def _research(self, keep_position: bool) -> None:
        self.matches = find_matches(self.text, self.query_text)
        if keep_position and self.current is not None and self.matches:
            self.current = min(self.current, len(self.matches) - 1)
        else:
            self.current = first_at_or_after(self.matches, self.reading_line())
        self._show_matches()

    def action_next_match(self) -> None:
        self.current = next_index(self.matches, self.current, 1)
        self._show_matches()

    def action_previous_match(self) -> None:
        self.current = next_index(self.matches, self.current, -1)
        self._show_matches()

    def _show_matches(self) -> None:
        current = self.matches[self.current] if self.current is not None else None
        self.show_matches(self.matches, current)
        if self.error:
            return
        if not self.query_text:
            self.set_status(self.status_hint())
        elif not self.matches:
            self.set_status(f"/{self.query_text}: no match")
        else:
            assert self.current is not None
            self.set_status(f"/{self.query_text}: {self.current + 1} of {len(self.matches)}")

    def status_hint(self) -> str:
        return ""

    def show_matches(self, matches: list[Match], current: Match | None) -> None:
        raise NotImplementedError

    def reading_line(self) -> int:
        return 0

    def focus_body(self) -> None:
        raise NotImplementedError

    # -- leaving ------------------------------------------------------------------------

    def action_back(self) -> None:
        bar = self.query_one("#inspect-search", Input)
        if bar.has_class("visible"):
            self._close_search()
            return
        self.dismiss()


class DescribeScreen(TextInspector):
    DEFAULT_CSS = """
    DescribeScreen > #describe-scroll { height: 1fr; }
    DescribeScreen #describe-body { width: auto; min-width: 100%; padding: 0 1; }
    """
    TITLE_VERB = "Describe"
    BINDINGS = [
        Binding("escape", "back", "Back", id="describe.back"),
        Binding("r", "refresh", "Refresh", id="describe.refresh"),
        Binding("slash", "search", "Search", id="describe.search"),
        Binding("n", "next_match", "Next match", id="describe.next"),
        Binding("N", "previous_match", "Previous match", id="describe.previous"),
        Binding("g", "top", "Top", show=False, id="describe.top"),
        Binding("G", "bottom", "Bottom", show=False, id="describe.bottom"),
    ]

    def compose_body(self) -> ComposeResult:
        with _Scroll(id="describe-scroll"):
            yield Static("", id="describe-body", markup=False)

    def on_mount(self) -> None:
        self.focus_body()
        super().on_mount()

    async def fetch(self) -> str:
        return await describe(self.session.client, self.ref)

    def _styles(self) -> dict[str, Style]:
        colors = self.app.theme_variables
        return {
            "key": Style(color=colors.get("accent") or "cyan"),
            "section": Style(color=colors.get("primary") or "blue", bold=True),
            "warning": Style(color=colors.get("warning") or "yellow"),
            "match": Style(reverse=True),
            "current": Style(reverse=True, bold=True, color=colors.get("warning") or "yellow"),
        }

    def styled(self, matches: list[Match], current: Match | None) -> Text:
        """The describe text with field names, section titles, warnings and matches lit."""
        styles = self._styles()
        by_line: dict[int, list[Match]] = {}
        for match in matches:
            by_line.setdefault(match.line, []).append(match)
        out = Text(no_wrap=True, overflow="ignore")
        in_events = False
        for number, line in enumerate(self.text.rstrip("\n").split("\n")):
            piece = Text(line)
            key = _KEY.match(line)
            if key:
                style = styles["section"] if not key.group(1) else styles["key"]
                piece.stylize(style, key.start(2), key.end(2))
            if line.startswith("Events:"):
                in_events = True
            elif in_events and _WARNING_ROW.match(line):
                piece.stylize(styles["warning"])
            for match in by_line.get(number, ()):
                piece.stylize(
                    styles["current" if match == current else "match"], match.start, match.end
                )
            out.append_text(piece)
            out.append("\n")
        return out

    def show_text(self, text: str) -> None:
        self.query_one("#describe-body", Static).update(self.styled([], None))

    def show_error(self, message: str) -> None:
        self.text = ""
        self.query_one("#describe-body", Static).update(Text(message, style="bold"))

    def show_matches(self, matches: list[Match], current: Match | None) -> None:
        if self.error:
            return
        self.query_one("#describe-body", Static).update(self.styled(matches, current))
        if current is not None:
            scroll = self.query_one("#describe-scroll", ScrollableContainer)
            top = max(0, current.line - scroll.size.height // 2)
            scroll.scroll_to(y=top, animate=False, force=True)

    def reading_line(self) -> int:
        return int(self.query_one("#describe-scroll", ScrollableContainer).scroll_y)

    def focus_body(self) -> None:
        self.query_one("#describe-scroll", ScrollableContainer).focus()

    def action_top(self) -> None:
        self.query_one("#describe-scroll", ScrollableContainer).scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.query_one("#describe-scroll", ScrollableContainer).scroll_end(animate=False)
