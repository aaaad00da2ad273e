"""Day figures that stand for longer periods: a month's, a quarter's or a week's total written on one date.

Exports label periods with dates: a month as its first day (`2024-01-01`, the commonest BI and ERP export),
a month or a quarter as its last day (`2024-03-31`), a week as the day it starts or ends (Walmart's weekly
sales file dates each week by its Friday). Read as written, each is a *day's* figure, and a day's figure is
paced and compared as one day: January's 100 written on `2024-01-01` against a January budget of 100 read
31 times ahead of pace (pacing's to-date point is that one day), and a year's budget said "actuals cover 4
of 12 months" while no month was loaded. Nothing in the row can say which period was meant (the week that
starts on 2011-01-29 or the one that ends on it), so the product refuses such rows with the spellings that
say it, and never guesses.

A series here is the figures of one file with one entity, metric, region, kind and source, at day grain,
with a value, of an additive metric (a stock such as headcount is rightly dated by its day). It is refused
whole when its dates are a calendar of labels rather than days:
- every date is the first of its month, or every date the last day of its month (two or more figures); or
- three or more figures, all a multiple of 7 days apart, and none closer (weeks).
Genuine daily figures have neighbours (the daily-actuals case writes every day), and a one-day event such as
Singles' Day (11 November each year) is neither a month's first or last day nor 7 days from another.

Pure Polars: `refuse_period_dates(rows, additive)` -> (rows kept, issues in ISSUE_SCHEMA).
"""

from __future__ import annotations

from datetime import date, timedelta
from math import gcd

import polars as pl

from pipelines.ingest.combine import explode_lines
from pipelines.ingest.problems import ISSUE_SCHEMA
from pipelines.ingest.readers import ROW
from pipelines.normalise.dates import month_index

SERIES = ("entity", "metric", "region_code", "kind", "source_id")
_SHOWN = 4  # dates named in a reason


def refuse_period_dates(rows: pl.DataFrame, additive: set[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`rows`: one file's figure rows (ROW, SERIES, grain, period_start, value, value_raw; LINES after
    combine). `additive`: the metrics whose figures add up over time (metrics.additive). Returns the rows
    not refused and one issue per refused line, naming the series' dates and the spellings to use."""
    c = pl.col
    days = rows.filter((c("grain") == "day") & c("value").is_not_null() & c("metric").is_in(sorted(additive)))
    if days.height < 2:
        return rows, pl.DataFrame(schema=ISSUE_SCHEMA)
    refused = []
    for key, series in days.group_by(SERIES, maintain_order=True):
        dates = sorted(set(series["period_start"].to_list()))
        found = _labels(dates)
        if found is not None:
            refused.append(series.with_columns(pl.lit(_reason(key, dates, found)).alias("reason")))
    if not refused:
        return rows, pl.DataFrame(schema=ISSUE_SCHEMA)
    hit = pl.concat(refused, how="vertical_relaxed")
    issues = explode_lines(hit).select(
        c(ROW),
        pl.lit("period").alias("column_name"),
        c("period").cast(pl.String).alias("value"),
        c("reason"),
        pl.lit(
            "write each period as what it is; if each really is one day's figure, write the days between too "
            "(a day not written is never read as zero)"
        ).alias("suggestion"),
    )
    kept = rows.join(hit.select(ROW), on=ROW, how="anti", maintain_order="left")
    return kept, issues.cast(ISSUE_SCHEMA)


def _labels(dates: list[date]) -> str | None:
    """'first', 'last' or 'week' when the dates are labels of longer periods (module docstring), else None."""
    if len(dates) < 2:
        return None
    if all(d.day == 1 for d in dates):
        return "first"
    if all((d + timedelta(days=1)).day == 1 for d in dates):
        return "last"
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    if len(dates) >= 3 and all(g % 7 == 0 for g in gaps) and min(gaps) == 7:
        return "week"
    return None


def _months_step(dates: list[date]) -> int:
    """The months between consecutive dates' months, as their greatest common step (1, 3, 12; 0 for one)."""
    months = [month_index(d) for d in dates]
    step = 0
    for a, b in zip(months, months[1:], strict=False):
        step = gcd(step, b - a)
    return step


def _period_of(d: date, found: str, step: int) -> str:
    """The calendar period a first- or last-day label most likely names: its month, quarter or year."""
    if step % 12 == 0 and d.month == (1 if found == "first" else 12):
        return f"{d.year}"
    if step % 3 == 0 and (d.month - (1 if found == "first" else 3)) % 3 == 0:
        return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
    return f"{d.year}-{d.month:02d}"


def _reason(key: tuple, dates: list[date], found: str) -> str:
    entity, metric, region, kind, source = key
    shown = ", ".join(d.isoformat() for d in dates[:_SHOWN]) + (", ..." if len(dates) > _SHOWN else "")
    series = f"{entity} {metric} {region} ({kind}, source {source}): {len(dates)} day figures ({shown})"
    if found == "week":
        d = dates[0]
        starts = f"{d.isoformat()}..{(d + timedelta(days=6)).isoformat()}"
        ends = f"{(d - timedelta(days=6)).isoformat()}..{d.isoformat()}"
        return (
            f"{series}, each a multiple of 7 days from the next and none closer: a week's figure written on one "
            f"day would be paced and compared as that day. Write the week as its span: {starts} if it starts "
            f"on {d.isoformat()}, {ends} if it ends on it (or FY....-Wnn on a retail calendar)"
        )
    step = _months_step(dates) or 1
    which = "first" if found == "first" else "last"
    examples = ", ".join(f"{d.isoformat()} -> {_period_of(d, found, step)}" for d in dates[:2])
    return (
        f"{series}, every one on the {which} day of its month and no day between: a period's figure written as "
        f"its {which} day would be paced and compared as that one day. Write the period it stands for "
        f"({examples})"
    )
