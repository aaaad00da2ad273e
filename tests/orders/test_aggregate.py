"""Hand-checkable aggregation of one month: metric definitions, FX, rollup and bad-row reasons."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.orders.aggregate import aggregate_month, connect, rates_for_month


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
