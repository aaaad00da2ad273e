"""Period arithmetic for daily, monthly, quarterly, half-yearly and yearly series: positions relative to an event."""

from __future__ import annotations

from datetime import date

from pipelines.normalise.dates import month_index, month_of_index

# months per period and k periods each side of an event, per grain: sql/views/base/grain_order.sql
from pipelines.warehouse.rules import GRAIN_ORDER, MONTHS_PER_PERIOD, WINDOW_K

# The grains an effect can be estimated on, finest first: days (a geo test) and the periodic grains.
EFFECT_GRAINS: tuple[str, ...] = ("day", *GRAIN_ORDER)


def period_index(day: date, grain: str) -> int:
    """A running number of the period containing `day` (consecutive periods differ by one)."""
    if grain == "day":
        return day.toordinal()
    return month_index(day) // MONTHS_PER_PERIOD[grain]


def period_start(index: int, grain: str) -> date:
    if grain == "day":
        return date.fromordinal(index)
    return month_of_index(index * MONTHS_PER_PERIOD[grain])


def period_end(index: int, grain: str) -> date:
    if grain == "day":
        return date.fromordinal(index)
    nxt = period_start(index + 1, grain)
    return date.fromordinal(nxt.toordinal() - 1)


def label(index: int, grain: str) -> str:
    start = period_start(index, grain)
    if grain == "day":
        return start.isoformat()
    if grain == "month":
        return f"{start.year}-{start.month:02d}"
    if grain == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if grain == "half":
        return f"{start.year}-H{(start.month - 1) // 6 + 1}"
    return str(start.year)


def window_around(start: date, end: date, grain: str) -> tuple[date, date]:
    """The k-period window around a period (or, for spans and days, the period itself)."""
    if grain not in WINDOW_K:
        return start, end
    k = WINDOW_K[grain]
    return period_start(period_index(start, grain) - k, grain), period_end(
        period_index(end, grain) + k, grain
    )


def event_span(day: date, grain: str) -> tuple[date, date]:
    """The k-period window around the period containing an event dated `day`: the dates the Impact page's flags
    and its narrative's events both speak of (sql/views/analysis/event_windows.sql's window_start, window_end)."""
    idx = period_index(day, grain)
    return window_around(period_start(idx, grain), period_end(idx, grain), grain)


def window_words(window: tuple[date, date]) -> str:
    """'2023-01-01 to 2027-12-31': a window's dates as every sentence about them says them."""
    return f"{window[0]:%Y-%m-%d} to {window[1]:%Y-%m-%d}"
