"""Comparisons at the expectation's grain (issue 15): rollups by the metric's aggregation, complete coverage
only, mixed grains, fiscal calendars, pacing at the finest grain, measures in the metric's sense, policies.
A warehouse seeded by hand; every expected number is computed by hand in the comments."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from tests.helpers import METRIC_COLUMNS, REGION_COLUMNS, named, seeded_warehouse
from tests.sql.test_views import REGIONS, fig, month, rows, source_rows

CO = "Co"
# metric, name, unit_kind, additive, higher_is_better, can_be_negative, description, aggregation
METRICS = [
    ("revenue", "Revenue", "money", True, True, False, None, "sum"),
    ("costs", "Costs", "money", True, False, False, None, None),  # default: additive -> sum
    ("net_profit", "Net profit", "money", True, True, True, None, "sum"),
    ("unemployment", "Unemployment rate", "percent", False, False, False, None, None),  # default: mean
    ("users", "Users", "count", False, True, False, None, None),  # default: last
    ("eps", "EPS", "money", False, True, True, None, None),  # default: none
]


def period(label, grain, start: str, end: str) -> tuple[str, str, str, str]:
    return (label, grain, start, end)


def quarter(y: int, q: int) -> tuple[str, str, str, str]:
    start = date(y, 3 * q - 2, 1)
    end = (date(y + (q == 4), (3 * q) % 12 + 1, 1)) - timedelta(days=1)
    return (f"{y}-Q{q}", "quarter", start.isoformat(), end.isoformat())


def year(y: int) -> tuple[str, str, str, str]:
    return (str(y), "year", f"{y}-01-01", f"{y}-12-31")


def day(d: date) -> tuple[str, str, str, str]:
    return (d.isoformat(), "day", d.isoformat(), d.isoformat())


def f(fid, metric, per, kind, value, as_of="2025-02-01", source="s_filing", **kw):
    return fig(fid, metric, kw.pop("region", "US"), per, kind, value, as_of, source, entity=CO, **kw)


# fmt: off
FIGURES = [
    # 1. annual budget 1,200 against twelve monthly actuals of 100 (three of them approximate, one a leak)
    f("rb", "revenue", year(2024), "budget", 1200, "2023-12-01", "s_leak"),
    *[f(f"r{m:02d}", "revenue", month(2024, m), "actual", 100 + (m == 12) * 5,
        bound="approx" if m in (3, 6, 9) else "exact", source="s_press" if m == 12 else "s_filing")
      for m in range(1, 13)],
    # 2. quarterly average unemployment against a projection range 4.0-4.4 (Q1) and 4.0-4.4 (Q2)
    f("ug1", "unemployment", quarter(2024, 1), "projection", 4.0, "2023-12-01", "s_analyst", high=4.4, unit="%"),
    f("ug2", "unemployment", quarter(2024, 2), "projection", 4.0, "2024-03-01", "s_analyst", high=4.4, unit="%"),
    *[f(f"u{m:02d}", "unemployment", month(2024, m), "actual", v, unit="%")
      for m, v in zip(range(1, 7), (4.1, 4.3, 4.5, 4.6, 4.8, 5.0), strict=True)],
    # 3. year-end users against a target of 1,000: December counts (last), not the sum or the mean
    f("ut", "users", year(2024), "target", 1000, "2023-12-01", "s_leak", unit="count"),
    *[f(f"n{m:02d}", "users", month(2024, m), "actual", 900 + 20 * m, unit="count") for m in range(1, 13)],
    # 4. partial coverage: 2025 budget, actuals January-November only -> no comparison, pacing only
    f("rb25", "revenue", year(2025), "budget", 1200, "2024-12-01", "s_leak"),
    *[f(f"r25{m:02d}", "revenue", month(2025, m), "actual", 110) for m in range(1, 12)],
    # 5. a gap: 2026 budget, March missing -> no comparison; pacing stops at February
    f("rb26", "revenue", year(2026), "budget", 1200, "2025-12-01", "s_leak"),
    *[f(f"r26{m:02d}", "revenue", month(2026, m), "actual", 100) for m in range(1, 13) if m != 3],
    # 6. mixed grains: costs 2024 budget 400; twelve months (30 each = 360) AND four quarters restated
    #    (100 + 100 + 100 + 110 = 410): the coarsest complete grain, quarters, wins -> 410, over budget (worse)
    f("cb", "costs", year(2024), "budget", 400, "2023-12-01", "s_leak"),
    *[f(f"c{m:02d}", "costs", month(2024, m), "actual", 30) for m in range(1, 13)],
    *[f(f"cq{q}", "costs", quarter(2024, q), "actual", 100 + (q == 4) * 10) for q in range(1, 5)],
    #    ...and in Indonesia a reported year too: a figure for exactly the period wins over any rollup
    f("cbi", "costs", year(2024), "budget", 400, "2023-12-01", "s_leak", region="ID"),
    f("cyi", "costs", year(2024), "actual", 390, region="ID"),
    *[f(f"ci{m:02d}", "costs", month(2024, m), "actual", 30, region="ID") for m in range(1, 13)],
    # 7. a fiscal quarter (fiscal year from February): FY2025-Q1 = Feb-Apr 2024, budget 300 vs 95+100+98
    f("fq1", "revenue", period("FY2025-Q1", "quarter", "2024-02-01", "2024-04-30"), "budget", 300,
      "2024-01-15", "s_leak", region="ID"),
    *[f(f"fm{m:02d}", "revenue", month(2024, m), "actual", v, region="ID")
      for m, v in ((1, 90), (2, 95), (3, 100), (4, 98))],
    # 8. aggregation 'none': quarterly EPS never adds up to an annual consensus
    f("ec", "eps", year(2024), "consensus", 4.0, "2024-01-10", "s_analyst"),
    *[f(f"e{q}", "eps", quarter(2024, q), "actual", 1.1) for q in range(1, 5)],
    # 9. finer expectations rolled up to a coarser actual: monthly targets (50, 60, 70) vs a reported Q1 (190)
    *[f(f"rt{m}", "revenue", month(2024, m), "target", 10 * m, "2023-12-01", "s_leak", region="ID")
      for m in (5, 6, 7)],
    f("rq3", "revenue", period("2024-05..2024-07", "span", "2024-05-01", "2024-07-31"), "actual", 190,
      region="ID"),
    # 10. policies: net profit Q1 2025 consensus vintages -120 (before the quarter ended), -90 (set on the
    #     report date, after it), -60 (after the report); actual -100 reported on 2025-04-20
    f("pc1", "net_profit", quarter(2025, 1), "consensus", -120, "2025-03-01", "s_analyst"),
    f("pc2", "net_profit", quarter(2025, 1), "consensus", -90, "2025-04-20", "s_analyst"),
    f("pc3", "net_profit", quarter(2025, 1), "consensus", -60, "2025-05-15", "s_analyst"),
    f("pa", "net_profit", quarter(2025, 1), "actual", -100, "2025-04-20"),
    #     a planned loss of -100 beaten by -50 (budget: default at_period_end)
    f("pb2", "net_profit", quarter(2025, 2), "budget", -100, "2024-12-01", "s_leak"),
    f("pa2", "net_profit", quarter(2025, 2), "actual", -50, "2025-07-20"),
    # 11. daily revenue against a monthly target: November 2024 target 3,000; days 1-10 at 80 each
    f("dt", "revenue", month(2024, 11), "target", 3000, "2024-10-01", "s_leak", region="NAM"),
    *[f(f"d{d:02d}", "revenue", day(date(2024, 11, d)), "actual", 80, "2024-11-11", region="NAM")
      for d in range(1, 11)],
]
# fmt: on


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    con = seeded_warehouse(
        tmp_path_factory.mktemp("rollups") / "warehouse.duckdb",
        regions=named(REGION_COLUMNS, REGIONS),
        metrics=named(METRIC_COLUMNS, METRICS),
        sources=source_rows(),
        figures=FIGURES,
    )
    yield con
    con.close()


def compared(con, metric: str, per: str, *, region: str = "US", policy: str = "at_period_end") -> list[dict]:
    return rows(
        con,
        "select * from actual_vs_expectation where entity = 'Co' and metric = ? and period = ?"
        " and region_code = ? and policy = ? and actual_vintage = 'latest'",
        [metric, per, region, policy],
    )


def test_aggregation_defaults_and_declared(con):
    got = {r["metric"]: r for r in rows(con, "select * from metric_aggregations")}
    assert {m: r["aggregation"] for m, r in got.items()} == {
        "revenue": "sum",
        "costs": "sum",
        "net_profit": "sum",
        "unemployment": "mean",
        "users": "last",
        "eps": "none",
    }
    assert (got["revenue"]["aggregation_declared"], got["costs"]["aggregation_declared"]) == (True, False)


def test_annual_budget_against_twelve_monthly_actuals(con):
    (row,) = compared(con, "revenue", "2024")
    # 11 x 100 + 105 = 1,205 against 1,200: 100.4%, better
    assert (row["actual"], row["expectation"], row["variance"]) == (1205, 1200, 5)
    assert row["attainment"] == pytest.approx(1205 / 1200)
    assert (row["favourable"], row["performance_pct"]) == (True, pytest.approx(5 / 1200))
    assert (row["basis"], row["is_rollup"], row["aggregation"]) == ("actual: sum of 12 months", True, "sum")
    assert (row["actual_components"], row["actual_approximate_components"]) == (12, 3)
    assert (row["actual_bound"], row["is_approximate"]) == ("approx", True)
    assert row["actual_figure_ids"] == [f"r{m:02d}" for m in range(1, 13)]
    assert row["actual_figure_id"] is None
    assert row["actual_source_id"] == "s_filing,s_press"
    assert (row["grain"], row["period_start"], row["period_end"]) == (
        "year",
        date(2024, 1, 1),
        date(2024, 12, 31),
    )
    assert row["actual_as_of"] == date(2025, 2, 1)


def test_quarterly_average_rate_against_a_projection_range(con):
    (q1,) = compared(con, "unemployment", "2024-Q1")
    # (4.1 + 4.3 + 4.5) / 3 = 4.3: inside 4.0-4.4, in line, neither better nor worse
    assert q1["actual"] == pytest.approx(4.3)
    assert (q1["expectation"], q1["expectation_low"], q1["expectation_high"]) == (4.2, 4.0, 4.4)
    assert (q1["direction"], q1["in_range"], q1["favourable"]) == ("in_line", True, None)
    assert q1["basis"] == "actual: unweighted mean of 3 months"  # the metric names no weight
    (q2,) = compared(con, "unemployment", "2024-Q2")
    # (4.6 + 4.8 + 5.0) / 3 = 4.8 above the range: lower is better, so worse by 0.6 pp (60 bp); a rate is
    # compared in points, never as a percentage of a percentage (variance_pct, attainment null)
    assert q2["actual"] == pytest.approx(4.8)
    assert (q2["direction"], q2["favourable"], q2["is_shortfall"]) == ("above", False, True)
    assert q2["variance"] == pytest.approx(0.6)
    assert q2["variance_bps"] == pytest.approx(60.0)
    assert q2["performance_pct"] == pytest.approx(-0.006)
    assert q2["variance_pct"] is None and q2["attainment"] is None


def test_year_end_user_count_against_a_target(con):
    (row,) = compared(con, "users", "2024")
    # the last month, December: 900 + 240 = 1,140 users against 1,000
    assert (row["actual"], row["expectation"], row["favourable"]) == (1140, 1000, True)
    assert row["basis"] == "actual: last of 12 months"
    assert row["attainment"] == pytest.approx(1.14)


def test_partial_coverage_and_gaps_are_not_compared(con):
    assert compared(con, "revenue", "2025") == []
    assert compared(con, "revenue", "2026") == []


def test_mixed_grains_the_coarsest_complete_grain_wins(con):
    (row,) = compared(con, "costs", "2024")
    assert (row["actual"], row["basis"], row["actual_components"]) == (410, "actual: sum of 4 quarters", 4)
    # lower is better: over budget is worse, and performance is negative
    assert (row["favourable"], row["performance_pct"]) == (False, pytest.approx(-10 / 400))
    # a figure reported for exactly the period wins over any rollup
    (reported,) = compared(con, "costs", "2024", region="ID")
    assert (reported["actual"], reported["basis"], reported["is_rollup"]) == (390, "reported", False)
    assert reported["actual_figure_ids"] == ["cyi"]
    assert reported["favourable"] is True


def test_fiscal_quarter_rolls_up_its_own_months(con):
    (row,) = compared(con, "revenue", "FY2025-Q1", region="ID", policy="at_period_end")
    # Feb-Apr 2024: 95 + 100 + 98 = 293 against 300 (January, a calendar month, is outside)
    assert (row["actual"], row["expectation"]) == (293, 300)
    assert row["attainment"] == pytest.approx(293 / 300)
    assert row["actual_figure_ids"] == ["fm02", "fm03", "fm04"]
    assert (row["is_shortfall"], row["favourable"]) == (True, False)


def test_aggregation_none_is_never_combined(con):
    assert compared(con, "eps", "2024", policy="latest") == []
    assert rows(con, "select * from actual_rollups where metric = 'eps'") == []


def test_finer_expectations_rolled_up_to_a_coarser_actual(con):
    (row,) = compared(con, "revenue", "2024-05..2024-07", region="ID", policy="latest")
    # targets 50 + 60 + 70 = 180 against the reported 190
    assert (row["actual"], row["expectation"], row["variance"]) == (190, 180, 10)
    assert row["basis"] == "expectation: sum of 3 months"
    assert row["expectation_figure_ids"] == ["rt5", "rt6", "rt7"]
    assert (row["expectation_components"], row["actual_figure_ids"]) == (3, ["rq3"])


def test_default_policy_per_kind_is_chosen_in_one_place(con):
    got = {r["expectation_kind"]: r["default_policy"] for r in rows(con, "select * from default_policies")}
    assert got == {
        "consensus": "when_reported",
        "target": "at_period_end",
        "budget": "at_period_end",
        "guidance": "at_period_end",
        "projection": "at_period_end",
    }


def test_when_reported_takes_the_vintage_known_on_the_report_day(con):
    by_policy = {
        r["policy"]: r
        for r in rows(
            con, "select * from actual_vs_expectation where metric = 'net_profit' and period = '2025-Q1'"
        )
    }
    # at_period_end: -120 (2025-03-01); when_reported: -90, published the same day as the actual (counts);
    # latest: -60, published after the report
    assert {p: r["expectation"] for p, r in by_policy.items()} == {
        "at_period_end": -120,
        "original": -120,
        "when_reported": -90,
        "latest": -60,
    }
    wr = by_policy["when_reported"]
    assert (wr["expectation_figure_id"], wr["is_default_policy"]) == ("pc2", True)
    assert by_policy["at_period_end"]["is_default_policy"] is False
    # -100 against -90: a deeper loss than expected; variance % of |expectation|; no attainment below zero
    assert (wr["favourable"], wr["attainment"]) == (False, None)
    assert wr["variance_pct"] == pytest.approx(-10 / 90)
    assert wr["performance_pct"] == pytest.approx(-10 / 90)
    # against the earlier -120 it was a beat
    assert by_policy["at_period_end"]["favourable"] is True


def test_a_planned_loss_beaten_is_favourable(con):
    (row,) = compared(con, "net_profit", "2025-Q2")
    assert (row["actual"], row["expectation"], row["attainment"]) == (-50, -100, None)
    assert (row["favourable"], row["is_shortfall"], row["is_default_policy"]) == (True, False, True)
    assert row["performance_pct"] == pytest.approx(0.5)


def test_pacing_has_a_point_for_every_day(con):
    found = rows(
        con,
        "select * from pacing where region_code = 'NAM' and policy = 'at_period_end' order by to_date_end",
    )
    assert [r["to_date_end"] for r in found] == [date(2024, 11, d) for d in range(1, 11)]
    tenth = found[-1]
    # 800 against 3,000 x 10/30 = 1,000: pace 0.8, run-rate 2,400
    assert (tenth["actual_to_date"], tenth["basis"], tenth["to_date_grain"]) == (800, "sum of 10 days", "day")
    assert tenth["expected_to_date"] == pytest.approx(1000)
    assert tenth["pace_attainment"] == pytest.approx(0.8)
    assert tenth["run_rate_projection"] == pytest.approx(2400)
    assert (tenth["favourable"], tenth["performance_pct"]) == (False, pytest.approx(-0.2))
    assert found[0]["basis"] == "reported"


def test_pacing_partial_year_and_gap(con):
    y25 = rows(
        con,
        "select * from pacing where expectation_period = '2025' and policy = 'latest' order by to_date_end",
    )
    assert len(y25) == 11 and not any(r["is_complete"] for r in y25)
    nov = y25[-1]
    assert nov["actual_to_date"] == 1210
    assert nov["elapsed_share"] == pytest.approx(11 / 12)  # whole months: 11 of 12
    y26 = rows(
        con,
        "select * from pacing where expectation_period = '2026' and policy = 'latest' order by to_date_end",
    )
    assert [r["to_date_end"] for r in y26] == [date(2026, 1, 31), date(2026, 2, 28)]  # March is missing
    # a complete year: the last point is the comparison itself
    y24 = rows(
        con,
        "select * from pacing where expectation_period = '2024' and metric = 'revenue' and region_code = 'US'"
        " and policy = 'latest' order by to_date_end",
    )
    assert y24[-1]["is_complete"] and y24[-1]["pace_attainment"] == pytest.approx(1205 / 1200)
