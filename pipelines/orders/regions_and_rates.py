"""Region paths and monthly FX rates as small tables for the order aggregation: which regions a country's
orders roll up into, and how many USD one unit of a currency was worth in a month."""

from __future__ import annotations

from functools import cache

import polars as pl

from pipelines.normalise.fx import monthly_rates as core_monthly_rates
from pipelines.normalise.regions import load_reference_regions


@cache
def region_paths() -> pl.DataFrame:
    """Every region with its ancestor path: columns region_code, level, path ('WORLD/APAC/SEA/VN').

    The warehouse's own region reference (`pipelines.normalise.regions`), so orders roll up like figures."""
    regions, _resolver = load_reference_regions()
    return regions.select("region_code", "level", "path")


@cache
def monthly_rates() -> pl.DataFrame:
    """Monthly average rates: columns currency, month (date, first of month), usd_per_unit
    (`pipelines.normalise.fx`, the same rates the figures are converted with)."""
    return core_monthly_rates().select("currency", "month", "usd_per_unit")
