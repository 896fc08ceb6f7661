"""config.toml: good settings are read, every bad one is named and falls back to its default."""

from __future__ import annotations

from pathlib import Path

from ktui.config import Config, LogSettings, config_dir, config_path, data_dir, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_file_is_read_in_full(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        theme = "ktui-light"
        namespace = "web"
        favourites = ["web", "kube-system"]
        readonly = true
        editor = "external"

        [keymap]
        "logs.follow" = "F"
        "browser.describe" = ["D", "ctrl+d"]

        [logs]
        tail = -1
        timestamps = true
        wrap = true
        follow = false
        context_lines = 3
        """,
    )
    config = load_config(path)
    assert config.problems == []
    assert config.theme == "ktui-light"
    assert config.namespace == "web"
    assert config.favourites == ["web", "kube-system"]
    assert config.readonly is True
    assert config.editor == "external"
    assert config.keymap == {"logs.follow": "F", "browser.describe": "D,ctrl+d"}
    assert config.logs == LogSettings(
        tail=-1, timestamps=True, wrap=True, follow=False, context_lines=3
    )


def test_missing_file_means_defaults_and_no_complaint(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nowhere" / "config.toml")
    assert config == Config()


def test_default_path_follows_xdg_config_home(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path), "HOME": "/nonexistent"}
    (tmp_path / "ktui").mkdir()
    (tmp_path / "ktui" / "config.toml").write_text('theme = "ktui-solarized"\n')
    assert load_config(env=env).theme == "ktui-solarized"


def test_xdg_helpers() -> None:
    env = {"XDG_CONFIG_HOME": "/cfg", "XDG_DATA_HOME": "/data", "HOME": "/home/u"}
    assert config_dir(env) == Path("/cfg/ktui")
    assert config_path(env) == Path("/cfg/ktui/config.toml")
    assert data_dir(env) == Path("/data/ktui")
    # Unset or relative values are ignored, as the XDG spec says.
    home_only = {"HOME": "/home/u", "XDG_CONFIG_HOME": "relative/dir"}
    assert config_dir(home_only) == Path("/home/u/.config/ktui")
    assert data_dir(home_only) == Path("/home/u/.local/share/ktui")


def test_broken_toml_gives_a_message_with_the_line_and_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "ktui-light"\nnamespace = = 3\nreadonly = true\n')
    config = load_config(path)
    assert config.theme == Config().theme
    assert len(config.problems) == 1
    assert str(path) in config.problems[0]
    assert "not valid TOML" in config.problems[0]
    assert "line 2" in config.problems[0]


def test_unreadable_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "config.toml"
    folder.mkdir()
    config = load_config(folder)
    assert config == Config(problems=config.problems)
    assert config.problems and "cannot read" in config.problems[0]


def test_wrong_types_fall_back_field_by_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        theme = 3
        namespace = "Not_A_Namespace"
        favourites = ["ok", 2, "also-ok"]
        readonly = "yes"
        editor = "vim"
        keymap = "F"
        [logs]
        tail = true
        timestamps = "no"
        context_lines = -2
        """,
    )
    config = load_config(path)
    assert config.theme == "ktui-dark"
    assert config.namespace is None
    assert config.favourites == ["ok", "also-ok"]
    assert config.readonly is False
    assert config.editor == "internal"
    assert config.keymap == {}
    assert config.logs == LogSettings()
    text = "\n".join(config.problems)
    for expected in (
        "theme: expected a non-empty string, got 3 (integer)",
        "namespace: 'Not_A_Namespace' (string) is not a namespace name",
        "favourites[1]: 2 (integer) is not a namespace name",
        "readonly: expected true or false, got 'yes' (string)",
        "editor: expected 'internal' or 'external', got 'vim'",
        "keymap: expected a table",
        "logs.tail: expected a whole number, got true (boolean)",
        "logs.timestamps: expected true or false",
        "logs.context_lines: must be at least 0, got -2",
    ):
        assert expected in text
    assert len(config.problems) == 9


def test_good_settings_survive_beside_bad_ones(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "ktui-light"\nreadonly = 1\n[logs]\ntail = 50\nwrap = "x"\n')
    config = load_config(path)
    assert config.theme == "ktui-light"
    assert config.logs.tail == 50
    assert config.readonly is False and config.logs.wrap is False
    assert len(config.problems) == 2


def test_unknown_keys_are_named_with_a_suggestion(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'them = "ktui-light"\nfavorites = ["a"]\n[logs]\nwarp = true\n[keymap]\n"x.y" = ""\n',
    )
    config = load_config(path)
    assert config.theme == "ktui-dark" and config.favourites == [] and config.keymap == {}
    text = "\n".join(config.problems)
    assert "them: unknown setting (did you mean 'theme'?)" in text
    assert "favorites: unknown setting (did you mean 'favourites'?)" in text
    assert "logs.warp: unknown setting (did you mean 'wrap'?)" in text
    assert "keymap.x.y: '' has an empty key" in text


def test_more_than_nine_favourites_are_cut_with_a_message(tmp_path: Path) -> None:
    names = [f"ns{i}" for i in range(11)]
    path = write(tmp_path, f"favourites = {names!r}\n".replace("'", '"'))
    config = load_config(path)
    assert config.favourites == names[:9]
    assert any("ignoring ns9, ns10" in p for p in config.problems)


def test_aliases_are_read_and_bad_ones_reported(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[aliases]\ndp = ":deploy"\nbad = 3\n')
    config = load_config(path)
    assert config.aliases == {"dp": "deploy"}
    assert any("aliases.bad" in problem for problem in config.problems)
