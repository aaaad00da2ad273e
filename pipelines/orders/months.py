"""Calendar months as the orders path names them ('2024-09')."""

from __future__ import annotations

from datetime import date

from pipelines.normalise.dates import month_index, month_of_index


def month_start(month: str) -> date:
    """'2024-09' -> date(2024, 9, 1); raises ValueError with the bad label otherwise."""
    try:
        year, mon = month.split("-")
        return date(int(year), int(mon), 1)
    except ValueError as error:
        raise ValueError(f"month {month!r} is not of the form YYYY-MM (e.g. 2024-09)") from error


def next_month(day: date) -> date:
    """The first day of the month after the one containing `day`."""
    return month_of_index(month_index(day) + 1)
