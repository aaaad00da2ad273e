"""A paced period that is over shows where it landed, not a run-rate (found by a new-user trial: TikTok Shop's
US 2024 target was paced on a Jan-May 'at most 2.0' span with a 4.8 bn run-rate landing, beside the reported
full-year 8.5 bn the Scorecard compares)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.charts.pacing import pacing_chart

BN = 1e9


def paced(period_actual):
    return pl.DataFrame(
        {
            "region_code": ["US"], "expectation_period": ["2024"], "expectation_kind": ["target"],
            "expectation": [17.5 * BN], "expectation_start": [dt.date(2024, 1, 1)],
            "expectation_end": [dt.date(2024, 12, 31)], "to_date_start": [dt.date(2024, 1, 1)],
            "to_date_end": [dt.date(2024, 5, 31)], "actual_to_date": [2 * BN], "actual_bound": ["at_most"],
            "basis": ["reported"], "elapsed_share": [5 / 12], "share_achieved": [2 / 17.5],
            "expected_to_date": [17.5 * BN * 5 / 12], "pace_attainment": [0.27],
            "run_rate_projection": [4.8 * BN], "source_ids": ["s1"], "unit": ["USD"], "favourable": [False],
            "performance_pct": [-0.73], "to_date_grain": ["span"], "is_complete": [False],
            "period_actual": [period_actual], "period_actual_source_id": ["press"],
        }
    )  # fmt: skip


def test_an_open_period_draws_its_run_rate_landing():
    names = [t.name for t in pacing_chart(paced(None)).data]
    assert "run-rate landing" in names and not any(n.startswith("reported for") for n in names)


def test_a_reported_period_draws_where_it_landed_not_a_run_rate():
    figure = pacing_chart(paced(8.5 * BN))
    names = [t.name for t in figure.data]
    assert "run-rate landing" not in names
    (landed,) = [t for t in figure.data if t.name == "reported for 2024"]
    assert list(landed.y) == [8.5] and "press" in landed.hovertemplate
