"""Synthetic control on generated panels with known effects: the weights are SLSQP's, the placebo interval is
the inverted permutation test, false effects are rare (at most the nominal 5% of at least 40 placebos), a known
effect is recovered, and the refusals (poor fit, no donors) and the few-donor sentence."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest
from scipy.optimize import minimize

from pipelines.effects.periods import period_index, period_start
from pipelines.effects.results import Refusal
from pipelines.effects.synthetic_control import (
    SyntheticControlEstimate,
    estimate_synthetic_control,
    simplex_weights,
)
from pipelines.effects.windows import choose_window

FIRST_YEAR = 1980


def factor_panel(seed: int, donors: int = 29, n_pre: int = 20, n_post: int = 10, effect: float = 0.0):
    """Yearly outcomes of `donors` + 1 exchangeable regions (T0 the treated one) from two common random-walk
    factors with region loadings, noise sd 1 around a level of about 100; `effect` added to T0 after the event.
    Returns (long frame region_code, period_start, value; donor codes; the window)."""
    rng = np.random.default_rng(seed)
    n, t = donors + 1, n_pre + n_post
    factors = np.cumsum(rng.normal(0, 1, (t, 2)), axis=0)
    loadings = rng.uniform(0.5, 1.5, (n, 2))
    values = 100 + factors @ loadings.T + rng.normal(0, 1, (t, n))
    values[n_pre:, 0] += effect
    codes = [f"T{i}" for i in range(n)]
    starts = [date(FIRST_YEAR + i, 1, 1) for i in range(t)]
    frame = pl.DataFrame(
        {
            "region_code": [c for c in codes for _ in starts],
            "period_start": starts * n,
            "value": values.T.ravel(),
        }
    )
    window = choose_window(date(FIRST_YEAR + n_pre, 1, 1), "year", [period_index(s, "year") for s in starts])
    return frame, codes[1:], window


def test_weights_equal_slsqp_on_the_simplex():
    rng = np.random.default_rng(7)
    donors = rng.normal(100, 10, (19, 38))
    target = donors[:, :4] @ np.array([0.4, 0.3, 0.2, 0.1]) + rng.normal(0, 1, 19)
    ours = simplex_weights(target, donors)
    slsqp = minimize(
        lambda w: np.mean((target - donors @ w) ** 2),
        np.full(38, 1 / 38),
        method="SLSQP",
        bounds=[(0, 1)] * 38,
        constraints=({"type": "eq", "fun": lambda w: w.sum() - 1},),
        options={"ftol": 1e-14, "maxiter": 2000},
    ).x
    assert ours.min() >= 0 and ours.sum() == pytest.approx(1)
    assert np.abs(ours - slsqp).max() < 1e-3
    assert np.mean((target - donors @ ours) ** 2) <= np.mean((target - donors @ slsqp) ** 2) + 1e-9


def test_interval_is_the_inverted_placebo_test():
    """Brute force: remove a constant effect a from the treated post-period, recompute the p-value; the interval's
    inside is where p > 0.05 and just outside is where it is not."""
    frame, donors, window = factor_panel(3, effect=-6.0)
    result = estimate_synthetic_control(frame, "T0", donors, window)
    assert isinstance(result, SyntheticControlEstimate) and result.interval is not None

    def p_value(a: float) -> float:
        shifted = frame.with_columns(
            pl.when((pl.col("region_code") == "T0") & (pl.col("period_start") >= date(2000, 1, 1)))
            .then(pl.col("value") - a)
            .otherwise(pl.col("value"))
            .alias("value")
        )
        return estimate_synthetic_control(shifted, "T0", donors, window).p_value

    low, high = result.interval.lower, result.interval.upper
    assert p_value((low + high) / 2) > 0.05
    assert p_value(low + 0.01) > 0.05 and p_value(high - 0.01) > 0.05
    assert p_value(low - 0.05) <= 0.05 and p_value(high + 0.05) <= 0.05


def test_placebos_without_an_effect_rarely_exclude_zero():
    """60 generated panels where nothing happened: the share whose interval excludes zero is at most 5%."""
    results = [estimate_synthetic_control(*_split(factor_panel(seed))) for seed in range(60)]
    refused = [r for r in results if isinstance(r, Refusal)]
    # a pre-period gap that drifts by chance is refused, never read as an effect: at most the test's 5 %
    assert all("synthetic drifts" in r.reason for r in refused) and len(refused) <= 3
    results = [r for r in results if isinstance(r, SyntheticControlEstimate)]
    excluding = [r for r in results if r.interval is not None and not r.interval.covers(0.0)]
    assert len(excluding) / len(results) <= 0.05, [round(r.average_gap, 2) for r in excluding]
    assert sum(r.p_value <= 0.05 for r in results) == len(excluding)  # the interval is the test, inverted


def test_a_treated_series_trending_away_from_every_donor_is_refused_not_read_as_an_effect():
    """Nothing happened, but T0 drifts up 0.5 a year from its factor model: the synthetic matches its level, not
    its trend, and before this rule the gap after the event read the drift as an effect."""
    frame, donors, window = factor_panel(3)
    year = pl.col("period_start").dt.year() - FIRST_YEAR
    frame = frame.with_columns(
        pl.when(pl.col("region_code") == "T0").then(pl.col("value") + 0.5 * year).otherwise(pl.col("value"))
    )
    result = estimate_synthetic_control(frame, "T0", donors, window)
    assert isinstance(result, Refusal)
    assert "the pre-period gap between T0 and its synthetic drifts (+0.50" in result.reason
    assert "read the drift as an effect" in result.reason


def test_a_known_effect_is_recovered_within_its_interval():
    results = [estimate_synthetic_control(*_split(factor_panel(seed, effect=-10.0))) for seed in range(20)]
    covered = sum(r.interval is not None and r.interval.covers(-10.0) for r in results)
    assert covered >= 18  # a 95% interval misses now and then by design
    assert sum(r.p_value <= 0.05 for r in results) >= 15  # and the effect is told apart from zero
    # placebo in time: a fake event halfway through the 20 pre-period years finds much less than the real one
    fake = [r.placebo_in_time for r in results]
    assert all(f["fake_event_period"] == "1990" and f["post"] == "1990..1999" for f in fake)
    assert np.median([abs(f["average_gap"]) for f in fake]) < 2.5
    assert np.median([r.average_gap for r in results]) == pytest.approx(-10.0, abs=1.5)


def test_few_donors_give_the_estimate_and_say_why_p_cannot_reach_five_percent():
    frame, donors, window = factor_panel(1, donors=12, effect=-10.0)
    result = estimate_synthetic_control(frame, "T0", donors, window)
    assert isinstance(result, SyntheticControlEstimate)
    assert result.p_value >= 1 / 13 and result.interval is None
    assert any("with 12 donors the placebo test cannot reach 0.05" in n for n in result.notes)
    assert result.to_dict()["interval"] is None and result.to_dict()["average_gap"] == result.average_gap


def test_refuses_a_poor_pre_period_fit():
    frame, donors, window = factor_panel(2)
    # the treated region far above every donor: no weighted mean of them reaches it
    lifted = frame.with_columns(
        pl.when(pl.col("region_code") == "T0")
        .then(pl.col("value") * 1.5)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    result = estimate_synthetic_control(lifted, "T0", donors, window)
    assert (
        isinstance(result, Refusal) and "pre-period fit is poor" in result.reason and "10%" in result.reason
    )


def test_refuses_without_donors_or_pre_period():
    frame, donors, window = factor_panel(4)
    assert "no usable donors" in estimate_synthetic_control(frame, "T0", [], window).reason
    short = choose_window(
        date(2000, 1, 1), "year", [period_index(date(1980, 1, 1), "year")], pre="1997..1999"
    )
    assert "at least 4" in estimate_synthetic_control(frame, "T0", donors, short).reason


def test_monthly_series_and_a_late_post_window():
    starts = [period_start(2020 * 12 + i, "month") for i in range(36)]
    rng = np.random.default_rng(0)
    base = 50 + np.cumsum(rng.normal(0, 1, 36))
    scales = [1.0] + [0.4 + 0.05 * i for i in range(1, 25)]  # R0 in the middle of its donors
    rows = {f"R{i}": base * scale + rng.normal(0, 0.5, 36) for i, scale in enumerate(scales)}
    rows["R0"][24:] -= 5
    frame = pl.DataFrame(
        {
            "region_code": [r for r in rows for _ in starts],
            "period_start": starts * 25,
            "value": np.concatenate(list(rows.values())),
        }
    )
    window = choose_window(
        date(2022, 1, 15), "month", [period_index(s, "month") for s in starts], post="2022-04..2022-12"
    )
    result = estimate_synthetic_control(frame, "R0", [f"R{i}" for i in range(1, 25)], window)
    assert result.window.post == (
        period_index(date(2022, 4, 1), "month"),
        period_index(date(2022, 12, 1), "month"),
    )
    assert result.gaps.filter(pl.col("side") == "post")["period"].to_list()[0] == "2022-04"
    assert "2022-02" not in result.gaps["period"].to_list()  # between the event and the late post window
    assert result.average_gap == pytest.approx(-5.0, abs=1.5)


def _split(panel):
    frame, donors, window = panel
    return frame, "T0", donors, window


def test_one_event_in_two_regions_is_pooled_with_each_region_beside_it():
    from pipelines.effects.pooled import PooledEstimate, pool_synthetic_controls

    frame, codes, window = factor_panel(5, donors=30, effect=-10.0)
    # T1 treated too: the same effect from the same year
    frame = frame.with_columns(
        pl.when((pl.col("region_code") == "T1") & (pl.col("period_start") >= date(2000, 1, 1)))
        .then(pl.col("value") - 10.0)
        .otherwise(pl.col("value"))
        .alias("value")
    )
    donors = [c for c in codes if c != "T1"]
    by_region = {r: estimate_synthetic_control(frame, r, donors, window) for r in ("T0", "T1")}
    pooled = pool_synthetic_controls(by_region)
    assert isinstance(pooled, PooledEstimate) and pooled.regions == ["T0", "T1"] and len(pooled.donors) == 29
    assert pooled.average_gap == pytest.approx(np.mean([e.average_gap for e in by_region.values()]))
    assert pooled.average_gap == pytest.approx(-10.0, abs=2.0)
    assert pooled.placebo_sets == 29 * 28 // 2 and pooled.p_value <= 0.05
    assert (
        pooled.to_dict()["interval"] is None
        and "each region's own interval" in pooled.to_dict()["interval_note"]
    )
    one = {"T0": estimate_synthetic_control(*_split(factor_panel(6, donors=30)))}
    assert isinstance(
        pool_synthetic_controls({**one, "X": Refusal("synthetic control", "no donors")}), Refusal
    )
