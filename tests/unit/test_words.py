"""'1 row', not '1 rows' (issue 16, fault 5)."""

from __future__ import annotations

import pytest

from pipelines.words import counted, signed_percent


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((1,), "1 row"),
        ((0,), "0 rows"),
        ((1204,), "1,204 rows"),
        ((1, "file"), "1 file"),
        ((2, "entry", "entries"), "2 entries"),
    ],
)
def test_counted(args, text):
    assert counted(*args) == text


@pytest.mark.parametrize(
    ("fraction", "decimals", "text"),
    [
        (0.0423, 1, "+4.2%"),
        (-0.015, 1, "-1.5%"),
        (0.0, 1, "0.0%"),
        (-0.0, 1, "0.0%"),  # a lower-is-better metric on plan: -0.0 printed '-0.0%'
        (-0.0004, 1, "0.0%"),  # rounds to zero: no sign
        (0.0004, 1, "0.0%"),
        (-0.004, 0, "0%"),
        (0.26, 0, "+26%"),
    ],
)
def test_signed_percent_rounds_then_signs(fraction, decimals, text):
    assert signed_percent(fraction, decimals) == text
