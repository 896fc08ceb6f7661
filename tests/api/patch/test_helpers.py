"""Helpers: Go-style value rendering (for kube-identical messages), JSON Pointer tokens,
copying and comparing JSON values."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from engine.api.patch.gostyle import go_float, go_string_verb, go_type, go_value
from engine.api.patch.jsonvalue import deep_copy, json_equal
from engine.api.patch.pointer import escape_token, parse_pointer, to_pointer, unescape_token


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "<nil>"),
        (True, "true"),
        (42, "42"),
        ("s", "s"),
        ({"b": 1, "a": [1, "x"]}, "map[a:[1 x] b:1]"),
        ([], "[]"),
        ({}, "map[]"),
    ],
)
def test_go_value(value: Any, text: str) -> None:
    assert go_value(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (1.5, "1.5"),
        (-2.25, "-2.25"),
        (100000.0, "100000"),
        (1000000.0, "1e+06"),
        (1234567.0, "1.234567e+06"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (1e21, "1e+21"),
        (0.1 + 0.2, "0.30000000000000004"),
        (0.0, "0"),
    ],
)
def test_go_float(value: float, text: str) -> None:
    assert go_float(value) == text


def test_go_type_and_string_verb() -> None:
    assert go_type([]) == "[]interface {}"
    assert go_type({}) == "map[string]interface {}"
    assert go_type(3) == "int64"
    assert go_type(None) == "%!s(<nil>)"
    assert go_string_verb("delete") == "delete"
    assert go_string_verb(5) == "%!s(int64=5)"


@pytest.mark.parametrize(
    ("token", "escaped"),
    [("a/b", "a~1b"), ("m~n", "m~0n"), ("~1", "~01"), ("plain", "plain"), ("", "")],
)
def test_pointer_tokens(token: str, escaped: str) -> None:
    assert escape_token(token) == escaped
    assert unescape_token(escaped) == token


def test_parse_pointer() -> None:
    assert parse_pointer("") == []
    assert parse_pointer("/") == [""]
    assert parse_pointer("/a~1b/~0c/0") == ["a/b", "~c", "0"]
    assert parse_pointer("a/b") is None
    assert to_pointer(["metadata", "annotations", "example.com/x"]) == (
        "/metadata/annotations/example.com~1x"
    )


def test_deep_copy_is_independent_and_keeps_types() -> None:
    value = {"a": [{"b": 1}], "t": datetime.datetime(2020, 1, 1), "big": 2**70, "f": 1.5}
    copied = deep_copy(value)
    assert copied == value
    assert isinstance(copied["t"], datetime.datetime)  # not turned into a string
    copied["a"][0]["b"] = 2
    assert value["a"][0]["b"] == 1


@pytest.mark.parametrize(
    ("a", "b", "equal"),
    [
        (1, 1.0, True),
        (True, 1, False),
        (0, False, False),
        ({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]}, True),
        ({"a": 1}, {"a": 1, "b": None}, False),
        ([1, 2], [2, 1], False),
        ("1", 1, False),
        (None, None, True),
    ],
)
def test_json_equal(a: Any, b: Any, equal: bool) -> None:
    assert json_equal(a, b) is equal
