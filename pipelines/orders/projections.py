"""The generator's monthly projections (what the plan expected before the shock) as canonical figures."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import polars as pl

from pipelines.orders.build import SOURCE_COLUMNS, write_parquet
from pipelines.orders.months import month_start

PROJECTIONS_SOURCE_ID = "orders-projections-synthetic"
EVENTS_SOURCE_ID = "orders-generator-synthetic"


def projection_figures(
    cfg, plan: pl.DataFrame, countries: pl.DataFrame, regions: pl.DataFrame
) -> pl.DataFrame:
    """Expected gmv, net_gmv and orders per country and region, set the month before the first month.

    The plan does not know about the shock and is `projection_bias` too optimistic, so actuals fall short
    slightly everywhere and clearly in the shocked country after the event date."""
    as_of = (month_start(cfg.start) - timedelta(days=1)).replace(day=1).isoformat()
    by_country = (
        plan.join(countries, on="country")
        .join(regions.filter(pl.col("level") == "country"), left_on="country", right_on="region_code")
        .with_columns(placed=pl.col("expected") * (1 + cfg.projection_bias))
        .select(
            "month",
            "path",
            gmv=pl.col("placed") * pl.col("basket_usd") * (1 - pl.col("cancelled")),
            net_gmv=pl.col("placed") * pl.col("basket_usd") * (1 - pl.col("cancelled") - pl.col("refunded")),
            orders=pl.col("placed") * (1 - pl.col("cancelled")),
        )
    )
    by_region = (
        by_country.with_columns(region=pl.col("path").str.split("/"))
        .explode("region")
        .group_by("month", "region")
        .agg(pl.col("gmv", "net_gmv", "orders").sum())
        .unpivot(index=["month", "region"], variable_name="metric", value_name="value")
    )
    note = "Synthetic data: monthly plan from the order generator, set before the first month."
    return by_region.sort("metric", "region", "month").select(
        figure_id=pl.concat_str(
            pl.lit("orders-projection"), pl.lit(cfg.entity), "metric", "region", "month", separator=":"
        ),
        entity=pl.lit(cfg.entity),
        metric="metric",
        region="region",
        period="month",
        kind=pl.lit("projection"),
        value=pl.col("value").round(2),
        value_high=pl.lit(None, pl.Float64),
        bound=pl.lit("approx"),
        unit=pl.when(pl.col("metric") == "orders").then(pl.lit("count")).otherwise(pl.lit("USD")),
        direction=pl.lit(None, pl.String),
        as_of=pl.lit(as_of),
        source_id=pl.lit(PROJECTIONS_SOURCE_ID),
        note=pl.lit(note),
    )


def write_projection_dataset(cfg, figures: pl.DataFrame, dataset: Path) -> None:
    """figures-projections.parquet plus the generator's sources, events and entities (CSV) in the dataset folder."""
    dataset.mkdir(parents=True, exist_ok=True)
    write_parquet(figures, dataset / "figures-projections.parquet")
    sources = [
        {
            "source_id": PROJECTIONS_SOURCE_ID,
            "publisher": "Order generator",
            "title": f"Monthly projections for {cfg.entity} (synthetic data)",
            "published_on": figures["as_of"][0],
            "reliability": "internal",
            "note": f"Generated with seed {cfg.seed}; not real data.",
        },
        {
            "source_id": EVENTS_SOURCE_ID,
            "publisher": "Order generator",
            "title": "Shock built into the synthetic order data",
            "published_on": cfg.shock_date,
            "reliability": "internal",
            "note": "Synthetic data; the event date and size are generator settings.",
        },
    ]
    _write_csv(dataset / "sources-generator.csv", SOURCE_COLUMNS, sources)
    event = {
        "event_id": "orders-generator-shock",
        "date": cfg.shock_date,
        "date_end": "",
        "status": "effective",
        "jurisdiction": cfg.shock_country,
        "category": "other",
        "title": f"Synthetic shock: {cfg.entity} orders in {cfg.shock_country} fall {cfg.shock:.0%}",
        "entity": cfg.entity,
        "source_id": EVENTS_SOURCE_ID,
        "note": "Synthetic data (order generator setting).",
    }
    _write_csv(dataset / "events-generator.csv", list(event), [event])
    entity = {
        "entity": cfg.entity,
        "parent": "",
        "fiscal_year_start_month": "1",
        "description": "Synthetic e-commerce business made by the order generator (not real data)",
    }
    _write_csv(dataset / "entities-generator.csv", list(entity), [entity])


def _write_csv(path: Path, columns, rows: list[dict]) -> None:
    tmp = path.with_name(f"_{path.name}.tmp")
    with tmp.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)
