import pytest

from ktui.model.commands import CommandError, parse_command


@pytest.mark.parametrize(
    ("text", "name", "namespaces", "all_ns", "selector"),
    [
        (":pods", "pods", [], False, ""),
        (":po kube-system", "po", ["kube-system"], False, ""),
        (":po web,data", "po", ["web", "data"], False, ""),
        (":deploy -A", "deploy", [], True, ""),
        (":deploy all", "deploy", [], True, ""),
        (":deploy app=web", "deploy", [], False, "app=web"),
        (":deploy shop -l app=web,tier!=db", "deploy", ["shop"], False, "app=web,tier!=db"),
        ("po -n shop", "po", ["shop"], False, ""),
        (":PODS", "pods", [], False, ""),
    ],
)
def test_kind_commands(text, name, namespaces, all_ns, selector):
    command = parse_command(text)
    assert (command.name, command.namespaces, command.all_namespaces, command.selector) == (
        name,
        namespaces,
        all_ns,
        selector,
    )
    assert not command.special


def test_special_commands():
    assert parse_command(":q").name == "quit"
    assert parse_command(":xray deploy").args == ["deploy"]
    events = parse_command(":events shop")
    assert (events.name, events.special, events.namespaces) == ("events", True, ["shop"])


@pytest.mark.parametrize("text", [":", ":po Bad_NS", ":po -l", ":po --bogus"])
def test_bad_commands_say_why(text):
    with pytest.raises(CommandError) as info:
        parse_command(text)
    assert str(info.value)
