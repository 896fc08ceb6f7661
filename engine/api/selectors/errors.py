"""The one error selectors raise; the API layer answers it with a 400 BadRequest Status."""

from __future__ import annotations


class SelectorError(ValueError):
    """A label or field selector kube-apiserver would reject; `message` is its exact text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
