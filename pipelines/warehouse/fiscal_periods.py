"""The `fiscal_periods` table (sql/tables/fiscal_periods.sql): each retail-calendar entity's fiscal years, halves,
quarters and months as dated rows, so SQL can step from a period to the same one a year (or a quarter) earlier by
the calendar, as the entity reports it, instead of by calendar months or a fixed number of weeks."""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.normalise.retail_calendar import parse_calendar

COLUMNS = ("entity", "fiscal_year", "grain", "position", "period", "period_start", "period_end", "weeks")


def fiscal_periods(entities: pl.DataFrame, first: date | None, last: date | None) -> pl.DataFrame:
    """Rows of `fiscal_periods` for every entity of `entities` (the entities table's frame) with a `calendar`,
    for the fiscal years from the one before `first` to the one after `last` (the figures' first and last days;
    none without figures). Columns as the table's; empty when no entity keeps a retail calendar. A calendar that
    cannot be read was refused when the entities were loaded, so none reaches here."""
    rows: list[tuple] = []
    if first is not None and last is not None and "calendar" in entities.columns:
        keeping = entities.filter(pl.col("calendar").is_not_null())
        for entity, pattern, year_end, named_by in keeping.select(
            "entity", "calendar", "year_end", "fiscal_year_named_by"
        ).iter_rows():
            cal = parse_calendar(pattern, year_end, named_by)
            for year in range(cal.year_containing(first).year - 1, cal.year_containing(last).year + 2):
                rows += _year_rows(entity, cal.fiscal_year(year))
    return pl.DataFrame(
        rows,
        schema={
            "entity": pl.String,
            "fiscal_year": pl.Int32,
            "grain": pl.String,
            "position": pl.Int32,
            "period": pl.String,
            "period_start": pl.Date,
            "period_end": pl.Date,
            "weeks": pl.Int32,
        },
        orient="row",
    )


def _year_rows(entity: str, fy) -> list[tuple]:
    def row(grain: str, position: int, label: str, start: date, end: date) -> tuple:
        return (entity, fy.year, grain, position, label, start, end, ((end - start).days + 1) // 7)

    q = fy.quarters
    return [
        row("year", 1, f"FY{fy.year}", fy.start, fy.end),
        row("half", 1, f"FY{fy.year}-H1", q[0][0], q[1][1]),
        row("half", 2, f"FY{fy.year}-H2", q[2][0], q[3][1]),
        *(row("quarter", i + 1, f"FY{fy.year}-Q{i + 1}", s, e) for i, (s, e) in enumerate(q)),
        *(row("month", i + 1, f"FY{fy.year}-M{i + 1:02d}", s, e) for i, (s, e) in enumerate(fy.months)),
    ]
