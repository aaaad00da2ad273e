"""Order files with every kind of bad row, for comparing engines and the row-group shortcut.

Per month: the generator's files (1% bad rows spread over every row group: timestamps just before the month,
missing amounts, unknown countries and currencies; 15 countries, 12 currencies), plus
- `part-clean.parquet`: good rows only, two row groups (every row group proven clean by its statistics);
- `part-mixed.parquet`: three row groups, only the middle one holding bad rows (a timestamp after the month,
  a missing timestamp, a missing amount, a NaN and an infinite amount, a missing status, unknown statuses
  'pending' and 'on_hold').
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipelines.devtools.orders_generator import GeneratorConfig, generate_orders
from pipelines.orders import layout
from pipelines.orders.months import month_start, next_month

CONFIG = GeneratorConfig(
    rows=60_000,
    months=3,
    start="2024-10",
    seed=5,
    bad_rows_share=0.01,
    rows_per_file=8_000,
    row_group_size=3_000,
)
MONTHS = ("2024-10", "2024-11", "2024-12")


def _rows(month: str, n: int, bad: bool) -> list[dict]:
    start = datetime.combine(month_start(month), datetime.min.time(), UTC)
    end = datetime.combine(next_month(month_start(month)), datetime.min.time(), UTC)
    countries = [("US", "USD"), ("GB", "GBP"), ("DE", "EUR"), ("JP", "JPY"), ("TH", "THB")]
    rows = []
    for i in range(n):
        country, currency = countries[i % len(countries)]
        rows.append(
            {
                "order_id": 10_000_000 + i,
                "ordered_at": start + timedelta(minutes=37 * i + 1),
                "country": country,
                "currency": currency,
                "amount": round(3.17 * (i % 41) + 0.01, 2),
                "status": ("completed", "refunded", "cancelled", "shipped")[i % 4],
                "entity": "Demo Shop",
                "category": "books",
            }
        )
    if bad:
        rows[0]["ordered_at"] = end  # the end is exclusive
        rows[1]["ordered_at"] = None
        rows[2]["amount"] = None
        rows[3]["status"] = None
        rows[4]["status"] = "pending"  # statuses other than cancelled/refunded count like completed
        rows[5]["status"] = "on_hold"
        rows[6]["ordered_at"] = end + timedelta(days=3)
        rows[7]["amount"] = float("nan")  # invalid_amount: one rejected order, not a NaN month
        rows[8]["amount"] = float("inf")
    return rows


def _write(path: Path, groups: list[list[dict]]) -> None:
    schema = pa.schema(
        [
            ("order_id", pa.int64()),
            ("ordered_at", pa.timestamp("us", tz="UTC")),
            ("country", pa.string()),
            ("currency", pa.string()),
            ("amount", pa.float64()),
            ("status", pa.string()),
            ("entity", pa.string()),
            ("category", pa.string()),
        ]
    )
    with pq.ParquetWriter(path, schema) as writer:
        for rows in groups:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


def make_mixed_orders(data_dir: Path) -> dict[str, list[str]]:
    """Write the orders under data_dir/orders; returns month -> files."""
    root = layout.orders_dir(data_dir)
    generate_orders(CONFIG, root, layout.dataset_dir(data_dir))
    for month in MONTHS:
        folder = layout.month_dir(root, month)
        _write(folder / "part-clean.parquet", [_rows(month, 500, False), _rows(month, 400, False)])
        _write(
            folder / "part-mixed.parquet",
            [_rows(month, 300, False), _rows(month, 300, True), _rows(month, 300, False)],
        )
    return {month: layout.month_files(root, month) for month in MONTHS}


def order_groups(con) -> list[tuple]:
    """The scan's grouped table, sorted (grain month x entity x country x currency x status)."""
    return con.sql("select * from order_groups order by all").fetchall()


def assert_same_numbers(left: tuple[list, list], right: tuple[list, list]) -> None:
    """(MonthAggregates, order_groups rows) of two scans: every count equal; every amount per month,
    entity, country, currency and status within half a cent (float sums in another order differ in the
    last bits); figures (rounded to cents) within a cent; bad rows equal by reason."""
    (left_aggs, left_groups), (right_aggs, right_groups) = left, right
    assert [g[:9] for g in left_groups] == [g[:9] for g in right_groups]
    for a, b in zip(left_groups, right_groups, strict=True):
        assert (a[9] is None) == (b[9] is None) and abs((a[9] or 0) - (b[9] or 0)) < 0.005, (a, b)
    for a, b in zip(left_aggs, right_aggs, strict=True):
        assert (a.month, a.rows_in, a.rows_aggregated, a.rows_rejected) == (
            b.month,
            b.rows_in,
            b.rows_aggregated,
            b.rows_rejected,
        )
        assert a.rejected_by_reason == b.rejected_by_reason
        assert a.rejects.equals(b.rejects)
        keys = ["entity", "metric", "region", "period"]
        joined = a.figures.join(b.figures, on=keys, how="full", coalesce=True)
        assert joined.height == a.figures.height == b.figures.height
        assert (joined["value"] - joined["value_right"]).abs().max() <= 0.0100001
