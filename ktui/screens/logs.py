"""A pod's logs (k9s `l`, and `p` for the previous container): streamed into a `LogView`
in batches, with follow (across the container's restarts, as k9s), timestamps, wrap,
search, a context filter, a container switch and save to file. Errors (the container
not started, a node no kubelet serves, NotFound, Forbidden, a lost connection) are shown
in the view, never raised."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ktui.client import ApiError, ClientError
from ktui.client.logs import container_names
from ktui.model.log_store import LogStore
from ktui.refs import ObjectRef
from ktui.screens.container_picker import ALL, ContainerPicker
from ktui.screens.container_restarts import next_instance, restart_count
from ktui.session import Session
from ktui.widgets.log_view import LogView

LineSource = Callable[..., AsyncIterator[tuple[str, str]]]
FLUSH_SECONDS = 0.08  # lines reach the view in batches, not one refresh per line
MAX_PENDING = 20_000  # a burst flushes early (and yields to the UI) past this many lines
WAITING = "waiting for the container's next instance"
CONTEXT_STEPS = (0, 2, 5)  # `c` cycles: off → 0 → 2 → 5 → off (plus config's context_lines)
DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"


class _Batch:
    """Lines received since the last flush, for one stream (a restart gets a new one, so
    late lines of a cancelled stream never reach the new view)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.prefixes: list[str] = []
        self.state = "connecting"  # → streaming → ended | failed

    def take(self) -> tuple[list[str], list[str]]:
        taken = self.lines, self.prefixes
        self.lines, self.prefixes = [], []
        return taken


class LogsScreen(Screen):
    """`LogsScreen(session, ref)`: the logs of pod `ref` (one container, or all of them)."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="logs.back"),
        Binding("f", "follow", "Follow", id="logs.follow"),
        Binding("t", "timestamps", "Timestamps", id="logs.timestamps"),
        Binding("w", "wrap", "Wrap", id="logs.wrap"),
        Binding("slash", "search", "Search", id="logs.search"),
        Binding("n", "next_match", "Next", id="logs.next"),
        Binding("N", "previous_match", "Previous", id="logs.previous"),
        Binding("c", "context", "Only matches", id="logs.context"),
        Binding("a", "containers", "Containers", id="logs.containers"),
        Binding("ctrl+s", "save", "Save", id="logs.save"),
    ]
    DEFAULT_CSS = """
    LogsScreen {
        #logs-status { height: 1; background: $panel; color: $text; padding: 0 1; }
        #logs-message { display: none; height: auto; padding: 0 1; color: $text-error; background: $error 15%; }
        #logs-message.-shown { display: block; }
        #logs-view { height: 1fr; }
        #logs-search { display: none; dock: bottom; margin-bottom: 1; }
        #logs-search.-shown { display: block; }
    }
    """

    def __init__(
        self,
        session: Session,
        ref: ObjectRef,
        *,
        container: str | None = None,
        all_containers: bool = False,
        previous: bool = False,
        source: LineSource | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.ref = ref
        self.container = container
        self.all_containers = all_containers
        self.previous = previous
        self.timestamps = session.config.logs.timestamps
        self._source = source
        self._containers: list[str] | None = None  # from the pod, once fetched
        self._batch = _Batch()
        self._error: str | None = None

    def compose(self) -> ComposeResult:
        settings = self.session.config.logs
        yield Static(id="logs-status")
        yield Static(id="logs-message")
        yield LogView(id="logs-view", wrap=settings.wrap, follow=settings.follow)
        yield Input(placeholder="search (/regex/ for a regular expression)", id="logs-search")
        yield Footer()

    @property
    def view(self) -> LogView:
        return self.query_one("#logs-view", LogView)

    def on_mount(self) -> None:
        self.view.focus()
        self.set_interval(FLUSH_SECONDS, self._flush)
        self._restart(fresh=False)

    # -- streaming -----------------------------------------------------------------------

    def _restart(self, fresh: bool = True) -> None:
        """(Re)open the stream with the current container, timestamps and previous."""
        self._batch = _Batch()
        self._show_error(None)
        if fresh:
            self.view.reset(LogStore())
        self._stream(self._batch)
        self._update_status()

    @work(exclusive=True, group="logs-stream", exit_on_error=False)
    async def _stream(self, batch: _Batch) -> None:
        try:
            await self._resolve_container()
            seen = await self._restarts_seen()
            configured = self.session.config.logs.tail
            tail = configured if configured >= 0 else None
            while True:
                async for container, line in self._open(tail):
                    batch.state = "streaming"
                    batch.lines.append(line)
                    batch.prefixes.append(container)
                    if len(batch.lines) >= MAX_PENDING:
                        self._flush()
                        await asyncio.sleep(0)
                if seen is None or self.container is None:
                    break
                # The instance ended: keep following the container's next one, whole.
                batch.state = WAITING
                self._update_status()
                pods = await self.session.client.resource("pods")
                ref = self.ref
                seen = await next_instance(pods, ref.name, ref.namespace, self.container, seen)
                if seen is None:
                    break
                tail = None
            batch.state = "ended"
        except asyncio.CancelledError:
            raise
        except ApiError as error:
            batch.state = "failed"
            self._fail(batch, f"{error.message} ({error.reason or 'HTTP'} {error.code})")
        except ClientError as error:
            batch.state = "failed"
            self._fail(batch, str(error))
        except Exception as error:  # a bug or an odd server must not take the app down
            batch.state = "failed"
            self._fail(batch, f"{type(error).__name__}: {error}")
        finally:
            if batch is self._batch:
                self._flush()

    def _following(self) -> bool:
        return self.session.config.logs.follow and not self.previous

    async def _restarts_seen(self) -> int | None:
        """The container's restart count before its stream opens, when the screen follows
        one container of the cluster across restarts (else None)."""
        if not self._following() or self._source is not None or self.all_containers:
            return None
        if self.container is None:
            return None
        try:
            pods = await self.session.client.resource("pods")
            pod = await pods.get(self.ref.name, self.ref.namespace)
        except (ClientError, OSError):
            return None  # the log request itself will say what is wrong
        return restart_count(pod, self.container)

    def _open(self, tail: int | None) -> AsyncIterator[tuple[str, str]]:
        options: dict[str, Any] = {
            "follow": self._following(),
            "tail_lines": tail,
            "timestamps": self.timestamps,
            "previous": self.previous,
        }
        if self._source is not None:
            return self._source(
                container=self.container, all_containers=self.all_containers, **options
            )
        client, pod, namespace = self.session.client, self.ref.name, self.ref.namespace
        if self.all_containers:
            return client.all_logs(pod, namespace, **options)
        return _tagged(
            client.logs(pod, namespace, container=self.container, **options), self.container
        )

    async def _resolve_container(self) -> None:
        """Learn the pod's containers; pick the default one when none was asked for (a pod
        of several containers needs one: its annotation's, else the first)."""
        if self._containers is None:
            try:
                pods = await self.session.client.resource("pods")
                pod = await pods.get(self.ref.name, self.ref.namespace)
            except (ClientError, OSError):
                return  # the log request itself will say what is wrong
            self._containers = container_names(pod)
            if self.container is None and not self.all_containers:
                regular = container_names(pod, include_init=False)
                annotations = (pod.get("metadata") or {}).get("annotations") or {}
                wanted = annotations.get(DEFAULT_CONTAINER)
                self.container = wanted if wanted in regular else (regular or [None])[0]
            self._update_status()

    def _flush(self) -> None:
        batch = self._batch
        if batch.lines:
            lines, prefixes = batch.take()
            self.view.append(lines, prefixes if self.all_containers else None)
        elif batch.state in ("ended", "failed"):
            self._update_status()

    def _fail(self, batch: _Batch, message: str) -> None:
        if batch is self._batch:
            text = f"Cannot stream the logs of {self.ref.title}: {message}"
            self._show_error(text)
            self.notify(text, severity="error", markup=False)

    def _show_error(self, message: str | None) -> None:
        self._error = message
        widget = self.query_one("#logs-message", Static)
        widget.update(Text(message or ""))
        widget.set_class(message is not None, "-shown")

    # -- status --------------------------------------------------------------------------

    @on(LogView.Changed)
    def _update_status(self) -> None:
        view = self.view
        which = "all containers" if self.all_containers else (self.container or "default container")
        parts = [self.ref.title, which + (" (previous)" if self.previous else "")]
        parts.append(f"{view.line_count:,} lines")
        state = self._batch.state
        if state in ("ended", "failed"):
            parts.append(state)  # nothing more will come: following or not means nothing
        else:
            parts.append("following" if view.following else "paused")
            if state != "streaming":
                parts.append(state)
        if view.wrap:
            parts.append("wrap")
        if self.timestamps:
            parts.append("timestamps")
        if view.search_pattern is not None:
            current = view.current_match
            found = f"{current or '-'}/{view.match_count:,} matches"
            parts.append(found + (" (searching…)" if view.searching else ""))
            if view.context is not None:
                parts.append(f"only matching lines (with {view.context} lines of context)")
        self.query_one("#logs-status", Static).update(Text("  ·  ".join(parts)))

    # -- actions -------------------------------------------------------------------------

    def action_back(self) -> None:
        search = self.query_one("#logs-search", Input)
        if search.has_focus:
            self._close_search()
        elif self.view.search_pattern is not None:
            self.view.clear_search()
        else:
            self.app.pop_screen()

    def action_follow(self) -> None:
        self.view.follow(not self.view.following)

    def action_timestamps(self) -> None:
        self.timestamps = not self.timestamps
        self._restart()

    def action_wrap(self) -> None:
        self.view.set_wrap(not self.view.wrap)

    def action_search(self) -> None:
        search = self.query_one("#logs-search", Input)
        search.add_class("-shown")
        search.focus()

    def _close_search(self) -> None:
        self.query_one("#logs-search", Input).remove_class("-shown")
        self.view.focus()

    @on(Input.Submitted, "#logs-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        term = event.value
        regex = len(term) > 2 and term.startswith("/") and term.endswith("/")
        pattern = term[1:-1] if regex else term
        self._close_search()
        view = self.view
        if pattern and pattern == view.search_pattern:
            self._next(view.next_match)
            return
        try:
            view.search(pattern, regex=regex)
        except re.error as error:
            self.notify(f"Not a regular expression: {error}", severity="error", markup=False)
            return
        if pattern and not view.searching and not view.match_count:
            self.notify(f"No line holds {pattern!r}", severity="warning", markup=False)

    def action_next_match(self) -> None:
        self._next(self.view.next_match)

    def action_previous_match(self) -> None:
        self._next(self.view.previous_match)

    def _next(self, move: Callable[[], bool]) -> None:
        if self.view.search_pattern is None:
            self.notify("Nothing to find yet: press / to search")
        elif not move():
            self.notify("Still searching…" if self.view.searching else "No matches")

    def action_context(self) -> None:
        view = self.view
        if view.search_pattern is None:
            self.notify("Search first (/): the filter keeps the lines that match")
            return
        steps = (None, *sorted({*CONTEXT_STEPS, self.session.config.logs.context_lines}))
        view.set_context(steps[(steps.index(view.context) + 1) % len(steps)])

    @work(exclusive=True, group="logs-containers", exit_on_error=False)
    async def action_containers(self) -> None:
        await self._resolve_container()
        names = self._containers
        if names is None:
            self.notify("Cannot read the pod's containers", severity="error")
            return
        if len(names) <= 1:
            self.notify(f"{self.ref.name} has a single container")
            return
        current = ALL if self.all_containers else self.container
        choice = await self.app.push_screen_wait(ContainerPicker(names, current))
        if choice is None or choice == current:
            return
        self.all_containers = choice == ALL
        self.container = None if self.all_containers else choice
        self._restart()

    def action_save(self) -> None:
        self._flush()
        store, count = self.view.store, self.view.line_count
        self._save(store, count, self._save_path())

    def _save_path(self) -> Path:
        folder = os.environ.get("XDG_DOWNLOAD_DIR")
        base = Path(folder) if folder and Path(folder).is_dir() else Path.cwd()
        which = "all" if self.all_containers else (self.container or "log")
        stem = f"{self.ref.name}-{which}{'-previous' if self.previous else ''}"
        stem += datetime.now().strftime("-%Y%m%d-%H%M%S")
        path, number = base / f"{stem}.log", 1
        while path.exists():
            number += 1
            path = base / f"{stem}-{number}.log"
        return path

    @work(thread=True, group="logs-save", exit_on_error=False)
    def _save(self, store: LogStore, count: int, path: Path) -> None:
        try:
            with path.open("xb") as out:
                store.write_to(out, stop=count)
        except Exception as error:  # a full disk, a closed store...: told, not raised
            self.notify(f"Cannot save the log: {error}", severity="error", markup=False)
        else:
            self.notify(f"Saved {count:,} lines to {path}", markup=False)


async def _tagged(
    lines: AsyncIterator[str], container: str | None
) -> AsyncIterator[tuple[str, str]]:
    async for line in lines:
        yield container or "", line
