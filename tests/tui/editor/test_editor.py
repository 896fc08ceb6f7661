"""The in-app editor against the embedded engine: what the user types reaches the cluster
only after a server dry run, a diff and a yes; errors point at the line."""

from __future__ import annotations

from textual.widgets import Static, TextArea

from ktui.client import Client
from ktui.refs import ObjectRef
from ktui.screens.confirm import ConfirmScreen, DiffScreen
from ktui.screens.editor import EditorScreen, editor_screen
from ktui.screens.external_editor import ExternalEditorScreen
from ktui.session import Session

from ..conftest import deployment
from .recording import RecordingHarness, until


async def make_deployment(session: Session, name: str = "web", replicas: int = 2) -> ObjectRef:
    res = await session.client.resource("deployments")
    obj = await res.create(deployment(name, replicas=replicas))
    return ObjectRef.of(res.resource, obj)


async def replicas(client: Client, ref: ObjectRef) -> int:
    obj = await client.bind(ref.resource).get(ref.name, ref.namespace)
    return obj["spec"]["replicas"]


def area(app) -> TextArea:
    return app.screen.query_one("#editor-text", TextArea)


def status(app) -> str:
    return str(app.screen.query_one("#editor-status", Static).content)


def line_index(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines()) if fragment in line)


async def open_editor(pilot, app) -> TextArea:
    await until(pilot, lambda: isinstance(app.screen, EditorScreen) and area(app).text, "loaded")
    return area(app)


async def put_cursor_after(pilot, editor: TextArea, fragment: str) -> int:
    row = line_index(editor.text, fragment)
    line = editor.document.get_line(row)
    editor.move_cursor((row, line.index(fragment) + len(fragment)))
    await pilot.pause()
    return row


async def test_editing_replicas_changes_the_cluster_after_the_diff_is_confirmed(
    session: Session,
) -> None:
    ref = await make_deployment(session, replicas=2)
    app = RecordingHarness(session, lambda: EditorScreen(session, ref))
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, app)
        assert "managedFields" not in editor.text
        assert "replicas: 2" in editor.text
        await put_cursor_after(pilot, editor, "replicas: 2")
        await pilot.press("backspace", "5")
        assert "  replicas: 5" in editor.text
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DiffScreen), "the diff")
        diff = app.screen.lines
        assert "-  replicas: 2" in diff and "+  replicas: 5" in diff
        assert not any(line.startswith(("+ ", "- ")) and "resourceVersion" in line for line in diff)
        assert await replicas(session.client, ref) == 2  # nothing applied before the yes
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (DiffScreen, EditorScreen)))
        assert app.said("deployment.apps/web edited")
    assert await replicas(session.client, ref) == 5


async def test_declining_the_diff_applies_nothing_and_keeps_the_edits(session: Session) -> None:
    ref = await make_deployment(session, replicas=2)
    app = RecordingHarness(session, lambda: EditorScreen(session, ref))
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, app)
        await put_cursor_after(pilot, editor, "replicas: 2")
        await pilot.press("backspace", "7", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, DiffScreen), "the diff")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        assert "replicas: 7" in area(app).text
        assert "not applied" in status(app)
    assert await replicas(session.client, ref) == 2


async def test_an_unknown_field_is_shown_with_the_cursor_on_its_line(session: Session) -> None:
    ref = await make_deployment(session, replicas=2)
    app = RecordingHarness(session, lambda: EditorScreen(session, ref))
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, app)
        await put_cursor_after(pilot, editor, "replicas: 2")
        await pilot.press("enter", *"  replicaz: 3")
        bad_row = line_index(editor.text, "replicaz: 3")
        editor.move_cursor((0, 0))  # the cursor must travel to the line the server names
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "unknown field" in status(app), "the server error")
        assert 'unknown field "spec.replicaz"' in status(app)
        assert app.said("unknown field", "error")
        assert isinstance(app.screen, EditorScreen)  # no diff, no confirm
        assert editor.cursor_location[0] == bad_row
    obj = await session.client.bind(ref.resource).get(ref.name, ref.namespace)
    assert "replicaz" not in obj["spec"] and obj["spec"]["replicas"] == 2


async def test_an_invalid_value_points_at_the_field(session: Session) -> None:
    ref = await make_deployment(session, replicas=2)
    app = RecordingHarness(session, lambda: EditorScreen(session, ref))
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, app)
        row = await put_cursor_after(pilot, editor, "replicas: 2")
        await pilot.press("backspace", "-", "1")
        editor.move_cursor((0, 0))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "invalid" in status(app), "the validation error")
        assert "spec.replicas" in status(app)
        assert editor.cursor_location[0] == row
    assert await replicas(session.client, ref) == 2


async def test_broken_yaml_names_the_line_and_moves_the_cursor_there(session: Session) -> None:
    ref = await make_deployment(session)
    app = RecordingHarness(session, lambda: EditorScreen(session, ref))
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, app)
        row = await put_cursor_after(pilot, editor, "replicas: 2")
        await pilot.press("enter", *"  - [oops")  # an unclosed flow sequence in a mapping
        editor.move_cursor((0, 0))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "YAML error" in status(app), "the syntax error")
        message = status(app)
        line = int(message.split("line ")[1].split(",")[0])
        assert line >= row + 2  # at or after the line typed (1-based)
        assert editor.cursor_location[0] == line - 1
        assert isinstance(app.screen, EditorScreen)
    assert await replicas(session.client, ref) == 2


async def test_a_change_on_the_server_meanwhile_is_a_conflict_offering_a_reload(
    session: Session,
) -> None:
    ref = await make_deployment(session, replicas=2)
    app = RecordingHarness(session, lambda: EditorScreen(session, ref))
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, app)
        res = session.client.bind(ref.resource)
        await res.patch(ref.name, {"spec": {"replicas": 3}}, ref.namespace)  # someone else
        await put_cursor_after(pilot, editor, "replicas: 2")
        await pilot.press("backspace", "9", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the conflict")
        assert "changed on the server since you opened it; reload?" in app.screen.question
        await pilot.press("y")
        await until(pilot, lambda: "replicas: 3" in area(app).text, "the reload")
        assert "replicas: 9" not in area(app).text
    assert await replicas(session.client, ref) == 3


async def test_escape_with_unsaved_changes_asks_first(session: Session) -> None:
    ref = await make_deployment(session)
    app = RecordingHarness(session, lambda: EditorScreen(session, ref))
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, app)
        await put_cursor_after(pilot, editor, "replicas: 2")
        await pilot.press("1", "escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, EditorScreen))
        assert "replicas: 21" in area(app).text
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await pilot.press("y")
        await until(pilot, lambda: not isinstance(app.screen, (ConfirmScreen, EditorScreen)))


async def test_escape_without_changes_just_closes(session: Session) -> None:
    ref = await make_deployment(session)
    app = RecordingHarness(session, lambda: EditorScreen(session, ref))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_editor(pilot, app)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, EditorScreen), "closed")
        assert not isinstance(app.screen, ConfirmScreen)


async def test_read_only_mode_refuses_to_save(session: Session) -> None:
    session.readonly = True
    ref = await make_deployment(session, replicas=2)
    app = RecordingHarness(session, lambda: EditorScreen(session, ref))
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, app)
        assert editor.read_only
        editor.text = editor.text.replace("replicas: 2", "replicas: 4")  # even if forced
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.said("read-only mode", "error")
        assert isinstance(app.screen, EditorScreen)
    assert await replicas(session.client, ref) == 2


async def test_the_config_chooses_the_editor(session: Session) -> None:
    ref = await make_deployment(session)
    assert isinstance(editor_screen(session, ref), EditorScreen)
    session.config.editor = "external"
    assert isinstance(editor_screen(session, ref), ExternalEditorScreen)
