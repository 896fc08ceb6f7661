import pytest

from ktui.model.row_filter import Filter, SelectorError, parse_selector

LABELS = {"app": "web", "tier": "frontend", "replicas": "3", "example.com/team": "blue"}


def passes(text: str, search: str = "web-7d9f\nrunning\nweb-7d9f\ndefault", labels=LABELS) -> bool:
    return Filter.parse(text).matches(search, labels)


def test_plain_text_is_a_case_insensitive_substring() -> None:
    f = Filter.parse("WEB-7")
    assert (f.kind, f.needle) == ("substring", "web-7")
    assert passes("WEB-7") and passes("runn") and not passes("api")


def test_text_with_regex_characters_is_a_regex_and_a_broken_regex_is_text() -> None:
    assert Filter.parse("web-[0-9]d").kind == "regex"
    assert passes("^web-[0-9]d9")
    assert passes("^running$") and passes("run+ing$")  # ^ and $ anchor at any cell
    assert not passes("^unning")
    broken = Filter.parse("web[")
    assert (broken.kind, broken.needle, broken.error) == ("substring", "web[", None)
    assert passes("web[", search="my web[1] pod")
    assert not passes("web[")


def test_bang_inverts_any_filter() -> None:
    assert not passes("!web") and passes("!api")
    assert passes("!^api") and not passes("!-l app=web") and passes("!-l app=api")
    assert not Filter.parse("!").active  # a lone "!" while typing hides nothing


@pytest.mark.parametrize(
    ("selector", "hit"),
    [
        ("", True),
        ("app=web", True),
        ("app==web", True),
        ("app = web", True),
        ("app=api", False),
        ("app!=api", True),
        ("app!=web", False),
        ("missing!=x", True),
        ("app in (api, web)", True),
        ("app in (api,db)", False),
        ("app notin (api,db)", True),
        ("app notin (web)", False),
        ("missing notin (x)", True),
        ("missing in (x)", False),
        ("tier", True),
        ("missing", False),
        ("!missing", True),
        ("!tier", False),
        ("app=web,tier=frontend", True),
        ("app=web,tier=backend", False),
        ("example.com/team=blue", True),
        ("replicas>2", True),
        ("replicas<3", False),
        ("app>2", False),
        ("app=", False),
    ],
)
def test_label_selectors_use_the_kubernetes_grammar(selector: str, hit: bool) -> None:
    f = Filter.parse(f"-l {selector}")
    assert f.kind == "labels" and f.error is None
    assert f.matches("", LABELS) is hit
    assert f.matches("", {}) is Filter.parse(f"-l {selector}").selector.matches({})


@pytest.mark.parametrize(
    "selector",
    [
        "app in (web",
        "app in ()",
        "app notin web",
        "=web",
        "app=web tier=x",
        "app=we b",
        "app==-bad-",
        "app,",
        "-bad=x",
        "app > x",
        "!",
        "x/y/z=1",
    ],
)
def test_a_malformed_selector_matches_nothing_and_says_why(selector: str) -> None:
    f = Filter.parse(f"-l {selector}")
    assert f.kind == "none" and f.error
    assert not f.matches("anything", LABELS)
    assert not Filter.parse(f"!-l {selector}").matches("anything", LABELS)
    with pytest.raises(SelectorError):
        parse_selector(selector)


def test_only_a_growing_substring_narrows() -> None:
    we, web = Filter.parse("we"), Filter.parse("web")
    assert web.narrows(we) and web.narrows(Filter.parse(""))
    assert not we.narrows(web)
    assert not Filter.parse("!web").narrows(Filter.parse("!we"))
    assert not Filter.parse("web.").narrows(we)
    assert not Filter.parse("-l app=web").narrows(Filter.parse("-l app=we"))


def test_select_keeps_order_and_uses_labels() -> None:
    search = ["web-1\nrunning", "api-1\npending", "web-2\npending"]
    labels = [{"app": "web"}, {"app": "api"}, {"app": "web"}]
    entries = [(("a",), 2), (("b",), 0), (("c",), 1)]
    assert Filter.parse("web").select(entries, search, labels.__getitem__) == [
        (("a",), 2),
        (("b",), 0),
    ]
    assert Filter.parse("pend").select(entries, search, labels.__getitem__) == [
        (("a",), 2),
        (("c",), 1),
    ]
    assert Filter.parse("!-l app=web").select(entries, search, labels.__getitem__) == [(("c",), 1)]
