"""Label selectors: what kube-apiserver accepts, how it matches, and its error messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.api.selectors import (
    SelectorError,
    format_labels,
    parse_label_selector,
    selector_from_set,
)

NAME_RULE = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with "
    "an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_RULE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
    "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)

WEB = {"app": "web", "tier": "frontend", "env": "prod"}


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("app=web", WEB, True),
        ("app==web", WEB, True),
        ("app=db", WEB, False),
        ("app!=db", WEB, True),
        ("app!=web", WEB, False),
        ("missing!=x", WEB, True),  # != matches objects without the key
        ("app in (web,db)", WEB, True),
        ("app in (db,cache)", WEB, False),
        ("app notin (db,cache)", WEB, True),
        ("missing notin (a)", WEB, True),
        ("app notin (web)", WEB, False),
        ("app", WEB, True),
        ("missing", WEB, False),
        ("!missing", WEB, True),
        ("!app", WEB, False),
        ("app=web,tier=frontend", WEB, True),
        ("app=web,tier=backend", WEB, False),
        ("  app = web ,  tier  in ( frontend , x ) ", WEB, True),
        ("", WEB, True),
        ("", {}, True),
        ("app=", {"app": ""}, True),  # an empty value is a value
        ("app=", {}, False),
        ("app!=", {"app": ""}, False),
        ("app!=", {"app": "x"}, True),
        ("app in ()", {"app": ""}, True),
        ("version>3", {"version": "10"}, True),
        ("version>3", {"version": "2"}, False),
        ("version<3", {"version": "x"}, False),
        ("app.kubernetes.io/name=web", {"app.kubernetes.io/name": "web"}, True),
        ("kubernetes.io/cluster-service=true", {"kubernetes.io/cluster-service": "true"}, True),
        ("x in (in),y", {"x": "in", "y": "1"}, True),  # 'in' is a plain value in a list
    ],
)
def test_matching(text: str, labels: dict[str, str], expected: bool) -> None:
    assert parse_label_selector(text).matches(labels) is expected


def test_none_labels_are_no_labels() -> None:
    assert parse_label_selector("!app").matches(None)
    assert not parse_label_selector("app").matches(None)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("b=1,a=2", "a=2,b=1"),  # sorted by key
        ("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
        ("a in (c,b,b)", "a in (b,c)"),
        ("!a", "!a"),
        ("a==b", "a==b"),
        ("a>5", "a>5"),
        ("a in (x)", "a in (x)"),
    ],
)
def test_string_form_is_upstreams(text: str, canonical: str) -> None:
    assert str(parse_label_selector(text)) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "-app=web",
            f'unable to parse requirement: <nil>: Invalid value: "-app": name part {NAME_RULE}',
        ),
        (
            "app=-web",
            f'unable to parse requirement: values[0][app]: Invalid value: "-web": {VALUE_RULE}',
        ),
        (
            "app in (ok,bad-)",
            f'unable to parse requirement: values[0][app]: Invalid value: "bad-": {VALUE_RULE}',
        ),
        (
            "app web",
            "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt",
        ),
        ("app in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("app in a", "unable to parse requirement: found 'a' expected: '('"),
        ("app in (", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
        ("app=(", "unable to parse requirement: found '(', expected: identifier"),
        ("!!a", "unable to parse requirement: found '!', expected: identifier"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        ("a=b)", "found ')', expected: ',' or 'end of string'"),
        ("a,", "found '', expected: identifier after ','"),
        (",a", "found ',', expected: !, identifier, or 'end of string'"),
        (
            "a>b",
            'unable to parse requirement: values[0]: Invalid value: "b": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
        ),
        (
            "a/b/c",
            'unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name '
            + NAME_RULE
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        ),
        (
            "/a",
            'unable to parse requirement: <nil>: Invalid value: "/a": '
            "prefix part must be non-empty",
        ),
        (
            "a" * 64,
            f'unable to parse requirement: <nil>: Invalid value: "{"a" * 64}": '
            "name part must be no more than 63 characters",
        ),
    ],
)
def test_errors_carry_upstream_messages(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as caught:
        parse_label_selector(text)
    assert caught.value.message == message


def test_an_uppercase_prefix_is_rejected_with_the_dns_rule() -> None:
    with pytest.raises(SelectorError, match=r"prefix part a lowercase RFC 1123 subdomain"):
        parse_label_selector("Example.com/app=web")


def test_requires_exact_match_exposes_pinned_values() -> None:
    sel = parse_label_selector("app=web,tier in (a),env in (a,b)")
    assert sel.requires_exact_match("app") == "web"
    assert sel.requires_exact_match("tier") == "a"
    assert sel.requires_exact_match("env") is None
    assert sel.requires_exact_match("nope") is None


def test_selector_from_set_and_format_labels() -> None:
    sel = selector_from_set({"app": "web", "tier": "fe"})
    assert str(sel) == "app=web,tier=fe"
    assert sel.matches({"app": "web", "tier": "fe", "x": "y"})
    assert not sel.matches({"app": "web"})
    assert selector_from_set({}).matches({"anything": "goes"})
    assert format_labels({"b": "2", "a": "1"}) == "a=1,b=2"
    assert format_labels({}) == "<none>"
    assert format_labels(None) == "<none>"


label_text = st.from_regex(r"[a-z0-9]([a-z0-9._-]{0,8}[a-z0-9])?", fullmatch=True)


@given(
    st.dictionaries(label_text, label_text, max_size=4),
    st.dictionaries(label_text, label_text, max_size=4),
)
def test_a_selector_round_trips_through_its_string(
    wanted: dict[str, str], labels: dict[str, str]
) -> None:
    sel = selector_from_set(wanted)
    reparsed = parse_label_selector(str(sel))
    assert str(reparsed) == str(sel)
    assert reparsed.matches(labels) == all(labels.get(k) == v for k, v in wanted.items())
