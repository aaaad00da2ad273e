"""Partial dates: '2024', '2024-11', '2024-11-06' (or a date) become an inclusive range with a precision."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from pipelines.normalise.errors import InputError

MIN_YEAR = 1900
MAX_YEAR = 2100

DATE_FORMS = "write dates as '2024', '2024-11' or '2024-11-06'"

MONTHS: dict[str, int] = {
    **{name.upper(): i for i, name in enumerate(calendar.month_name) if name},
    **{abbr.upper(): i for i, abbr in enumerate(calendar.month_abbr) if abbr},
    "SEPT": 9,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))

_ISO = re.compile(
    r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?.*)?"
)
_MONTH_YEAR = re.compile(rf"(?:(\d{{1,2}})\s+)?({_MONTH_NAMES})\.?(?:\s+(\d{{1,2}}))?,?\s+(\d{{4}})")
_YEAR_MONTH_NAME = re.compile(rf"(\d{{4}})[-\s]+({_MONTH_NAMES})")


class DateError(InputError):
    """A date that cannot be read; `suggestion` says how to write it."""

    default_suggestion = DATE_FORMS


@dataclass(frozen=True)
class PartialDate:
    start: date
    end: date  # inclusive
    precision: str  # 'year' | 'month' | 'day'


def check_year(year: int, text: object) -> None:
    """Reject implausible years: reported business figures live between 1900 and 2100."""
    if year < MIN_YEAR:
        raise DateError(f"implausible year {year} in {text!r}", f"years must be {MIN_YEAR} or later")
    if year > MAX_YEAR:
        raise DateError(f"far-future year {year} in {text!r}", f"years must be {MAX_YEAR} or earlier")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def month_index(day: date) -> int:
    """A running number of the month containing `day` (year * 12 + month - 1): consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def month_of_index(index: int) -> date:
    """The first day of the month numbered `index` (month_index's inverse)."""
    return date(index // 12, index % 12 + 1, 1)


def month_after(month: int) -> int:
    """The month of the year after `month` (1-12): 12 -> 1."""
    return month % 12 + 1


def add_months(first_of_month: date, months: int) -> date:
    """The first day of the month `months` after (negative: before) the month of `first_of_month`."""
    return month_of_index(month_index(first_of_month) + months)


def build_partial_date(year: int, month: int | None, day: int | None, text: object) -> PartialDate:
    check_year(year, text)
    if month is None:
        return PartialDate(date(year, 1, 1), date(year, 12, 31), "year")
    if not 1 <= month <= 12:
        raise DateError(f"month {month} out of range in {text!r}", "months run from 01 to 12")
    if day is None:
        return PartialDate(date(year, month, 1), month_end(year, month), "month")
    try:
        day_date = date(year, month, day)
    except ValueError:
        last = calendar.monthrange(year, month)[1]
        raise DateError(
            f"day {day} does not exist in {year}-{month:02d} in {text!r}",
            f"{year}-{month:02d} has {last} days",
        ) from None
    return PartialDate(day_date, day_date, "day")


def parse_partial_date(text: str | date | datetime) -> PartialDate:
    """Read a date that may be only a year or a month; the result covers the whole year or month."""
    if isinstance(text, datetime):
        text = text.date()
    if isinstance(text, date):
        check_year(text.year, text)
        return PartialDate(text, text, "day")
    if not isinstance(text, str):
        raise DateError(f"expected a date, got {type(text).__name__} {text!r}")
    cleaned = " ".join(text.strip().upper().split())
    if not cleaned:
        raise DateError("empty date")
    if match := _ISO.fullmatch(cleaned):
        year, month, day = match.groups()
        return build_partial_date(int(year), _int(month), _int(day), text)
    if match := _MONTH_YEAR.fullmatch(cleaned):
        day_before, month_name, day_after, year = match.groups()
        day = _int(day_before or day_after)
        return build_partial_date(int(year), MONTHS[month_name], day, text)
    if match := _YEAR_MONTH_NAME.fullmatch(cleaned):
        return build_partial_date(int(match[1]), MONTHS[match[2]], None, text)
    raise DateError(f"cannot read {text!r} as a date")


def _int(value: str | None) -> int | None:
    return int(value) if value is not None else None
