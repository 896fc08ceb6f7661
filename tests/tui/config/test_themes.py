"""Theme files: the shipped ones load and apply; broken files are named, never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import ThemeProvider

from ktui.config import Config
from ktui.themes import (
    DEFAULT_THEME,
    ThemeError,
    builtin_themes_dir,
    load_theme_dir,
    load_theme_file,
    load_theme_text,
    shipped_themes,
)
from tests.tui.config.apps import ConfiguredApp

SHIPPED = sorted(builtin_themes_dir().glob("*.toml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_theme_file_loads(path: Path) -> None:
    theme = load_theme_file(path)
    assert theme.name == path.stem
    assert theme.background and theme.foreground and theme.primary


def test_shipped_set_has_a_default_a_light_and_a_high_contrast_theme() -> None:
    themes = shipped_themes()
    assert len(themes) >= 4
    assert themes[DEFAULT_THEME].dark
    assert not themes["ktui-light"].dark
    contrast = themes["ktui-high-contrast"]
    assert Color.parse(contrast.background).brightness < 0.05
    assert Color.parse(contrast.foreground).brightness > 0.95


def test_missing_name_defaults_to_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "my-theme.toml"
    path.write_text('primary = "#ff0000"\n')
    assert load_theme_file(path).name == "my-theme"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("primary = [", "not valid TOML"),
        ('background = "#000000"', "primary is required"),
        ('primary = "blurple"', "'blurple' is not a colour"),
        ('primary = "#fff"\ndark = "yes"', "dark must be true or false"),
        ('primary = "#fff"\nname = "two words"', "name 'two words' must start with a letter"),
        ('primary = "#fff"\ncolour = "#000"', "unknown key(s) colour"),
        ('primary = "#fff"\ntext_alpha = 3', "text_alpha must be a number from 0 to 1"),
        (
            'primary = "#fff"\n[variables]\nborder = "wat"',
            "variables.border: 'wat' is not a colour",
        ),
        (
            'primary = "#fff"\n[variables]\n"block-cursor-text-style" = "#fff"',
            "variables.block-cursor-text-style: '#fff' is not text styles",
        ),
        ('primary = "#fff"\nvariables = 3', "[variables] must be a table"),
    ],
)
def test_broken_theme_text_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(ThemeError) as caught:
        load_theme_text(text, default_name="mine", source="mine.toml")
    assert message in str(caught.value)
    assert str(caught.value).startswith("mine.toml: ")


def test_a_broken_file_in_a_folder_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text('primary = "#123456"\n')
    (tmp_path / "bad.toml").write_text("primary = \n")
    (tmp_path / "unreadable.toml").mkdir()
    themes, problems = load_theme_dir(tmp_path)
    assert [t.name for t in themes.values()] == ["good"]
    assert len(problems) == 2
    assert any("bad.toml: not valid TOML" in p for p in problems)
    assert any("unreadable.toml: cannot read it" in p for p in problems)


@pytest.mark.parametrize("name", ["ktui-light", "ktui-high-contrast", "ktui-solarized"])
async def test_the_configured_theme_is_what_the_screen_shows(name: str) -> None:
    app = ConfiguredApp(Config(theme=name), user_themes=Path("/nonexistent"))
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert app.problems == []
        assert app.theme == name
        expected = Color.parse(shipped_themes()[name].background)
        assert app.screen.styles.background == expected
        # Every shipped theme is offered by the command palette's "Change theme".
        offered = {command for command, _ in ThemeProvider(app.screen).commands}
        assert set(shipped_themes()) <= offered


async def test_unknown_theme_falls_back_to_the_default_with_a_message() -> None:
    app = ConfiguredApp(Config(theme="no-such-theme"), user_themes=Path("/nonexistent"))
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert len(app.problems) == 1
        assert "theme 'no-such-theme' not found; using 'ktui-dark'" in app.problems[0]
        assert "ktui-high-contrast" in app.problems[0]  # it lists what there is


async def test_user_themes_are_installed_and_broken_ones_reported(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text('primary = "#ff8800"\nbackground = "#102030"\n')
    (tmp_path / "broken.toml").write_text('primary = "#ff8800"\nbackground = "nope"\n')
    # Valid on its own, but the app uses this variable as a text style: its CSS would fail.
    (tmp_path / "clash.toml").write_text(
        'primary = "#ff8800"\n[variables]\n"count-emphasis" = "#ffffff"\n'
    )
    # A user file may replace a shipped theme of the same name.
    (tmp_path / "light.toml").write_text(
        'name = "ktui-light"\ndark = false\nprimary = "#aa0000"\nbackground = "#fafafa"\n'
    )
    app = ConfiguredApp(Config(theme="mine"), user_themes=tmp_path)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert app.theme == "mine"
        assert app.screen.styles.background == Color.parse("#102030")
        assert "broken" not in app.available_themes
        assert "clash" not in app.available_themes
        assert app.get_theme("ktui-light").primary == "#aa0000"
        text = "\n".join(app.problems)
        assert "broken.toml: background: 'nope' is not a colour" in text
        assert "clash.toml: theme 'clash' breaks the app's styles" in text
        assert len(app.problems) == 2
