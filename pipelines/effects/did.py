"""Difference-in-differences: the treated region's change around the event minus the controls' change.

Estimator: with one treated region and controls observed in the same periods, the two-way fixed-effects DiD
(region and period effects, one treatment dummy) equals the change in the gap series
gap_t = treated_t - mean(controls_t) from before the event to after it. We estimate it as the regression
gap_t = a + effect * post_t, on logs when every value is positive (the effect is then in log points and
exp(effect) - 1 is the relative effect), on levels otherwise. Standard errors are Newey-West (HAC), because
the gap of one region is autocorrelated over time and clustering by region is impossible with one treated
unit; the 95% interval uses the t distribution. No period is filled in: a period where the treated region
or any control lacks a figure is left out, and the result says so. Beside the estimate, an event study (each
period's gap against the pre-period mean) and a pre-trend test of the pre-period gap: a drift that makes a
quarter of the estimate or more is refused, a smaller one warned (`pre_trend`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl

from pipelines.effects.ols import fit_ols, t_quantile
from pipelines.effects.overlaps import overlap_refusal
from pipelines.effects.periods import label, period_index
from pipelines.effects.results import Interval, Refusal
from pipelines.effects.windows import Window

METHOD = "difference-in-differences (treated minus mean of controls, Newey-West standard errors)"
MIN_PRE_PERIODS = 4
# The pre-trend test: below PRE_TREND_ALPHA the estimate is refused when the drift, carried into the
# post-period, makes at least PRE_TREND_SHARE of it (the drift, not the event, would make the effect); a smaller
# drift is a loud warning (the demo's Thai ban: a drift of 1 log point against a 90-point drop).
PRE_TREND_ALPHA, PRE_TREND_SHARE = 0.05, 0.25
PRE_TREND_TEST = (
    "OLS t-test of the pre-period gap's slope on time; below p = 0.05 refused when the drift makes a quarter of "
    "the estimate or more, else a warning"
)
MIN_POST_PERIODS = 1
# How far the comparison reaches on each side of the event, per grain: (periods before, periods after).
DEFAULT_SPAN = {"month": (24, 12), "quarter": (12, 4), "half": (6, 2), "year": (6, 2)}


@dataclass(frozen=True)
class DidEstimate:
    method: str
    scale: str  # 'log' | 'level'
    treated: str
    controls: list[str]
    grain: str
    pre_periods: int
    post_periods: int
    effect: Interval  # log points (scale 'log') or the series' unit (scale 'level')
    relative_effect: Interval | None  # exp(effect) - 1 on the log scale
    standard_error: float
    gap: pl.DataFrame  # per period: treated, control mean, gap, is_post
    notes: list[str] = field(default_factory=list)
    window: Window | None = None
    pre_trend: dict | None = None  # slope of the pre-period gap per period, its p-value, the periods
    event_study: pl.DataFrame | None = None  # period, position, effect, lower, upper (pre periods included)

    def to_dict(self) -> dict:
        out = {k: v for k, v in self.__dict__.items() if k not in ("gap", "event_study")}
        out["window"] = self.window.to_dict() if self.window else None
        out["event_study"] = self.event_study.to_dicts() if self.event_study is not None else None
        out["effect"] = self.effect.__dict__
        out["relative_effect"] = self.relative_effect.__dict__ if self.relative_effect else None
        return {"status": "estimated", **out}


def estimate_did(
    panel: pl.DataFrame,
    treated: str,
    controls: list[str],
    event_date: date,
    grain: str,
    other_events: pl.DataFrame | None = None,
    pre_periods: int | None = None,
    post_periods: int | None = None,
    window: Window | None = None,
) -> DidEstimate | Refusal:
    """DiD of `treated` against `controls` in `panel` (region_code, period_start, value) around the event:
    over `window` when given, else `pre_periods`/`post_periods` (default `DEFAULT_SPAN`) each side."""
    if not controls:
        return Refusal(
            "difference-in-differences",
            "no control region: no region of the treated region's level has figures for this metric over the "
            "whole window without an event of its own in it (the donor pool lists why each was left out). Name "
            "controls explicitly (--controls, --include) if you know comparable regions",
        )
    if window is None and grain not in DEFAULT_SPAN:
        return Refusal("difference-in-differences", f"periods by {grain} cannot be lined up around an event")
    event_idx = window.event_period if window else period_index(event_date, grain)
    if window:
        allowed = [i - event_idx for i in range(window.pre[0], window.post[1] + 1) if window.side(i)]
    else:
        span_pre, span_post = DEFAULT_SPAN[grain]
        allowed = list(range(-(pre_periods or span_pre), post_periods or span_post))
    wide = _balanced(panel, [treated, *controls], event_idx, grain, allowed)
    notes = []
    if wide["dropped"]:
        notes.append(f"periods left out because a region lacks a figure: {', '.join(wide['dropped'][:8])}")
    positions = wide["positions"]
    n_pre = sum(p < 0 for p in positions)
    n_post = len(positions) - n_pre
    if n_pre < MIN_PRE_PERIODS or n_post < MIN_POST_PERIODS:
        return Refusal(
            "difference-in-differences",
            f"{n_pre} {grain}s before and {n_post} after the event have figures for the treated region and every "
            f"control; at least {MIN_PRE_PERIODS} before and {MIN_POST_PERIODS} after are needed",
        )
    refusal = overlap_refusal(
        "difference-in-differences",
        other_events,
        event_idx + min(positions),
        event_idx + max(positions),
        grain,
    )
    if refusal:
        return refusal

    values = wide["values"]  # rows: periods, columns: treated then controls
    scale, gap, effect, relative, standard_error = _regress_gap(values, positions)
    trend = pre_trend(gap, positions)
    refusal = _drift_refusal(trend, positions, effect, scale, treated, grain, notes)
    if refusal:
        return refusal
    frame = pl.DataFrame(
        {
            "position": positions,
            "period": [label(event_idx + p, grain) for p in positions],
            "is_post": [p >= 0 for p in positions],
            "treated": values[:, 0],
            "control_mean": values[:, 1:].mean(axis=1),
            "gap": gap,
        }
    )
    return DidEstimate(
        method=METHOD,
        scale=scale,
        treated=treated,
        controls=list(controls),
        grain=grain,
        pre_periods=n_pre,
        post_periods=n_post,
        effect=effect,
        relative_effect=relative,
        standard_error=standard_error,
        gap=frame,
        notes=notes,
        window=window,
        pre_trend=trend,
        event_study=event_study(gap, positions, [label(event_idx + p, grain) for p in positions]),
    )


def _drift_refusal(trend, positions, effect, scale, treated, grain, notes) -> Refusal | None:
    """A Refusal when the pre-trend test rejects and the drift, carried from the pre-period's centre to the
    post-period's, makes at least PRE_TREND_SHARE of the estimate; a smaller rejected drift is a WARNING note."""
    if trend["p_value"] >= PRE_TREND_ALPHA:
        return None
    pre = [p for p in positions if p < 0]
    drift = carried_drift(trend, positions)
    said = (
        f"the pre-period gap between {treated} and its controls drifts ({trend['slope']:+.3g} "
        f"{'log points' if scale == 'log' else 'per period'} a {grain}, p = {trend['p_value']:.3f} over "
        f"{len(pre)} {grain}s), which carried into the post-period alone makes {drift:+.3g} of the "
        f"{effect.estimate:+.3g} estimate"
    )
    if drift_is_the_estimate(trend, drift, effect.estimate):
        return Refusal(
            "difference-in-differences",
            f"{said}: the parallel-trends assumption fails, so a difference-in-differences would read the drift "
            "as an effect. The synthetic control, which matches the pre-period instead, is the estimate to use",
        )
    notes.insert(
        0,
        f"WARNING: {said}; parallel trends are doubtful, the estimate is kept as the drift is small beside it",
    )
    return None


def carried_drift(trend: dict, positions: list[int]) -> float:
    """The pre-period gap's slope carried from the pre-period's centre to the post-period's: what the gap would
    average after the event from the drift alone (in the gap's unit). Positions: periods relative to the event
    (negative before)."""
    pre = [p for p in positions if p < 0]
    return float(trend["slope"] * (np.mean([p for p in positions if p >= 0]) - np.mean(pre)))


def drift_is_the_estimate(trend: dict, drift: float, estimate: float) -> bool:
    """The pre-trend test rejects (p below PRE_TREND_ALPHA) and the carried drift makes PRE_TREND_SHARE of the
    estimate or more: the estimate cannot be told from the drift."""
    return trend["p_value"] < PRE_TREND_ALPHA and abs(drift) >= PRE_TREND_SHARE * abs(estimate)


def pre_trend(gap: np.ndarray, positions: list[int]) -> dict:
    """The pre-period gap regressed on time (OLS t-test): {'slope', 'p_value', 'periods', 'test'}. Parallel
    trends mean no slope. Plain OLS errors on purpose: Newey-West's small-sample errors rejected a trendless
    gap in 10% of generated panels (24 months); an autocorrelated gap makes the plain test reject more often,
    which errs towards refusing."""
    pre = np.array([p < 0 for p in positions])
    t = np.array(positions, dtype=float)[pre]
    fit = fit_ols(gap[pre], np.column_stack([np.ones_like(t), t]))  # statsmodels' OLS(...).fit(), in numpy
    p = fit.pvalues()[1]
    p_value = float(p) if np.isfinite(p) else 1.0
    return {
        "slope": float(fit.params[1]),
        "p_value": p_value,
        "periods": int(pre.sum()),
        "test": PRE_TREND_TEST,
    }


def event_study(gap: np.ndarray, positions: list[int], labels: list[str]) -> pl.DataFrame:
    """Per-period effects: each period's gap minus the pre-period mean gap, with 95% intervals from the
    pre-period gaps' spread (t with n_pre - 1 degrees of freedom, the mean's own error included); the pre
    periods' rows are the placebo effects parallel trends say should be zero."""
    pre = np.array([p < 0 for p in positions])
    base, spread = gap[pre].mean(), gap[pre].std(ddof=1)
    half = float(t_quantile(0.975, pre.sum() - 1) * spread * math.sqrt(1 + 1 / pre.sum()))
    effect = gap - base
    return pl.DataFrame(
        {
            "period": labels,
            "position": positions,
            "effect": effect,
            "lower": effect - half,
            "upper": effect + half,
        }
    )


def _regress_gap(values: np.ndarray, positions: list[int]):
    """The gap (treated minus the controls' mean, in logs when every value is positive) regressed on a
    post-event dummy with HAC (Newey-West) errors, lags floor(4 (n/100)^(2/9)).

    Returns (scale 'log' | 'level', gap per period, effect Interval, relative effect Interval or None,
    standard error)."""
    scale = "log" if np.all(values > 0) else "level"
    transformed = np.log(values) if scale == "log" else values
    gap = transformed[:, 0] - transformed[:, 1:].mean(axis=1)
    post = np.array([p >= 0 for p in positions], dtype=float)
    lags = max(1, math.floor(4 * (len(positions) / 100) ** (2 / 9)))
    # statsmodels' OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True), in numpy
    fit = fit_ols(gap, np.column_stack([np.ones_like(post), post]), hac_lags=lags)
    low, high = fit.conf_int(alpha=0.05)[1]
    effect = Interval(float(fit.params[1]), float(low), float(high))
    relative = (
        Interval(math.expm1(effect.estimate), math.expm1(effect.lower), math.expm1(effect.upper))
        if scale == "log"
        else None
    )
    return scale, gap, effect, relative, float(fit.bse[1])


def _balanced(panel, regions, event_idx, grain, allowed: list[int]) -> dict:
    by_region = {}
    for region in regions:
        rows = panel.filter((pl.col("region_code") == region) & pl.col("value").is_not_null())
        by_region[region] = {
            period_index(r["period_start"], grain) - event_idx: r["value"] for r in rows.iter_rows(named=True)
        }
    window = set(allowed)
    seen = sorted({p for series in by_region.values() for p in series if p in window})
    kept = [p for p in seen if all(p in by_region[r] for r in regions)]
    dropped = [label(event_idx + p, grain) for p in seen if p not in kept]
    values = np.array([[by_region[r][p] for r in regions] for p in kept], dtype=float).reshape(
        len(kept), len(regions)
    )
    return {"positions": kept, "values": values, "dropped": dropped}
