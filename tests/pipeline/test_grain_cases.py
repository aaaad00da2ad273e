"""The cases of issue 15 (copied from the team's shared cases into tests/data/cases/), loaded and built as a
run does (load_all + build, alerts included), with their right values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"


def built(case: str, tmp_path: Path, today: date) -> duckdb.DuckDBPyConnection:
    result = load_all(CASES / case, today)
    path = build(result, tmp_path / f"{case}.duckdb", CASES / case)
    return duckdb.connect(str(path), read_only=True)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    rel = con.sql(sql)
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def test_daily_actuals_against_a_monthly_goal(tmp_path):
    con = built("daily-actuals-monthly-goal", tmp_path, date(2024, 11, 16))
    (october,) = rows(
        con, "select * from actual_vs_expectation where period = '2024-10' and policy = 'at_period_end'"
    )
    assert (october["actual"], october["expectation"], october["variance"]) == (28800, 31000, -2200)
    assert round(october["attainment"], 3) == 0.929
    assert (october["is_shortfall"], october["favourable"]) == (True, False)
    assert (october["basis"], october["actual_components"]) == ("actual: sum of 31 days", 31)
    november = rows(
        con,
        "select * from pacing where expectation_start = date '2024-11-01' and policy = 'at_period_end'"
        " order by to_date_end",
    )
    assert [r["to_date_end"] for r in november] == [date(2024, 11, d) for d in range(1, 16)]
    mid = november[-1]
    assert (mid["actual_to_date"], mid["expected_to_date"]) == (12300, pytest.approx(15000))
    assert mid["pace_attainment"] == pytest.approx(0.82)
    assert mid["run_rate_projection"] == pytest.approx(24600)
    # November is not complete: no comparison for it
    assert rows(con, "select * from actual_vs_expectation where period = '2024-11'") == []


def test_negative_expectations_read_in_the_metric_sense(tmp_path):
    con = built("negative-expectations", tmp_path, date(2026, 11, 29))
    got = {
        r["period"]: r
        for r in rows(
            con, "select * from actual_vs_expectation where policy = 'at_period_end' order by period"
        )
    }
    assert {p: r["favourable"] for p, r in got.items()} == {
        "2024-Q1": True,
        "2024-Q2": False,
        "2024-Q3": False,
        "2024-Q4": True,
    }
    # attainment is not a share of plan below zero; performance: -50 vs -100 is 50% better
    assert [got[p]["attainment"] for p in ("2024-Q1", "2024-Q2", "2024-Q4")] == [None, None, None]
    assert got["2024-Q3"]["attainment"] == pytest.approx(-0.25)
    assert got["2024-Q1"]["performance_pct"] == pytest.approx(0.5)
    assert got["2024-Q2"]["performance_pct"] == pytest.approx(-0.5)


def test_consensus_after_quarter_end_is_compared_when_reported(tmp_path):
    con = built("consensus-after-quarter-end", tmp_path, date(2026, 11, 29))
    assert rows(con, "select * from actual_vs_expectation where policy = 'at_period_end'") == []
    wr = {
        (r["entity"], r["period"]): r
        for r in rows(con, "select * from actual_vs_expectation where policy = 'when_reported'")
    }
    assert len(wr) == 5 and all(r["is_default_policy"] for r in wr.values())
    miss = wr[("ACAD", "2020-Q3")]
    assert miss["variance_pct"] == pytest.approx(-0.421, abs=5e-4)
    assert miss["favourable"] is False
    beat = wr[("ACAD", "2021-Q3")]
    assert beat["performance_pct"] == pytest.approx(0.654, abs=5e-4)
    assert wr[("AAT", "2018-Q4")]["favourable"] is True
    alerts = rows(con, "select * from alerts where alert_type = 'large_miss'")
    assert [(a["entity"], a["period"], a["policy"]) for a in alerts if a["entity"] == "ACAD"] == [
        ("ACAD", "2020-Q3", "when_reported")
    ]


def test_fiscal_quarters_of_a_retailer_roll_up_its_months(tmp_path):
    con = built("fiscal-quarters", tmp_path, date(2026, 11, 29))
    got = {
        r["period"]: r
        for r in rows(
            con,
            "select * from actual_vs_expectation where entity = 'Retailer' and policy = 'at_period_end'",
        )
    }
    # values in the budget's unit as reported (USD m): 95 + 100 + 98 = 293 against 300; 110 + 105 + 108 = 323
    # vs 330; to_base gives the base unit (USD)
    q1, q2 = got["FY2025-Q1"], got["FY2025-Q2"]
    assert (q1["actual"], q1["expectation"], q1["unit"]) == (293, 300, "USD m")
    assert (q1["actual"] * q1["to_base"], q1["base_unit"]) == (293e6, "USD")
    assert round(q1["attainment"], 3) == 0.977 and q1["is_shortfall"]
    assert (q2["actual"], q2["expectation"]) == (323, 330)
    assert round(q2["attainment"], 3) == 0.979
    assert q1["actual_figure_ids"] == ["M02", "M03", "M04"]
    assert (q1["period_start"], q1["period_end"]) == (date(2024, 2, 1), date(2024, 4, 30))
