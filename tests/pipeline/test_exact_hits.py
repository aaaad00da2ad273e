"""An actual that meets its expectation exactly is in line, whatever rounding the warehouse's arithmetic adds:
10 % growth guided on a restated 105 implies 115.50000000000001 in doubles, and a reported 115.5 read 'below',
a shortfall, before kpi_difference (sql/views/base/kpi_measures.sql)."""

from __future__ import annotations

from datetime import date

import duckdb

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build


def test_growth_guidance_met_exactly_on_a_restated_base_is_in_line(tmp_path):
    d = tmp_path / "data" / "datasets" / "acme"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(
        "source_id,publisher,published_on,reliability\n"
        "q124,Acme Q1 2024 release,2024-04-30,company\n"
        "q125,Acme Q1 2025 release,2025-04-30,company\n"
        "out,Acme outlook,2025-01-31,company\n"
    )
    (d / "figures.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,unit,as_of,source_id,note\n"
        "A1,Acme,revenue,US,2024-Q1,actual,100,USD m,2024-04-30,q124,\n"
        "A2,Acme,revenue,US,2024-Q1,actual,105,USD m,2025-04-30,q125,restated comparative\n"
        "A3,Acme,revenue,US,2025-Q1,actual,115.5,USD m,2025-04-30,q125,\n"
        "T1,Acme,revenue,US,2025-Q1,guidance,10,% YoY,2025-01-31,out,grow 10%\n"
    )
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
    con = duckdb.connect(str(path), read_only=True)
    rows = con.sql(
        "select metric, variance, direction, is_shortfall, performance_pct from actual_vs_expectation "
        "where policy = 'latest' order by metric"
    ).fetchall()
    assert rows == [
        ("revenue", 0.0, "in_line", False, 0.0),
        ("revenue_growth_yoy", 0.0, "in_line", False, 0.0),
    ]
    assert con.sql("select count(*) from shortfall_streaks").fetchall() == [(0,)]
