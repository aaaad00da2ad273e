from datetime import date

import pytest

from pipelines.normalise.periods import Period, PeriodError, parse_period


@pytest.mark.parametrize(
    ("text", "fiscal_start", "expected"),
    [
        ("2024", 1, Period("2024", "year", date(2024, 1, 1), date(2024, 12, 31))),
        ("2024", 10, Period("2024", "year", date(2024, 1, 1), date(2024, 12, 31))),  # plain year is calendar
        ("FY2024", 4, Period("FY2024", "year", date(2023, 4, 1), date(2024, 3, 31))),
        ("FY2024", 10, Period("FY2024", "year", date(2023, 10, 1), date(2024, 9, 30))),
        ("fy24", 10, Period("FY2024", "year", date(2023, 10, 1), date(2024, 9, 30))),
        ("FY2024", 1, Period("2024", "year", date(2024, 1, 1), date(2024, 12, 31))),  # FY = calendar year
        ("CY2024", 4, Period("2024", "year", date(2024, 1, 1), date(2024, 12, 31))),
        ("2024-H1", 1, Period("2024-H1", "half", date(2024, 1, 1), date(2024, 6, 30))),
        ("2024-H2", 1, Period("2024-H2", "half", date(2024, 7, 1), date(2024, 12, 31))),
        ("H1 2024", 1, Period("2024-H1", "half", date(2024, 1, 1), date(2024, 6, 30))),
        ("FY2024-H1", 4, Period("FY2024-H1", "half", date(2023, 4, 1), date(2023, 9, 30))),
        ("2024-Q3", 1, Period("2024-Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30))),
        ("Q3 2024", 1, Period("2024-Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30))),
        ("2024q3", 1, Period("2024-Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30))),
        ("3Q24", 1, Period("2024-Q3", "quarter", date(2024, 7, 1), date(2024, 9, 30))),  # analyst shorthand
        ("CY2024-Q1", 10, Period("2024-Q1", "quarter", date(2024, 1, 1), date(2024, 3, 31))),  # said calendar
        ("FY2024-Q1", 10, Period("FY2024-Q1", "quarter", date(2023, 10, 1), date(2023, 12, 31))),
        ("Q4 FY2024", 4, Period("FY2024-Q4", "quarter", date(2024, 1, 1), date(2024, 3, 31))),
        ("2024-02", 1, Period("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29))),  # leap day
        ("2024-9", 1, Period("2024-09", "month", date(2024, 9, 1), date(2024, 9, 30))),
        ("Sep 2024", 1, Period("2024-09", "month", date(2024, 9, 1), date(2024, 9, 30))),
        ("2024-09-15", 1, Period("2024-09-15", "day", date(2024, 9, 15), date(2024, 9, 15))),
    ],
)
def test_single_periods(text, fiscal_start, expected):
    assert parse_period(text, fiscal_start) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01..2024-09", Period("2024-01..2024-09", "span", date(2024, 1, 1), date(2024, 9, 30))),
        ("2024-Q1..2024-Q3", Period("2024-Q1..2024-Q3", "span", date(2024, 1, 1), date(2024, 9, 30))),
        ("2024-Q2..Q3", Period("2024-Q2..2024-Q3", "span", date(2024, 4, 1), date(2024, 9, 30))),  # shorthand
        (" 2024-01 .. 2024-05 ", Period("2024-01..2024-05", "span", date(2024, 1, 1), date(2024, 5, 31))),
        ("Jan-May 2024", Period("2024-01..2024-05", "span", date(2024, 1, 1), date(2024, 5, 31))),
        ("Q1-Q3 2024", Period("2024-Q1..2024-Q3", "span", date(2024, 1, 1), date(2024, 9, 30))),
        (
            "9M24",
            Period("2024-01..2024-09", "span", date(2024, 1, 1), date(2024, 9, 30)),
        ),  # first nine months
        ("2023-11..2024-02", Period("2023-11..2024-02", "span", date(2023, 11, 1), date(2024, 2, 29))),
        # spans that are exactly a calendar period take that period's label and grain
        ("2024-01..2024-03", Period("2024-Q1", "quarter", date(2024, 1, 1), date(2024, 3, 31))),
        ("2024-Q1..Q2", Period("2024-H1", "half", date(2024, 1, 1), date(2024, 6, 30))),
        ("2024-01..2024-12", Period("2024", "year", date(2024, 1, 1), date(2024, 12, 31))),
        ("2024-09..2024-09", Period("2024-09", "month", date(2024, 9, 1), date(2024, 9, 30))),
        ("2024-02-01..2024-02-29", Period("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29))),
    ],
)
def test_spans(text, expected):
    assert parse_period(text) == expected


def test_fiscal_span_covering_the_fiscal_year_is_that_year():
    # with an April fiscal start, the four fiscal quarters are FY2024
    assert parse_period("FY2024-Q1..FY2024-Q4", 4) == Period(
        "FY2024", "year", date(2023, 4, 1), date(2024, 3, 31)
    )


@pytest.mark.parametrize(
    ("text", "message", "suggestion"),
    [
        ("2024-09..2024-01", "before it starts", "earlier bound first"),
        ("2024-Q5", "no Q5", "quarters run Q1-Q4"),
        ("2024-H3", "no H3", "halves run H1-H2"),
        ("1850", "implausible", "1900"),
        ("FY2150", "far-future", "2100"),
        ("2023-02-29", "does not exist", "28 days"),
        ("first three quarters", "cannot read", "'2024-Q3'"),  # lists the accepted forms
        ("Q3", "cannot read", "'2024-01..2024-09'"),  # no year
        ("May", "has no year", "'2024-05'"),
        ("", "empty", "'2024-H1'"),
    ],
)
def test_bad_periods_explain_themselves(text, message, suggestion):
    with pytest.raises(PeriodError, match=message) as caught:
        parse_period(text)
    assert suggestion in caught.value.suggestion


def test_fiscal_start_month_must_be_a_month():
    with pytest.raises(PeriodError, match="1-12"):
        parse_period("FY2024", 13)


def test_missing_fiscal_start_month_means_calendar_year():
    assert parse_period("FY2024", None).start.isoformat() == "2024-01-01"


@pytest.mark.parametrize("text", ["2021-Q1", "Q4 2021", "2021-H2", "2021-Q1..2021-Q3"])
def test_bare_quarter_on_a_fiscal_entity_is_refused_with_both_spellings(text):
    # Apple's fiscal year starts in October: '2021-Q1' may be Oct-Dec 2020 or Jan-Mar 2021
    with pytest.raises(PeriodError) as error:
        parse_period(text, 10)
    assert "ambiguous" in error.value.problem
    assert "FY2021-" in error.value.suggestion and "CY2021-" in error.value.suggestion


@pytest.mark.parametrize(
    ("bare", "expected"),
    [
        ("fiscal", Period("FY2021-Q1", "quarter", date(2020, 10, 1), date(2020, 12, 31))),
        ("calendar", Period("2021-Q1", "quarter", date(2021, 1, 1), date(2021, 3, 31))),
    ],
)
def test_dataset_setting_says_what_bare_quarters_mean(bare, expected):
    assert parse_period("2021-Q1", 10, bare) == expected


def test_bare_quarter_on_a_calendar_entity_is_the_calendar_quarter():
    assert parse_period("Q4 2021", 1).start == date(2021, 10, 1)


@pytest.mark.parametrize("text", ["2023-05-01 00:00:00", "2023-05-01T00:00", "2023-05-01 00:00:00.000"])
def test_a_date_time_is_refused_with_the_month_and_day_spellings(text):
    # how Excel exports a month header: never silently the day 2023-05-01
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert "date-time" in error.value.problem
    assert "'2023-05'" in error.value.suggestion and "'2023-05-01'" in error.value.suggestion
