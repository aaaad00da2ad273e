"""Difference-in-differences on the synthetic series, and the automatic choice of controls."""

from __future__ import annotations

from datetime import date

import polars as pl

from pipelines.effects.did import DidEstimate, estimate_did
from pipelines.effects.results import Refusal

from .synthetic import panel, synthetic


def test_did_recovers_the_drop():
    for seed in range(10):
        series, controls, event = synthetic(seed)
        result = estimate_did(panel(series, controls), "US", ["CA", "MX", "BR"], event, "month")
        assert isinstance(result, DidEstimate) and result.scale == "log"
        assert abs(result.relative_effect.estimate + 0.20) <= 0.05
        assert result.relative_effect.covers(-0.20), seed


def test_did_interval_covers_zero_without_an_effect():
    covered = 0
    for seed in range(100):
        series, controls, event = synthetic(seed, effect=0.0)
        covered += estimate_did(
            panel(series, controls), "US", ["CA", "MX", "BR"], event, "month"
        ).effect.covers(0)
    assert covered >= 90


def test_did_leaves_out_periods_a_control_lacks():
    series, controls, event = synthetic(5)
    holed = controls.filter(~((pl.col("region_code") == "CA") & (pl.col("period_start") == date(2023, 3, 1))))
    result = estimate_did(panel(series, holed), "US", ["CA", "MX", "BR"], event, "month")
    assert "2023-03" not in result.gap["period"].to_list()
    assert "2023-03" in result.notes[0]


def test_did_refuses_without_controls_or_with_too_few_periods():
    series, controls, event = synthetic(6)
    assert isinstance(estimate_did(panel(series, controls), "US", [], event, "month"), Refusal)
    yearly = pl.DataFrame(
        {
            "region_code": ["US", "US", "CA", "CA"],
            "period_start": [date(2023, 1, 1), date(2024, 1, 1)] * 2,
            "value": [16.0, 12.0, 1.0, 1.1],
        }
    )
    refusal = estimate_did(yearly, "US", ["CA"], date(2024, 4, 24), "year")
    assert isinstance(refusal, Refusal) and "at least 4 before" in refusal.reason
