"""Difference-in-differences on the synthetic series, and the automatic choice of controls."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

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
    # a refusal (the pre-trend test, about 5% of parallel panels) is no false effect
    false_effects = 0
    for seed in range(100):
        series, controls, event = synthetic(seed, effect=0.0)
        result = estimate_did(panel(series, controls), "US", ["CA", "MX", "BR"], event, "month")
        false_effects += not isinstance(result, Refusal) and not result.effect.covers(0)
    assert false_effects <= 10


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


def diverging(seed: int, drift: float = 0.005):
    """The synthetic panel, no effect, the treated region drifting away from its controls by `drift` a month."""
    series, controls, event = synthetic(seed, effect=0.0)
    drifted = series.with_columns(pl.col("value") * (1 + drift) ** pl.int_range(pl.len()))
    return panel(drifted, controls), event


def test_did_refuses_when_pre_trends_diverge():
    """40 placebos (no effect) whose treated region drifts by 0.5% a month: the pre-trend test refuses most of
    them (34 of 40 seen); the drift is small against the noise, so the rest read it as an effect: a known limit
    of a difference-in-differences, why the synthetic control leads (docs/event-impact.md)."""
    results = [estimate_did(p, "US", ["CA", "MX", "BR"], e, "month") for p, e in map(diverging, range(40))]
    refused = [r for r in results if isinstance(r, Refusal)]
    assert len(refused) >= 32 and all("parallel-trends assumption fails" in r.reason for r in refused)
    assert all(isinstance(estimate_did(p, "US", ["CA", "MX", "BR"], e, "month"), Refusal)
               for p, e in (diverging(seed, drift=0.01) for seed in range(40)))  # fmt: skip


def test_did_pre_trend_test_rarely_refuses_parallel_series():
    refused = sum(
        isinstance(estimate_did(panel(s, c), "US", ["CA", "MX", "BR"], e, "month"), Refusal)
        for s, c, e in (synthetic(seed, effect=0.0) for seed in range(100))
    )
    assert refused <= 10


def test_did_event_study_has_pre_and_post_periods():
    series, controls, event = synthetic(0)
    result = estimate_did(panel(series, controls), "US", ["CA", "MX", "BR"], event, "month")
    study = result.event_study
    assert study.height == 36 and study["position"].min() == -24 and study["position"].max() == 11
    pre = study.filter(pl.col("position") < 0)
    assert abs(pre["effect"].mean()) < 1e-12  # measured from the pre-period mean gap
    post = study.filter(pl.col("position") >= 0)
    assert post["effect"].mean() == pytest.approx(result.effect.estimate, abs=1e-9)
    assert (study["lower"] < study["effect"]).all() and (study["effect"] < study["upper"]).all()
    assert result.pre_trend["periods"] == 24 and result.pre_trend["p_value"] > 0.05


@pytest.mark.parametrize("periods,lags", [(30, 2), (36, 3), (8, 1), (12, 0)])
def test_the_numpy_ols_equals_statsmodels_plain_and_newey_west(periods, lags):
    """pipelines/effects/ols.py gives statsmodels' OLS parameters, errors, 95% intervals and p-values within
    1e-10: plain errors (the pre-trend test's slope on time) and HAC with Bartlett weights (the gap on a
    post dummy), on autocorrelated generated gaps."""
    import numpy as np
    from statsmodels.regression.linear_model import OLS

    from pipelines.effects.ols import fit_ols

    rng = np.random.default_rng(periods)
    gap = np.cumsum(rng.normal(0, 0.05, periods)) + np.where(np.arange(periods) >= periods * 2 // 3, -0.1, 0)
    post = (np.arange(periods) >= periods * 2 // 3).astype(float)
    time = np.arange(periods, dtype=float) - periods
    for x, kwargs, ours in (
        (np.column_stack([np.ones(periods), post]), {"cov_type": "HAC", "cov_kwds": {"maxlags": lags}, "use_t": True},
         fit_ols(gap, np.column_stack([np.ones(periods), post]), hac_lags=lags)),
        (np.column_stack([np.ones(periods), time]), {}, fit_ols(gap, np.column_stack([np.ones(periods), time]))),
    ):  # fmt: skip
        theirs = OLS(gap, x).fit(**kwargs)
        np.testing.assert_allclose(ours.params, theirs.params, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.bse, theirs.bse, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.conf_int(0.05), theirs.conf_int(alpha=0.05), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours.pvalues(), theirs.pvalues, rtol=1e-10, atol=1e-14)
        assert ours.df_resid == theirs.df_resid


def test_the_event_study_t_quantile_is_scipy_stats():
    """The event study's and the intervals' t quantiles come from scipy.special (no scipy.stats import): the
    numbers scipy.stats.t.ppf gives."""
    from scipy import stats

    from pipelines.effects.ols import t_quantile

    for df in (1, 3, 17, 28, 500):
        assert t_quantile(0.975, df) == stats.t.ppf(0.975, df)
