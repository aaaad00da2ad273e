"""Reporting periods: years, fiscal years, halves, quarters, months, weeks, days and spans, with canonical labels.

An entity with a retail calendar (pipelines/normalise/retail_calendar.py) reads its `FY` periods in that
calendar's weeks: `FY2012`, `FY2012-H1`, `FY2012-Q1`, fiscal months `FY2012-M01` and weeks `FY2012-W01`; a span
of dates that is exactly one of them takes its label and grain (a Saturday-Friday week written
'2011-01-29..2011-02-04' is `FY2012-W01`, grain 'week').
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from pipelines.normalise.dates import (
    DATE_FORMS,
    MONTHS,
    DateError,
    add_months,
    check_year,
    month_end,
    month_index,
    parse_partial_date,
)
from pipelines.normalise.errors import InputError
from pipelines.normalise.retail_calendar import RetailCalendar

PERIOD_FORMS = (
    "write years as '2024' or 'FY2024', halves as '2024-H1', quarters as '2024-Q3', months as '2024-09', "
    "days as '2024-09-15' and spans as '2024-01..2024-09' or '2024-Q1..2024-Q3' (with a retail calendar, "
    "also fiscal months 'FY2024-M01' and weeks 'FY2024-W01')"
)

_YEAR = r"(?:(?P<fy>FY|CY)\s*-?\s*)?(?P<year>\d{4}|\d{2})"
_PART = r"(?:(?P<kind>[HQ])\s*(?P<num>\d)|(?P<num2>\d)\s*(?P<kind2>[HQ]))"
# '2024', 'FY2024', 'FY24', 'CY2024'
_YEAR_ONLY = re.compile(r"(?P<fy>FY|CY)\s*-?\s*(?P<year>\d{4}|\d{2})")
# '2024-Q3', '2024Q3', 'FY2024 H1', 'FY24-Q1'
_YEAR_PART = re.compile(rf"{_YEAR}\s*-?\s*{_PART}")
# 'Q3 2024', 'H1-2024', '3Q24', 'Q1 FY2025'
_PART_YEAR = re.compile(rf"{_PART}\s*-?\s*{_YEAR}")
# 'FY2024-M01', 'FY24 P3', 'FY2024-W05', 'W05 FY2024': a fiscal month (M or P, period) or week
_FISCAL_PART = re.compile(
    r"(?:FY\s*-?\s*(?P<year>\d{4}|\d{2})\s*-?\s*(?P<kind>[MPW])\s*(?P<num>\d{1,2})"
    r"|(?P<kind2>[MPW])\s*(?P<num2>\d{1,2})\s*-?\s*FY\s*-?\s*(?P<year2>\d{4}|\d{2}))"
)
# '9M 2024', '9M24': the first nine months of the year
_FIRST_MONTHS = re.compile(r"(?P<months>\d{1,2})\s*M\s*-?\s*(?P<year>\d{4}|\d{2})")
# 'Q1-Q3 2024', 'Jan-May 2024', 'H1 to H2 FY2024': two bounds sharing one trailing year
_SHARED_YEAR = re.compile(
    r"(?P<a>[HQ]\d|\d[HQ]|[A-Z]{3,9})\s*(?:-|–|—|\.\.|TO)\s*(?P<b>[HQ]\d|\d[HQ]|[A-Z]{3,9})\s*,?\s+(?P<y>(?:FY|CY)?\s*\d{4})"
)
_SPAN_SEPARATOR = re.compile(r"\s*\.\.\s*|\s*[–—]\s*|\s+TO\s+|\s+-\s+")
_SHORTHAND = re.compile(r"(?:[HQ]\d|[MPW]\d{1,2}|\d{1,2})")
# '2023-05-01 00:00:00': how Excel exports a month header; never read as a day
_DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?")
BARE_LABELS = ("refuse", "fiscal", "calendar")


class PeriodError(InputError):
    """A period that cannot be read; `suggestion` says how to write it."""

    default_suggestion = PERIOD_FORMS


@dataclass(frozen=True)
class Period:
    label: str
    grain: str  # 'year' | 'half' | 'quarter' | 'month' | 'week' | 'day' | 'span'
    start: date
    end: date  # inclusive


class _Rules(NamedTuple):
    """How one entity's labels read: its fiscal start month, the bare-quarter setting, its retail calendar."""

    fiscal_start: int
    bare: str
    calendar: RetailCalendar | None


def parse_period(
    text: str,
    fiscal_year_start_month: int = 1,
    bare_labels: str = "refuse",
    calendar: RetailCalendar | None = None,
) -> Period:
    """Read a period label in any common spelling and return it with its canonical label and dates.

    'FY' years use the entity's fiscal start month and are named by the calendar year in which they end;
    plain '2024' is a calendar year. A bare quarter or half ('2021-Q1', 'Q4 2021') on an entity whose fiscal
    year does not start in January (or that keeps a retail calendar) is ambiguous (DESIGN.md section 3):
    `bare_labels` 'refuse' raises PeriodError suggesting FY2021-Q1 or CY2021-Q1, 'fiscal' reads it as the
    fiscal quarter, 'calendar' as the calendar one. A date-time ('2023-05-01 00:00:00') is refused with the
    month and day spellings. With a retail `calendar`, FY years, halves, quarters, months ('FY2012-M01') and
    weeks ('FY2012-W01') are that calendar's weeks, and a span of dates that is exactly one of them is named so.
    """
    if isinstance(text, str) and (match := _DATE_TIME.fullmatch(text.strip())):
        day = match[1]
        raise PeriodError(
            f"period {text!r} is a date-time (how spreadsheets export a date or month header)",
            f"write the month as '{day[:7]}' or the day as '{day}'",
        )
    if fiscal_year_start_month is None:  # an entity without a fiscal calendar reports calendar years
        fiscal_year_start_month = 1
    if not isinstance(fiscal_year_start_month, int) or not 1 <= fiscal_year_start_month <= 12:
        raise PeriodError(f"fiscal year start month must be 1-12, got {fiscal_year_start_month}", None)
    if not isinstance(text, str):
        raise PeriodError(f"expected a period label, got {type(text).__name__} {text!r}")
    cleaned = " ".join(text.strip().upper().replace("’", "").replace("'", "").split())
    if not cleaned:
        raise PeriodError("empty period")
    rules = _Rules(fiscal_year_start_month, bare_labels, calendar)
    if match := _SHARED_YEAR.fullmatch(cleaned):
        year = match["y"]
        cleaned = f"{match['a']} {year}..{match['b']} {year}"
    parts = _SPAN_SEPARATOR.split(cleaned)
    if len(parts) == 1:
        return _parse_single(cleaned, rules, text)
    if len(parts) != 2 or not all(parts):
        raise PeriodError(f"cannot read {text!r} as a period")
    return _parse_span(parts[0], parts[1], rules, text)


def _parse_span(left_text: str, right_text: str, rules: _Rules, text: str) -> Period:
    left = _parse_single(left_text, rules, text)
    if _SHORTHAND.fullmatch(right_text) and left.grain in ("half", "quarter", "month", "week", "day"):
        # '2024-Q2..Q3': the right bound borrows the left bound's year (and month, for days)
        right_text = left.label.rsplit("-", 1)[0] + "-" + right_text
    right = _parse_single(right_text, rules, text)
    if right.end < left.start:
        raise PeriodError(
            f"period {text!r} ends ({right.end}) before it starts ({left.start})",
            "write the earlier bound first, e.g. '2024-01..2024-09'",
        )
    if right.start < left.start or right.end < left.end:
        raise PeriodError(
            f"the bounds of {text!r} overlap or are out of order", "write the earlier bound first"
        )
    named = _named_period(left.start, right.end, rules)
    if named is not None:
        return named
    return Period(f"{left.label}..{right.label}", "span", left.start, right.end)


def _named_period(start: date, end: date, rules: _Rules) -> Period | None:
    """The calendar (or fiscal) year, half, quarter, month or day that covers exactly [start, end]; with a
    retail calendar, also its fiscal week, month, quarter, half or year."""
    if start == end:
        return Period(start.isoformat(), "day", start, end)
    named = _calendar_period(start, end, rules.fiscal_start if rules.calendar is None else 1)
    if named is None and rules.calendar is not None and (found := rules.calendar.name(start, end)):
        named = Period(found[0], found[1], start, end)
    return named


def _calendar_period(start: date, end: date, fiscal_start: int) -> Period | None:
    if start.day != 1 or end != month_end(end.year, end.month):
        return None
    months = month_index(end) - month_index(start) + 1
    if months == 1:
        return Period(f"{start.year}-{start.month:02d}", "month", start, end)
    if start.year == end.year:
        if months == 12:
            return Period(str(start.year), "year", start, end)
        if months == 6 and start.month in (1, 7):
            return Period(f"{start.year}-H{start.month // 6 + 1}", "half", start, end)
        if months == 3 and start.month % 3 == 1:
            return Period(f"{start.year}-Q{start.month // 3 + 1}", "quarter", start, end)
    if fiscal_start != 1 and start.month == fiscal_start and months == 12:
        return _fiscal(end.year, None, None, fiscal_start, end)
    return None


def _parse_single(cleaned: str, rules: _Rules, text: str) -> Period:
    if match := _YEAR_ONLY.fullmatch(cleaned):
        return _year_period(match["fy"], match["year"], None, None, rules, text)
    for pattern in (_YEAR_PART, _PART_YEAR):
        if match := pattern.fullmatch(cleaned):
            kind = match["kind"] or match["kind2"]
            number = int(match["num"] or match["num2"])
            prefix = match["fy"] or _bare_prefix(rules, kind, number, match["year"], text)
            return _year_period(prefix, match["year"], kind, number, rules, text)
    if match := _FISCAL_PART.fullmatch(cleaned):
        kind = match["kind"] or match["kind2"]
        number = int(match["num"] or match["num2"])
        return _fiscal_part(_full_year(match["year"] or match["year2"], text), kind, number, rules, text)
    if match := _FIRST_MONTHS.fullmatch(cleaned):
        return _first_months(int(match["months"]), _full_year(match["year"], text), rules, text)
    if cleaned in MONTHS:
        raise PeriodError(f"period {text!r} has no year", f"write e.g. '2024-{MONTHS[cleaned]:02d}'")
    try:
        partial = parse_partial_date(cleaned)
    except DateError as error:
        if error.suggestion == DATE_FORMS:
            raise PeriodError(f"cannot read {text!r} as a period") from None
        raise PeriodError(error.problem, error.suggestion) from None
    start = partial.start
    label = {
        "year": str(start.year),
        "month": f"{start.year}-{start.month:02d}",
        "day": start.isoformat(),
    }[partial.precision]
    return Period(label, partial.precision, partial.start, partial.end)


def _bare_prefix(rules: _Rules, kind: str, number: int, year: str, text: str) -> str | None:
    """What a quarter or half label without FY/CY means: calendar on a January fiscal year of calendar months;
    otherwise what the dataset settings say (periods.bare_quarter_labels), else refused."""
    if (rules.fiscal_start == 1 and rules.calendar is None) or rules.bare == "calendar":
        return None
    if rules.bare == "fiscal":
        return "FY"
    year = year if len(year) == 4 else f"20{year}"
    keeps = (
        f"entity keeps {rules.calendar.describe()}"
        if rules.calendar is not None
        else f"entity's fiscal year starts in month {rules.fiscal_start}"
    )
    raise PeriodError(
        f"period {text!r} is ambiguous: the {keeps}, so it may be the fiscal or the calendar quarter",
        f"write 'FY{year}-{kind}{number}' (fiscal) or 'CY{year}-{kind}{number}' (calendar), or set "
        "periods.bare_quarter_labels in dataset.toml",
    )


def _full_year(year_text: str, text: str) -> int:
    year = int(year_text) + 2000 if len(year_text) == 2 else int(year_text)
    try:
        check_year(year, text)
    except DateError as error:
        raise PeriodError(error.problem, error.suggestion) from None
    return year


def _year_period(
    prefix: str | None, year_text: str, kind: str | None, number: int | None, rules: _Rules, text: str
) -> Period:
    if prefix is None and len(year_text) == 2 and kind is None:
        raise PeriodError(f"cannot read {text!r} as a period")
    year = _full_year(year_text, text)
    if kind is not None:
        count = 2 if kind == "H" else 4
        if number is None or not 1 <= number <= count:
            name = "halves run H1-H2" if kind == "H" else "quarters run Q1-Q4"
            raise PeriodError(f"no {kind}{number} in {text!r}", f"{name}, e.g. '{year}-{kind}1'")
    if prefix == "FY" and rules.calendar is not None:
        return _retail(year, kind, number, rules.calendar)
    if prefix == "FY" and rules.fiscal_start != 1:
        return _fiscal(year, kind, number, rules.fiscal_start)
    if kind is None:
        return Period(str(year), "year", date(year, 1, 1), date(year, 12, 31))
    months = 6 if kind == "H" else 3
    start = date(year, (number - 1) * months + 1, 1)
    end = add_months(start, months) - timedelta(days=1)
    return Period(f"{year}-{kind}{number}", "half" if kind == "H" else "quarter", start, end)


def _fiscal(
    year: int, kind: str | None, number: int | None, fiscal_start: int, end: date | None = None
) -> Period:
    """Fiscal year `year` ends in calendar year `year`: start month 10 makes FY2024 = 2023-10-01..2024-09-30."""
    year_start = date(year - 1, fiscal_start, 1)
    if kind is None:
        return Period(f"FY{year}", "year", year_start, add_months(year_start, 12) - timedelta(days=1))
    months = 6 if kind == "H" else 3
    start = add_months(year_start, (number - 1) * months)
    end = add_months(start, months) - timedelta(days=1)
    return Period(f"FY{year}-{kind}{number}", "half" if kind == "H" else "quarter", start, end)


def _retail(year: int, kind: str | None, number: int | None, calendar: RetailCalendar) -> Period:
    """FY `year`, or its half or quarter, in the weeks of a retail calendar."""
    fy = calendar.fiscal_year(year)
    if kind is None:
        return Period(f"FY{year}", "year", fy.start, fy.end)
    if kind == "H":
        start, end = fy.quarters[2 * number - 2][0], fy.quarters[2 * number - 1][1]
        return Period(f"FY{year}-H{number}", "half", start, end)
    start, end = fy.quarters[number - 1]
    return Period(f"FY{year}-Q{number}", "quarter", start, end)


def _fiscal_part(year: int, kind: str, number: int, rules: _Rules, text: str) -> Period:
    """Fiscal month `number` ('FY2012-M02', 'P' for period alike) or week ('FY2012-W05') of FY `year`."""
    calendar = rules.calendar
    if kind == "W":
        if calendar is None:
            raise PeriodError(
                f"period {text!r} is a fiscal week, and the entity keeps no retail calendar",
                "declare the entity's calendar and year_end in its entities file (e.g. 4-5-4, 'last Saturday "
                "of January'), or write the week as its dates, e.g. '2024-02-03..2024-02-09'",
            )
        fy = calendar.fiscal_year(year)
        if not 1 <= number <= fy.weeks:
            raise PeriodError(
                f"no week {number} in {text!r}: FY{year} has {fy.weeks} weeks",
                f"weeks of FY{year} run W01-W{fy.weeks}",
            )
        start = fy.start + timedelta(days=7 * (number - 1))
        return Period(f"FY{year}-W{number:02d}", "week", start, start + timedelta(days=6))
    if not 1 <= number <= 12:
        raise PeriodError(
            f"no fiscal month {number} in {text!r}", f"fiscal months run M01-M12, e.g. 'FY{year}-M01'"
        )
    if calendar is not None:
        start, end = calendar.fiscal_year(year).months[number - 1]
        return Period(f"FY{year}-M{number:02d}", "month", start, end)
    # a fiscal year of calendar months: its month `number` is a calendar month, labelled as one
    first = date(year - 1, rules.fiscal_start, 1) if rules.fiscal_start != 1 else date(year, 1, 1)
    start = add_months(first, number - 1)
    return Period(f"{start.year}-{start.month:02d}", "month", start, month_end(start.year, start.month))


def _first_months(months: int, year: int, rules: _Rules, text: str) -> Period:
    if not 1 <= months <= 12:
        raise PeriodError(
            f"cannot read {text!r} as a period", "write e.g. '9M 2024' for January to September"
        )
    start = date(year, 1, 1)
    end = month_end(year, months)
    named = _named_period(start, end, rules)
    if named is not None:
        return named
    return Period(f"{year}-01..{year}-{months:02d}", "span", start, end)
