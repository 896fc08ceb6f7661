"""`?` lists every binding that works on the screen below, with remapped keys and ids."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from ktui.config import Config
from ktui.screens.help import HelpScreen
from tests.tui.config.apps import ConfiguredApp


def rows(help_screen: HelpScreen) -> dict[str, list[tuple[tuple[str, ...], str, str | None]]]:
    return {
        group.title: [(e.keys, e.description, e.binding_id) for e in group.entries]
        for group in help_screen.groups
    }


async def test_help_shows_the_bindings_below_with_remapped_keys() -> None:
    app = ConfiguredApp(Config(keymap={"demo.count": "n"}))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        groups = rows(help_screen)
        assert list(groups)[:1] == ["Counter"]
        counter = groups["Counter"]
        # The screen's own keys first, in the order declared; hidden ones (show=False) too.
        assert counter[:3] == [
            (("n",), "Count", "demo.count"),
            (("r",), "Reset", "demo.reset"),
            (("w",), "Wide", "demo.wide"),
        ]
        assert (("?",), "Help", "app.help") in groups["Everywhere"]
        # What the user reads on screen:
        shown = [str(s.content) for s in help_screen.query(".help-group")]
        first = shown[0].splitlines()[0].split()
        assert first == ["n", "Count", "demo.count"]
        assert any("?" in line and "app.help" in line for line in shown[1].splitlines())
        titles = [str(s.content) for s in help_screen.query(".help-group-title")]
        assert titles == list(groups)

        await pilot.press("question_mark")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("n")
        assert str(app.screen.query_one("#count").content) == "1"


class Pane(Static, can_focus=True):
    BINDINGS = [
        Binding("f", "follow", "Follow", id="pane.follow"),
        Binding("c", "copy", "Copy line", id="pane.copy"),  # shadows the screen's "c"
    ]
    BINDING_GROUP_TITLE = "Log pane"

    def action_follow(self) -> None:
        pass

    def action_copy(self) -> None:
        pass


class PaneScreen(Screen):
    BINDINGS = [
        Binding("c", "count", "Count", id="panes.count"),
        Binding("d", "delete", "Delete", id="panes.delete"),
    ]

    def compose(self) -> ComposeResult:
        yield Pane("log")

    def on_mount(self) -> None:
        self.query_one(Pane).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "delete" else True  # shown, but not available now

    def action_count(self) -> None:
        pass


async def test_focused_widget_bindings_come_first_and_shadowed_keys_are_left_out() -> None:
    app = ConfiguredApp(Config())
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await app.push_screen(PaneScreen())
        await pilot.pause()
        app.push_screen(HelpScreen(app.screen))
        await pilot.pause()
        groups = rows(app.screen)
        assert list(groups)[:2] == ["Log pane", "Pane"]
        assert groups["Log pane"] == [
            (("f",), "Follow", "pane.follow"),
            (("c",), "Copy line", "pane.copy"),
        ]
        # "c" does what the focused pane says, so the screen's Count is not listed.
        assert [e[2] for e in groups["Pane"]][:1] == ["panes.delete"]
        assert "panes.count" not in [e[2] for e in groups["Pane"]]
        disabled = [e for g in app.screen.groups for e in g.entries if not e.enabled]
        assert [e.binding_id for e in disabled] == ["panes.delete"]
        assert "Delete (not here)" in "\n".join(
            str(s.content) for s in app.screen.query(".help-group")
        )
