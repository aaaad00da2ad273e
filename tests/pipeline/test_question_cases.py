"""Cases of the issue "No silent answers" (copied from the team's shared cases into tests/data/cases/): the
arithmetic for the question the analyst asked. Which actual (first release or latest) and which vintage
(a cut-off before the period ended), pacing against the plan's own phasing, rates in points and weighted,
growth targets. Loaded and built as a run does, with their right values."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"

# quarter: (first release, latest vintage, consensus of the quarter's own survey, of the survey before)
RESTATED = {
    "2008-Q1": (0.5974, -1.6188, 0.6731, 2.185), "2008-Q2": (1.8886, 2.3098, 0.2051, 1.3255),
    "2008-Q3": (-0.2522, -2.0907, 1.1535, 1.6996), "2008-Q4": (-3.8037, -8.4516, -2.9354, 0.711),
    "2009-Q1": (-6.1437, -4.5812, -5.1892, -1.0968), "2009-Q2": (-1.0173, -0.6752, -1.5283, -1.7504),
    "2009-Q3": (3.5339, 1.4536, 2.4387, 0.4492), "2009-Q4": (5.7309, 4.3433, 2.6991, 2.1738),
    "2010-Q1": (3.2387, 2.0152, 2.7015, 2.2989), "2010-Q2": (2.3866, 3.9255, 3.3174, 2.7221),
    "2010-Q3": (2.0097, 3.1298, 2.329, 3.2901), "2010-Q4": (3.173, 2.0943, 2.2441, 2.8303),
}  # fmt: skip


def built(case: str, tmp_path: Path, today: date = date(2026, 11, 29)) -> duckdb.DuckDBPyConnection:
    result = load_all(CASES / case, today)
    path = build(result, tmp_path / f"{case}.duckdb", CASES / case)
    return duckdb.connect(str(path), read_only=True)


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    rel = con.sql(sql, params=params) if params else con.sql(sql)
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


@pytest.fixture(scope="module")
def restated(tmp_path_factory):
    with built("restated-actuals", tmp_path_factory.mktemp("restated")) as con:
        yield con


def _by_quarter(con, vintage: str, policy: str) -> dict[str, dict]:
    got = rows(
        con,
        "select * from actual_vs_expectation where actual_vintage = ? and policy = ?",
        [vintage, policy],
    )
    return {r["period"]: r for r in got}


def test_first_release_against_the_consensus_of_the_quarter(restated):
    got = _by_quarter(restated, "first_release", "when_reported")
    assert sorted(got) == sorted(RESTATED)
    q4 = got["2008-Q4"]
    # a miss of 0.87 pp against the first release, not the 5.52 pp the later restatement shows
    assert (q4["actual"], q4["expectation"]) == (pytest.approx(-3.8037), pytest.approx(-2.9354))
    assert q4["variance"] == pytest.approx(-0.8683, abs=1e-4)
    assert q4["attainment"] is None and q4["variance_pct"] is None  # a growth rate: points only
    for quarter, (first, _, consensus, _) in RESTATED.items():
        assert got[quarter]["actual"] == pytest.approx(first)
        assert got[quarter]["expectation"] == pytest.approx(consensus)


def test_verdicts_flip_between_first_release_and_latest(restated):
    first = _by_quarter(restated, "first_release", "when_reported")
    latest = _by_quarter(restated, "latest", "when_reported")
    assert latest["2008-Q4"]["actual"] == pytest.approx(-8.4516)
    flipped = sorted(q for q in RESTATED if first[q]["direction"] != latest[q]["direction"])
    assert flipped == ["2009-Q1", "2009-Q3", "2010-Q1", "2010-Q2", "2010-Q3", "2010-Q4"]
    errors_first = [first[q]["variance"] for q in RESTATED]
    errors_latest = [latest[q]["variance"] for q in RESTATED]
    assert sum(errors_first) / 12 == pytest.approx(0.27, abs=0.005)
    assert math.sqrt(sum(e * e for e in errors_first) / 12) == pytest.approx(1.27, abs=0.005)
    assert sum(errors_latest) / 12 == pytest.approx(-0.52, abs=0.005)
    assert math.sqrt(sum(e * e for e in errors_latest) / 12) == pytest.approx(2.18, abs=0.005)


def test_cut_off_policy_takes_the_survey_before_the_quarter(restated):
    got = _by_quarter(restated, "first_release", "days_before_end_90")
    assert sorted(got) == sorted(RESTATED)
    assert got["2008-Q4"]["expectation"] == pytest.approx(0.711)
    assert got["2008-Q4"]["expectation_as_of"] == date(2008, 8, 15)  # cut-off 2008-10-02
    for quarter, (_, _, _, before) in RESTATED.items():
        assert got[quarter]["expectation"] == pytest.approx(before)


def test_cut_off_policy_belongs_to_the_dataset_that_asked(restated):
    assert rows(restated, "select dataset, policy, cutoff_days from expectation_policies") == [
        {"dataset": "spf-rgdp", "policy": "days_before_end_90", "cutoff_days": 90}
    ]


# Canadian Division trade sales 2011 (CAD): (actual, the month's budget), the company's own phasing
PHASED = [
    (210286.82, 241800), (577260.32, 663800), (374517.15, 430700), (428254.52, 492500), (696706.49, 801200),
    (470964.40, 565200), (298476.34, 283600), (503384.70, 453000), (610295.79, 793400), (415890.65, 478300),
    (700224.73, 665200), (459971.77, 529000),
]  # fmt: skip
PHASED_YEAR = 6397700.0


def test_pacing_against_the_plans_own_phasing(tmp_path):
    con = built("phased-pacing", tmp_path)
    by = {
        phasing: rows(
            con,
            "select * from pacing where policy = 'at_period_end' and expectation_period = '2011' and phasing = ?"
            " order by to_date_end",
            [phasing],
        )
        for phasing in ("plan", "linear")
    }
    assert len(by["plan"]) == len(by["linear"]) == 12
    cum_a = cum_b = 0.0
    for i, ((actual, budget), plan, linear) in enumerate(zip(PHASED, by["plan"], by["linear"], strict=True)):
        cum_a, cum_b = cum_a + actual, cum_b + budget
        assert plan["pace_attainment"] == pytest.approx(cum_a / cum_b, rel=1e-6)
        assert plan["expected_to_date"] / plan["expectation"] == pytest.approx(cum_b / PHASED_YEAR, rel=1e-6)
        assert linear["pace_attainment"] == pytest.approx(cum_a / (PHASED_YEAR * (i + 1) / 12), rel=1e-6)
        assert (plan["phase_grain"], plan["has_plan_phasing"], linear["has_plan_phasing"]) == (
            "month",
            True,
            True,
        )
    # January: 87 % of the plan's pace, where the linear share says 39 %
    assert round(by["plan"][0]["pace_attainment"], 4) == 0.8697
    assert round(by["linear"][0]["pace_attainment"], 4) == 0.3944


def test_percentages_in_points_weighted_by_attendances(tmp_path):
    con = built("percent-cells", tmp_path)
    compared = rows(con, "select * from actual_vs_expectation where metric = 'ae_4h_performance'")
    assert compared
    for r in compared:  # a percentage of a percentage is no measure
        assert r["attainment"] is None and r["variance_pct"] is None, r["period"]
        assert r["variance"] == pytest.approx(r["actual"] - r["expectation"])
        assert r["variance_bps"] == pytest.approx(r["variance"] * 100)
    got = {
        r["period"]: r
        for r in rows(
            con,
            "select * from actual_vs_expectation where policy = 'at_period_end' and expectation_kind = 'guidance'"
            " and actual_vintage = 'latest'",
        )
    }
    # 27,304 of 39,339 attendances within 4 hours (the plain mean of the months would say 69.3998)
    assert got["2023-Q4"]["actual"] == pytest.approx(69.406950, abs=1e-6)
    assert got["2024-Q1"]["actual"] == pytest.approx(74.307317, abs=1e-6)
    assert got["2023-Q4"]["basis"] == "actual: weighted mean of 3 months (by ae_attendances)"
    (march,) = rows(
        con,
        "select * from actual_vs_expectation where period = '2024-03' and expectation_kind = 'projection'"
        " and expectation = 76 and policy = 'at_period_end' and actual_vintage = 'latest'",
    )
    assert march["variance"] == pytest.approx(3.00, abs=0.005)
    (streak,) = rows(
        con,
        "select * from shortfall_streaks where metric = 'ae_4h_performance' and policy = 'at_period_end'"
        " and first_period = '2023-10'",
    )
    assert (streak["length"], streak["cumulative_shortfall"]) == (6, None)  # a sum of points is no quantity
