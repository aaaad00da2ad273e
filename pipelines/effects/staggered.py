"""Staggered adoption: one kind of event in several regions at different dates, by Sun & Abraham (2021).

Two-way fixed effects (one treated-after dummy with region and period effects) is biased when the effect
differs between the regions or grows with time since the event: the early-treated regions serve as controls of
the later ones while their own effect is still changing. Sun & Abraham's interaction-weighted estimator fits one
effect per cohort (the regions whose event acts in the same period) and event time (periods since the event),
against the regions never treated, then averages them with the cohorts' shares. The regression is pyfixest's
saturated event study (`pyfixest.event_study(..., estimator="saturated")`, region and period fixed effects,
errors clustered by region: CRV3, the jackknife, with t critical values on regions - 1 degrees of freedom;
CRV1 excluded zero in 7 % of generated panels without an effect); this module only turns the warehouse's figures into its input and its output
into the estimate. The twfe estimate stands beside it, labelled, to show how far it is off.

A window (`event_times`, from the user's --pre/--post: `pipelines.effects.adoption`) keeps event times
lo..hi of every cohort (hi = the last period after its event, lo = the first before it; -1, the reference, always
kept) and *drops* every treated region-period outside them; calendar periods no kept cohort reaches go too. Dropped,
not binned: a binned end point (Schmidheiny & Siegloch 2023, "On event studies and distributed-lags in two-way
fixed effects models", J. Applied Econometrics 38(5)) assumes one effect over every period binned into it, which is
the homogeneity Sun & Abraham (2021, J. Econometrics 225(2), section 3) show contaminates event-study coefficients
when it fails; trimming assumes nothing. In the saturated regression every treated region-period has a cohort x
event-time coefficient of its own, so dropping those outside the window leaves the coefficients inside it as they
were (tests/effects/test_staggered_windows.py checks it against the untrimmed fit); the average effect and the
cohorts' effects are then taken over event times `effect_from`..hi only (a post window that starts late).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import polars as pl

from pipelines.effects.periods import label
from pipelines.effects.results import Interval, Refusal

METHOD = "staggered difference-in-differences (Sun & Abraham 2021, pyfixest saturated event study)"
PRE_TREND_P = 0.05
INTERVAL = (
    "CRV3 (leave-one-region-out jackknife) standard errors clustered by region, t with regions - 1 degrees "
    "of freedom (pyfixest): CRV1 with t excluded zero in 10 of 200 generated placebos (14 of 200 on "
    "others), CRV3 in 3 of 200"
)
_COEF = re.compile(r"rel_time::(?P<rel>-?[\d.]+):first_treated_period::(?P<cohort>\d+)")


@dataclass(frozen=True)
class StaggeredEstimate:
    """The average effect on the treated (`att`, in the series' unit, over every treated region-period of the
    window: each cohort and event time weighted by its number of region-periods) with its 95% interval;
    `event_time` one row per period since the event (rel, estimate, se, lower, upper; rel -1 is the reference,
    0 the event's first period), `cohorts` one row per cohort (regions, first period, effect); `pre_trend` the
    joint Wald test of every pre-event coefficient; `twfe` the two-way fixed effects estimate, for comparison."""

    method: str
    att: Interval
    standard_error: float
    relative_effect: Interval | None
    event_time: list[dict]
    cohorts: list[dict]
    pre_trend: dict | None
    twfe: dict
    treated: dict[str, str]  # region -> label of the first affected period
    controls: list[str]
    grain: str
    periods: tuple[str, str]
    observations: int
    notes: list[str] = field(default_factory=list)
    status: str = "estimated"

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "method": self.method,
            "att": {"estimate": self.att.estimate, "lower": self.att.lower, "upper": self.att.upper},
            "standard_error": self.standard_error,
            "interval_method": INTERVAL,
            "relative_effect": vars(self.relative_effect) if self.relative_effect else None,
            "event_time": self.event_time,
            "cohorts": self.cohorts,
            "pre_trend": self.pre_trend,
            "twfe": self.twfe,
            "treated": self.treated,
            "controls": self.controls,
            "grain": self.grain,
            "periods": {"first": self.periods[0], "last": self.periods[1]},
            "observations": self.observations,
            "notes": self.notes,
        }


def saturated_input(panel: pl.DataFrame, adoption: dict[str, int], controls: list[str]):
    """pyfixest's input: a pandas frame unit, t (1 = the panel's first period), g (the first affected period on
    the same scale, 0 for a control), y. panel: region_code, period (running index), value; adoption: treated
    region -> its event's first affected period index."""
    keep = list(adoption) + [c for c in controls if c not in adoption]
    frame = panel.filter(pl.col("region_code").is_in(keep) & pl.col("value").is_not_null())
    first = int(frame["period"].min())
    frame = frame.with_columns(
        (pl.col("period") - first + 1).cast(pl.Int64).alias("t"),
        pl.col("region_code")
        .replace_strict({r: p - first + 1 for r, p in adoption.items()}, default=0, return_dtype=pl.Int64)
        .alias("g"),
    )
    return frame.select(unit="region_code", t="t", g="g", y="value").sort("unit", "t").to_pandas(), first


def trim_to_window(
    panel: pl.DataFrame, adoption: dict[str, int], event_times: tuple[int, int]
) -> pl.DataFrame:
    """The panel less each treated region's periods outside event times lo..hi (`event_times`, lo <= -1 <= hi
    after widening to keep the reference period and the first effect) and less every calendar period outside
    min(adoption)+lo .. max(adoption)+hi. panel: region_code, period, value (and any other columns)."""
    lo, hi = min(event_times[0], -1), max(event_times[1], 0)
    rel = pl.col("period") - pl.col("region_code").replace_strict(
        adoption, default=None, return_dtype=pl.Int64
    )
    first, last = min(adoption.values()) + lo, max(adoption.values()) + hi
    return panel.filter((rel.is_null() | rel.is_between(lo, hi)) & pl.col("period").is_between(first, last))


def estimate_staggered(
    panel: pl.DataFrame,
    adoption: dict[str, int],
    controls: list[str],
    grain: str,
    event_times: tuple[int, int] | None = None,
    effect_from: int = 0,
) -> StaggeredEstimate | Refusal:
    """Sun & Abraham's estimate for the treated regions of `adoption` against the never-treated `controls`.

    panel: region_code, period (running index, `pipelines.effects.periods.period_index`), value, in one unit.
    event_times: (lo, hi), the event times kept of every cohort (`trim_to_window`; None: the whole panel);
    effect_from: the first event time the average effect counts (0: the event's first period).
    Refused (with the reason) without a control region, with fewer than two treated regions, or when a treated
    region has no figure in the period before its event or in its event's first affected period (the reference
    and the first effect)."""
    name = "staggered difference-in-differences"
    if len(adoption) < 2:
        return Refusal(
            name, "staggered adoption needs two treated regions or more (one: the synthetic control)"
        )
    if not controls:
        return Refusal(name, "no control region: every region of the level is treated or left out")
    have = {r: set(g["period"].to_list()) for (r,), g in panel.group_by(["region_code"])}
    for region, first in sorted(adoption.items()):
        for need, what in ((first - 1, "the period before its event"), (first, "its event's first period")):
            if need not in have.get(region, set()):
                return Refusal(name, f"{region} has no figure for {label(need, grain)} ({what})")
    if event_times is not None:
        panel = trim_to_window(panel, adoption, event_times)
    frame, first = saturated_input(panel, adoption, controls)
    fit, twfe = _fit(frame)
    _crv3(fit)
    coefs = fit.coef()
    cells = {k: n for k, n in _cells(fit, coefs).items() if k[1] >= effect_from}
    if not cells:
        return Refusal(name, f"no treated region-period at event time {effect_from} or later in the window")
    crit = _critical(frame.unit.nunique())
    event_time = [
        {"rel": int(rel), "estimate": float(r["Estimate"]), "se": float(r["Std. Error"]),
         "lower": float(r["Estimate"] - crit * r["Std. Error"]), "upper": float(r["Estimate"] + crit * r["Std. Error"])}
        for rel, r in fit.aggregate().iterrows()
    ]  # fmt: skip
    event_time.append({"rel": -1, "estimate": 0.0, "se": 0.0, "lower": 0.0, "upper": 0.0, "reference": True})
    event_time.sort(key=lambda r: r["rel"])
    att, se = _att(fit, coefs, cells, crit)
    treated_post = frame[(frame.g > 0) & (frame.t >= frame.g + effect_from)]
    base = float(treated_post.y.mean()) - att.estimate  # the treated regions' mean without the effect
    relative = Interval(att.estimate / base, att.lower / base, att.upper / base) if base > 0 else None
    pre_trend = _pre_trend(fit, coefs)
    notes = []
    if pre_trend and pre_trend["p_value"] < PRE_TREND_P:
        notes.append(
            f"WARNING: the pre-event effects trend by {pre_trend['slope_per_period']:+.3g} a period (p = "
            f"{pre_trend['p_value']:.3f}): the treated and control regions were already drifting apart before "
            "the events"
        )
    clusters = frame.unit.nunique()
    if clusters < 30:
        notes.append(
            f"{clusters} regions: with fewer than about 30 clusters the intervals use CRV3 (jackknife) errors "
            "and t critical values, which are conservative rather than optimistic"
        )
    twfe_row, cohorts = _twfe_row(twfe), _cohorts(frame, coefs, cells, first, grain)
    t_max = int(frame.t.max())
    return StaggeredEstimate(
        METHOD, att, se, relative, event_time, cohorts, pre_trend, twfe_row,
        {r: label(p, grain) for r, p in sorted(adoption.items())}, sorted(set(controls) - set(adoption)),
        grain, (label(first, grain), label(t_max + first - 1, grain)), len(frame), notes,
    )  # fmt: skip


def _twfe_row(twfe) -> dict:
    """The two-way fixed effects estimate, labelled as the biased comparison it is."""
    t_att = twfe.tidy().loc["is_treated"]
    return {"estimate": float(t_att["Estimate"]), "se": float(t_att["Std. Error"]),
            "lower": float(t_att["2.5%"]), "upper": float(t_att["97.5%"]),
            "method": "two-way fixed effects (one treated-after dummy): biased when effects differ by "
                      "cohort or grow over time; shown for comparison"}  # fmt: skip


def _cohorts(frame, coefs, cells, first: int, grain: str) -> list[dict]:
    """Each cohort's first period, regions and effect: its counted coefficients weighted by region-periods."""
    cohorts = []
    for cohort in sorted({c for c, _ in cells}):
        regions = sorted(frame[frame.g == cohort].unit.unique())
        post = {rel: n for (c, rel), n in cells.items() if c == cohort}
        mean = sum(float(coefs[_name(rel, cohort)]) * n for rel, n in post.items()) / sum(post.values())
        cohorts.append({"first_period": label(cohort + first - 1, grain), "regions": regions, "effect": mean})
    return cohorts


def _fit(frame):
    """The library's saturated (Sun & Abraham) and twfe event studies, clustered by unit."""
    import pyfixest as pf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the saturated estimator's "in beta" notice
        kw = dict(yname="y", idname="unit", tname="t", gname="g", cluster="unit")
        return pf.event_study(frame, estimator="saturated", **kw), pf.event_study(
            frame, estimator="twfe", **kw
        )


def _crv3(fit) -> None:
    """Put CRV3 errors (leave-one-region-out jackknife, clustered by region) in place of the saturated fit's
    CRV1, in `fit._vcov`, which the library's `aggregate` and this module's linear combinations read.
    pyfixest 0.60's own `fit.vcov({"CRV3": "unit"})` fails on the saturated model (its leave-one-out refit
    picks `fepois` for a model whose method is not 'feols'), so the same formula is fitted again by
    `pf.feols` with `vcov={"CRV3": "unit"}` (region and period fixed effects, one refit per region left out):
    the same coefficients in the same order (checked, else RuntimeError)."""
    import numpy as np
    import pyfixest as pf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = pf.feols(fit._fml, fit._data, vcov={"CRV3": "unit"})
    mine, other = fit.coef(), again.coef()
    same = list(mine.index) == list(other.index) and np.allclose(
        mine.to_numpy(), other.to_numpy(), rtol=1e-6, atol=1e-9
    )
    if not same:
        raise RuntimeError("the CRV3 refit of the saturated event study has other coefficients")
    fit._vcov = again._vcov


def _name(rel: float, cohort: int) -> str:
    return f"rel_time::{float(rel)}:first_treated_period::{cohort}"


def _cells(fit, coefs) -> dict[tuple[int, int], int]:
    """(cohort, event time) -> treated region-periods, for the estimated post-event coefficients."""
    data = fit._data
    treated = data[data["is_treated"].astype(bool)]
    counts = treated.groupby(["first_treated_period", "rel_time"]).size()
    return {(int(c), int(r)): int(n) for (c, r), n in counts.items() if _name(r, int(c)) in coefs.index}


def _critical(clusters: int) -> float:
    """The 97.5% quantile of Student's t with clusters - 1 degrees of freedom (as fixest and Stata do for
    clustered errors; the normal's 1.96 excluded zero in 10% of generated panels without an effect, CRV1 with
    t in 7%: the errors are CRV3, `_crv3`)."""
    from scipy.stats import t

    return float(t.ppf(0.975, max(clusters - 1, 1)))


def _att(fit, coefs, cells, z: float):
    """The cohorts' effects at every event time, weighted by their region-periods: estimate and its interval."""
    import numpy as np

    total = sum(cells.values())
    weights = np.zeros(len(coefs))
    position = {n: i for i, n in enumerate(coefs.index)}
    for (cohort, rel), n in cells.items():
        weights[position[_name(rel, cohort)]] = n / total
    estimate = float(weights @ coefs.to_numpy())
    se = float(np.sqrt(weights @ fit._vcov @ weights))
    return Interval(estimate, estimate - z * se, estimate + z * se), se


def _pre_trend(fit, coefs) -> dict | None:
    """The pre-event effects' linear trend per period and its two-sided t test (regions - 1 degrees of freedom), or None with fewer than
    two leads. The leads are the event-time effects before the event as the library aggregates them (each
    cohort weighted by its region-periods at that lead), with the reference period (-1) at zero; the slope is
    their least-squares line on event time, a linear combination of the coefficients. One restriction, not a
    joint test of every lead: with clustered errors a joint Wald test of a dozen leads on two dozen regions
    rejected 31 of 40 generated panels without any trend."""
    import numpy as np
    from scipy.stats import t

    data = fit._data
    pre = data[(~data["is_treated"].astype(bool)) & (data["first_treated_period"] > 0)]
    counts = pre.groupby(["first_treated_period", "rel_time"]).size()
    position = {n: i for i, n in enumerate(coefs.index)}
    rows: dict[int, np.ndarray] = {-1: np.zeros(len(coefs))}
    for (cohort, rel), n in counts.items():
        name = _name(rel, int(cohort))
        if rel < 0 and name in position:
            rows.setdefault(int(rel), np.zeros(len(coefs)))[position[name]] += n
    if len(rows) < 3:
        return None
    rels = np.array(sorted(rows), dtype=float)
    leads = np.array([rows[int(r)] / (rows[int(r)].sum() or 1) for r in rels])  # lead -1 stays zero
    centred = rels - rels.mean()
    slope_weights = (centred / (centred**2).sum()) @ leads
    slope = float(slope_weights @ coefs.to_numpy())
    se = float(np.sqrt(slope_weights @ fit._vcov @ slope_weights))
    dof = max(int(fit._data["unit"].nunique()) - 1, 1)
    p_value = float(2 * t.sf(abs(slope / se), dof)) if se > 0 else 1.0
    return {"slope_per_period": slope, "standard_error": se, "p_value": p_value, "leads": len(rows) - 1,
            "test": "slope of the pre-event effects on event time (t, clustered errors)"}  # fmt: skip
