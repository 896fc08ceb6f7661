"""A scripted exec stream and terminal, so the shell pump runs without a tty or a kubelet."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

SUCCESS = {"status": "Success"}


def exit_status(code: int) -> dict[str, Any]:
    return {
        "status": "Failure",
        "reason": "NonZeroExitCode",
        "message": f"command terminated with non-zero exit code: exit code {code}",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


class FakeStream:
    """A remote shell: echoes each line of input as output, ends on b"exit\\r"."""

    def __init__(self, banner: bytes = b"$ ", final: dict[str, Any] | None = SUCCESS) -> None:
        self.status: dict[str, Any] | None = None
        self.stdin: list[bytes] = []
        self.resizes: list[tuple[int, int]] = []
        self._final = final
        self._out: asyncio.Queue[bytes | None] = asyncio.Queue()
        if banner:
            self._out.put_nowait(banner)

    async def write(self, data: bytes) -> None:
        self.stdin.append(data)
        if data == b"exit\r":
            self.finish()
        else:
            self._out.put_nowait(b"echo:" + data)

    def finish(self) -> None:
        self.status = self._final
        self._out.put_nowait(None)

    async def resize(self, width: int, height: int) -> None:
        self.resizes.append((width, height))

    async def read(self) -> tuple[int, bytes] | None:
        data = await self._out.get()
        return None if data is None else (1, data)


class FakeTerminal:
    def __init__(self, keys: list[bytes], size: tuple[int, int] = (80, 24)) -> None:
        self.keys: asyncio.Queue[bytes] = asyncio.Queue()
        for key in keys:
            self.keys.put_nowait(key)
        self.output = bytearray()
        self.cols_rows = size
        self._resized = asyncio.Event()

    async def read(self) -> bytes:
        return await self.keys.get()

    def write(self, data: bytes) -> None:
        self.output.extend(data)

    def size(self) -> tuple[int, int]:
        return self.cols_rows

    def resize(self, cols: int, rows: int) -> None:
        self.cols_rows = (cols, rows)
        self._resized.set()

    async def resized(self) -> None:
        await self._resized.wait()
        self._resized.clear()

    # RawTerminal is a context manager too.
    def __enter__(self) -> FakeTerminal:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def opener(streams: dict[str, FakeStream], opened: list[str]):
    """An `open_exec` that hands out the scripted stream for each shell."""

    @contextlib.asynccontextmanager
    async def open_exec(shell: str) -> AsyncIterator[FakeStream]:
        opened.append(shell)
        yield streams[shell]

    return open_exec
