"""Custom resources printed with their CRD's additionalPrinterColumns."""

from __future__ import annotations

from engine.api.printers import cells, columns, table
from engine.api.printers.crd import go_float
from engine.api.printers.jsonpath import evaluate, parse

from .fixtures import NOW, ago

PRINTER_COLUMNS = [
    {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
    {
        "name": "Ready",
        "type": "string",
        "jsonPath": '.status.conditions[?(@.type=="Ready")].status',
        "description": "Whether the widget is ready",
    },
    {"name": "Ratio", "type": "number", "jsonPath": ".status.ratio", "priority": 1},
    {"name": "Paused", "type": "boolean", "jsonPath": ".spec.paused"},
    {"name": "Ports", "type": "string", "jsonPath": ".spec.ports"},
    {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
    {"name": "Owner", "type": "string", "format": "name", "jsonPath": ".spec.owner"},
]

WIDGET = {
    "apiVersion": "example.com/v1",
    "kind": "Widget",
    "metadata": {"name": "w1", "namespace": "default", "creationTimestamp": ago(7 * 60)},
    "spec": {"replicas": 3, "paused": False, "ports": [{"port": 80, "name": "<http>"}]},
    "status": {
        "ratio": 0.5,
        "conditions": [{"type": "Synced", "status": "True"}, {"type": "Ready", "status": "False"}],
    },
}


def test_columns_follow_the_crd() -> None:
    cols = columns("example.com", "v1", "Widget", crd_columns=PRINTER_COLUMNS)
    assert [(c["name"], c["type"], c["priority"]) for c in cols] == [
        ("Name", "string", 0),
        ("Replicas", "integer", 0),
        ("Ready", "string", 0),
        ("Ratio", "number", 1),
        ("Paused", "boolean", 0),
        ("Ports", "string", 0),
        ("Age", "date", 0),
        ("Owner", "string", 0),
    ]
    assert cols[1]["description"] == (
        "Custom resource definition column (in JSONPath format): .spec.replicas"
    )
    assert cols[2]["description"] == "Whether the widget is ready"
    assert cols[7]["format"] == "name"


def test_cells_evaluate_the_json_paths() -> None:
    assert cells("example.com", "v1", "Widget", WIDGET, NOW, crd_columns=PRINTER_COLUMNS) == [
        "w1",
        3,
        "False",
        0.5,
        False,
        '[{"name":"\\u003chttp\\u003e","port":80}]',
        "7m",
        None,
    ]


def test_a_crd_without_printer_columns_shows_name_and_age() -> None:
    assert [c["name"] for c in columns("example.com", "v1", "Widget", crd_columns=[])] == [
        "Name",
        "Age",
    ]
    assert cells("example.com", "v1", "Widget", WIDGET, NOW, crd_columns=[]) == ["w1", "7m"]


def test_cell_types_convert_like_upstream() -> None:
    cols = [
        {"name": "A", "type": "integer", "jsonPath": ".a"},
        {"name": "B", "type": "string", "jsonPath": ".b"},
        {"name": "C", "type": "date", "jsonPath": ".c"},
        {"name": "D", "type": "string", "jsonPath": ".d"},
        {"name": "E", "type": "integer", "jsonPath": ".e"},
    ]
    obj = {
        "metadata": {"name": "x"},
        "a": 2.9,
        "b": 1000000.0,
        "c": "not a date",
        "d": None,
        "e": "7",
    }
    assert cells("g", "v1", "K", obj, NOW, crd_columns=cols) == [
        "x",
        2,
        "1e+06",
        "<invalid>",
        "<no value>",
        None,
    ]


def test_table_of_custom_resources() -> None:
    t = table("example.com", "v1", "Widget", [WIDGET], NOW, crd_columns=PRINTER_COLUMNS)
    assert t["rows"][0]["cells"][:3] == ["w1", 3, "False"]
    assert t["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_jsonpath_subset() -> None:
    data = {"a": {"b.c": 1, "list": [{"k": "x", "v": 1}, {"k": "y", "v": 2}, {"k": "z"}]}}
    assert evaluate(parse(".a.b\\.c"), data) == [1]
    assert evaluate(parse(".a['b.c']"), data) == [1]
    assert evaluate(parse(".a.list[*].k"), data) == ["x", "y", "z"]
    assert evaluate(parse(".a.list[-1].k"), data) == ["z"]
    assert evaluate(parse(".a.list[0:2].k"), data) == ["x", "y"]
    assert evaluate(parse(".a.list[0,2].k"), data) == ["x", "z"]
    assert evaluate(parse(".a.list[?(@.v>1)].k"), data) == ["y"]
    assert evaluate(parse(".a.list[?(@.v)].k"), data) == ["x", "y"]
    assert evaluate(parse("..k"), data) == ["x", "y", "z"]
    assert evaluate(parse("{.a.missing}"), data) == []


def test_go_float_formatting() -> None:
    assert [go_float(v) for v in (0.5, 3.0, 123456.0, 1234567.0, 0.00001, -2.25)] == [
        "0.5",
        "3",
        "123456",
        "1.234567e+06",
        "1e-05",
        "-2.25",
    ]
