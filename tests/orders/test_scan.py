"""The scan written once (pipelines/orders/scan.py): row groups proven clean by their Parquet statistics skip
the in-month and amount checks, with exactly the numbers of checking every row; the statement transpiles."""

from __future__ import annotations

import pytest

from pipelines.orders import scan
from pipelines.orders.aggregate import aggregate_months, connect
from pipelines.orders.regions_and_rates import monthly_rates, region_paths
from tests.orders.mixed_orders import assert_same_numbers, make_mixed_orders, order_groups


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    return make_mixed_orders(tmp_path_factory.mktemp("mixed"))


def _groups(files):
    con = connect()
    try:
        return aggregate_months(con, files, region_paths(), monthly_rates()), order_groups(con)
    finally:
        con.close()


def test_plan_uses_statistics(mixed):
    branches = scan.plan_branches(connect(), mixed, "Demo Shop")
    clean_file = [b for b in branches if b.clean and not b.row_ranges]
    split = [b for b in branches if b.row_ranges]
    assert [len(b.files) for b in clean_file] == [1, 1, 1]  # part-clean.parquet of each month
    assert all(b.files[0].endswith("part-clean.parquet") for b in clean_file)
    # part-mixed.parquet: the outer row groups proven clean, the middle one checked row by row
    assert {(b.clean, tuple(b.row_ranges)) for b in split} == {
        (True, ((0, 300), (600, 900))),
        (False, ((300, 600),)),
    }
    # the generator spreads its bad rows over every row group: nothing of it can be proven clean
    generated = [b for b in branches if len(b.files) > 1]
    assert generated and not any(b.clean for b in generated)
    assert all(b.entity == "Demo Shop" for b in branches)


def test_shortcut_gives_the_numbers_of_checking_every_row(mixed, monkeypatch):
    fast, fast_groups = _groups(mixed)
    monkeypatch.setattr(scan, "_clean_row_groups", lambda con, files_by_month, stats=None: {})
    checked, checked_groups = _groups(mixed)
    assert [b for b in scan.plan_branches(connect(), mixed, "Demo Shop") if b.clean] == []
    assert_same_numbers((fast, fast_groups), (checked, checked_groups))
    october = fast[0].rejected_by_reason
    assert october["ordered_at_outside_month"] >= 3  # the generator's and part-mixed's two + the null one
    assert october["missing_status"] == 1
    assert fast[0].rows_in == fast[0].rows_aggregated + fast[0].rows_rejected


def test_missing_statistics_prove_nothing(tmp_path):
    from datetime import UTC, datetime

    import polars as pl

    path = tmp_path / "year=2024" / "month=08" / "a.parquet"
    path.parent.mkdir(parents=True)
    frame = pl.DataFrame(
        {
            "ordered_at": [datetime(2024, 8, 2, tzinfo=UTC), datetime(2024, 9, 2, tzinfo=UTC)],
            "country": ["US", "US"],
            "currency": ["USD", "USD"],
            "amount": [1.0, 2.0],
            "status": ["completed", "completed"],
        }
    )
    frame.write_parquet(path, statistics=False)
    [branch] = scan.plan_branches(connect(), {"2024-08": [str(path)]}, "Shop")
    assert not branch.clean


def test_statement_transpiles_to_spark_sql():
    """sql/orders/scan.sql is one fixed statement over the relations each engine binds: no file names, no
    month constants, the same text for every run."""
    from pipelines.orders.spark import to_spark_sql

    sql = to_spark_sql(scan.SCAN_SQL)
    assert "read_parquet" not in sql and "::" not in sql
    assert "CAST(ordered_at AS TIMESTAMP) >= month_start AND CAST(ordered_at AS TIMESTAMP) < month_end" in sql
    assert "FROM order_rows" in sql and "JOIN order_files" in sql and "FILTER(WHERE" in sql
    assert "2024" not in scan.SCAN_SQL


def test_one_statement_for_every_month(mixed):
    """DuckDB binds `order_rows` as one read per branch; the statement it runs is sql/orders/scan.sql."""
    con = connect()
    try:
        scan.scan_months(con, mixed, "Demo Shop")
        months = [
            row[0] for row in con.execute("select distinct month from order_groups order by 1").fetchall()
        ]
        files = con.execute("select count(*), count(distinct month) from order_files").fetchone()
    finally:
        con.close()
    assert months == sorted(mixed)
    assert files[1] == len(mixed) and files[0] >= len(mixed)


def test_bursts_of_bad_rows_leave_row_groups_provably_clean(tmp_path):
    """The generator's bad_rows_window=0.2 puts the bad rows in the last fifth of each month: the earlier row
    groups are proven clean, and the numbers equal checking every row."""
    from dataclasses import replace
    from functools import partial

    from pipelines.devtools.orders_generator import generate_orders
    from pipelines.orders import layout
    from tests.orders.mixed_orders import CONFIG

    config = replace(CONFIG, bad_rows_window=0.2, rows_per_file=40_000, row_group_size=2_000)
    generate_orders(config, layout.orders_dir(tmp_path), layout.dataset_dir(tmp_path))
    root = layout.orders_dir(tmp_path)
    files = {m: layout.month_files(root, m) for m in layout.months_on_disk(root)}
    branches = scan.plan_branches(connect(), files, "Demo Shop")
    clean_rows = sum(last - first for b in branches if b.clean for first, last in b.row_ranges)
    assert 0.7 * config.rows < clean_rows < 0.8 * config.rows  # row groups before the burst
    con = connect()
    try:
        proven = aggregate_months(con, files, region_paths(), monthly_rates()), order_groups(con)
        unproven = (
            aggregate_months(
                con, files, region_paths(), monthly_rates(), scan=partial(scan.scan_months, proofs=False)
            ),
            order_groups(con),
        )
    finally:
        con.close()
    assert_same_numbers(proven, unproven)
    assert sum(a.rows_rejected for a in proven[0]) == round(config.rows * config.bad_rows_share)


def test_per_branch_grouping_gives_the_statement_as_written(mixed):
    """DuckDB's binding (the per_file CTE applied to each branch) returns what the statement returns over
    the union of every branch's rows (how Spark reads it): the same groups and counts, NaN, missing
    amounts, rows outside their month and row-group ranges included; amounts the same but for the order
    in which a month's files' partial sums are added (the last bits of a double)."""
    con = connect()
    try:
        scan.scan_months(con, mixed, "Demo Shop")
        per_branch = order_groups(con)
        branches = scan.plan_branches(con, mixed, "Demo Shop")
        rows = "\nunion all\n".join(scan.branch_rows_sql(b, i) for i, b in enumerate(branches))
        con.execute(f"create or replace temp view order_rows as {rows}")
        con.execute(f"create or replace temp table order_groups as {scan.SCAN_SQL}")
        as_written = order_groups(con)
    finally:
        con.close()
    assert len(per_branch) > 10 and any(row[6] for row in as_written)  # rows_outside counted
    assert [g[:9] for g in per_branch] == [g[:9] for g in as_written]
    for a, b in zip(per_branch, as_written, strict=True):
        assert a[9] == pytest.approx(b[9], rel=1e-12, abs=1e-9), (a, b)
    assert scan.per_branch_statement(["select 1"]).count("union all") == 0
    with pytest.raises(ValueError, match="per_file"):
        scan._per_file_body("select 1 from order_rows")
