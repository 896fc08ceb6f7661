"""[keymap] in config.toml moves a binding to another key; mistakes are named and skipped."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ktui.config import Config
from ktui.keymap import known_binding_ids, normalize_key, validate_keymap
from tests.tui.config.apps import ConfiguredApp, Counter


def count_shown(app: ConfiguredApp) -> str:
    return str(app.screen.query_one("#count").content)


async def test_a_remapped_binding_fires_on_the_new_key_only() -> None:
    app = ConfiguredApp(Config(keymap={"demo.count": "n,ctrl+n"}))
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert app.problems == []
        await pilot.press("c")
        assert count_shown(app) == "0"
        await pilot.press("n", "ctrl+n")
        assert count_shown(app) == "2"
        # Other bindings keep their keys.
        await pilot.press("r")
        assert count_shown(app) == "0"


async def test_mistakes_are_reported_and_the_default_key_keeps_working() -> None:
    keymap = {"demo.cuont": "x", "demo.count": "ctrl+nonsense", "demo.reset": "z"}
    app = ConfiguredApp(Config(keymap=keymap))
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        text = "\n".join(app.problems)
        assert "no binding has the id 'demo.cuont' (did you mean 'demo.count'?)" in text
        assert "keymap.demo.count: 'ctrl+nonsense' is not a key" in text
        assert len(app.problems) == 2
        await pilot.press("c", "c")
        assert count_shown(app) == "2"
        await pilot.press("z")  # the valid entry still applies
        assert count_shown(app) == "0"


def test_binding_ids_are_collected_from_the_classes() -> None:
    assert {"demo.count", "demo.reset", "demo.wide"} <= known_binding_ids([Counter])
    assert {"demo.count", "app.help"} <= known_binding_ids()


@pytest.mark.parametrize(
    ("written", "textual"),
    [
        ("?", "question_mark"),
        ("F", "F"),
        ("F5", "f5"),
        ("Escape", "escape"),
        ("ctrl+/", "ctrl+slash"),
        ("Ctrl+Shift+X", "ctrl+shift+x"),
        ("ctrl++", "ctrl+plus"),
        ("space", "space"),
        ("question_mark", "question_mark"),
        ("bogus", None),
        ("hyperctrl+a", None),
        ("", None),
    ],
)
def test_keys_are_spelled_as_textual_spells_them(written: str, textual: str | None) -> None:
    assert normalize_key(written) == textual


def test_validate_keymap_keeps_the_good_entries() -> None:
    keymap = {"a.b": "?,F5", "a.c": "nope", "z.z": "x"}
    valid, problems = validate_keymap(keymap, {"a.b", "a.c"})
    # An unknown id is reported but kept: harmless, and right if the id list missed one.
    assert valid == {"a.b": "question_mark,f5", "z.z": "x"}
    assert problems == [
        "keymap.a.c: 'nope' is not a key "
        '(examples: "r", "R", "ctrl+r", "f5", "question_mark", "escape")',
        "keymap: no binding has the id 'z.z'",
    ]


def test_ids_of_screens_the_app_imports_later_are_known() -> None:
    # A fresh interpreter: the help screen is imported lazily by the app, not at startup.
    code = (
        "import sys; from ktui.keymap import known_binding_ids; "
        "assert 'ktui.screens.help' not in sys.modules; "
        "print('help.close' in known_binding_ids())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"
