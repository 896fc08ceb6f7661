"""The lines watch streams send, shared between streams: one serialization per event and
kind, whatever the number of streams."""

from __future__ import annotations

import orjson

from engine.api.rest.watch import SharedLines
from engine.api.storage.codec import encode
from engine.registry.builtin import builtin_registry

REGISTRY = builtin_registry()
CORE_EVENTS = REGISTRY.lookup("", "v1", "events")
EVENTS = REGISTRY.lookup("events.k8s.io", "v1", "events")
STORED = encode(
    {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "e", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "p", "namespace": "default"},
        "reason": "Started",
        "type": "Normal",
    }
)


def test_a_line_is_made_once_per_value_revision_type_and_kind():
    lines = SharedLines()
    first = lines.line(CORE_EVENTS, "ADDED", STORED, 7)
    assert lines.line(CORE_EVENTS, "ADDED", STORED, 7) is first
    assert orjson.loads(first) == {
        "type": "ADDED",
        "object": {
            **orjson.loads(STORED),
            "metadata": {**orjson.loads(STORED)["metadata"], "resourceVersion": "7"},
        },
    }
    assert first.endswith(b"\n")
    modified = lines.line(CORE_EVENTS, "MODIFIED", STORED, 7)
    assert modified.startswith(b'{"type":"MODIFIED"')
    later = lines.line(CORE_EVENTS, "ADDED", STORED, 8)
    assert b'"resourceVersion":"8"' in later


def test_the_same_stored_value_reads_differently_through_another_kind():
    lines = SharedLines()
    core = orjson.loads(lines.line(CORE_EVENTS, "ADDED", STORED, 7))["object"]
    converted = orjson.loads(lines.line(EVENTS, "ADDED", STORED, 7))["object"]
    assert core["apiVersion"] == "v1"
    assert converted["apiVersion"] == "events.k8s.io/v1"


def test_it_holds_a_bounded_number_of_lines():
    lines = SharedLines(size=4)
    values = [STORED + b" " * i for i in range(10)]  # distinct objects, same JSON
    for i, value in enumerate(values):
        lines.line(CORE_EVENTS, "ADDED", value, i)
    assert len(lines._lines) == 4
    assert lines.line(CORE_EVENTS, "ADDED", values[9], 9) is lines.line(
        CORE_EVENTS, "ADDED", values[9], 9
    )
