"""`s` in the browser on a pod the kubelet runs: the app opens an exec session with a tty,
hands the terminal over (suspend), the remote shell prompts, runs what is typed, and its
exit code comes back as a message. A headless test cannot suspend the app nor put a tty
in raw mode, so those two are stood in for; everything between them is real."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from ktui.app import KtuiApp
from ktui.session import Session
from ktui.terminal import shell

from ..app.pilot import browser, names, until
from .conftest import RunningPods, ScriptedTerminal, container, pod_on_node

PROMPT = rb"[$#] \Z"  # bash's or sh's prompt, waiting for input


async def test_s_runs_a_shell_with_a_tty_in_the_container(
    session: Session, running_pods: RunningPods, monkeypatch: pytest.MonkeyPatch
) -> None:
    await running_pods.start(pod_on_node("box", container("main", "exec sleep 300")))
    terminal = ScriptedTerminal(
        [
            (PROMPT, b"echo hello from $HOSTNAME; tty; stty size\r"),
            (rb"hello from box[\s\S]*" + PROMPT, b"exit 3\r"),
        ],
        size=(100, 30),
    )
    monkeypatch.setattr(shell, "RawTerminal", lambda: terminal)
    app = KtuiApp(session)
    suspended: list[bool] = []

    @contextlib.contextmanager
    def suspend() -> Iterator[None]:  # what App.suspend does around the shell, minus the tty
        suspended.append(True)
        yield

    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["box"])
        await pilot.press("s")
        await until(pilot, lambda: any("exited" in n.message for n in app._notifications))
        text = terminal.output.decode(errors="replace")
        assert text.startswith("ktui: shell into box; exit to return\r\n")
        assert "hello from box" in text and "/dev/pts/" in text
        assert "30 100" in text  # the terminal's size reached the remote tty
        assert suspended == [True] and terminal.entered and terminal.exited
        [note] = [n for n in app._notifications if n.title == "shell"]
        assert note.message == "box: /bin/bash exited with code 3"
        assert note.severity == "warning"
        assert pilot.app.screen is screen


async def test_without_a_terminal_the_shell_is_refused_with_a_message(
    session: Session, running_pods: RunningPods
) -> None:
    """Headless (as under the Pilot) the app cannot give the terminal away: it says so."""
    await running_pods.start(pod_on_node("box", container("main", "exec sleep 300")))
    app = KtuiApp(session)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await browser(pilot)
        await until(pilot, lambda: names(screen) == ["box"])
        await pilot.press("s")
        await until(pilot, lambda: any(n.title == "shell" for n in app._notifications))
        [note] = [n for n in app._notifications if n.title == "shell"]
        assert note.message == "a shell needs a real terminal" and note.severity == "error"
        assert pilot.app.screen is screen
