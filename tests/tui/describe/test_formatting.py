"""The pieces kubectl's layout rests on, checked against what Go prints."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from ktui.describe.events import describe_events, event_age
from ktui.describe.format import go_float, human_duration, selector_string
from ktui.describe.generic import smart_label
from ktui.describe.quantity import Quantity
from ktui.describe.search import find_matches, next_index
from ktui.describe.writer import LEVEL_0, LEVEL_1, PrefixWriter, TabWriter, tabbed


def test_columns_align_within_a_block_and_a_line_without_tabs_ends_it() -> None:
    def build(w: PrefixWriter) -> None:
        w.write(LEVEL_0, "Name:\tweb\n")
        w.write(LEVEL_0, "Namespace:\tdefault\n")
        w.write(LEVEL_0, "Containers:\n")  # one cell: Go's tabwriter flushes here
        w.write(LEVEL_1, "a:\t1\n")
        w.write(LEVEL_1, "longer:\t2\n")

    assert tabbed(build) == (
        "Name:       web\nNamespace:  default\nContainers:\n  a:       1\n  longer:  2\n"
    )


def test_an_empty_last_cell_is_still_padded_like_kubectl() -> None:
    out = TabWriter()
    out.write("IP:\t\nIPs:\tnone\n")
    assert out.getvalue() == "IP:   \nIPs:  none\n"


def test_terminal_escapes_are_neutralised() -> None:
    assert tabbed(lambda w: w.write(LEVEL_0, "x:\t\x1b[31mred\r\n")) == "x:  ^[[31mred\\r\n"


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("2000m", "2"),
        ("1500m", "1500m"),
        ("0.5", "500m"),
        ("1000", "1k"),
        ("1024Mi", "1Gi"),
        ("102400Mi", "100Gi"),
        ("1.5Gi", "1536Mi"),
        ("16318312Ki", "16318312Ki"),
        ("12e2", "1200"),
        (4, "4"),
    ],
)
def test_quantities_print_in_canonical_form(text: object, printed: str) -> None:
    assert str(Quantity.parse(text)) == printed


def test_quantities_add_in_the_format_of_the_first() -> None:
    assert str(Quantity.parse("100m") + Quantity.parse("1")) == "1100m"
    assert str(Quantity.parse("128Mi") + Quantity.parse("64Mi")) == "192Mi"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(-5, "<invalid>"), (-1, "0s"), (5, "5s"), (119, "119s"), (150, "2m30s"), (600, "10m"),
     (3 * 3600 + 300, "3h5m"), (30 * 3600, "30h"), (50 * 3600, "2d2h"), (400 * 86400, "400d"),
     (3 * 365 * 86400 + 86400 * 10, "3y10d")],
)  # fmt: skip
def test_ages_read_like_kubectl(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def test_event_ages_show_repeats() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)

    def stamp(minutes: int) -> str:
        return (now - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

    once = {"firstTimestamp": stamp(5), "lastTimestamp": stamp(5), "count": 1}
    repeated = {"firstTimestamp": stamp(10), "lastTimestamp": stamp(2), "count": 3}
    series = {"eventTime": stamp(30), "series": {"count": 4, "lastObservedTime": stamp(1)}}
    assert event_age(once, now) == "5m"
    assert event_age(repeated, now) == "2m (x3 over 10m)"
    assert event_age(series, now) == "60s (x4 over 30m)"
    assert event_age({}, now) == "<unknown>"


def test_no_events_reads_none() -> None:
    assert tabbed(lambda w: describe_events([], w)) == "Events:  <none>\n"


@pytest.mark.parametrize(
    ("field", "label"),
    [("apiVersion", "API Version"), ("uid", "UID"), ("hostURL", "Host URL"),
     ("PDFLoader", "PDF Loader"), ("with-dash", "With - Dash"), ("v2Field", "v2Field"),
     ("some_underscore", "some_underscore"), ("creationTimestamp", "Creation Timestamp")],
)  # fmt: skip
def test_generic_labels_follow_kubectl(field: str, label: str) -> None:
    assert smart_label(field) == label


def test_go_float_formatting() -> None:
    assert [go_float(v) for v in (1.0, 1.5, 1e6, 123456.0, 0.0001, 1e-05)] == [
        "1", "1.5", "1e+06", "123456", "0.0001", "1e-05"
    ]  # fmt: skip


def test_selectors_sort_requirements_by_key() -> None:
    selector = {
        "matchLabels": {"b": "1", "a": "2"},
        "matchExpressions": [
            {"key": "c", "operator": "In", "values": ["y", "x"]},
            {"key": "d", "operator": "DoesNotExist"},
        ],
    }
    assert selector_string(selector) == "a=2,b=1,c in (x,y),!d"


def test_search_is_smart_case_and_wraps() -> None:
    text = "Name: web\nLabels: app=web\nWEB"
    assert [(m.line, m.start) for m in find_matches(text, "web")] == [(0, 6), (1, 12), (2, 0)]
    assert [(m.line, m.start) for m in find_matches(text, "WEB")] == [(2, 0)]
    matches = find_matches(text, "web")
    assert next_index(matches, 2, 1) == 0
    assert next_index(matches, 0, -1) == 2
    assert next_index([], None, 1) is None
