"""resource.Quantity: parsing, exact comparison, and String() as upstream prints it."""

from __future__ import annotations

import pytest

from engine.api.admission.quantity import QuantityError, parse_quantity


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("1", "1"),
        ("1000m", "1"),
        ("0.5", "500m"),
        ("1.5", "1500m"),
        ("1000", "1k"),
        ("1500", "1500"),
        ("1024Mi", "1Gi"),
        ("1536Mi", "1536Mi"),
        ("0.5Gi", "512Mi"),
        ("1023Ki", "1023Ki"),
        ("512", "512"),  # binary-looking but no suffix: decimal
        ("1e3", "1e3"),
        ("12e6", "12e6"),
        ("1E", "1E"),  # exa, not an exponent
        ("100u", "100u"),
        ("0.0000000001", "1n"),  # finer than nano rounds up
        ("-1.5", "-1500m"),
        ("0", "0"),
        ("0Gi", "0"),
        (1, "1"),
        (0.25, "250m"),
    ],
)
def test_parse_and_print(text, printed):
    assert str(parse_quantity(text)) == printed


@pytest.mark.parametrize("text", ["", "abc", "1Q", "1.2.3", "Mi", "1 Gi", "--1", True, None])
def test_rejects_what_is_not_a_quantity(text):
    with pytest.raises(QuantityError):
        parse_quantity(text)


def test_comparison_and_sums_are_exact():
    q = parse_quantity
    assert q("0.1") + q("0.2") == q("300m")
    assert q("1Gi") > q("1G")
    assert q("1k") == q("1000") == q("1e3")
    assert q("500m") < q("1") <= q("1000m")
    assert q("2Gi") - q("512Mi") == q("1536Mi")
    assert q("1Ki").value_int() == 1024
    assert q("1n").milli_value() == 1  # MilliValue rounds up


def test_a_zero_takes_the_format_of_what_is_added():
    # a quota's "0" used plus a pod's 128Mi prints 128Mi, as Quantity.Add does
    assert str(parse_quantity("0") + parse_quantity("128Mi")) == "128Mi"
    assert str(parse_quantity("1") + parse_quantity("128Mi")) == "134217729"
