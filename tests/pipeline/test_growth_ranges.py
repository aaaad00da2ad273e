"""A growth range or bound keeps its meaning as the level it implies: "grow 10-12 %" on 100 is 110-112, and
"at least 10 %" is at least 110. Before, the level was the midpoint, exact: 110.5 read a miss of 111 (a
shortfall) while its growth, 10.5 %, sat inside the range."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build


def test_a_growth_range_implies_a_level_range_and_a_bound_a_bound(tmp_path):
    d = tmp_path / "data" / "datasets" / "acme"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(
        "source_id,publisher,published_on,reliability\nr,Acme releases,2025-07-30,company\n"
        "out,Acme outlook,2025-01-31,company\n"
    )
    (d / "figures.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,value_high,bound,unit,as_of,source_id\n"
        "A1,Acme,revenue,US,2024-Q1,actual,100,,,USD m,2024-04-30,r\n"
        "A2,Acme,revenue,US,2024-Q2,actual,100,,,USD m,2024-07-30,r\n"
        "A3,Acme,revenue,US,2025-Q1,actual,110.5,,,USD m,2025-04-30,r\n"
        "A4,Acme,revenue,US,2025-Q2,actual,113,,,USD m,2025-07-30,r\n"
        "T1,Acme,revenue,US,2025-Q1,guidance,10,12,,% YoY,2025-01-31,out\n"
        "T2,Acme,revenue,US,2025-Q2,guidance,10,,at_least,% YoY,2025-01-31,out\n"
    )
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
    con = duckdb.connect(str(path), read_only=True)
    scale = "case when metric = 'revenue' then 1e6 else 1 end"
    rows = con.sql(
        f"select period, metric, round(expectation_low / {scale}, 6), round(expectation_high / {scale}, 6), "
        "expectation_bound, direction, in_range, is_shortfall from actual_vs_expectation "
        "where policy = 'latest' order by period, metric"
    ).fetchall()
    assert rows == [
        ("2025-Q1", "revenue", 110.0, 112.0, "exact", "in_line", True, False),  # was 111, exact: 'below'
        ("2025-Q1", "revenue_growth_yoy", 10.0, 12.0, "exact", "in_line", True, False),
        ("2025-Q2", "revenue", None, None, "at_least", "above", None, False),  # was 'exact'
        ("2025-Q2", "revenue_growth_yoy", None, None, "at_least", "above", None, False),
    ]


def test_growth_of_a_pound_business_is_measured_in_pounds(tmp_path):
    """3,500 -> 4,200 GBP is 20.00 % growth whatever the dollar did: in USD at each quarter's rate it read
    19.32 %, and the implied level's attainment 1.0848 instead of 4,200 / 3,850 = 1.0909."""
    d = tmp_path / "data" / "datasets" / "newco"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(
        "source_id,publisher,published_on,reliability\nr,Newco,2025-04-30,internal\n"
    )
    (d / "figures.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,unit,as_of,source_id\n"
        "A1,Newco,revenue,GB,2024-Q1,actual,3500,GBP,2024-04-30,r\n"
        "A2,Newco,revenue,GB,2025-Q1,actual,4200,GBP,2025-04-30,r\n"
        "T1,Newco,revenue,GB,2025-Q1,target,10,% YoY,2025-01-15,r\n"
    )
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
    con = duckdb.connect(str(path), read_only=True)
    growth, attainment, native, currency = con.sql(
        "select max(case when metric = 'revenue_growth_yoy' then actual end), "
        "max(case when metric = 'revenue' then attainment end), "
        "max(case when metric = 'revenue' then expectation_native end), "
        "max(case when metric = 'revenue' then currency end) "
        "from actual_vs_expectation where policy = 'latest'"
    ).fetchall()[0]
    assert growth == pytest.approx(20.0, abs=1e-9)
    assert attainment == pytest.approx(4200 / 3850, abs=1e-9)
    assert native == pytest.approx(3850.0) and currency == "GBP"
