"""Hot reload of the user's theme folder: edit a theme file and the app repaints with it.

A file that fails to load is reported with `notify` and the theme it held stays as it was."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from textual.app import App
from textual.worker import Worker
from watchfiles import Change, awatch

from ktui.config import themes_dir
from ktui.themes.install import load_theme_dir, shipped_themes, theme_css_error
from ktui.themes.schema import ThemeError, load_theme_file

log = logging.getLogger(__name__)


def _is_theme_file(_change: Change, path: str) -> bool:
    return path.endswith(".toml")


class ThemeWatcher:
    """Keeps the app's registered themes in step with the files of one folder."""

    def __init__(self, app: App, directory: Path, *, debounce_ms: int = 300) -> None:
        self.app = app
        self.directory = directory
        self.debounce_ms = debounce_ms
        self.shipped = shipped_themes()  # restored when a user file overriding one goes away
        self.files: dict[Path, str] = {}  # user file -> name of the theme it registered
        themes, _problems = load_theme_dir(directory)  # install_themes already reported these
        for path, theme in themes.items():
            self.files[path.resolve()] = theme.name

    async def run(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            async for changes in awatch(
                self.directory,
                watch_filter=_is_theme_file,
                debounce=self.debounce_ms,
                recursive=False,
            ):
                self.apply(Path(path) for _change, path in changes)
        except OSError as exc:  # e.g. no inotify watches left: themes still work, just not live
            log.warning("theme hot reload is off: %s", exc)
            self.app.notify(
                f"Theme files in {self.directory} will not reload live: {exc.strerror or exc}",
                severity="warning",
            )

    def apply(self, paths: Iterable[Path]) -> None:
        """Act on the final state of each changed file (editors often delete, then re-create)."""
        for path in sorted({p.resolve() for p in paths}):
            if path.exists():
                self._reload(path)
            else:
                self._forget(path)

    def _reload(self, path: Path) -> None:
        app = self.app
        try:
            theme = load_theme_file(path)
        except ThemeError as exc:
            self._refuse(str(exc))
            return
        error = theme_css_error(app, theme)
        if error:
            self._refuse(f"{path}: {error}")
            return
        if self._taken_by_another_file(path, theme.name):
            self._refuse(f"{path}: theme {theme.name!r} is already defined in another file")
            return
        previous = self.files.get(path)
        self.files[path] = theme.name
        app.register_theme(theme)
        if previous and previous != theme.name:
            self._drop(previous)  # the file was renamed inside: its old name goes away
        if theme.name == app.theme:
            app.mutate_reactive(App.theme)  # same name, new colours: re-apply live
            app.notify(f"Theme {theme.name!r} reloaded", timeout=3)
        else:
            app.notify(f"Theme {theme.name!r} updated (ctrl+p → Change theme)", timeout=3)

    def _forget(self, path: Path) -> None:
        name = self.files.pop(path, None)
        if name is not None:
            self._drop(name)

    def _drop(self, name: str) -> None:
        """A user theme is gone: the shipped one of that name comes back, else it goes —
        except the active theme, which stays until the user picks another."""
        app = self.app
        if name in self.files.values():
            return
        if name in self.shipped:
            app.register_theme(self.shipped[name])
            if name == app.theme:
                app.mutate_reactive(App.theme)
        elif name != app.theme:
            app.unregister_theme(name)

    def _taken_by_another_file(self, path: Path, name: str) -> bool:
        return any(other != path and taken == name for other, taken in self.files.items())

    def _refuse(self, message: str) -> None:
        log.warning("%s", message)
        self.app.notify(f"{message}\nKeeping the theme as it was.", severity="error", timeout=8)


def start_theme_watcher(
    app: App,
    directory: Path | None = None,
    *,
    env: Mapping[str, str] = os.environ,
    debounce_ms: int = 300,
) -> Worker[None]:
    """Start watching $XDG_CONFIG_HOME/ktui/themes in a worker (call from App.on_mount,
    after install_themes). The worker stops with the app."""
    watcher = ThemeWatcher(app, directory or themes_dir(env), debounce_ms=debounce_ms)
    return app.run_worker(
        watcher.run(),
        name="theme-watcher",
        group="themes",
        exclusive=True,
        exit_on_error=False,
    )
