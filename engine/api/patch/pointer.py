"""JSON Pointer (RFC 6901) tokens: `~1` stands for `/` and `~0` for `~` inside a token."""

from __future__ import annotations


def escape_token(token: str) -> str:
    """One reference token, escaped for use in a pointer (`a/b` → `a~1b`)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """The inverse of `escape_token`. `~1` is undone first so that `~01` means `~1`."""
    return token.replace("~1", "/").replace("~0", "~")


def to_pointer(tokens: list[str] | tuple[str, ...]) -> str:
    """`["spec", "a/b"]` → `/spec/a~1b`; no tokens is the whole document, `""`."""
    return "".join("/" + escape_token(t) for t in tokens)


def parse_pointer(pointer: str) -> list[str] | None:
    """The unescaped tokens of a pointer, or None when it is not one (no leading `/`)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        return None
    return [unescape_token(t) for t in pointer[1:].split("/")]
