"""Issue 26 item 5, case retail-calendar-454 (copied from the team's shared cases into tests/data/cases/): Walmart
weekly store sales on a 4-5-4 calendar whose year ends on the last Friday of January, against fiscal-month,
fiscal-quarter and fiscal-year plans, loaded and built as a run does, with the case's right values."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"
CASE = CASES / "retail-calendar-454"
TODAY = date(2026, 11, 29)

RETAIL = {  # (store, first day, last day): (sum of its weeks, plan); the fiscal months of FY2012
    (1, "2011-01-29", "2011-02-25"): (6399887.57, 6307344.10),
    (1, "2011-02-26", "2011-04-01"): (7802440.23, 7466262.26),
    (1, "2011-04-02", "2011-04-29"): (6194058.85, 5827833.64),
    (1, "2011-04-30", "2011-05-27"): (6128431.80, 5929938.64),
    (1, "2011-05-28", "2011-07-01"): (7683509.83, 7576499.60),
    (1, "2011-07-02", "2011-07-29"): (5739116.22, 5752064.90),
    (1, "2011-07-30", "2011-08-26"): (6144985.73, 6075952.95),
    (1, "2011-08-27", "2011-09-30"): (7379542.34, 7283123.42),
    (1, "2011-10-01", "2011-10-28"): (6072327.75, 5697312.25),
    (1, "2011-10-29", "2011-11-25"): (6864972.83, 6485547.06),
    (1, "2011-11-26", "2011-12-30"): (9032594.71, 8876953.18),
    (1, "2011-12-31", "2012-01-27"): (5723690.52, 5480050.97),
    (2, "2011-01-29", "2011-02-25"): (8011783.74, 8264347.77),
    (2, "2011-02-26", "2011-04-01"): (9329606.16, 9743953.32),
    (2, "2011-04-02", "2011-04-29"): (7335905.33, 7454088.37),
    (2, "2011-04-30", "2011-05-27"): (7162271.09, 7777385.06),
    (2, "2011-05-28", "2011-07-01"): (9473850.16, 10073583.38),
    (2, "2011-07-02", "2011-07-29"): (7062858.75, 7312746.28),
    (2, "2011-07-30", "2011-08-26"): (7354707.02, 7715686.75),
    (2, "2011-08-27", "2011-09-30"): (8568254.09, 9089638.17),
    (2, "2011-10-01", "2011-10-28"): (7185412.12, 7184979.68),
    (2, "2011-10-29", "2011-11-25"): (8397397.85, 8471338.61),
    (2, "2011-11-26", "2011-12-30"): (11776834.16, 12190116.80),
    (2, "2011-12-31", "2012-01-27"): (6916920.87, 6949000.95),
}


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    rel = con.sql(sql)
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def built(data_dir: Path, tmp_path: Path, name: str) -> duckdb.DuckDBPyConnection:
    result = load_all(data_dir, TODAY)
    path = build(result, tmp_path / f"{name}.duckdb", data_dir)
    return duckdb.connect(str(path), read_only=True)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    return built(CASE, tmp_path_factory.mktemp("retail"), "retail-calendar-454")


def compared(con: duckdb.DuckDBPyConnection) -> dict[tuple[int, str, str], dict]:
    return {
        (int(r["region_code"][-1]), str(r["period_start"]), str(r["period_end"])): r
        for r in rows(
            con,
            "select * from actual_vs_expectation where policy = 'at_period_end' and expectation_kind = 'budget'",
        )
    }


def test_the_calendar_is_declared_and_the_weeks_are_weeks(warehouse):
    (walmart,) = rows(warehouse, "select * from entities where entity = 'Walmart'")
    assert (walmart["calendar"], walmart["year_end"], walmart["fiscal_year_named_by"]) == (
        "4-5-4",
        "last Friday of January",
        "end",
    )
    assert walmart["fiscal_year_start_month"] == 2
    by_grain = {
        r["grain"]: r["n"] for r in rows(warehouse, "select grain, count(*) n from figures group by grain")
    }
    assert by_grain == {"week": 104, "month": 24, "quarter": 2, "year": 2}
    (first,) = rows(warehouse, "select * from figures where figure_id = 'W1-2011-02-04'")
    assert (first["period"], first["grain"]) == ("FY2012-W01", "week")
    (march,) = rows(warehouse, "select * from figures where figure_id = 'P1-FY2012-02'")
    assert (march["period"], march["grain"]) == ("FY2012-M02", "month")


def test_every_fiscal_month_is_the_sum_of_its_weeks(warehouse):
    got = compared(warehouse)
    for key, (actual, plan) in RETAIL.items():
        assert key in got, key
        assert got[key]["actual"] == pytest.approx(actual, abs=0.005), key
        assert got[key]["expectation"] == pytest.approx(plan, abs=0.005), key
    feb = got[(1, "2011-01-29", "2011-02-25")]
    assert (feb["period"], feb["basis"], feb["actual_components"]) == (
        "FY2012-M01",
        "actual: sum of 4 weeks",
        4,
    )
    assert feb["variance_pct"] == pytest.approx(0.0147, abs=5e-5)
    may = got[(2, "2011-04-30", "2011-05-27")]
    assert may["variance_pct"] == pytest.approx(-0.0791, abs=5e-5)
    assert got[(1, "2011-02-26", "2011-04-01")]["basis"] == "actual: sum of 5 weeks"


def test_the_fiscal_quarter_is_13_weeks(warehouse):
    stored = rows(
        warehouse, "select distinct period_start, period_end from figures where period = 'FY2012-Q1'"
    )
    assert stored == [{"period_start": date(2011, 1, 29), "period_end": date(2011, 4, 29)}]
    q1 = compared(warehouse)[(1, "2011-01-29", "2011-04-29")]
    assert q1["period"] == "FY2012-Q1"
    assert (q1["actual"], q1["expectation"]) == (pytest.approx(20396386.65), pytest.approx(19601440.00))
    assert q1["variance_pct"] == pytest.approx(0.0406, abs=5e-5)
    assert q1["basis"] == "actual: sum of 13 weeks"


def test_the_fiscal_year_is_52_weeks(warehouse):
    got = compared(warehouse)
    s1, s2 = got[(1, "2011-01-29", "2012-01-27")], got[(2, "2011-01-29", "2012-01-27")]
    assert s1["period"] == s2["period"] == "FY2012"
    assert (s1["actual"], s1["expectation"]) == (pytest.approx(81165558.38), pytest.approx(78758882.97))
    assert (s2["actual"], s2["expectation"]) == (pytest.approx(98575801.34), pytest.approx(102226865.14))
    assert s1["basis"] == "actual: sum of 52 weeks"
    assert len(got) == 28  # 24 months, 2 quarters, 2 years: every plan is compared


def test_pacing_of_a_fiscal_month_goes_week_by_week(warehouse):
    points = rows(
        warehouse,
        """select * from pacing where policy = 'at_period_end' and region_code = 'STORE_1'
           and expectation_start = date '2011-02-26' and expectation_end = date '2011-04-01'
           and phasing = 'linear' order by to_date_end""",
    )
    assert [p["to_date_end"] for p in points] == [
        date(2011, 3, 4),
        date(2011, 3, 11),
        date(2011, 3, 18),
        date(2011, 3, 25),
        date(2011, 4, 1),
    ]
    assert [p["to_date_grain"] for p in points] == ["week"] * 5
    assert [p["elapsed_share"] for p in points] == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert [p["is_complete"] for p in points] == [False] * 4 + [True]
    assert points[-1]["pace_attainment"] == pytest.approx(7802440.23 / 7466262.26)
    assert round(points[-1]["pace_attainment"], 4) == 1.0450
    assert points[-1]["basis"] == "sum of 5 weeks"
    # the quarter and the year pace by week too, linear and against the plan's fiscal months (phasing 'plan')
    counts = {
        (r["expectation_period"], r["phasing"]): r["n"]
        for r in rows(
            warehouse,
            """select expectation_period, phasing, count(*) n from pacing where policy = 'at_period_end'
               and region_code = 'STORE_1' and expectation_period in ('FY2012-Q1', 'FY2012') group by all""",
        )
    }
    assert counts == {
        ("FY2012-Q1", "linear"): 13,
        ("FY2012-Q1", "plan"): 13,
        ("FY2012", "linear"): 52,
        ("FY2012", "plan"): 52,
    }
    phased = {
        r["to_date_end"]: r
        for r in rows(
            warehouse,
            """select * from pacing where policy = 'at_period_end' and region_code = 'STORE_1'
               and expectation_period = 'FY2012' and phasing = 'plan'""",
        )
    }
    # at the end of fiscal February the plan's phasing expects February's plan; at the end of Q1, Q1's
    assert phased[date(2011, 2, 25)]["expected_to_date"] == pytest.approx(6307344.10)
    assert phased[date(2011, 2, 25)]["pace_attainment"] == pytest.approx(6399887.57 / 6307344.10)
    assert phased[date(2011, 4, 29)]["expected_to_date"] == pytest.approx(19601440.00)


def test_without_the_calendar_the_weeks_are_spans_and_nothing_is_made_up(tmp_path):
    """The case's entities file cut to `fiscal_year_start_month` (check.py's variant): weeks stay 7-day spans,
    FY2012-Q1 is the calendar months Feb-Apr 2011, and neither it nor the year is compared; the entity's
    `calendar` is null, which is what tells unmatched_expectations to ask for one."""
    data = tmp_path / "retail-no-calendar"
    shutil.copytree(CASE, data)
    (data / "datasets/walmart/entities.csv").write_text(
        "entity,parent,fiscal_year_start_month,description\nWalmart,,2,\n"
    )
    con = built(data, tmp_path, "retail-no-calendar")
    (walmart,) = rows(con, "select calendar, year_end from entities where entity = 'Walmart'")
    assert walmart == {"calendar": None, "year_end": None}
    assert rows(con, "select distinct grain from figures where kind = 'actual'") == [{"grain": "span"}]
    (q1,) = rows(con, "select distinct period_start, period_end from figures where period = 'FY2012-Q1'")
    assert (q1["period_start"], q1["period_end"]) == (date(2011, 2, 1), date(2011, 4, 30))
    periods = {r["period"] for r in rows(con, "select period from actual_vs_expectation")}
    assert not periods & {"FY2012-Q1", "FY2012"}


ENTITY_DAMAGE = {  # entities row -> (column blamed, phrase of the reason)
    "Shop,,2,4-6-3,last Saturday of January,": ("calendar", "unknown calendar '4-6-3'"),
    "Shop,,2,4-5-4,,": ("year_end", "a 4-5-4 calendar needs a year_end"),
    "Shop,,2,,last Saturday of January,": ("calendar", "year_end is given without a calendar"),
    "Shop,,2,4-5-4,the end of January,": ("year_end", "cannot read year_end"),
    "Shop,,3,4-5-4,last Saturday of January,": ("fiscal_year_start_month", "disagrees with year_end"),
    "Shop,,2,4-5-4,last Saturday of January,middle": ("fiscal_year_named_by", "unknown fiscal_year_named_by"),
    "Shop,,2,,,start": ("fiscal_year_named_by", "without a calendar"),
}


@pytest.mark.parametrize("row", sorted(ENTITY_DAMAGE))
def test_a_calendar_that_cannot_be_read_is_a_rejected_row(dataset, row):
    column, phrase = ENTITY_DAMAGE[row]
    dataset(
        "entities.csv",
        f"entity,parent,fiscal_year_start_month,calendar,year_end,fiscal_year_named_by\n{row}\n",
    )
    result = load_all(dataset.data_dir, today=TODAY)
    rejected = result.rejected.filter(pl.col("input_kind") == "entities")
    assert rejected.height == 1
    assert rejected["column_name"][0] == column
    assert phrase in rejected["reason"][0]


def test_a_calendar_read_in_any_common_spelling(dataset):
    dataset(
        "entities.csv",
        "entity,parent,calendar,year_end,fiscal_year_named_by\nShop,,454,sat nearest jan 31,start\n",
    )
    dataset(
        "figures.csv",
        "figure_id,entity,metric,region,period,kind,value,unit,source_id\n"
        "w,Shop,revenue,US,2024-01-28..2024-02-03,actual,5,USD,s2\n"
        "y,Shop,revenue,US,FY2023,budget,300,USD,s1\n",
    )
    result = load_all(dataset.data_dir, today=TODAY)
    shop = result.tables["entities"].filter(pl.col("entity") == "Shop").row(0, named=True)
    assert (shop["calendar"], shop["year_end"], shop["fiscal_year_named_by"]) == (
        "4-5-4",
        "Saturday nearest January 31",
        "start",
    )
    assert shop["fiscal_year_start_month"] == 2  # from the year end
    figures = {r["figure_id"]: r for r in result.tables["figures"].iter_rows(named=True)}
    assert (figures["w"]["period"], figures["w"]["grain"]) == ("FY2023-W53", "week")
    assert (figures["y"]["period_start"], figures["y"]["period_end"]) == (date(2023, 1, 29), date(2024, 2, 3))
