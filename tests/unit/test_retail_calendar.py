"""Periods on retail calendars (issue 26 item 5): 4-4-5 / 4-5-4 / 5-4-4 quarters of a 52/53-week year whose end is
'last <weekday> of <month>' or '<weekday> nearest <month> <last day>' (pipelines/normalise/retail_calendar.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.normalise.periods import Period, PeriodError, parse_period
from pipelines.normalise.retail_calendar import (
    CalendarError,
    RetailCalendar,
    calendar_from_spec,
    parse_calendar,
)

# Walmart's, as the retail-calendar-454 case declares it: Saturday-Friday weeks, FY2012 = 2011-01-29..2012-01-27
WALMART = parse_calendar("4-5-4", "last Friday of January")
# the NRF 4-5-4 calendar's year end; named by the year it ends in (the project's rule) or starts in (NRF's)
NEAREST = parse_calendar("4-5-4", "Saturday nearest January 31")
NRF = parse_calendar("4-5-4", "Saturday nearest January 31", "start")


def walmart(text: str) -> Period:
    return parse_period(text, 2, calendar=WALMART)


def weeks(p: Period) -> int:
    days = (p.end - p.start).days + 1
    assert days % 7 == 0
    return days // 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FY2012", Period("FY2012", "year", date(2011, 1, 29), date(2012, 1, 27))),
        ("fy12", Period("FY2012", "year", date(2011, 1, 29), date(2012, 1, 27))),
        ("FY2012-Q1", Period("FY2012-Q1", "quarter", date(2011, 1, 29), date(2011, 4, 29))),
        ("Q1 FY2012", Period("FY2012-Q1", "quarter", date(2011, 1, 29), date(2011, 4, 29))),
        ("FY2012-Q4", Period("FY2012-Q4", "quarter", date(2011, 10, 29), date(2012, 1, 27))),
        ("FY2012-H2", Period("FY2012-H2", "half", date(2011, 7, 30), date(2012, 1, 27))),
        ("FY2012-M01", Period("FY2012-M01", "month", date(2011, 1, 29), date(2011, 2, 25))),
        ("FY2012 M2", Period("FY2012-M02", "month", date(2011, 2, 26), date(2011, 4, 1))),
        ("FY12-P3", Period("FY2012-M03", "month", date(2011, 4, 2), date(2011, 4, 29))),
        ("FY2012-M12", Period("FY2012-M12", "month", date(2011, 12, 31), date(2012, 1, 27))),
        ("FY2012-W01", Period("FY2012-W01", "week", date(2011, 1, 29), date(2011, 2, 4))),
        ("W52 FY2012", Period("FY2012-W52", "week", date(2012, 1, 21), date(2012, 1, 27))),
        # spans of dates that are exactly a fiscal period take its label and grain
        ("2011-01-29..2011-02-04", Period("FY2012-W01", "week", date(2011, 1, 29), date(2011, 2, 4))),
        ("2011-01-29..2011-02-25", Period("FY2012-M01", "month", date(2011, 1, 29), date(2011, 2, 25))),
        ("2011-02-26..2011-04-01", Period("FY2012-M02", "month", date(2011, 2, 26), date(2011, 4, 1))),
        ("2011-01-29..2011-04-29", Period("FY2012-Q1", "quarter", date(2011, 1, 29), date(2011, 4, 29))),
        ("2011-01-29..2012-01-27", Period("FY2012", "year", date(2011, 1, 29), date(2012, 1, 27))),
        ("FY2012-M01..M03", Period("FY2012-Q1", "quarter", date(2011, 1, 29), date(2011, 4, 29))),
        ("FY2012-W01..W04", Period("FY2012-M01", "month", date(2011, 1, 29), date(2011, 2, 25))),
        ("FY2012-Q1..FY2012-Q2", Period("FY2012-H1", "half", date(2011, 1, 29), date(2011, 7, 29))),
        # a run of weeks that is no fiscal period stays a span
        (
            "FY2012-W02..W03",
            Period("FY2012-W02..FY2012-W03", "span", date(2011, 2, 5), date(2011, 2, 18)),
        ),
        # a 7-day span that is not one of its weeks (Monday-Sunday) stays a span
        (
            "2011-01-31..2011-02-06",
            Period("2011-01-31..2011-02-06", "span", date(2011, 1, 31), date(2011, 2, 6)),
        ),
        # calendar periods stay calendar periods; a 12-month span is no longer 'FY' (FY2012 is the weeks)
        ("2011-02", Period("2011-02", "month", date(2011, 2, 1), date(2011, 2, 28))),
        ("CY2011-Q1", Period("2011-Q1", "quarter", date(2011, 1, 1), date(2011, 3, 31))),
        ("2011", Period("2011", "year", date(2011, 1, 1), date(2011, 12, 31))),
        ("2011-02..2012-01", Period("2011-02..2012-01", "span", date(2011, 2, 1), date(2012, 1, 31))),
    ],
)
def test_periods_of_a_4_5_4_calendar(text, expected):
    assert walmart(text) == expected


def test_the_4_5_4_year_of_the_case():
    """FY2012 of the retail-calendar-454 case: 52 Saturday-Friday weeks, months of 4, 5 and 4 weeks."""
    fy = WALMART.fiscal_year(2012)
    assert (fy.start, fy.end, fy.weeks) == (date(2011, 1, 29), date(2012, 1, 27), 52)
    assert fy.start.weekday() == 5 and fy.end.weekday() == 4  # Saturday to Friday
    assert [weeks(walmart(f"FY2012-M{m:02d}")) for m in range(1, 13)] == [4, 5, 4] * 4
    assert [weeks(walmart(f"FY2012-Q{q}")) for q in range(1, 5)] == [13, 13, 13, 13]
    assert walmart("FY2011") == Period("FY2011", "year", date(2010, 1, 30), date(2011, 1, 28))


@pytest.mark.parametrize(
    ("pattern", "months"), [("4-4-5", [4, 4, 5]), ("5-4-4", [5, 4, 4]), ("445", [4, 4, 5])]
)
def test_the_other_patterns(pattern, months):
    cal = parse_calendar(pattern, "last Saturday of January")
    assert [weeks(parse_period(f"FY2012-M{m:02d}", 2, calendar=cal)) for m in range(1, 13)] == months * 4


def test_53_week_years_of_saturday_nearest_january_31():
    """The NRF calendar's 53-week year ends on Saturday 2024-02-03 (NRF's 'fiscal 2023'): named by the year it
    ends in, it is FY2024; named by the year it starts in, FY2023. Its 53rd week goes to the fourth quarter's
    last month (January: 5 weeks)."""
    fy2023 = parse_period("FY2023", 2, calendar=NEAREST)
    assert fy2023 == Period("FY2023", "year", date(2022, 1, 30), date(2023, 1, 28))
    assert weeks(fy2023) == 52
    fy2024 = parse_period("FY2024", 2, calendar=NEAREST)
    assert fy2024 == Period("FY2024", "year", date(2023, 1, 29), date(2024, 2, 3))
    assert weeks(fy2024) == 53
    nrf2023 = parse_period("FY2023", 2, calendar=NRF)
    assert (nrf2023.start, nrf2023.end, weeks(nrf2023)) == (date(2023, 1, 29), date(2024, 2, 3), 53)
    assert [weeks(parse_period(f"FY2023-Q{q}", 2, calendar=NRF)) for q in range(1, 5)] == [13, 13, 13, 14]
    months = [weeks(parse_period(f"FY2023-M{m:02d}", 2, calendar=NRF)) for m in range(1, 13)]
    assert months == [4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 5, 5]
    assert parse_period("FY2023-W53", 2, calendar=NRF) == Period(
        "FY2023-W53", "week", date(2024, 1, 28), date(2024, 2, 3)
    )
    # the year end can fall in February: the week after is still named by its year
    assert parse_period("2024-01-28..2024-02-03", 2, calendar=NRF).label == "FY2023-W53"
    assert parse_period("2024-02-04..2024-02-10", 2, calendar=NRF).label == "FY2024-W01"
    # the 53-week years of 2010-2030 on this year end: NRF's 2012, 2017, 2023 and 2028, named by their starts
    assert [y for y in range(2010, 2031) if NRF.fiscal_year(y).weeks == 53] == [2012, 2017, 2023, 2028]
    assert [y for y in range(2010, 2031) if NEAREST.fiscal_year(y).weeks == 53] == [2013, 2018, 2024, 2029]


def test_53_week_years_of_last_saturday_of_january():
    cal = parse_calendar("4-4-5", "last Saturday of January")
    fy = cal.fiscal_year(2015)  # 2014-01-25 (a Saturday) to 2015-01-31 (the last Saturday of January)
    assert (fy.start, fy.end, fy.weeks) == (date(2014, 1, 26), date(2015, 1, 31), 53)
    assert [weeks(parse_period(f"FY2015-M{m:02d}", 2, calendar=cal)) for m in (10, 11, 12)] == [4, 4, 6]
    assert cal.fiscal_year(2016).weeks == 52


def test_a_year_ending_near_december_31():
    """A December year end is named by its December's year even when it ends on 2 or 3 January."""
    cal = parse_calendar("4-4-5", "Sunday nearest December 31")
    fy = parse_period("FY2022", 1, calendar=cal)
    assert (fy.start, fy.end) == (date(2022, 1, 3), date(2023, 1, 1))
    assert parse_period("FY2023", 1, calendar=cal).start == date(2023, 1, 2)
    # the fiscal year starts in January, but a retail calendar's bare quarter is ambiguous all the same
    with pytest.raises(PeriodError, match="ambiguous.*4-4-5 calendar"):
        parse_period("2022-Q1", 1, calendar=cal)
    assert parse_period("2022-Q1", 1, "fiscal", cal).start == date(2022, 1, 3)
    assert parse_period("2022-Q1", 1, "calendar", cal) == parse_period("2022-Q1")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("2012-Q1", "ambiguous: the entity keeps a 4-5-4 calendar"),
        ("FY2012-W53", "FY2012 has 52 weeks"),
        ("FY2012-M13", "no fiscal month 13"),
        ("FY2012-Q5", "no Q5"),
    ],
)
def test_retail_labels_refused(text, phrase):
    with pytest.raises(PeriodError, match=phrase):
        walmart(text)


def test_fiscal_months_and_weeks_without_a_retail_calendar():
    # a fiscal year of calendar months: its fiscal month 1 is a calendar month, labelled as one
    assert parse_period("FY2025-M01", 4) == Period("2024-04", "month", date(2024, 4, 1), date(2024, 4, 30))
    assert parse_period("FY2025-M12", 4).label == "2025-03"
    assert parse_period("FY2025-M02", 1).label == "2025-02"
    with pytest.raises(PeriodError, match="no retail calendar") as refused:
        parse_period("FY2012-W05", 2)
    assert "calendar and year_end" in refused.value.suggestion
    # without a calendar a 7-day span is a span, and a fiscal year is months
    assert parse_period("2011-01-29..2011-02-04", 2).grain == "span"
    assert parse_period("FY2012-Q1", 2) == Period("FY2012-Q1", "quarter", date(2011, 2, 1), date(2011, 4, 30))


@pytest.mark.parametrize(
    ("pattern", "year_end", "phrase"),
    [
        ("4-6-3", "last Saturday of January", "unknown calendar"),
        ("4-5-4", "", "needs a year_end"),
        ("", "last Saturday of January", "without a calendar"),
        ("4-5-4", "end of January", "cannot read year_end"),
        ("4-5-4", "last Caturday of January", "not a weekday"),
        ("4-5-4", "last Saturday of Janvier", "not a month"),
        ("4-5-4", "Saturday nearest January 15", "nearest the last day of a month"),
    ],
)
def test_calendars_refused(pattern, year_end, phrase):
    with pytest.raises(CalendarError, match=phrase):
        parse_calendar(pattern, year_end)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("last Friday of January", "last Friday of January"),
        ("the last friday in jan", "last Friday of January"),
        ("Sat nearest Jan 31", "Saturday nearest January 31"),
        ("Saturday closest to the end of January", "Saturday nearest January 31"),
        ("Sunday nearest 28 February", "Sunday nearest February 28"),
        ("Saturday nearest February 29", "Saturday nearest February 28"),
    ],
)
def test_year_end_spellings(written, canonical):
    assert parse_calendar("4-5-4", written).year_end == canonical


def test_a_calendar_round_trips_through_its_spec():
    assert calendar_from_spec(NRF.spec) == NRF
    assert RetailCalendar.from_spec(WALMART.spec) == WALMART
    assert WALMART.spec == "4-5-4|last Friday of January|end"


CALENDARS = st.builds(
    parse_calendar,
    st.sampled_from(["4-4-5", "4-5-4", "5-4-4"]),
    st.builds(
        lambda variation, day, month: (
            f"last {day} of {month}" if variation == "last" else f"{day} nearest the end of {month}"
        ),
        st.sampled_from(["last", "nearest"]),
        st.sampled_from(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]),
        st.sampled_from(["January", "February", "June", "September", "December"]),
    ),
    st.sampled_from(["end", "start"]),
)


@given(CALENDARS, st.integers(1950, 2090))
def test_weeks_tile_months_tile_quarters_tile_years(cal, year):
    """Any calendar, any year: 52 or 53 weeks ending on the calendar's weekday, following the previous year;
    months of the pattern's weeks (the extra week in the last one) tile the quarters, which tile the year; and
    each period's dates read back as its label."""
    fy = cal.fiscal_year(year)
    assert fy.weeks in (52, 53) and fy.end.weekday() == cal.weekday
    assert fy.start == cal.fiscal_year(year - 1).end + timedelta(days=1)
    assert (
        fy.months[0][0] == fy.quarters[0][0] == fy.start and fy.months[-1][1] == fy.quarters[-1][1] == fy.end
    )
    for earlier, later in zip(fy.months, fy.months[1:], strict=False):
        assert later[0] == earlier[1] + timedelta(days=1)
    pattern = [int(w) for w in cal.pattern.split("-")] * 4
    if fy.weeks == 53:
        pattern[-1] += 1
    assert [((e - s).days + 1) // 7 for s, e in fy.months] == pattern
    for q, (start, end) in enumerate(fy.quarters, 1):
        assert (start, end) == (fy.months[3 * q - 3][0], fy.months[3 * q - 1][1])
        assert (
            parse_period(f"{start}..{end}", cal.start_month, calendar=cal).label
            in (
                f"FY{year}-Q{q}",
                f"{start.year}-Q{(start.month + 2) // 3}",  # a quarter that is also a calendar quarter keeps that name
            )
        )
    for m, (_, end) in enumerate(fy.months, 1):
        assert parse_period(f"FY{year}-M{m:02d}", cal.start_month, calendar=cal).end == end
    last_week = parse_period(f"FY{year}-W{fy.weeks}", cal.start_month, calendar=cal)
    assert last_week.end == fy.end
    assert parse_period(f"{last_week.start}..{last_week.end}", cal.start_month, calendar=cal) == last_week
