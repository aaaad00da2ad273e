"""Small hand-written order files and reference tables for the orders tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from pipelines.devtools.orders_generator import GeneratorConfig

SEP = datetime(2024, 9, 1, tzinfo=UTC)


def write_orders(path: Path, rows: list[tuple]) -> Path:
    """rows: (order_id, ordered_at, country, currency, amount, status)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = pl.DataFrame(
        rows,
        schema={
            "order_id": pl.Int64,
            "ordered_at": pl.Datetime("us", "UTC"),
            "country": pl.String,
            "currency": pl.String,
            "amount": pl.Float64,
            "status": pl.String,
        },
        orient="row",
    )
    frame.write_parquet(path)
    return path


@pytest.fixture
def tiny_regions() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "region_code": ["WORLD", "APAC", "SEA", "NAM", "ID", "TH", "US"],
            "level": ["world", "region", "subregion", "region", "country", "country", "country"],
            "path": [
                "WORLD",
                "WORLD/APAC",
                "WORLD/APAC/SEA",
                "WORLD/NAM",
                "WORLD/APAC/SEA/ID",
                "WORLD/APAC/SEA/TH",
                "WORLD/NAM/US",
            ],
        }
    )


@pytest.fixture
def tiny_rates() -> pl.DataFrame:
    # Round rates so the expected USD values can be checked by hand.
    return pl.DataFrame(
        {
            "currency": ["USD", "IDR", "THB", "THB"],
            "month": [date(2024, 9, 1), date(2024, 9, 1), date(2024, 9, 1), date(2024, 8, 1)],
            "usd_per_unit": [1.0, 0.0001, 0.03, 0.5],
        }
    )


@pytest.fixture
def september_orders(tmp_path) -> Path:
    """Seven good orders and six bad ones, one per reason (two for the timestamp)."""
    t = SEP.replace(day=15)
    return write_orders(
        tmp_path / "orders" / "year=2024" / "month=09" / "part-0.parquet",
        [
            (1, t, "ID", "IDR", 100_000, "completed"),  # 10 USD
            (2, t, "ID", "IDR", 200_000, "refunded"),  # 20 USD: in gmv, not in net_gmv
            (3, t, "ID", "IDR", 500_000, "cancelled"),  # 50 USD: in neither, not counted
            (4, t, "TH", "THB", 1_000, "completed"),  # 30 USD
            (5, t, "TH", "THB", 500, "shipped"),  # 15 USD: other statuses count like completed
            (6, t, "US", "USD", 40, "completed"),
            (7, t, "US", "USD", 60, "refunded"),
            (8, t, "US", "USD", None, "completed"),  # missing_amount
            (9, t, "UK", "GBP", 10, "completed"),  # unknown_country ('UK' is not ISO; GB is)
            (10, t, "US", "RMB", 10, "completed"),  # unknown_currency
            (11, datetime(2024, 10, 1, tzinfo=UTC), "US", "USD", 10, "completed"),  # end is exclusive
            (12, None, "ID", "IDR", 10, "completed"),  # no timestamp: outside the month too
            (13, t, "US", "USD", 5, None),  # missing_status
        ],
    )


@pytest.fixture
def small_generator() -> GeneratorConfig:
    return GeneratorConfig(
        rows=30_000, months=3, start="2024-10", seed=11, bad_rows_share=0.01, rows_per_file=4_000
    )
