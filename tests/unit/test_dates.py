from datetime import date, datetime

import pytest

from pipelines.normalise.dates import DateError, PartialDate, parse_partial_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", PartialDate(date(2024, 1, 1), date(2024, 12, 31), "year")),
        ("2024-11", PartialDate(date(2024, 11, 1), date(2024, 11, 30), "month")),
        ("2024-02", PartialDate(date(2024, 2, 1), date(2024, 2, 29), "month")),  # leap year February
        ("2024-11-06", PartialDate(date(2024, 11, 6), date(2024, 11, 6), "day")),
        ("2024-11-06T10:00:00", PartialDate(date(2024, 11, 6), date(2024, 11, 6), "day")),  # time dropped
        (" 2024-11-6 ", PartialDate(date(2024, 11, 6), date(2024, 11, 6), "day")),  # padding, 1-digit day
        ("2024/11/06", PartialDate(date(2024, 11, 6), date(2024, 11, 6), "day")),
        ("Nov 2024", PartialDate(date(2024, 11, 1), date(2024, 11, 30), "month")),
        ("7 November 2024", PartialDate(date(2024, 11, 7), date(2024, 11, 7), "day")),
        ("November 8, 2024", PartialDate(date(2024, 11, 8), date(2024, 11, 8), "day")),
        (date(2024, 4, 24), PartialDate(date(2024, 4, 24), date(2024, 4, 24), "day")),
        (datetime(2024, 5, 7, 23, 59), PartialDate(date(2024, 5, 7), date(2024, 5, 7), "day")),
    ],
)
def test_parse_partial_date(text, expected):
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "suggestion"),
    [
        ("2023-02-29", "does not exist", "2023-02 has 28 days"),  # not a leap year
        ("2024-13", "month 13", "months run from 01 to 12"),
        ("1850", "implausible year", "1900"),
        ("2150-01", "far-future year", "2100"),
        ("early December", "cannot read", "'2024-11'"),
        ("", "empty", "'2024-11-06'"),
    ],
)
def test_bad_dates_explain_themselves(text, message, suggestion):
    with pytest.raises(DateError, match=message) as caught:
        parse_partial_date(text)
    assert suggestion in caught.value.suggestion
    assert isinstance(caught.value, ValueError)
