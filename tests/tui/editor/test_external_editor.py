"""The $EDITOR variant: the file the editor saves goes through the same dry run → diff →
confirm → apply path. The editor process is replaced by a function that edits the file."""

from __future__ import annotations

from pathlib import Path

from textual.screen import Screen

from ktui.screens.confirm import ConfirmScreen, DiffScreen
from ktui.screens.external_editor import ExternalEditorScreen, editor_command
from ktui.session import Session

from .recording import RecordingHarness, until
from .test_editor import make_deployment, replicas


class Host(Screen):
    """A screen underneath, as the browser is in the app."""


def scripted(*edits):
    """An 'editor' that applies each edit (old, new) in turn to the file, one per run."""
    seen: list[str] = []

    def run(path: Path) -> None:
        text = path.read_text()
        seen.append(text)
        old, new = edits[len(seen) - 1]
        path.write_text(text.replace(old, new))

    return run, seen


async def test_the_saved_file_is_applied_after_the_diff(session: Session) -> None:
    ref = await make_deployment(session, replicas=2)
    run, seen = scripted(("replicas: 2", "replicas: 4"))
    app = RecordingHarness(session, Host)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ExternalEditorScreen(session, ref, run_editor=run))
        await until(pilot, lambda: isinstance(app.screen, DiffScreen), "the diff")
        assert "+  replicas: 4" in app.screen.lines
        assert "managedFields" not in seen[0]
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, Host), "back to the host")
        assert app.said("deployment.apps/web edited")
    assert await replicas(session.client, ref) == 4


async def test_broken_yaml_reopens_the_editor_with_the_error(session: Session) -> None:
    ref = await make_deployment(session, replicas=2)
    run, seen = scripted(("replicas: 2", "replicas: [2"), ("replicas: [2", "replicas: 6"))
    app = RecordingHarness(session, Host)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ExternalEditorScreen(session, ref, run_editor=run))
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the error")
        assert "YAML error: line" in app.screen.question
        assert await replicas(session.client, ref) == 2
        await pilot.press("y")  # edit again
        await until(pilot, lambda: isinstance(app.screen, DiffScreen), "the diff")
        assert "# error: YAML error: line" in seen[1]
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, Host), "back to the host")
    assert await replicas(session.client, ref) == 6


async def test_an_unknown_field_is_reported_and_nothing_changes(session: Session) -> None:
    ref = await make_deployment(session, replicas=2)
    run, _ = scripted(("  replicas: 2", "  replicas: 2\n  bogus: 1"))
    app = RecordingHarness(session, Host)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ExternalEditorScreen(session, ref, run_editor=run))
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the error")
        assert 'unknown field "spec.bogus"' in app.screen.question
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, Host), "back to the host")
    obj = await session.client.bind(ref.resource).get(ref.name, ref.namespace)
    assert "bogus" not in obj["spec"]


async def test_an_unchanged_file_cancels_the_edit(session: Session) -> None:
    ref = await make_deployment(session, replicas=2)
    run, _ = scripted(("", ""))
    app = RecordingHarness(session, Host)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ExternalEditorScreen(session, ref, run_editor=run))
        await until(pilot, lambda: app.said("no changes made"), "the cancel message")
        await until(pilot, lambda: isinstance(app.screen, Host), "back to the host")


async def test_read_only_mode_does_not_open_the_editor(session: Session) -> None:
    session.readonly = True
    ref = await make_deployment(session)
    run, seen = scripted(("replicas: 2", "replicas: 4"))
    app = RecordingHarness(session, Host)
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ExternalEditorScreen(session, ref, run_editor=run))
        await until(pilot, lambda: app.said("read-only mode", "error"), "the refusal")
        await until(pilot, lambda: isinstance(app.screen, Host), "back to the host")
    assert seen == []


def test_the_editor_command_follows_visual_then_editor(monkeypatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    assert editor_command() == ["vi"]
    monkeypatch.setenv("EDITOR", "nano -w")
    assert editor_command() == ["nano", "-w"]
    monkeypatch.setenv("VISUAL", "code --wait")
    assert editor_command() == ["code", "--wait"]
