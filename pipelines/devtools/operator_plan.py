"""The operator demo's plan: monthly and quarterly projections, one mid-year revision, annual targets.

An illustrative marketplace plans each calendar year on 1 December of the year before (the usual operating
plan): monthly and quarterly projections of gmv, net_gmv and orders for every country and region, and an
annual gmv target per region set a stretch above the plan. The plan knows the demo's events that happened
before it was made (at their true size); on 1 July 2024 the second half of 2024 is revised once, under-
estimating the events of that half-year (`REVISION_ASSUMES`), so shortfalls go on after the revision.

All values are computed from the generator's own expected volumes (`planned_orders`: orders per month and
country before any shock), so the plan and the orders agree where no event intervenes; actuals then
differ from the plan by sampling noise (basket sizes, cancellations, refunds) and by the events.
Shapes: `plan_figures` returns the canonical figure columns (docs/data-formats.md, section 3).
"""

from __future__ import annotations

from datetime import date

import polars as pl

ILLUSTRATIVE = "Illustrative data (generated; not a real company)"
PLAN_MADE_ON = "12-01"  # the plan for year Y is made on Y-1-12-01
REVISION_AS_OF = date(2024, 7, 1)  # the one mid-year revision: second half of 2024
# The revision's assumption about each event's size (share of orders lost), against the true size.
REVISION_ASSUMES = {"TH": 0.30, "DE": 0.05}
TARGET_STRETCH = 1.03  # the annual target is 3% above the plan (a stretch goal)
TARGET_REGION_LEVELS = ("world", "region", "subregion")  # targets: the world and regions, not countries
METRIC_UNITS = {"gmv": "USD", "net_gmv": "USD", "orders": "count"}


def plan_source_id(vintage: str) -> str:
    return f"illustrative-plan-{vintage}"


def _lost_share(plan: pl.DataFrame, shocks: dict, known_before: date, assumed: dict | None) -> pl.Expr:
    """Share of each month's orders the planner expects to lose to events dated before `known_before`."""
    lost = pl.lit(0.0)
    for country, (event, share) in shocks.items():
        if event >= known_before:
            continue
        size = (assumed or {}).get(country, share)
        month_first = pl.col("month").str.to_date("%Y-%m")
        month_end = month_first.dt.offset_by("1mo")
        days = (month_end - month_first).dt.total_days()
        after = (month_end - pl.max_horizontal(month_first, pl.lit(event))).dt.total_days().clip(0, None)
        lost = pl.when(pl.col("country") == country).then(size * after / days).otherwise(lost)
    return lost


def _country_values(plan: pl.DataFrame, countries: pl.DataFrame, lost: pl.Expr) -> pl.DataFrame:
    placed = pl.col("expected") * (1 - pl.col("lost"))
    return (
        plan.with_columns(lost=lost)
        .join(countries, on="country")
        .select(
            "month",
            "country",
            gmv=placed * pl.col("basket_usd") * (1 - pl.col("cancelled")),
            net_gmv=placed * pl.col("basket_usd") * (1 - pl.col("cancelled") - pl.col("refunded")),
            orders=placed * (1 - pl.col("cancelled")),
        )
    )


def _by_region(values: pl.DataFrame, regions: pl.DataFrame) -> pl.DataFrame:
    """Country values summed into every region above them: month, region, level, metric, value."""
    paths = regions.select("region_code", "path")
    levels = regions.select(pl.col("region_code").alias("region"), "level")
    return (
        values.join(paths, left_on="country", right_on="region_code")
        .with_columns(region=pl.col("path").str.split("/"))
        .explode("region")
        .group_by("month", "region")
        .agg(pl.col(*METRIC_UNITS).sum())
        .unpivot(index=["month", "region"], variable_name="metric", value_name="value")
        .join(levels, on="region", how="left")
    )


def _figures(frame: pl.DataFrame, entity: str, kind: str, vintage: str, as_of: date, note: str):
    return frame.select(
        figure_id=pl.concat_str(
            pl.lit(f"illustrative:{kind}:{vintage}"), "metric", "region", "period", separator=":"
        ),
        entity=pl.lit(entity),
        metric="metric",
        region="region",
        period="period",
        kind=pl.lit(kind),
        value="value",
        value_high=pl.lit(None, pl.Float64),
        bound=pl.lit("approx"),
        unit=pl.col("metric").replace_strict(METRIC_UNITS),
        direction=pl.lit(None, pl.String),
        as_of=pl.lit(as_of.isoformat()),
        source_id=pl.lit(plan_source_id(vintage)),
        note=pl.lit(f"{ILLUSTRATIVE}. {note}"),
    )


def _vintage(monthly: pl.DataFrame, entity: str, vintage: str, as_of: date, note: str) -> list[pl.DataFrame]:
    """One vintage's monthly projections, their quarters (rounded to thousands) and, for a yearly plan,
    the annual gmv targets of the world and the regions."""
    months = monthly.with_columns(period="month", value=pl.col("value").round(2))
    quarters = (
        monthly.with_columns(
            period=pl.col("month").str.slice(0, 4)
            + "-Q"
            + ((pl.col("month").str.slice(5, 2).cast(pl.Int32) - 1) // 3 + 1).cast(pl.String)
        )
        .group_by("period", "region", "metric", "level")
        .agg(pl.col("value").sum(), pl.len().alias("months"))
        .filter(pl.col("months") == 3)
        .with_columns((pl.col("value") / 1e3).round() * 1e3)
    )
    out = [
        _figures(months, entity, "projection", vintage, as_of, f"Monthly projection ({note})."),
        _figures(quarters, entity, "projection", vintage, as_of, f"Quarterly projection ({note})."),
    ]
    if monthly["month"].n_unique() == 12:
        years = (
            monthly.filter((pl.col("metric") == "gmv") & pl.col("level").is_in(TARGET_REGION_LEVELS))
            .group_by("region", "metric")
            .agg((pl.col("value").sum() * TARGET_STRETCH / 1e5).round() * 1e5)
            .with_columns(period=pl.lit(monthly["month"][0][:4]))
        )
        out.append(
            _figures(years, entity, "target", vintage, as_of, f"Annual target, {note}, 3% above plan.")
        )
    return out


def plan_figures(
    plan: pl.DataFrame, countries: pl.DataFrame, regions: pl.DataFrame, shocks: dict, entity: str
) -> pl.DataFrame:
    """Every expectation of the demo, in canonical figure columns.

    plan: month, country, expected (orders before any shock; `planned_orders`); countries: the generator's
    COUNTRIES; regions: region_code, level, path; shocks: country -> (event date, share of orders lost)."""
    frames = []
    for year in sorted({m[:4] for m in plan["month"]}):
        made = date.fromisoformat(f"{int(year) - 1}-{PLAN_MADE_ON}")
        year_plan = plan.filter(pl.col("month").str.starts_with(year))
        values = _by_region(
            _country_values(year_plan, countries, _lost_share(year_plan, shocks, made, None)), regions
        )
        frames += _vintage(values, entity, year, made, f"operating plan for {year}, made {made}")
    h2 = plan.filter(
        pl.col("month").is_between(pl.lit(f"{REVISION_AS_OF:%Y-%m}"), pl.lit(f"{REVISION_AS_OF.year}-12"))
    )
    lost = _lost_share(h2, shocks, REVISION_AS_OF, REVISION_ASSUMES)
    revised = _by_region(_country_values(h2, countries, lost), regions)
    frames += _vintage(
        revised,
        entity,
        f"{REVISION_AS_OF.year}-midyear-revision",
        REVISION_AS_OF,
        f"mid-year revision of the second half of {REVISION_AS_OF.year}, made {REVISION_AS_OF}",
    )
    return pl.concat(frames).sort("figure_id")


def plan_sources(plan: pl.DataFrame, entity: str) -> list[dict]:
    """One source per plan vintage (reliability internal), each saying the data are illustrative."""
    rows = []
    for year in sorted({m[:4] for m in plan["month"]}):
        rows.append(
            {
                "source_id": plan_source_id(year),
                "publisher": f"{entity} (illustrative)",
                "title": f"{ILLUSTRATIVE}: operating plan for {year} (monthly and quarterly projections, "
                "annual targets)",
                "published_on": f"{int(year) - 1}-{PLAN_MADE_ON}",
                "reliability": "internal",
                "note": "Made by `impact demo` from the order generator's expected volumes.",
            }
        )
    rows.append(
        {
            "source_id": plan_source_id(f"{REVISION_AS_OF.year}-midyear-revision"),
            "publisher": f"{entity} (illustrative)",
            "title": f"{ILLUSTRATIVE}: mid-year revision of the second half of {REVISION_AS_OF.year}",
            "published_on": REVISION_AS_OF.isoformat(),
            "reliability": "internal",
            "note": "Under-estimates the events of that half-year: "
            + ", ".join(f"{c} {s:.0%} of orders lost" for c, s in REVISION_ASSUMES.items()),
        }
    )
    return rows
