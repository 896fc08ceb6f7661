"""Hot reload: theme files edited in $XDG_CONFIG_HOME/ktui/themes repaint the running app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.color import Color
from textual.pilot import Pilot

from ktui.config import Config, themes_dir
from ktui.themes import ThemeWatcher, shipped_themes, start_theme_watcher
from tests.tui.config.apps import ConfiguredApp


class WatchingApp(ConfiguredApp):
    def on_mount(self) -> None:
        super().on_mount()
        start_theme_watcher(self, debounce_ms=50)


def theme(background: str, name: str | None = None) -> str:
    head = f'name = "{name}"\n' if name else ""
    return f'{head}primary = "#4c8bf5"\nbackground = "{background}"\n'


async def until(pilot: Pilot, done: Callable[[], bool], touch: Callable[[], object]) -> bool:
    """Poll for what the user would see; re-touch the file meanwhile, because the watcher
    may not be listening yet when the first write lands."""
    for _ in range(100):
        if done():
            return True
        touch()
        await pilot.pause(0.1)
    return done()


@pytest.fixture
def user_themes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    folder = themes_dir()
    assert folder == tmp_path / "ktui" / "themes"
    folder.mkdir(parents=True)
    return folder


async def test_editing_the_active_theme_repaints_live(user_themes: Path) -> None:
    mine = user_themes / "mine.toml"
    mine.write_text(theme("#102030"))
    app = WatchingApp(Config(theme="mine"))
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert app.screen.styles.background == Color.parse("#102030")

        changed = await until(
            pilot,
            lambda: app.screen.styles.background == Color.parse("#304050"),
            lambda: mine.write_text(theme("#304050")),
        )
        assert changed
        assert app.theme == "mine"
        assert app.current_theme.background == "#304050"
        assert ("information", "Theme 'mine' reloaded") in app.notes

        # A broken save: the user is told, and the theme stays as it was.
        reported = await until(
            pilot,
            lambda: any(s == "error" and "mine.toml" in m for s, m in app.notes),
            lambda: mine.write_text(theme("not-a-colour")),
        )
        assert reported
        message = next(m for s, m in app.notes if s == "error")
        assert "background: 'not-a-colour' is not a colour" in message
        assert "Keeping the theme as it was" in message
        assert app.theme == "mine"
        assert app.screen.styles.background == Color.parse("#304050")

        # A new file becomes a theme one can switch to.
        other = user_themes / "other.toml"
        added = await until(
            pilot,
            lambda: "other" in app.available_themes,
            lambda: other.write_text(theme("#405060")),
        )
        assert added
        app.theme = "other"
        await pilot.pause()
        assert app.screen.styles.background == Color.parse("#405060")


async def test_removed_files_restore_shipped_themes_and_keep_the_active_one(
    user_themes: Path,
) -> None:
    light = user_themes / "light.toml"
    light.write_text(theme("#fafafa", name="ktui-light"))
    spare = user_themes / "spare.toml"
    spare.write_text(theme("#202020"))
    active = user_themes / "active.toml"
    active.write_text(theme("#303030"))
    app = ConfiguredApp(Config(theme="active"), user_themes=user_themes)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        watcher = ThemeWatcher(app, user_themes)
        assert app.get_theme("ktui-light").background == "#fafafa"

        for path in (light, spare, active):
            path.unlink()
        watcher.apply([light, spare, active])
        await pilot.pause()

        assert app.get_theme("ktui-light") == shipped_themes()["ktui-light"]
        assert "spare" not in app.available_themes
        # The theme on screen stays until the user picks another.
        assert app.theme == "active"
        assert app.screen.styles.background == Color.parse("#303030")


async def test_renaming_a_theme_inside_its_file_replaces_the_old_name(user_themes: Path) -> None:
    path = user_themes / "t.toml"
    path.write_text(theme("#111111", name="first"))
    app = ConfiguredApp(Config(), user_themes=user_themes)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        watcher = ThemeWatcher(app, user_themes)
        assert "first" in app.available_themes
        path.write_text(theme("#222222", name="second"))
        watcher.apply([path])
        assert "second" in app.available_themes
        assert "first" not in app.available_themes
