"""Retail calendars: 52/53-week fiscal years of 4-4-5, 4-5-4 or 5-4-4 weeks per quarter (docs/data-formats.md,
"entities" and "Periods").

An entity declares one with `calendar` (the weeks of each quarter's three months) and `year_end` (the day the
year ends, as 'last Saturday of January' or 'Saturday nearest January 31'); its weeks end on that weekday. The
year ends and the quarter lengths come from pandas' `FY5253` / `FY5253Quarter` offsets (the 52/53-week rule of
the retail industry's calendars; a 53rd week goes to the fourth quarter, as the NRF 4-5-4 calendar puts it), so
no week arithmetic of our own decides which year has 53 weeks. The months of a quarter take its weeks in the
pattern's order; the extra week of a 53-week year goes to the last month of the fourth quarter.

A fiscal year is named by the calendar year of the month its year end is nearest to (`named_by = 'end'`, the
project's rule for every fiscal year: Walmart's FY2012 ends 2012-01-27), or by the calendar year it starts in
(`'start'`, as the NRF calendar and several retailers name theirs: fiscal 2023 = 2023-01-29..2024-02-03).

pandas is imported on first use: runs without a retail calendar never load it.
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from pipelines.normalise.dates import MONTHS, month_after, month_end
from pipelines.normalise.errors import InputError

PATTERNS: dict[str, tuple[int, int, int]] = {"4-4-5": (4, 4, 5), "4-5-4": (4, 5, 4), "5-4-4": (5, 4, 4)}
NAMED_BY = ("end", "start")
WEEKDAYS: dict[str, int] = {
    **{name.upper(): i for i, name in enumerate(_calendar.day_name)},
    **{abbr.upper(): i for i, abbr in enumerate(_calendar.day_abbr)},
    "TUES": 1,
    "WEDS": 2,
    "THUR": 3,
    "THURS": 3,
}
YEAR_END_FORMS = "write the year end as 'last Saturday of January' or 'Saturday nearest January 31'"
_LAST = re.compile(r"(?:THE\s+)?LAST\s+(?P<wd>[A-Z]+)\s+(?:OF|IN)\s+(?P<m>[A-Z]+)")
_NEAREST = re.compile(
    r"(?:THE\s+)?(?P<wd>[A-Z]+)\s+(?:NEAREST|CLOSEST)(?:\s+TO)?\s+(?:THE\s+)?"
    r"(?:END\s+OF\s+(?P<m1>[A-Z]+)|(?P<m2>[A-Z]+)\s+(?P<d2>\d{1,2})|(?P<d3>\d{1,2})\s+(?P<m3>[A-Z]+))"
)


class CalendarError(InputError):
    """A retail calendar that cannot be read; `suggestion` says how to write it."""

    default_suggestion = "calendar 4-4-5, 4-5-4 or 5-4-4 with a year_end such as 'last Saturday of January'"


@dataclass(frozen=True)
class FiscalYear:
    """One fiscal year of a retail calendar: its dates, its quarters and months (inclusive (start, end) pairs)."""

    year: int  # its label: FY2012
    start: date
    end: date  # inclusive
    weeks: int  # 52 or 53
    quarters: tuple[tuple[date, date], ...]
    months: tuple[tuple[date, date], ...]


@dataclass(frozen=True)
class RetailCalendar:
    pattern: str  # '4-4-5' | '4-5-4' | '5-4-4'
    weekday: int  # the weekday weeks (and the year) end on: 0 = Monday ... 6 = Sunday
    month: int  # the month the year ends in ('last'), or whose last day it ends nearest ('nearest')
    variation: str  # 'last' | 'nearest' (pandas FY5253's names)
    named_by: str = "end"  # FY2012 names the year ending in (around) its month of 2012, or starting in 2012

    @property
    def year_end(self) -> str:
        """The canonical spelling of the year end: 'last Friday of January', 'Saturday nearest January 31'."""
        day, month = _calendar.day_name[self.weekday], _calendar.month_name[self.month]
        if self.variation == "last":
            return f"last {day} of {month}"
        return f"{day} nearest {month} {month_end(2001, self.month).day}"

    @property
    def spec(self) -> str:
        """One text holding the whole calendar (the key the load maps periods by); `from_spec` reads it."""
        return f"{self.pattern}|{self.year_end}|{self.named_by}"

    @property
    def start_month(self) -> int:
        """The month a fiscal year nominally starts in: the one after its year-end month."""
        return month_after(self.month)

    @property
    def week_starts_on(self) -> int:
        return (self.weekday + 1) % 7

    def describe(self) -> str:
        return f"a {self.pattern} calendar whose year ends on the {self.year_end}"

    def fiscal_year(self, year: int) -> FiscalYear:
        return _fiscal_year(self, year)

    def year_containing(self, day: date) -> FiscalYear:
        for year in (day.year, day.year + 1, day.year - 1):
            fy = self.fiscal_year(year)
            if fy.start <= day <= fy.end:
                return fy
        raise AssertionError(f"no fiscal year of {self.spec} contains {day}")  # the years tile time

    def name(self, start: date, end: date) -> tuple[str, str] | None:
        """(label, grain) of the fiscal week, month, quarter, half or year that is exactly [start, end]."""
        fy = self.year_containing(start)
        y = fy.year
        if (end - start).days == 6 and (start - fy.start).days % 7 == 0:
            return f"FY{y}-W{(start - fy.start).days // 7 + 1:02d}", "week"
        if (start, end) == (fy.start, fy.end):
            return f"FY{y}", "year"
        for i, bounds in enumerate(fy.months):
            if bounds == (start, end):
                return f"FY{y}-M{i + 1:02d}", "month"
        for i, bounds in enumerate(fy.quarters):
            if bounds == (start, end):
                return f"FY{y}-Q{i + 1}", "quarter"
        for h in (0, 1):
            if (fy.quarters[2 * h][0], fy.quarters[2 * h + 1][1]) == (start, end):
                return f"FY{y}-H{h + 1}", "half"
        return None

    @classmethod
    def from_spec(cls, spec: str) -> RetailCalendar:
        pattern, year_end, named_by = spec.split("|")
        return parse_calendar(pattern, year_end, named_by)


def parse_calendar(pattern: str | None, year_end: str | None, named_by: str | None = None) -> RetailCalendar:
    """The retail calendar an entity's `calendar`, `year_end` and `fiscal_year_named_by` columns declare.
    Raises CalendarError naming the accepted spellings."""
    pattern = (pattern or "").strip()
    year_end = (year_end or "").strip()
    if not pattern:
        raise CalendarError(
            f"year_end {year_end!r} is given without a calendar",
            "set calendar to 4-4-5, 4-5-4 or 5-4-4 (the weeks of each quarter's months), or leave year_end "
            "empty for a fiscal year of calendar months",
        )
    weeks = read_pattern(pattern)
    if not year_end:
        raise CalendarError(
            f"a {weeks} calendar needs a year_end",
            "write it as 'last Saturday of January' or 'Saturday nearest January 31' (the weeks end on that "
            "weekday)",
        )
    weekday, month, variation = read_year_end(year_end)
    return RetailCalendar(weeks, weekday, month, variation, read_named_by(named_by or "end"))


def read_pattern(text: str) -> str:
    """'4-5-4', '454', '4/5/4', '4-5-4 weeks' -> '4-5-4'."""
    weeks = re.sub(r"\s*(?:WEEKS?)?$", "", text.strip().upper())
    if re.fullmatch(r"[45](?:\s*[-/ ]?\s*[45]){2}", weeks):
        weeks = "-".join(re.findall(r"\d", weeks))
    if weeks not in PATTERNS:
        raise CalendarError(
            f"unknown calendar {text!r}",
            "use 4-4-5, 4-5-4 or 5-4-4 (the weeks of each quarter's months), or leave it empty for a fiscal "
            "year of calendar months",
        )
    return weeks


def read_named_by(text: str) -> str:
    named = text.strip().lower()
    if named not in NAMED_BY:
        raise CalendarError(
            f"unknown fiscal_year_named_by {text!r}",
            "use 'end' (FY2012 ends in 2012, the default) or 'start' (fiscal 2023 starts in 2023)",
        )
    return named


def year_end_text(text: str) -> str:
    """The canonical spelling of a year end: 'last saturday in jan' -> 'last Saturday of January'."""
    weekday, month, variation = read_year_end(text)
    return RetailCalendar("4-5-4", weekday, month, variation).year_end


def year_end_month(text: str) -> int:
    return read_year_end(text)[1]


@cache
def calendar_from_spec(spec: str) -> RetailCalendar:
    """The calendar a `RetailCalendar.spec` names (read once per run)."""
    return RetailCalendar.from_spec(spec)


def read_year_end(text: str) -> tuple[int, int, str]:
    cleaned = " ".join(text.upper().replace(",", " ").split())
    if match := _LAST.fullmatch(cleaned):
        day_text, month_text, variation, day = match["wd"], match["m"], "last", None
    elif match := _NEAREST.fullmatch(cleaned):
        day_text = match["wd"]
        month_text = match["m1"] or match["m2"] or match["m3"]
        day = match["d2"] or match["d3"]
        variation = "nearest"
    else:
        raise CalendarError(f"cannot read year_end {text!r}", YEAR_END_FORMS)
    weekday = WEEKDAYS.get(day_text.rstrip("S")) if day_text not in WEEKDAYS else WEEKDAYS[day_text]
    if weekday is None:
        raise CalendarError(f"year_end {text!r}: {day_text.title()!r} is not a weekday", YEAR_END_FORMS)
    if month_text not in MONTHS:
        raise CalendarError(f"year_end {text!r}: {month_text.title()!r} is not a month", YEAR_END_FORMS)
    month = MONTHS[month_text]
    if day is not None and int(day) not in {month_end(2001, month).day, month_end(2004, month).day}:
        raise CalendarError(
            f"year_end {text!r}: a 52/53-week year ends nearest the last day of a month, not on day {day}",
            f"write '{_calendar.day_name[weekday]} nearest {_calendar.month_name[month]} "
            f"{month_end(2001, month).day}'",
        )
    return weekday, month, variation


def _offsets(cal: RetailCalendar):
    import pandas as pd  # noqa: PLC0415 - only runs with a retail calendar pay for pandas

    year = pd.offsets.FY5253(weekday=cal.weekday, startingMonth=cal.month, variation=cal.variation)
    quarter = pd.offsets.FY5253Quarter(
        weekday=cal.weekday, startingMonth=cal.month, qtr_with_extra_week=4, variation=cal.variation
    )
    return pd, year, quarter


@cache
def _year_end(cal: RetailCalendar, end_year: int) -> date:
    """The last day of the fiscal year whose year end falls in (or nearest the end of) month `cal.month` of
    `end_year`: the first FY5253 date on or after six days before that month's last day."""
    pd, year, _ = _offsets(cal)
    near = pd.Timestamp(month_end(end_year, cal.month) - timedelta(days=6))
    return year.rollforward(near).date()


@cache
def _fiscal_year(cal: RetailCalendar, label: int) -> FiscalYear:
    # a year named by its start year is the one ending in the next calendar year, unless it ends in December
    end_year = label + (1 if cal.named_by == "start" and cal.month != 12 else 0)
    start = _year_end(cal, end_year - 1) + timedelta(days=1)
    end = _year_end(cal, end_year)
    pd, _, quarter = _offsets(cal)
    quarters, q_start = [], start
    q_end = quarter.rollforward(pd.Timestamp(start))
    for _ in range(4):
        quarters.append((q_start, q_end.date()))
        q_start = q_end.date() + timedelta(days=1)
        q_end = q_end + quarter
    if quarters[-1][1] != end:
        raise AssertionError(f"FY5253Quarter and FY5253 disagree on the end of FY{label} ({cal.spec})")
    months = []
    for q_first, q_last in quarters:
        weeks = list(PATTERNS[cal.pattern])
        weeks[-1] += ((q_last - q_first).days + 1) // 7 - sum(weeks)  # a 14-week quarter's extra week
        m_start = q_first
        for w in weeks:
            months.append((m_start, m_start + timedelta(days=7 * w - 1)))
            m_start += timedelta(days=7 * w)
    return FiscalYear(label, start, end, ((end - start).days + 1) // 7, tuple(quarters), tuple(months))
