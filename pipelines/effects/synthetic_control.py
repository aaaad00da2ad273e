"""Synthetic control (Abadie, Diamond & Hainmueller 2010) for one treated region: the headline estimate.

The synthetic region is a weighted mean of donor regions, with weights that are non-negative and sum to one,
chosen to follow the treated region's outcome over the pre-period as closely as possible (least squares on
the pre-period outcomes only, no covariates: `simplex_weights`). The gap (treated minus synthetic)
over the post-period is the effect; its average over the post window is the estimate.

Inference is by placebos in space: the same fit for every donor in turn, with the other donors as its pool
(the treated region is never a placebo's donor: its post-period carries the effect). The p-value is the
treated region's rank of post/pre RMSPE ratio among all N + 1 regions, divided by N + 1; with N donors it
cannot be below 1/(N + 1), so fewer than 19 donors can never give p < 0.05 (said, not refused). The interval
inverts that test: the constant effects a whose removal from the post-period leaves the treated region's
ratio inside the placebos' (p > 0.05); with fewer than 19 donors no effect is rejected and the interval is
unbounded. Refused when there are no donors, too few pre-period figures, when the pre-period fit is poor
(RMSPE above `MAX_RELATIVE_RMSPE` of the treated series' mean level: the synthetic cannot stand for it), or
when the pre-period gap drifts (the OLS slope test of `did.pre_trend` rejects) and the drift carried into the
post-period makes a quarter of the average gap or more (`did.drift_is_the_estimate`): a treated series that
trends away from every donor is matched in level, not in trend, and the placebos in space, fitted on donors
that the others do reach, rank its drift first (a generated trend of +1.5 a year with no effect read +16.1,
p = 0.048, before this rule). A rejected drift smaller than that is a WARNING note (Proposition 99's outcome-only
fit: -0.17 packs a year, 13 % of the -19.5 gap).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.effects.did import PRE_TREND_ALPHA, carried_drift, drift_is_the_estimate, pre_trend
from pipelines.effects.periods import label, period_index, period_start
from pipelines.effects.results import Interval, Refusal
from pipelines.effects.windows import Window

NAME = "synthetic control"
METHOD = (
    "synthetic control (Abadie, Diamond & Hainmueller 2010): non-negative donor weights summing to one, fitted "
    "to the pre-period outcomes only (least squares on the simplex)"
)
P_VALUE_METHOD = (
    "placebos in space: the treated region's rank of post/pre RMSPE ratio among the treated region and every "
    "donor (each donor fitted on the other donors), divided by their number"
)
INTERVAL_METHOD = (
    "placebo-based: the constant effects that the placebo test does not reject at 5% (the treated region's "
    "post/pre RMSPE ratio with the effect removed stays within the placebos'), Firpo & Possebom (2018)"
)
ALPHA = 0.05
MAX_RELATIVE_RMSPE = 0.10  # pre-period RMSPE above 10% of the treated series' mean level: refused
MIN_PRE_PERIODS = 4
SUM_ROW_WEIGHT = 1e4  # the sum-to-one row's weight against outcome rows scaled to about 1


@dataclass(frozen=True)
class SyntheticControlEstimate:
    method: str
    treated: str
    grain: str
    window: Window
    weights: dict[str, float]  # donor -> weight, largest first
    pre_rmspe: float
    relative_pre_rmspe: float  # pre_rmspe / mean |treated| over the pre-period
    average_gap: float  # mean of treated - synthetic over the post window, in the series' unit
    interval: Interval | None  # the average gap's placebo-based 95% interval; None when unbounded
    relative_effect: Interval | None  # average gap / mean synthetic over the post window
    p_value: float
    rank: int  # of the treated region's RMSPE ratio, 1 = largest
    units: int  # treated + donors in the placebo test
    gaps: pl.DataFrame  # period, period_start, side, treated, synthetic, gap
    placebos: pl.DataFrame  # region_code, pre_rmspe, post_rmspe, ratio, average_gap
    placebo_gaps: pl.DataFrame  # region_code, period, period_start, gap
    notes: list[str] = field(default_factory=list)
    placebo_in_time: dict | None = None  # a fake event halfway through the pre-period (`_placebo_in_time`)

    def gap_at(self, period: str) -> float | None:
        row = self.gaps.filter(pl.col("period") == period)
        return float(row["gap"][0]) if row.height else None

    def to_dict(self) -> dict:
        interval = self.interval
        return {
            "status": "estimated",
            "method": self.method,
            "treated": self.treated,
            "grain": self.grain,
            "window": self.window.to_dict(),
            "average_gap": self.average_gap,
            "interval": (
                {"lower": interval.lower, "upper": interval.upper, "level": 1 - ALPHA}
                if interval is not None
                else None
            ),
            "interval_method": INTERVAL_METHOD,
            "relative_effect": _finite(self.relative_effect.__dict__) if self.relative_effect else None,
            "pre_rmspe": self.pre_rmspe,
            "relative_pre_rmspe": self.relative_pre_rmspe,
            "p_value": self.p_value,
            "p_value_method": P_VALUE_METHOD,
            "rank": self.rank,
            "units_in_placebo_test": self.units,
            "weights": [{"region_code": r, "weight": w} for r, w in self.weights.items()],
            "gaps": _records(self.gaps),
            "placebos": _records(self.placebos),
            "placebo_in_time": self.placebo_in_time,
            "notes": self.notes,
        }


def simplex_weights(target: np.ndarray, donors: np.ndarray) -> np.ndarray:
    """Weights w >= 0, sum 1, minimising the squared gap between `target` (T) and `donors` (T x J) @ w.

    Solved exactly by non-negative least squares (Lawson-Hanson, scipy `nnls`) with the sum-to-one
    constraint as one heavily weighted extra row: the same optimum as SLSQP on the simplex (a test compares
    the two) in a fraction of a millisecond instead of a tenth of a second, which the placebos need."""
    if donors.shape[1] == 1:
        return np.ones(1)
    from scipy.optimize import nnls  # scipy takes a second to import: only when weights are fitted

    scale = max(float(np.sqrt(np.mean(target**2))), 1e-12)  # keeps the extra row's weight relative
    a = np.vstack([donors / scale, np.full(donors.shape[1], SUM_ROW_WEIGHT)])
    b = np.concatenate([target / scale, [SUM_ROW_WEIGHT]])
    w, _ = nnls(a, b, maxiter=50 * donors.shape[1])
    w = np.clip(w, 0, None)
    return w / w.sum() if w.sum() > 0 else np.full(donors.shape[1], 1 / donors.shape[1])


def estimate_synthetic_control(
    panel: pl.DataFrame, treated: str, donors: list[str], window: Window
) -> SyntheticControlEstimate | Refusal:
    """Synthetic control of `treated` from `donors` over `window`; panel: region_code, period_start, value.

    Periods where the treated region has no figure are left out (with a note); a donor lacking a figure in a
    period the treated region has is left out (with a note): donor pools are complete by construction
    (`pipelines.effects.donors`), this guards direct calls."""
    notes: list[str] = []
    matrix = _matrix(panel, treated, donors, window, notes)
    if isinstance(matrix, Refusal):
        return matrix
    periods, usable, Y, is_pre = matrix
    fits = [_fit(Y[:, 0], Y[:, 1:], is_pre)]
    if len(usable) > 1:  # a placebo needs at least one other donor
        fits += [_fit(Y[:, k], np.delete(Y[:, 1:], k - 1, axis=1), is_pre) for k in range(1, Y.shape[1])]
    else:
        notes.append("with one donor there is no placebo to compare with: the p-value is 1")
    w, synthetic, pre_rmspe, _ = fits[0]
    level = float(np.mean(np.abs(Y[is_pre, 0])))
    relative_rmspe = pre_rmspe / level if level > 0 else math.inf
    if relative_rmspe > MAX_RELATIVE_RMSPE:
        return Refusal(
            NAME,
            f"the pre-period fit is poor: the synthetic misses {treated} by {pre_rmspe:,.4g} on average "
            f"(RMSPE) over {window.span('pre')}, {relative_rmspe:.0%} of the series' mean level; above "
            f"{MAX_RELATIVE_RMSPE:.0%} the donors cannot stand for it (the treated series lies outside what a "
            "weighted mean of them can reach)",
        )
    gap = Y[:, 0] - synthetic
    first_post = int(np.argmax(~is_pre))
    positions = [i - first_post for i in range(len(periods))]
    trend = pre_trend(gap, positions)
    drift = carried_drift(trend, positions)
    average_gap = float(gap[~is_pre].mean())
    if trend["p_value"] < PRE_TREND_ALPHA:
        said = (
            f"the pre-period gap between {treated} and its synthetic drifts ({trend['slope']:+.3g} a "
            f"{window.grain}, p = {trend['p_value']:.3f} over {trend['periods']} {window.grain}s), which carried "
            f"into the post-period alone makes {drift:+.4g} of the {average_gap:+.4g} average gap"
        )
        if drift_is_the_estimate(trend, drift, average_gap):
            return Refusal(
                NAME,
                f"{said}: the synthetic follows {treated}'s level but not its trend (the treated series trends "
                "out of what a weighted mean of the donors can reach), so the gap after the event would read "
                "the drift as an effect, and the placebos, fitted where donors do reach, cannot tell",
            )
        notes.insert(
            0,
            f"WARNING: {said}; the fit's trend is doubtful, the estimate is kept as the drift is small beside it",
        )
    ratios = np.array([f[3] / f[2] if f[2] > 0 else math.inf for f in fits])
    rank = int(np.sum(ratios >= ratios[0]))
    interval = _interval(gap[~is_pre], pre_rmspe, ratios, level, notes)
    weights = dict(sorted(zip(usable, w.tolist(), strict=True), key=lambda kv: -kv[1]))
    frames = _frames(Y, fits, ratios, is_pre, periods, [treated, *usable][: len(fits)], window)
    return SyntheticControlEstimate(
        method=METHOD,
        treated=treated,
        grain=window.grain,
        window=window,
        weights={k: v for k, v in weights.items() if v > 1e-6},
        pre_rmspe=pre_rmspe,
        relative_pre_rmspe=relative_rmspe,
        average_gap=float(gap[~is_pre].mean()),
        interval=interval,
        relative_effect=_relative(float(gap[~is_pre].mean()), float(synthetic[~is_pre].mean()), interval),
        p_value=rank / len(fits),
        rank=rank,
        units=len(fits),
        **frames,
        notes=notes,
        placebo_in_time=_placebo_in_time(Y, is_pre, periods, window.grain, float(gap[~is_pre].mean())),
    )


def _matrix(panel, treated, donors, window, notes):
    """(periods, usable donors, values period x [treated, donors...], is_pre) over the treated region's
    periods in the window, or a Refusal (too few pre-period figures, none after, no donor)."""
    grain = window.grain
    by_region = _by_region(panel, grain)
    treated_values = by_region.get(treated, {})
    periods = [i for i in sorted(treated_values) if window.side(i)]
    pre = [i for i in periods if window.side(i) == "pre"]
    missing = [
        i for i in range(window.pre[0], window.post[1] + 1) if window.side(i) and i not in treated_values
    ]
    if missing:
        notes.append(f"periods without a figure for {treated}, left out: {_labels(missing, grain)}")
    if len(pre) < MIN_PRE_PERIODS:
        return Refusal(NAME, f"{len(pre)} pre-period figures of {treated} in {window.span('pre')}; a synthetic "
                             f"control needs at least {MIN_PRE_PERIODS} to fit donor weights")  # fmt: skip
    if len(pre) == len(periods):
        return Refusal(NAME, f"no figures of {treated} in the post window {window.span('post')}")
    others = [d for d in donors if d != treated]
    usable = [d for d in others if all(i in by_region.get(d, {}) for i in periods)]
    if len(usable) < len(others):
        notes.append(
            f"donors left out for lacking figures in the window: {', '.join(sorted(set(others) - set(usable)))}"
        )
    if not usable:
        return Refusal(NAME, "no usable donors: no other region has the metric for the whole window")
    Y = np.array([[by_region[r][i] for r in [treated, *usable]] for i in periods], dtype=float)
    return periods, usable, Y, np.array([window.side(i) == "pre" for i in periods])


def _interval(post_gap, pre_rmspe, ratios, level, notes) -> Interval | None:
    """The placebo-based interval (`_inverted_interval`), or None with the reason in `notes`."""
    n_units = len(ratios)
    few = n_units < math.ceil(1 / ALPHA)  # fewer than 19 donors
    if n_units > 1 and few:
        notes.append(
            f"with {n_units - 1} donors the placebo test cannot reach {ALPHA:g}: the smallest possible "
            f"p-value is 1/{n_units} = {1 / n_units:.3f}, so the interval is unbounded"
        )
    interval = _inverted_interval(post_gap, pre_rmspe, ratios[1:])
    if interval is None:
        if not few:
            notes.append("no constant effect fits the post-period as well as the placebos: the gap changes a "
                         "lot over the post window, so the interval is not given")  # fmt: skip
        return None
    if interval.lower == -math.inf:
        return None
    if interval.upper - interval.estimate > level:
        notes.append(
            "no interval: the placebo test is too weak here (its 95% set reaches beyond the series' whole level; a "
            "donor fitted almost exactly before the event gives a placebo ratio that dwarfs the others)"
        )
        return None
    return interval


def _relative(average_gap: float, mean_synthetic: float, interval: Interval | None) -> Interval | None:
    """The average gap as a share of the synthetic's post-period mean (unbounded sides infinite)."""
    if mean_synthetic <= 0:
        return None
    return Interval(
        average_gap / mean_synthetic,
        interval.lower / mean_synthetic if interval else -math.inf,
        interval.upper / mean_synthetic if interval else math.inf,
    )


def _frames(Y, fits, ratios, is_pre, periods, names, window) -> dict[str, pl.DataFrame]:
    """The result's frames: gaps (treated, synthetic, gap per period), placebos (fit and ratio per region,
    largest ratio first), placebo_gaps (each donor's gap per period)."""
    grain = window.grain
    labels, starts = [label(i, grain) for i in periods], [period_start(i, grain) for i in periods]
    placebo_gaps = [Y[:, k] - fits[k][1] for k in range(1, len(fits))]
    return {
        "gaps": pl.DataFrame(
            {"period": labels, "period_start": starts, "side": [window.side(i) for i in periods],
             "treated": Y[:, 0], "synthetic": fits[0][1], "gap": Y[:, 0] - fits[0][1]}
        ),
        "placebos": pl.DataFrame(
            {"region_code": names, "pre_rmspe": [f[2] for f in fits], "post_rmspe": [f[3] for f in fits],
             "ratio": ratios,
             "average_gap": [float((Y[~is_pre, k] - f[1][~is_pre]).mean()) for k, f in enumerate(fits)]}
        ).sort("ratio", descending=True),
        "placebo_gaps": pl.DataFrame(
            {"region_code": [r for r in names[1:] for _ in periods], "period": labels * (len(names) - 1),
             "period_start": starts * (len(names) - 1),
             "gap": np.concatenate(placebo_gaps) if placebo_gaps else np.zeros(0)}
        ),
    }  # fmt: skip


def _placebo_in_time(Y: np.ndarray, is_pre: np.ndarray, periods: list[int], grain: str, real_gap: float):
    """The same fit with a fake event halfway through the pre-period, judged on the pre-period's second half
    (placebo in time, ADH 2015): a gap there as large as the real one says the fit, not the event, moves the
    series. None when the pre-period is too short to halve (fewer than 2 x MIN_PRE_PERIODS figures)."""
    pre_rows = np.flatnonzero(is_pre)
    if len(pre_rows) < 2 * MIN_PRE_PERIODS:
        return None
    half = len(pre_rows) // 2
    fake_pre = np.zeros(len(pre_rows), dtype=bool)
    fake_pre[:half] = True
    w, synthetic, pre_rmspe, post_rmspe = _fit(Y[pre_rows, 0], Y[pre_rows, 1:], fake_pre)
    gap = float((Y[pre_rows, 0] - synthetic)[~fake_pre].mean())
    return {
        "fake_event_period": label(periods[pre_rows[half]], grain),
        "pre": f"{label(periods[pre_rows[0]], grain)}..{label(periods[pre_rows[half - 1]], grain)}",
        "post": f"{label(periods[pre_rows[half]], grain)}..{label(periods[pre_rows[-1]], grain)}",
        "average_gap": gap,
        "ratio": post_rmspe / pre_rmspe if pre_rmspe > 0 else None,
        "share_of_the_estimate": abs(gap / real_gap) if real_gap else None,
    }


def _fit(target: np.ndarray, donors: np.ndarray, is_pre: np.ndarray):
    """(weights, synthetic series, pre RMSPE, post RMSPE) of one unit against a donor matrix."""
    w = simplex_weights(target[is_pre], donors[is_pre])
    synthetic = donors @ w
    gap = target - synthetic
    return w, synthetic, float(np.sqrt(np.mean(gap[is_pre] ** 2))), float(np.sqrt(np.mean(gap[~is_pre] ** 2)))


def _inverted_interval(post_gap: np.ndarray, pre_rmspe: float, placebo_ratios: np.ndarray) -> Interval | None:
    """The constant effects a not rejected at ALPHA: the treated ratio with a removed, sqrt(mean((gap - a)^2))
    / pre_rmspe, at most the k-th largest placebo ratio (k = floor(ALPHA (N + 1))); unbounded (infinite
    limits) when k = 0, None when no a qualifies."""
    n = len(placebo_ratios)
    k = math.floor(ALPHA * (n + 1) + 1e-9)
    centre = float(post_gap.mean())
    if k == 0:
        return Interval(centre, -math.inf, math.inf)
    critical = float(np.sort(placebo_ratios)[::-1][k - 1])
    room = (critical * pre_rmspe) ** 2 - float(np.mean((post_gap - centre) ** 2))
    if not np.isfinite(room) or room < 0:
        return None
    half = math.sqrt(room)
    return Interval(centre, centre - half, centre + half)


def _by_region(panel: pl.DataFrame, grain: str) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = {}
    for row in panel.filter(pl.col("value").is_not_null()).iter_rows(named=True):
        out.setdefault(row["region_code"], {})[period_index(row["period_start"], grain)] = float(row["value"])
    return out


def _labels(indices: list[int], grain: str) -> str:
    shown = ", ".join(label(i, grain) for i in indices[:8])
    return shown + (f" and {len(indices) - 8} more" if len(indices) > 8 else "")


def _finite(values: dict) -> dict:
    """Infinite numbers (an unbounded interval limit) as None: JSON has no infinity."""
    return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in values.items()}


def _records(frame: pl.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: dates as ISO text, infinities (a placebo fitted perfectly) as None."""
    return [_finite(_iso(r)) for r in frame.iter_rows(named=True)]


def _iso(row: dict) -> dict:
    return {k: (str(v) if hasattr(v, "isoformat") else v) for k, v in row.items()}
