"""ConfirmScreen and PromptScreen on their own: the answers a user can give."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Input, Static

from ktui.screens.confirm import ConfirmScreen, DiffScreen
from ktui.screens.prompt import PromptScreen, replicas_value
from ktui.session import Session

from .recording import RecordingHarness, until


class Host(Screen):
    pass


async def ask(session: Session, screen, *keys: str):
    """Push `screen` over a host, press `keys`, return what it was dismissed with."""
    answers: list = []
    app = RecordingHarness(session, Host)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(screen, answers.append)
        await pilot.pause()
        await pilot.press(*keys)
        await until(pilot, lambda: answers, "an answer")
        assert isinstance(app.screen, Host)
    return answers[0]


async def test_confirm_answers(session: Session) -> None:
    assert await ask(session, ConfirmScreen("Delete?"), "y") is True
    assert await ask(session, ConfirmScreen("Delete?"), "enter") is True
    assert await ask(session, ConfirmScreen("Delete?"), "n") is False
    assert await ask(session, ConfirmScreen("Delete?"), "escape") is False


async def test_other_keys_do_not_answer(session: Session) -> None:
    app = RecordingHarness(session, Host)
    answers: list = []
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ConfirmScreen("Delete pod/web?", dangerous=True), answers.append)
        await pilot.pause()
        await pilot.press("x", "d", "space")
        await pilot.pause()
        assert answers == [] and isinstance(app.screen, ConfirmScreen)
        dialog = app.screen.query_one("#confirm-dialog")
        assert dialog.has_class("dangerous")
        assert "Delete pod/web?" in str(app.screen.query_one("#confirm-question", Static).content)


async def test_diff_screen_shows_the_diff_and_its_counts(session: Session) -> None:
    lines = ["--- live", "+++ edited", "@@ -1 +1 @@", "-  replicas: 2", "+  replicas: 5"]
    app = RecordingHarness(session, Host)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(DiffScreen(lines))
        await pilot.pause()
        body = app.screen.query_one("#confirm-body-text", Static).content
        assert "+  replicas: 5" in str(body)
        styles = {str(span.style) for span in body.spans}
        assert {"green", "red"} <= styles
        question = str(app.screen.query_one("#confirm-question", Static).content)
        assert "(+1 -1)" in question


async def test_prompt_returns_the_value_or_none(session: Session) -> None:
    prompt = PromptScreen("Replicas", "2", validator=replicas_value)
    assert await ask(session, prompt, "backspace", "4", "enter") == "4"
    assert await ask(session, PromptScreen("Replicas", "2"), "escape") is None


async def test_prompt_refuses_an_invalid_value_and_says_why(session: Session) -> None:
    app = RecordingHarness(session, Host)
    answers: list = []
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(PromptScreen("Replicas", "2", validator=replicas_value), answers.append)
        await pilot.pause()
        await pilot.press("backspace", "-", "1", "enter")
        await pilot.pause()
        assert answers == [] and isinstance(app.screen, PromptScreen)
        error = str(app.screen.query_one("#prompt-error", Static).content)
        assert "whole number" in error
        app.screen.query_one(Input).value = ""
        await pilot.press("3", "enter")
        await until(pilot, lambda: answers, "an answer")
    assert answers == ["3"]
