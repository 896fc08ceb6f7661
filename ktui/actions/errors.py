"""Failures of an action that the server did not report: the action refused before writing
(nothing to roll back to, a container that does not exist) or gave up (a drain that ran
out of time). Subclasses of the client's ClientError, so callers catch both the same way."""

from __future__ import annotations

from ktui.client import ClientError


class ActionError(ClientError):
    """The action cannot be done; the message says why and what to do."""


class DrainError(ActionError):
    """The node was cordoned but not emptied; `pods` are the ones left behind
    (`namespace/name`). `refused`: nothing was evicted because some pods need `force` /
    `delete_emptydir_data` (else evictions were tried and did not finish in time)."""

    def __init__(self, message: str, pods: list[str] | None = None, refused: bool = False) -> None:
        super().__init__(message)
        self.pods = pods or []
        self.refused = refused
