import pytest

from ktui.model.ages import age, human_duration, parse_time


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (47, "47s"),
        (119, "119s"),
        (120, "2m"),
        (125, "2m5s"),
        (599, "9m59s"),
        (600, "10m"),
        (3 * 3600 - 1, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 30 * 60, "3h30m"),
        (8 * 3600 - 60, "7h59m"),
        (8 * 3600, "8h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (49 * 3600, "2d1h"),
        (8 * 86400, "8d"),
        (729 * 86400, "729d"),
        (730 * 86400, "2y"),
        (731 * 86400, "2y1d"),
        (8 * 365 * 86400, "8y"),
        (9 * 365 * 86400 + 40 * 86400, "9y"),
    ],
)
def test_human_duration_prints_what_kubectl_prints(seconds: float, shown: str) -> None:
    assert human_duration(seconds) == shown


def test_age_of_a_timestamp_and_of_nothing() -> None:
    created = parse_time("2024-05-01T12:00:00Z")
    assert created is not None
    assert age("2024-05-01T12:00:00Z", created + 312) == "5m12s"
    assert age("2024-05-01T12:00:00.123456Z", created + 45.9) == "45s"
    assert age(None, created) == "<unknown>"
    assert age("not a time", created) == "<unknown>"
