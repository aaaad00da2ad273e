"""Hand-checkable aggregation of one month: metric definitions, FX, rollup and bad-row reasons."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.orders.aggregate import (
    aggregate_month,
    aggregate_months,
    connect,
    rates_for_month,
)
from pipelines.orders.scan import _constant_entities


@pytest.fixture
def september(september_orders, tiny_regions, tiny_rates):
    con = connect()
    try:
        return aggregate_month(
            con, [str(september_orders)], "2024-09", tiny_regions, tiny_rates, entity="Shop"
        )
    finally:
        con.close()


def value(agg, metric: str, region: str) -> float:
    row = agg.figures.filter((pl.col("metric") == metric) & (pl.col("region") == region))
    assert row.height == 1, f"{metric}/{region}: {row.height} rows"
    return row["value"][0]


@pytest.mark.parametrize(
    ("region", "gmv", "net_gmv", "orders"),
    [
        ("ID", 30.0, 10.0, 2),  # 10 completed + 20 refunded; cancelled 50 left out
        ("TH", 45.0, 45.0, 2),  # 1000 THB and 500 THB at 0.03 (September's rate, not August's 0.5)
        ("US", 100.0, 40.0, 2),
        ("SEA", 75.0, 55.0, 4),
        ("APAC", 75.0, 55.0, 4),
        ("NAM", 100.0, 40.0, 2),
        ("WORLD", 175.0, 95.0, 6),
    ],
)
def test_metrics_by_region(september, region, gmv, net_gmv, orders):
    assert value(september, "gmv", region) == pytest.approx(gmv)
    assert value(september, "net_gmv", region) == pytest.approx(net_gmv)
    assert value(september, "orders", region) == orders


def test_rollup_equals_sum_of_countries(september):
    countries = september.figures.filter(pl.col("region").is_in(["ID", "TH", "US"]))
    for metric in ("gmv", "net_gmv", "orders"):
        total = countries.filter(pl.col("metric") == metric)["value"].sum()
        assert value(september, metric, "WORLD") == pytest.approx(total)


def test_bad_rows_counted_by_reason(september):
    assert september.rejected_by_reason == {
        "ordered_at_outside_month": 2,
        "missing_amount": 1,
        "invalid_amount": 0,
        "unknown_country": 1,
        "unknown_currency": 1,
        "missing_status": 1,
    }
    assert (september.rows_in, september.rows_aggregated, september.rows_rejected) == (13, 7, 6)
    offending = dict(
        september.rejects.filter(pl.col("value").is_not_null()).select("reason", "value").iter_rows()
    )
    assert offending == {"unknown_country": "UK", "unknown_currency": "RMB"}


def test_figures_carry_entity_period_and_units(september):
    assert set(september.figures["entity"]) == {"Shop"}
    assert set(september.figures["period"]) == {"2024-09"}
    units = dict(september.figures.select("metric", "unit").unique().iter_rows())
    assert units == {"gmv": "USD", "net_gmv": "USD", "orders": "count"}


def test_month_past_the_rates_uses_latest_earlier_rate(tiny_rates):
    rates = rates_for_month(tiny_rates, "2025-03")
    assert dict(zip(rates["currency"], rates["rate_month"], strict=True)) == {
        "USD": "2024-09",
        "IDR": "2024-09",
        "THB": "2024-09",
    }


def test_missing_required_column_is_reported(tmp_path, tiny_regions, tiny_rates):
    from pipelines.orders.aggregate import OrderFilesError

    path = tmp_path / "x.parquet"
    pl.DataFrame({"ordered_at": [None], "amount": [1.0]}).write_parquet(path)
    with pytest.raises(OrderFilesError, match="lack column.*country"):
        aggregate_month(connect(), [str(path)], "2024-09", tiny_regions, tiny_rates)


def test_months_scanned_together_equal_each_month_alone(tmp_path, tiny_regions, tiny_rates):
    """A ranged run scans every month in one query; each month must still get only its own rows, bounds,
    rates and bad-row counts. August's rows sit in September's timestamps' range and vice versa."""
    from datetime import UTC, datetime

    def write_orders(path, rows):
        path.parent.mkdir(parents=True)
        schema = {"order_id": pl.Int64, "ordered_at": pl.Datetime("us", "UTC"), "country": pl.String}
        schema |= {"currency": pl.String, "amount": pl.Float64, "status": pl.String}
        pl.DataFrame(rows, schema=schema, orient="row").write_parquet(path)
        return path

    aug, sep = datetime(2024, 8, 20, tzinfo=UTC), datetime(2024, 9, 20, tzinfo=UTC)
    august = write_orders(
        tmp_path / "year=2024" / "month=08" / "a.parquet",
        [(1, aug, "TH", "THB", 100, "completed"), (2, sep, "TH", "THB", 100, "completed")],
    )
    september = write_orders(
        tmp_path / "year=2024" / "month=09" / "a.parquet",
        [(3, sep, "TH", "THB", 100, "completed"), (4, aug, "US", "USD", None, "completed")],
    )
    files = {"2024-08": [str(august)], "2024-09": [str(september)]}
    con = connect()
    try:
        together = aggregate_months(con, files, tiny_regions, tiny_rates, entity="Shop")
        alone = [
            aggregate_month(con, f, m, tiny_regions, tiny_rates, entity="Shop") for m, f in files.items()
        ]
    finally:
        con.close()
    assert [a.month for a in together] == ["2024-08", "2024-09"]
    for t, a in zip(together, alone, strict=True):
        assert t.figures.equals(a.figures)
        assert t.rejects.equals(a.rejects)
        assert (t.rows_in, t.rows_aggregated, t.rejected_by_reason) == (
            a.rows_in,
            a.rows_aggregated,
            a.rejected_by_reason,
        )
    # August: one row in range at August's THB rate 0.5; September's THB rate is 0.03.
    assert value(together[0], "gmv", "TH") == pytest.approx(50.0)
    assert value(together[1], "gmv", "TH") == pytest.approx(3.0)
    assert together[0].rejected_by_reason["ordered_at_outside_month"] == 1
    assert together[1].rejected_by_reason["ordered_at_outside_month"] == 1
    assert together[0].fx_months == {"THB": "2024-08"}


def test_entity_from_file_statistics_or_from_the_column(tmp_path, tiny_regions, tiny_rates):
    """A file whose footer proves one entity is not read for it; every other file reads the column, and
    rows that leave it empty take the default. Each case must land on the right entity."""
    from datetime import UTC, datetime

    long_a, long_b = "A" * 100 + "-one", "A" * 100 + "-two"  # equal over any truncated statistics prefix
    t = datetime(2024, 9, 15, tzinfo=UTC)
    cases = {
        "constant": ["Alpha", "Alpha"],
        "mixed": ["Alpha", "Beta"],
        "all_null": [None, None],
        "some_null": ["Beta", None],
        "long": [long_a, long_b],
    }
    folder = tmp_path / "year=2024" / "month=09"
    folder.mkdir(parents=True)
    files = []
    for name, entities in cases.items():
        path = folder / f"{name}.parquet"
        pl.DataFrame(
            {
                "ordered_at": [t] * len(entities),
                "country": ["US"] * len(entities),
                "currency": ["USD"] * len(entities),
                "amount": [1.0] * len(entities),
                "status": ["completed"] * len(entities),
                "entity": entities,
            },
            schema_overrides={"ordered_at": pl.Datetime("us", "UTC"), "entity": pl.String},
        ).write_parquet(path)
        files.append(str(path))
    con = connect()
    try:
        # Only these two skip reading the column; the long names' statistics are truncated and differ.
        assert _constant_entities(con, files) == {files[0]: "Alpha", files[2]: ""}
        agg = aggregate_month(con, files, "2024-09", tiny_regions, tiny_rates, entity="Default")
    finally:
        con.close()
    orders = agg.figures.filter((pl.col("metric") == "orders") & (pl.col("region") == "US"))
    assert dict(orders.select("entity", "value").iter_rows()) == {
        "Alpha": 3.0,
        "Beta": 2.0,
        "Default": 3.0,
        long_a: 1.0,
        long_b: 1.0,
    }
