"""AGE and duration strings, as apimachinery's duration package prints them."""

from __future__ import annotations

import pytest

from engine.api.humanize import (
    human_duration,
    parse_time,
    rfc3339,
    short_human_duration,
    since,
)

from .fixtures import NOW, ago

MIN, HOUR, DAY, YEAR = 60, 3600, 86400, 365 * 86400


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "<invalid>"),
        (-2, "<invalid>"),
        (-1.5, "0s"),
        (0, "0s"),
        (0.9, "0s"),
        (45, "45s"),
        (119, "119s"),
        (120, "2m"),
        (5 * MIN + 10, "5m10s"),
        (9 * MIN + 59, "9m59s"),
        (10 * MIN + 30, "10m"),
        (179 * MIN, "179m"),
        (3 * HOUR, "3h"),
        (3 * HOUR + 25 * MIN, "3h25m"),
        (7 * HOUR + 59 * MIN, "7h59m"),
        (8 * HOUR + 30 * MIN, "8h"),
        (47 * HOUR, "47h"),
        (2 * DAY, "2d"),
        (2 * DAY + 4 * HOUR, "2d4h"),
        (7 * DAY + 23 * HOUR, "7d23h"),
        (8 * DAY + 5 * HOUR, "8d"),
        (400 * DAY, "400d"),
        (2 * YEAR, "2y"),
        (2 * YEAR + 30 * DAY, "2y30d"),
        (8 * YEAR + 30 * DAY, "8y"),
    ],
)
def test_human_duration(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-3, "<invalid>"),
        (-1, "0s"),
        (59, "59s"),
        (61, "1m"),
        (90 * MIN, "1h"),
        (30 * HOUR, "1d"),
        (400 * DAY, "1y"),
    ],
)
def test_short_human_duration(seconds: float, text: str) -> None:
    assert short_human_duration(seconds) == text


def test_since_and_timestamps() -> None:
    assert since(ago(310), NOW) == "5m10s"
    assert since(None, NOW) == "<unknown>"
    assert since("", NOW) == "<unknown>"
    assert parse_time("2023-11-14T22:13:20Z") == NOW
    assert parse_time("2023-11-14T22:13:20.500000Z") == NOW + 0.5
    assert rfc3339("2023-11-14T22:13:20.123456Z") == "2023-11-14T22:13:20Z"
    assert rfc3339(None) == "0001-01-01T00:00:00Z"
