"""The shell pump with a fake exec stream: keys in, output out, resizes, exit codes,
and the bash → sh fallback."""

from __future__ import annotations

import asyncio

from ktui.terminal.shell import pump, run_shells

from .fakes import FakeStream, FakeTerminal, exit_status, opener


async def test_pump_moves_keys_output_and_resizes() -> None:
    stream = FakeStream()
    terminal = FakeTerminal([b"ls\r"], size=(100, 30))
    task = asyncio.create_task(pump(stream, terminal))
    while b"echo:ls" not in terminal.output:
        await asyncio.sleep(0)
    terminal.resize(120, 40)
    while len(stream.resizes) < 2:
        await asyncio.sleep(0)
    terminal.keys.put_nowait(b"exit\r")
    assert (await task).written == len(b"$ echo:ls\r")
    assert stream.resizes == [(100, 30), (120, 40)]  # the size first, then each change
    assert stream.stdin == [b"ls\r", b"exit\r"]
    assert bytes(terminal.output) == b"$ echo:ls\r"


async def test_run_shells_reports_the_exit_code() -> None:
    opened: list[str] = []
    streams = {"/bin/bash": FakeStream(final=exit_status(3))}
    terminal = FakeTerminal([b"false\r", b"exit\r"])
    outcome = await run_shells(opener(streams, opened), terminal)
    assert opened == ["/bin/bash"]
    assert (outcome.shell, outcome.exit_code, outcome.severity) == ("/bin/bash", 3, "warning")
    assert outcome.message == "/bin/bash exited with code 3"


async def test_a_missing_bash_falls_back_to_sh() -> None:
    missing = FakeStream(
        banner=b"",
        final={
            "status": "Failure",
            "reason": "InternalError",
            "message": 'exec: "/bin/bash": stat /bin/bash: no such file or directory',
        },
    )
    missing.finish()  # ends at once, having written nothing
    opened: list[str] = []
    streams = {"/bin/bash": missing, "/bin/sh": FakeStream()}
    terminal = FakeTerminal([b"exit\r"])
    outcome = await run_shells(opener(streams, opened), terminal)
    assert opened == ["/bin/bash", "/bin/sh"]
    assert (outcome.shell, outcome.exit_code) == ("/bin/sh", 0)
    assert bytes(terminal.output) == b"$ "


async def test_a_shell_that_ran_and_failed_is_not_retried() -> None:
    ran = FakeStream(final=exit_status(127))  # it wrote a prompt: bash exists
    opened: list[str] = []
    outcome = await run_shells(
        opener({"/bin/bash": ran, "/bin/sh": FakeStream()}, opened), FakeTerminal([b"exit\r"])
    )
    assert opened == ["/bin/bash"] and outcome.exit_code == 127


async def test_a_stream_without_status_is_an_error() -> None:
    stream = FakeStream(final=None)
    outcome = await run_shells(
        opener({"/bin/sh": stream}, []), FakeTerminal([b"exit\r"]), ["/bin/sh"]
    )
    assert outcome.exit_code is None and outcome.severity == "error"
    assert "without an exit code" in outcome.message


async def test_an_old_runtime_printing_the_missing_shell_falls_back() -> None:
    # dockershim wrote the failure as output, then exit code 126.
    printed = FakeStream(
        banner=b'rpc error: exec: "/bin/bash": executable file not found in $PATH\r\n',
        final=exit_status(126),
    )
    printed.finish()
    opened: list[str] = []
    streams = {"/bin/bash": printed, "/bin/sh": FakeStream(final=exit_status(0))}
    outcome = await run_shells(opener(streams, opened), FakeTerminal([b"exit\r"]))
    assert opened == ["/bin/bash", "/bin/sh"] and outcome.shell == "/bin/sh"


async def test_bash_whose_last_command_was_missing_is_not_retried() -> None:
    session = FakeStream(
        banner=b"$ nope\r\nbash: nope: command not found\r\n$ ", final=exit_status(127)
    )
    session.finish()
    opened: list[str] = []
    outcome = await run_shells(
        opener({"/bin/bash": session, "/bin/sh": FakeStream()}, opened), FakeTerminal([])
    )
    assert opened == ["/bin/bash"] and outcome.exit_code == 127
