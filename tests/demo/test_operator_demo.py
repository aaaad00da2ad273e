"""The operator demo: builds beside the case study, fills the heatmap by region x quarter, has streaks of
several months and quarters, and the ban's impact is estimated with an interval and controls."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.devtools.operator_demo import (
    BAN,
    DATASET,
    DEMO_CONFIG,
    ENTITY,
    FEE,
    DemoError,
    months_to_aggregate,
    write_demo,
)
from pipelines.effects.assess import assess_effect
from pipelines.effects.counterfactual import CounterfactualEstimate
from pipelines.effects.did import DidEstimate

QUARTERS = [f"{y}-Q{q}" for y in range(2022, 2026) for q in range(1, 5)]


def sql(con, query: str, *params) -> pl.DataFrame:
    return con.sql(query, params=list(params)).pl()


def test_demo_builds_as_its_own_illustrative_entity(con, demo_build):
    assert demo_build["written"]["generated"]
    assert demo_build["orders"]["rows_in"] == DEMO_CONFIG.rows
    counts = sql(
        con,
        "select count(*) filter (where entity = ?) as demo, count(*) filter (where dataset = ?) as in_dataset,"
        " count(*) filter (where (entity = ?) <> (dataset = ?)) as mixed from figures",
        ENTITY,
        DATASET,
        ENTITY,
        DATASET,
    ).row(0, named=True)
    assert counts["demo"] > 5_000 and counts["demo"] == counts["in_dataset"] and counts["mixed"] == 0
    # every source the demo's figures and events cite says it is illustrative or synthetic
    titles = sql(
        con,
        "select distinct s.title from sources s join (select source_id, entity from figures union all"
        " select source_id, entity from events) f using (source_id) where f.entity = ?",
        ENTITY,
    )["title"].to_list()
    assert titles and all("llustrative" in t or "synthetic" in t for t in titles), titles
    places = sql(
        con,
        "select count(distinct f.region_code) as countries, count(distinct r.parent_code) as parents"
        " from figures f join regions r using (region_code) where f.entity = ? and r.level = 'country'",
        ENTITY,
    ).row(0, named=True)
    assert places["countries"] >= 10
    years = sql(con, "select min(period_start), max(period_end) from figures where entity = ?", ENTITY).row(0)
    assert (years[0].year, years[1].year) == (2022, 2025)


def test_heatmap_fills_by_region_and_quarter(con):
    """The Scorecard's heatmap reads variance_by_region_quarter: every region x every quarter has a cell."""
    cells = sql(
        con,
        "select q.region_code, q.quarter from variance_by_region_quarter q join regions r using (region_code)"
        " where q.entity = ? and q.metric = 'gmv' and q.expectation_kind = 'projection'"
        " and q.policy = 'at_period_end' and r.level in ('region', 'subregion')",
        ENTITY,
    )
    regions = sorted(set(cells["region_code"]))
    assert len(regions) >= 3
    assert cells.height == len(regions) * len(QUARTERS)
    assert sorted(set(cells["quarter"])) == QUARTERS


def test_streaks_of_several_consecutive_months_and_quarters(con):
    months = sql(
        con,
        "select region_code, first_period, last_period, length from shortfall_streaks where entity = ?"
        " and metric = 'gmv' and expectation_kind = 'projection' and policy = 'at_period_end'"
        " and grain = 'month' and region_code in (?, ?) order by length desc",
        ENTITY,
        BAN.country,
        FEE.country,
    )
    longest = {r["region_code"]: r for r in reversed(months.to_dicts())}
    # the ban (June 2024) and the fee change (January 2024): short every month to the end of 2024
    assert longest[BAN.country]["length"] >= 6 and longest[BAN.country]["first_period"] <= "2024-06"
    assert longest[FEE.country]["length"] >= 12 and longest[FEE.country]["first_period"] <= "2024-01"
    quarters = sql(
        con,
        "select region_code, first_period, length from shortfall_streaks where entity = ? and metric = 'gmv'"
        " and expectation_kind = 'projection' and policy = 'at_period_end' and grain = 'quarter'"
        " and region_code in (?, ?) and first_period <= '2024-Q2' and last_period >= '2024-Q4'",
        ENTITY,
        BAN.country,
        FEE.country,
    )
    # months rolled up into the quarterly projections' quarters: the same misses, quarter after quarter
    longest = {r["region_code"]: r["length"] for r in quarters.sort("length").to_dicts()}
    assert longest[BAN.country] >= 3 and longest[FEE.country] >= 4


def test_mid_year_revision_and_annual_targets(con):
    vintages = sql(
        con,
        "select period, vintages from chosen_expectations where entity = ? and metric = 'gmv'"
        " and region_code = ? and kind = 'projection' and policy = 'latest' and period in ('2024-05', '2024-09')"
        " order by period",
        ENTITY,
        BAN.country,
    )
    assert vintages["vintages"].to_list() == [1, 2]  # only the second half of 2024 was revised
    targets = sql(
        con,
        "select count(distinct period) from figures where entity = ? and kind = 'target'"
        " and region_code = 'WORLD' and grain = 'year'",
        ENTITY,
    ).item()
    assert targets == 4


def test_ban_effect_has_an_interval_and_controls(con):
    report = assess_effect(con, BAN.event_id, "gmv", BAN.country)
    cf, did = report.counterfactual, report.did
    assert isinstance(cf, CounterfactualEstimate), cf
    assert isinstance(did, DidEstimate), did
    assert cf.controls and did.controls and BAN.country not in did.controls
    for interval in (cf.relative_effect, did.effect):
        assert interval.lower < interval.estimate < interval.upper < 0
    # the generator removes 60% of orders: the estimate's interval is near it
    assert cf.relative_effect.lower - 0.05 < -BAN.share < cf.relative_effect.upper + 0.05


def test_second_run_keeps_the_generated_orders(demo_build):
    again = write_demo(demo_build["data"])
    assert not again["generated"]
    assert months_to_aggregate(demo_build["data"]) == []


def test_an_operators_own_orders_are_never_overwritten(tmp_path):
    own = tmp_path / "orders" / "year=2024" / "month=01"
    own.mkdir(parents=True)
    (own / "part-0.parquet").write_bytes(b"PAR1")
    with pytest.raises(DemoError, match="not made by the generator"):
        write_demo(tmp_path)
