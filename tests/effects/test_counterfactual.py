"""Structural time series counterfactual: recovers a known effect, stays honest without one, refuses thin data."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.effects.counterfactual import CounterfactualEstimate, estimate_counterfactual
from pipelines.effects.results import Refusal

from .synthetic import synthetic


def test_recovers_a_twenty_percent_drop():
    results = [estimate(seed) for seed in range(20)]
    assert all(isinstance(r, CounterfactualEstimate) for r in results)
    relative = [r.relative_effect for r in results]
    assert all(abs(r.estimate + 0.20) <= 0.05 for r in relative), [round(r.estimate, 3) for r in relative]
    # a 95% interval misses now and then by design; 2 of 20 is the most a calibrated interval should
    assert sum(r.covers(-0.20) for r in relative) >= 18


@pytest.mark.slow  # 100 model fits: about 10-20 s
def test_interval_covers_zero_without_an_effect():
    covered = 0
    for seed in range(100):
        series, controls, event = synthetic(seed, effect=0.0)
        result = estimate_counterfactual(series, event, "month", controls=controls)
        covered += result.relative_effect.covers(0.0)
    assert covered >= 90


def test_panels_have_the_three_causalimpact_views():
    series, controls, event = synthetic(0)
    result = estimate_counterfactual(series, event, "month", controls=controls)
    assert set(result.panels["panel"].unique()) == {"original", "pointwise", "cumulative"}
    post = result.panels.filter(pl.col("is_post"))
    assert post.height == 3 * 12 and post["lower"].is_not_null().all()
    last_cumulative = post.filter(pl.col("panel") == "cumulative")["estimate"][-1]
    assert last_cumulative == pytest.approx(result.cumulative_effect.estimate)
    assert (
        result.pre_periods == 36 and result.post_start == "2024-01" and result.controls == ["BR", "CA", "MX"]
    )


def test_refuses_a_gap_in_the_pre_period():
    series, controls, event = synthetic(1)
    holed = series.filter(pl.col("period_start") != date(2023, 6, 1))
    result = estimate_counterfactual(holed, event, "month", controls=controls)
    assert isinstance(result, Refusal)
    assert "gaps (2023-06)" in result.reason and "never filled" in result.reason


def test_refuses_a_short_pre_period():
    series, controls, event = synthetic(2, n_pre=18)
    result = estimate_counterfactual(series, event, "month", controls=controls)
    assert isinstance(result, Refusal)
    assert "18 monthly figures" in result.reason and "at least 24" in result.reason


def test_refuses_when_another_event_overlaps():
    series, controls, event = synthetic(3)
    other = pl.DataFrame({"event_id": ["US-SUIT"], "date": [date(2023, 5, 7)], "title": ["TikTok sues"]})
    result = estimate_counterfactual(series, event, "month", controls=controls, other_events=other)
    assert isinstance(result, Refusal) and "US-SUIT" in result.reason


@pytest.mark.parametrize("grain", ["year", "half"])
def test_refuses_coarse_grains(grain):
    # the case study's annual figures: a handful of points cannot support a counterfactual
    series = pl.DataFrame(
        {"period_start": [date(y, 1, 1) for y in range(2020, 2025)], "value": [1.0, 2, 3, 4, 5]}
    )
    result = estimate_counterfactual(series, date(2024, 4, 24), grain)
    assert isinstance(result, Refusal) and "monthly or quarterly" in result.reason


def test_refuses_an_event_without_later_figures():
    series, controls, _ = synthetic(4, n_post=0)
    result = estimate_counterfactual(series, date(2024, 1, 15), "month", controls=controls)
    assert isinstance(result, Refusal) and "no figures on or after" in result.reason


def estimate(seed):
    series, controls, event = synthetic(seed)
    return estimate_counterfactual(series, event, "month", controls=controls)
