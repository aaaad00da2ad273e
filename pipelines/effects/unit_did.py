"""Difference-in-differences on units: many entities (stores, branches) per region, the textbook design of Card
and Krueger (1994).

Every unit-period figure in the window is one observation. The model is OLS of the value on a constant, a
treated-region dummy, period dummies and the treated x post term (`y ~ treated + C(period) + treated:post`;
with one period each side this is `y ~ treated + post + treated:post`, the 2x2 design); its coefficient is
the effect. Units are not required in every period (an unbalanced panel, as the published study); standard
errors are clustered by unit (statsmodels, its default small-sample correction), the 95% interval normal. With
three periods or more, an event study beside it: each period's effect against the last pre-period, and the
joint test of the pre-period effects (parallel trends), a loud warning when it rejects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.effects.periods import label, period_index
from pipelines.effects.results import Interval, Refusal
from pipelines.effects.windows import Window

NAME = "difference-in-differences"
METHOD = (
    "difference-in-differences on units: OLS of the value on the treated region, the periods and treated x "
    "post, standard errors clustered by unit"
)
Z95 = 1.959963984540054
PRE_TREND_ALPHA = 0.05
PRE_TREND_TEST = (
    "joint Wald test that every pre-period effect is zero (cluster-robust), warned below p = 0.05"
)


@dataclass(frozen=True)
class UnitDidEstimate:
    method: str
    treated: str
    controls: list[str]
    grain: str
    window: Window
    unit_kind: str  # what a unit is, in the business's words ('store')
    units: int
    observations: int
    effect: Interval  # in the series' unit
    standard_error: float
    cells: pl.DataFrame  # group (treated | control), side, mean, units
    clustered_by: str = "unit"
    notes: list[str] = field(default_factory=list)
    event_study: pl.DataFrame | None = (
        None  # period, side, effect, lower, upper (against the last pre-period)
    )
    pre_trend: dict | None = None  # the joint Wald test of the pre-period effects

    @property
    def relative_effect(self) -> Interval | None:
        base = self.cells.filter((pl.col("group") == "treated") & (pl.col("side") == "pre"))["mean"]
        if not base.len() or base[0] <= 0:
            return None
        b = float(base[0])
        return Interval(self.effect.estimate / b, self.effect.lower / b, self.effect.upper / b)

    @property
    def pre_periods(self) -> int:
        return self.cells.filter(pl.col("side") == "pre")["periods"].max()

    @property
    def post_periods(self) -> int:
        return self.cells.filter(pl.col("side") == "post")["periods"].max()

    def to_dict(self) -> dict:
        return {
            "status": "estimated",
            "method": self.method,
            "design": "units",
            "treated": self.treated,
            "controls": self.controls,
            "grain": self.grain,
            "window": self.window.to_dict(),
            "unit": self.unit_kind,
            "units": self.units,
            "observations": self.observations,
            "effect": {**self.effect.__dict__, "level": 0.95},
            "standard_error": self.standard_error,
            "clustered_by": f"{self.clustered_by} ({self.unit_kind})",
            "cells": self.cells.to_dicts(),
            "event_study": self.event_study.to_dicts() if self.event_study is not None else None,
            "pre_trend": self.pre_trend,
            "notes": self.notes,
        }


def estimate_unit_did(
    panel: pl.DataFrame, treated: str, controls: list[str], window: Window, unit_kind: str = "unit"
) -> UnitDidEstimate | Refusal:
    """panel: unit, region_code, period_start, value (one row per unit and period)."""
    if not controls:
        return Refusal(NAME, f"no control region has {unit_kind}s with figures before and after the event")
    grain = window.grain
    rows = [
        {**r, "idx": period_index(r["period_start"], grain)}
        for r in panel.filter(
            pl.col("value").is_not_null() & pl.col("region_code").is_in([treated, *controls])
        ).iter_rows(named=True)
    ]
    rows = [{**r, "side": window.side(r["idx"])} for r in rows]
    rows = [r for r in rows if r["side"]]
    frame = pl.DataFrame(rows) if rows else pl.DataFrame()
    groups = {(g, s) for g in ("treated", "control") for s in ("pre", "post")}
    if frame.height:
        frame = frame.with_columns(
            group=pl.when(pl.col("region_code") == treated)
            .then(pl.lit("treated"))
            .otherwise(pl.lit("control"))
        )
        groups -= set(frame.select("group", "side").unique().iter_rows())
    if groups:
        absent = ", ".join(f"{g} {s}" for g, s in sorted(groups))
        return Refusal(NAME, f"no {unit_kind} figures for: {absent} (window {window.text})")
    periods = sorted(frame["idx"].unique().to_list())
    y = frame["value"].to_numpy().astype(float)
    is_treated = (frame["group"] == "treated").to_numpy().astype(float)
    is_post = (frame["side"] == "post").to_numpy().astype(float)
    dummies = [(frame["idx"] == p).to_numpy().astype(float) for p in periods[1:]]
    X = np.column_stack([np.ones_like(y), is_treated, *dummies, is_treated * is_post])
    codes = frame["unit"].cast(pl.Categorical).to_physical().to_numpy()
    from statsmodels.regression.linear_model import OLS  # seconds to import: only when a model is fitted

    fit = OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": codes})
    estimate, se = float(fit.params[-1]), float(fit.bse[-1])
    cells = _cells(frame, grain)
    notes = [f"periods with figures: {', '.join(label(p, grain) for p in periods)}"]
    study, trend = _event_study(y, is_treated, frame["idx"].to_numpy(), periods, window, codes, grain)
    if trend is None:
        notes.append("one period with figures before the event: parallel trends cannot be tested")
    elif trend["p_value"] < PRE_TREND_ALPHA:
        notes.insert(0, f"WARNING: the pre-period effects are jointly not zero (p = {trend['p_value']:.3f}, "
                        f"{trend['periods']} periods): parallel trends are doubtful")  # fmt: skip
    return UnitDidEstimate(
        method=METHOD,
        treated=treated,
        controls=list(controls),
        grain=grain,
        window=window,
        unit_kind=unit_kind,
        units=frame["unit"].n_unique(),
        observations=frame.height,
        effect=Interval(estimate, estimate - Z95 * se, estimate + Z95 * se),
        standard_error=se,
        cells=cells,
        notes=notes,
        event_study=study,
        pre_trend=trend,
    )


def _cells(frame: pl.DataFrame, grain: str) -> pl.DataFrame:
    """The design's cells (treated or control, before or after): mean, units, periods and their labels."""
    return (
        frame.group_by("group", "side")
        .agg(
            mean=pl.col("value").mean(),
            units=pl.col("unit").n_unique(),
            periods=pl.col("idx").n_unique(),
            period_labels=pl.col("idx").unique().sort(),
        )
        .with_columns(
            pl.col("period_labels").map_elements(
                lambda xs: [label(i, grain) for i in xs], return_dtype=pl.List(pl.String)
            )
        )
        .sort("group", "side", descending=[True, True])
    )


def _event_study(y, is_treated, idx, periods, window, codes, grain):
    """Per-period effects against the last pre-period (treated x period terms, standard errors clustered by
    unit) and the joint Wald test of the pre-period ones, or (None, None) with two periods only; the test is
    None when a single pre-period leaves nothing to test."""
    if len(periods) < 3:
        return None, None
    pre = [p for p in periods if window.side(p) == "pre"]
    reference = pre[-1]
    others = [p for p in periods if p != reference]
    dummies = [(idx == p).astype(float) for p in periods[1:]]
    terms = [is_treated * (idx == p) for p in others]
    X = np.column_stack([np.ones_like(y), is_treated, *dummies, *terms])
    from statsmodels.regression.linear_model import OLS  # seconds to import: only when a model is fitted

    fit = OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": codes})
    first = X.shape[1] - len(others)
    low, high = fit.conf_int(alpha=0.05)[first:].T
    study = pl.DataFrame(
        {
            "period": [label(p, grain) for p in others],
            "side": [window.side(p) for p in others],
            "effect": fit.params[first:],
            "lower": low,
            "upper": high,
        }
    )
    tested = [first + i for i, p in enumerate(others) if window.side(p) == "pre"]
    if not tested:
        return study, None
    restriction = np.zeros((len(tested), X.shape[1]))
    for row, column in enumerate(tested):
        restriction[row, column] = 1
    p_value = float(np.asarray(fit.wald_test(restriction, scalar=True).pvalue))
    return study, {"p_value": p_value, "periods": len(tested), "test": PRE_TREND_TEST}
