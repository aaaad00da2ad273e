"""Growth targets whose base periods are reported only in finer periods (docs/warehouse.md, "Growth targets"):
monthly actuals against a year's '% YoY' and a quarter's '% QoQ' target, and a retail calendar's 52 weeks
against a fiscal year's growth target. Before, each was listed as 'no revenue actual for the year before 2024'
although twelve months of it were loaded."""

from __future__ import annotations

import datetime as dt
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

ROOT = Path(__file__).resolve().parents[2]
RETAIL = ROOT / "tests" / "data" / "cases" / "retail-calendar-454" / "datasets"
HEADER = "figure_id,entity,metric,region,period,kind,value,unit,as_of,source_id\n"
SOURCES = "source_id,publisher,title,url,published_on,reliability\nr,Co,Report,,2025-02-01,company\n"
COMPARED = """
select metric, period, actual, expectation, basis from actual_vs_expectation
where is_default_policy and grain not in ('month', 'week') order by metric, period
"""


def _built(tmp_path: Path, figures: str, extra: Path | None = None) -> duckdb.DuckDBPyConnection:
    d = tmp_path / "data" / "datasets" / "co"
    d.mkdir(parents=True)
    if extra is not None:
        for name in ("entities.csv", "regions.csv"):
            shutil.copy(extra / name, d / name)
    (d / "sources.csv").write_text(SOURCES)
    (d / "figures.csv").write_text(HEADER + figures)
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
    return duckdb.connect(str(path), read_only=True)


def test_a_years_growth_target_over_monthly_actuals(tmp_path):
    months = "".join(
        f"A{y}{m:02d},Co,revenue,US,{y}-{m:02d},actual,{100 + m + (5 if y == 2024 else 0)},USD m,{y + 1}-01-15,r\n"
        for y in (2023, 2024)
        for m in range(1, 13)
    )
    targets = "T2024,Co,revenue,US,2024,target,8,% YoY,2023-12-01,r\nTQ,Co,revenue,US,2024-Q2,target,3,% QoQ,2023-12-01,r\n"
    with _built(tmp_path, months + targets) as con:
        rows = {(m, p): (a, e, b) for m, p, a, e, b in con.sql(COMPARED).fetchall()}
        unmatched = con.sql("select metric, period, reason from unmatched_expectations").fetchall()
    assert unmatched == []
    # 2023 = 101 + ... + 112 = 1,278; 2024 = 1,338 (USD m): +4.6948 % against 8 %
    growth, target, basis = rows[("revenue_growth_yoy", "2024")]
    assert growth == pytest.approx((1338 / 1278 - 1) * 100, abs=1e-9) and target == 8
    assert basis == "actual: growth on 2023 (YOY); 2023: sum of 12 months; 2024: sum of 12 months"
    level, implied, basis = rows[("revenue", "2024")]
    assert (level, implied) == (pytest.approx(1338e6), pytest.approx(1278e6 * 1.08))
    assert (
        basis
        == "actual: sum of 12 months; expectation: level implied by 8.0 % YOY growth on 2023 (sum of 12 months)"
    )
    # 2024-Q1 = 106 + 107 + 108 = 321, 2024-Q2 = 330: +2.80 % against 3 %
    growth, target, basis = rows[("revenue_growth_qoq", "2024-Q2")]
    assert growth == pytest.approx((330 / 321 - 1) * 100, abs=1e-9) and target == 3
    assert basis.startswith("actual: growth on 2024-Q1 (QOQ); 2024-Q1: sum of 3 months")


def test_a_retail_years_growth_target_over_52_weeks(tmp_path):
    first = dt.date(2010, 1, 30)  # FY2011's first Saturday (year ending the last Friday of January)
    weeks = "".join(
        f"W{i},Walmart,revenue,STORE_1,{first + dt.timedelta(7 * i)}..{first + dt.timedelta(7 * i + 6)},actual,"
        f"{1000 + i},USD,2012-02-06,r\n"
        for i in range(104)
    )
    target = "T,Walmart,revenue,STORE_1,FY2012,target,10,% YoY,2011-01-10,r\n"
    with _built(tmp_path, weeks + target, extra=RETAIL / "walmart") as con:
        rows = {(m, p): (a, e, b) for m, p, a, e, b in con.sql(COMPARED).fetchall()}
    fy2011, fy2012 = sum(range(1000, 1052)), sum(range(1052, 1104))  # 53,326 and 56,030
    growth, target_pct, basis = rows[("revenue_growth_yoy", "FY2012")]
    assert growth == pytest.approx((fy2012 / fy2011 - 1) * 100, abs=1e-9) and target_pct == 10
    assert basis == "actual: growth on FY2011 (YOY); FY2011: sum of 52 weeks; FY2012: sum of 52 weeks"
    assert rows[("revenue", "FY2012")][:2] == (pytest.approx(fy2012), pytest.approx(fy2011 * 1.10))


def test_a_53_week_prior_year_is_its_53_weeks(tmp_path):
    # the NRF 4-5-4 calendar: fiscal 2023 = 2023-01-29..2024-02-03 has 53 weeks, fiscal 2024 52; FY2024's prior is
    # the whole of FY2023 (by the calendar), not the 52 weeks before FY2024 (which tile too)
    first = dt.date(2023, 1, 29)
    weeks = "".join(
        f"W{i},Shop,revenue,US,{first + dt.timedelta(7 * i)}..{first + dt.timedelta(7 * i + 6)},actual,"
        f"{100 + i},USD,2025-02-10,r\n"
        for i in range(105)
    )
    target = "T,Shop,revenue,US,FY2024,target,5,% YoY,2024-01-10,r\n"
    calendar = tmp_path / "calendar"
    calendar.mkdir()
    (calendar / "entities.csv").write_text(
        "entity,parent,fiscal_year_start_month,calendar,year_end,fiscal_year_named_by,description\n"
        "Shop,,2,4-5-4,Saturday nearest January 31,start,NRF calendar\n"
    )
    (calendar / "regions.csv").write_text("region_code,name,parent_code,level\n")
    with _built(tmp_path, weeks + target, extra=calendar) as con:
        rows = {(m, p): (a, e, b) for m, p, a, e, b in con.sql(COMPARED).fetchall()}
    fy2023, fy2024 = sum(range(100, 153)), sum(range(153, 205))  # 53 and 52 weeks
    growth, _, basis = rows[("revenue_growth_yoy", "FY2024")]
    assert growth == pytest.approx((fy2024 / fy2023 - 1) * 100, abs=1e-9)
    assert basis == "actual: growth on FY2023 (YOY); FY2023: sum of 53 weeks; FY2024: sum of 52 weeks"
