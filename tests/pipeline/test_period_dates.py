"""A month's, quarter's or week's figure written as a date (`2024-01-01` for January, a week's sales on its
Saturday) is refused with the spellings that say which period it is, never paced as one day: January's 100
on `2024-01-01` against a January budget of 100 read 31 times ahead of pace before this rule, and weekly
sales dated by their first day 7.3 times ahead of a retail year's target. Genuine days, and one-day events
such as Singles' Day, still load (pipelines/ingest/check_rows/day_labels.py)."""

from __future__ import annotations

from datetime import date

import duckdb

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

HEADER = "entity,metric,region,period,kind,value,unit,as_of,source_id\n"


def _built(tmp_path, figures: str):
    d = tmp_path / "data" / "datasets" / "shop"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(
        "source_id,publisher,published_on,reliability\nerp,Shop,2024-12-31,internal\n"
    )
    (d / "figures.csv").write_text(HEADER + figures)
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
    return duckdb.connect(str(path), read_only=True)


def _one(con, sql: str):
    return con.sql(sql).fetchall()


def test_months_written_as_their_first_day_are_refused_and_never_paced(tmp_path):
    con = _built(
        tmp_path,
        "Shop,revenue,US,2024-01-01,actual,100,USD m,2024-12-31,erp\n"
        "Shop,revenue,US,2024-02-01,actual,110,USD m,2024-12-31,erp\n"
        "Shop,revenue,US,2024-03-01,actual,120,USD m,2024-12-31,erp\n"
        "Shop,revenue,US,2024-01,budget,100,USD m,2023-12-01,erp\n"
        "Shop,revenue,US,2024-Q1,budget,300,USD m,2023-12-01,erp\n",
    )
    refused = _one(
        con, "select row_number, column_name, value, reason from rejected_rows order by row_number"
    )
    assert [r[:3] for r in refused] == [
        (1, "period", "2024-01-01"),
        (2, "period", "2024-02-01"),
        (3, "period", "2024-03-01"),
    ]
    assert "every one on the first day of its month" in refused[0][3]
    assert "2024-01-01 -> 2024-01" in refused[0][3]
    assert _one(con, "select count(*) from pacing") == [(0,)]  # was 31.0 of pace on 2024-01-01
    assert _one(con, "select count(*) from actual_vs_expectation") == [(0,)]
    assert _one(con, "select count(*) from unmatched_expectations") == [(2,)]


def test_quarters_written_as_their_last_day_name_the_quarter(tmp_path):
    con = _built(
        tmp_path,
        "Shop,revenue,US,2024-03-31,actual,300,USD m,2024-12-31,erp\n"
        "Shop,revenue,US,2024-06-30,actual,310,USD m,2024-12-31,erp\n",
    )
    reasons = [r[0] for r in _one(con, "select reason from rejected_rows order by row_number")]
    assert len(reasons) == 2 and "2024-03-31 -> 2024-Q1, 2024-06-30 -> 2024-Q2" in reasons[0]


def test_weeks_dated_by_one_day_are_refused_with_both_spans(tmp_path):
    weeks = [date(2011, 1, 29), date(2011, 2, 5), date(2011, 2, 12), date(2011, 2, 26)]  # a week missing
    con = _built(
        tmp_path,
        "".join(f"Shop,revenue,US,{d.isoformat()},actual,1.6,USD m,2011-03-31,erp\n" for d in weeks)
        + "Shop,revenue,US,2011,target,80,USD m,2010-12-01,erp\n",
    )
    reasons = [r[0] for r in _one(con, "select reason from rejected_rows order by row_number")]
    assert len(reasons) == 4
    assert (
        "2011-01-29..2011-02-04 if it starts on 2011-01-29, 2011-01-23..2011-01-29 if it ends" in reasons[0]
    )
    assert _one(con, "select count(*) from pacing") == [(0,)]


def test_genuine_days_and_one_day_events_load(tmp_path):
    days = "".join(f"Shop,revenue,US,2024-11-{d:02d},actual,10,USD m,2024-12-31,erp\n" for d in range(1, 16))
    singles_day = "".join(
        f"Shop,gmv,CN,{y}-11-11,actual,{y - 2000},CNY bn,2024-12-31,erp\n" for y in (2022, 2023, 2024)
    )
    headcount = (  # a stock is rightly dated by its day
        "Shop,employees,US,2024-01-31,actual,120,count,2024-12-31,erp\n"
        "Shop,employees,US,2024-02-29,actual,125,count,2024-12-31,erp\n"
    )
    con = _built(
        tmp_path, days + singles_day + headcount + "Shop,revenue,US,2024-11,target,300,USD m,2024-10-01,erp\n"
    )
    assert _one(con, "select count(*) from rejected_rows") == [(0,)]
    assert _one(con, "select count(*) from figures where kind = 'actual'") == [(20,)]
    paced = _one(con, "select max(to_date_end), count(*) > 0 from pacing where phasing = 'linear'")
    assert paced == [(date(2024, 11, 15), True)]
