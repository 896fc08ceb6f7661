"""The `/` filter of resource views, parsed once per keystroke and matched against many rows.

    web            case-insensitive substring of the row's visible cells, name and namespace
    ^web-[0-9]+    a regex (when the text has regex metacharacters and compiles); `^` and `$`
                   anchor at the start and end of any cell
    !web           a leading `!` inverts any filter
    -l app=web     the row's labels, with the full Kubernetes label selector grammar:
                   `=`, `==`, `!=`, `in (a,b)`, `notin (a,b)`, `key`, `!key`, `>`/`<` n,
                   a comma is AND

A malformed selector matches nothing and says why in `Filter.error`; a malformed regex is
searched for as plain text. Nothing here raises on user input.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["all", "substring", "regex", "labels", "none"]
Labels = Mapping[str, str]

_REGEX_CHARS = frozenset(".^$*+?{}[]\\|()")
_NO_LABELS: Labels = {}


@dataclass(frozen=True)
class Filter:
    text: str = ""
    kind: Kind = "all"
    inverted: bool = False
    needle: str = ""  # lowercased, for substring
    pattern: re.Pattern[str] | None = None
    selector: Selector | None = None
    error: str | None = None

    @property
    def active(self) -> bool:
        """False when every row passes (no filter, or only a `!` typed so far)."""
        return self.kind != "all"

    @classmethod
    def parse(cls, text: str) -> Filter:
        raw = text
        text = text.strip()
        inverted = text.startswith("!")
        if inverted:
            text = text[1:].lstrip()
        if not text:
            # "!" alone does not blank the table while the user is still typing.
            return cls(raw)
        if text == "-l" or (text.startswith("-l") and text[2].isspace()):
            try:
                selector = parse_selector(text[2:])
            except SelectorError as error:
                return cls(raw, "none", inverted, error=str(error))
            return cls(raw, "labels", inverted, selector=selector)
        if not _REGEX_CHARS.isdisjoint(text):
            try:
                pattern = re.compile(text, re.IGNORECASE | re.MULTILINE)
            except re.error:
                pass
            else:
                return cls(raw, "regex", inverted, pattern=pattern)
        return cls(raw, "substring", inverted, needle=text.lower())

    def matches(self, search: str, labels: Labels | None = None) -> bool:
        """Whether a row passes; `search` is its lowercased search text."""
        kind = self.kind
        if kind == "all":
            return True
        if kind == "none":
            return False
        if kind == "substring":
            hit = self.needle in search
        elif kind == "regex":
            assert self.pattern is not None
            hit = self.pattern.search(search) is not None
        else:
            assert self.selector is not None
            hit = self.selector.matches(labels or _NO_LABELS)
        return hit != self.inverted

    def narrows(self, previous: Filter) -> bool:
        """True when every row this filter passes also passed `previous`, so only the rows
        `previous` let through need testing (typing more characters of a substring)."""
        if not previous.active:
            return True
        return (
            self.kind == previous.kind == "substring"
            and not self.inverted
            and not previous.inverted
            and previous.needle in self.needle
        )

    def select(
        self,
        entries: Sequence[tuple[Any, int]],
        search: Sequence[str],
        labels_of: Callable[[int], Labels | None],
    ) -> list[tuple[Any, int]]:
        """The entries (sort value, slot) whose rows pass, in the same order. Substring and
        regex run as comprehensions: 50,000 rows in a few milliseconds."""
        kind, inverted = self.kind, self.inverted
        if kind == "all":
            return list(entries)
        if kind == "none":
            return []
        if kind == "substring":
            needle = self.needle
            if inverted:
                return [e for e in entries if needle not in search[e[1]]]
            return [e for e in entries if needle in search[e[1]]]
        if kind == "regex":
            assert self.pattern is not None
            find = self.pattern.search
            if inverted:
                return [e for e in entries if find(search[e[1]]) is None]
            return [e for e in entries if find(search[e[1]]) is not None]
        assert self.selector is not None
        match = self.selector.matches
        return [e for e in entries if match(labels_of(e[1]) or _NO_LABELS) != inverted]


# --- Kubernetes label selectors (apimachinery labels.Parse) --------------------------------


class SelectorError(ValueError):
    """A malformed label selector; the message is meant for the user."""


Op = Literal["exists", "!exists", "in", "notin", "gt", "lt"]

_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_INTEGER = re.compile(r"-?[0-9]+")
_SYMBOLS = ("==", "!=", "=", "!", "(", ")", ",", "<", ">")
_STOP = frozenset(" \t\n\r,()=!<>")


@dataclass(frozen=True)
class Requirement:
    key: str
    op: Op
    values: frozenset[str] = frozenset()

    def matches(self, labels: Labels) -> bool:
        value = labels.get(self.key)
        op = self.op
        if op == "exists":
            return value is not None
        if op == "!exists":
            return value is None
        if op == "in":
            return value is not None and value in self.values
        if op == "notin":
            return value is None or value not in self.values
        if value is None or not _INTEGER.fullmatch(value):
            return False
        (bound,) = self.values
        return int(value) > int(bound) if op == "gt" else int(value) < int(bound)


@dataclass(frozen=True)
class Selector:
    requirements: tuple[Requirement, ...] = ()

    def matches(self, labels: Labels) -> bool:
        """All requirements hold (an empty selector matches everything)."""
        return all(r.matches(labels) for r in self.requirements)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        for symbol in _SYMBOLS:
            if text.startswith(symbol, i):
                out.append(symbol)
                i += len(symbol)
                break
        else:
            j = i
            while j < n and text[j] not in _STOP:
                j += 1
            out.append(text[i:j])
            i = j
    return out


def _check_key(key: str) -> str:
    prefix, slash, name = key.rpartition("/")
    if slash and (
        not prefix
        or len(prefix) > 253
        or not all(_DNS_LABEL.fullmatch(part) for part in prefix.split("."))
    ):
        raise SelectorError(f"invalid label key {key!r}: bad prefix {prefix!r}")
    if not name or len(name) > 63 or not _NAME.fullmatch(name):
        raise SelectorError(
            f"invalid label key {key!r}: a name of up to 63 letters, digits, '-', '_' "
            "or '.', starting and ending with a letter or digit"
        )
    return key


def _check_value(value: str) -> str:
    if value and (len(value) > 63 or not _NAME.fullmatch(value)):
        raise SelectorError(
            f"invalid label value {value!r}: up to 63 letters, digits, '-', '_' or '.', "
            "starting and ending with a letter or digit"
        )
    return value


def _is_word(token: str | None) -> bool:
    return token is not None and token not in _SYMBOLS


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str | None:
        token = self.peek()
        self.pos += 1
        return token

    def expect_word(self, what: str) -> str:
        token = self.take()
        if not _is_word(token):
            raise SelectorError(f"expected {what}, found {_shown(token)}")
        assert token is not None
        return token

    def selector(self) -> Selector:
        requirements: list[Requirement] = []
        if self.peek() is None:
            return Selector()
        while True:
            requirements.append(self.requirement())
            token = self.take()
            if token is None:
                return Selector(tuple(requirements))
            if token != ",":
                raise SelectorError(f"expected ',' between requirements, found {token!r}")

    def requirement(self) -> Requirement:
        if self.peek() == "!":
            self.take()
            return Requirement(_check_key(self.expect_word("a label key after '!'")), "!exists")
        key = _check_key(self.expect_word("a label key"))
        op = self.peek()
        if op is None or op == ",":
            return Requirement(key, "exists")
        self.take()
        if op in ("=", "==", "!="):
            value = self.take() if _is_word(self.peek()) else ""
            return Requirement(
                key, "in" if op != "!=" else "notin", frozenset({_check_value(value)})
            )
        if op in ("in", "notin"):
            return Requirement(key, op, self.value_set(op))
        if op in ("<", ">"):
            bound = self.expect_word(f"an integer after '{op}'")
            if not _INTEGER.fullmatch(bound):
                raise SelectorError(f"expected an integer after '{op}', found {bound!r}")
            return Requirement(key, "gt" if op == ">" else "lt", frozenset({bound}))
        raise SelectorError(
            f"expected one of '=', '==', '!=', 'in', 'notin', '<', '>' after {key!r}, "
            f"found {_shown(op)}"
        )

    def value_set(self, op: str) -> frozenset[str]:
        if self.take() != "(":
            raise SelectorError(f"expected '(' after '{op}'")
        values: set[str] = set()
        while True:
            token = self.take()
            if token == ")":
                break
            if token == ",":
                values.add("")  # "in (a,,b)" holds an empty value, as Kubernetes reads it
                continue
            if not _is_word(token):
                raise SelectorError(
                    f"expected a value or ')' in '{op} (...)', found {_shown(token)}"
                )
            assert token is not None
            values.add(_check_value(token))
            after = self.take()
            if after == ")":
                break
            if after != ",":
                raise SelectorError(f"expected ',' or ')' in '{op} (...)', found {_shown(after)}")
        if not values:
            raise SelectorError(f"'{op}' needs at least one value")
        return frozenset(values)


def _shown(token: str | None) -> str:
    return "the end" if token is None else repr(token)


def parse_selector(text: str) -> Selector:
    """labels.Parse: raises SelectorError with a message for the user."""
    return _Parser(text).selector()
