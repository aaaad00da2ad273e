"""Difference-in-differences on units over several periods: the effect, an event study against the last
pre-period, and the joint pre-trend test (a warning when it rejects)."""

from __future__ import annotations

import warnings
from datetime import date

import numpy as np
import polars as pl
import pytest

from pipelines.effects.periods import period_index, period_start
from pipelines.effects.unit_did import UnitDidEstimate, estimate_unit_did
from pipelines.effects.windows import choose_window

START = 2023 * 12  # 2023-01


def stores(seed: int, effect: float = 2.0, drift: float = 0.0, months: int = 12, event_month: int = 8):
    """25 stores in each of two regions, months of figures around a common path, `effect` added to the treated
    stores from `event_month` on, `drift` a month added to them throughout."""
    rng = np.random.default_rng(seed)
    common = 20 + np.cumsum(rng.normal(0, 0.3, months))
    rows = []
    for region in ("NJ", "PA"):
        for s in range(25):
            level = rng.normal(0, 3)
            for m in range(months):
                value = common[m] + level + rng.normal(0, 1)
                if region == "NJ":
                    value += drift * m + (effect if m >= event_month else 0)
                rows.append((f"{region}-{s}", region, period_start(START + m, "month"), value))
    frame = pl.DataFrame(rows, schema=["unit", "region_code", "period_start", "value"], orient="row")
    window = choose_window(
        period_start(START + event_month, "month"), "month", [START + m for m in range(months)]
    )
    return frame, window


def test_a_longer_unit_design_recovers_the_effect_with_an_event_study():
    frame, window = stores(0)
    result = estimate_unit_did(frame, "NJ", ["PA"], window, "store")
    assert isinstance(result, UnitDidEstimate) and result.effect.covers(2.0)
    assert result.units == 50 and result.observations == 600
    study = result.event_study
    assert study.height == 11 and "2023-08" not in study["period"].to_list()  # the reference period
    post = study.filter(pl.col("side") == "post")
    assert post["effect"].mean() == pytest.approx(2.0, abs=0.6)
    assert result.pre_trend["periods"] == 7 and result.pre_trend["p_value"] > 0.05
    assert not any(n.startswith("WARNING") for n in result.notes)


def test_diverging_stores_raise_the_pre_trend_warning():
    frame, window = stores(1, effect=0.0, drift=0.4)
    result = estimate_unit_did(frame, "NJ", ["PA"], window, "store")
    assert result.pre_trend["p_value"] < 0.05
    assert result.notes[0].startswith("WARNING: the pre-period effects are jointly not zero")


def test_placebo_unit_designs_rarely_exclude_zero():
    """200 placebo designs (no effect, 25 + 25 stores): the interval the estimate is judged by (CRV3, t with
    49 degrees of freedom) excludes zero in 10 of 200 (5%, the nominal share); the conventional one (CRV1,
    normal, as published studies quote it) in 17 of 200 (8.5%)."""
    false = conventional = 0
    for seed in range(200):
        result = estimate_unit_did(*_args(seed))
        false += not result.effect.covers(0.0)
        c = result.conventional
        conventional += not (c["lower"] <= 0.0 <= c["upper"])
    assert false <= 10 and conventional == 17


def test_two_waves_say_parallel_trends_cannot_be_tested():
    frame, window = stores(2, months=2, event_month=1)
    result = estimate_unit_did(frame, "NJ", ["PA"], window, "store")
    assert result.event_study is None and result.pre_trend is None
    assert any("parallel trends cannot be tested" in n for n in result.notes)
    assert window.pre == (period_index(date(2023, 1, 1), "month"),) * 2


def _args(seed):
    frame, window = stores(seed, effect=0.0)
    return frame, "NJ", ["PA"], window, "store"


def _design_of(frame, window, treated="NJ"):
    """The unit design's regression input for `frame`, as estimate_unit_did builds it."""
    from pipelines.effects.unit_did import _design

    rows = frame.with_columns(
        idx=pl.col("period_start").map_elements(lambda d: period_index(d, "month"), return_dtype=pl.Int64)
    )
    rows = rows.with_columns(
        side=pl.col("idx").map_elements(lambda i: window.side(i) or "", return_dtype=pl.String),
        group=pl.when(pl.col("region_code") == treated).then(pl.lit("treated")).otherwise(pl.lit("control")),
    ).filter(pl.col("side") != "")
    periods = sorted(rows["idx"].unique().to_list())
    return _design(rows, periods), periods


@pytest.mark.parametrize(
    "seed,months,drop", [(0, 12, 0.0), (1, 12, 0.15), (3, 60, 0.0), (4, 2, 0.0)], ids=str
)
def test_the_numpy_fit_equals_pyfixest_crv3_crv1_intervals_and_wald(seed, months, drop):
    """The clustered OLS in numpy (pipelines/effects/clustered_ols.py) gives pyfixest 0.60's coefficients,
    CRV3 and CRV1 errors, t intervals and Wald statistic within 1e-9, on balanced, unbalanced (15% of the
    store-months dropped), two-period and 60-month designs, for both of the unit design's regressions."""
    import pandas as pd
    import pyfixest as pf

    from pipelines.effects.clustered_ols import fit_clustered

    frame, window = stores(seed, months=months, event_month=months * 2 // 3)
    if drop:
        frame = frame.sample(fraction=1 - drop, seed=seed).sort("unit", "period_start")
    data, periods = _design_of(frame, window)
    dummies = [f"d{i}" for i in range(1, len(periods))]
    pre = [i for i, p in enumerate(periods) if window.side(p) == "pre"]
    study = [f"t{i}" for i in range(len(periods)) if i != pre[-1]] if len(periods) > 2 else []
    for terms in (["treated", *dummies, "treated_post"], ["treated", *dummies, *study]):
        ours = fit_clustered(data["value"], {t: data[t] for t in terms}, data["unit"])
        table = pd.DataFrame({k: data[k] for k in ("value", "unit", *terms)})
        theirs = pf.feols(f"value ~ {' + '.join(terms)}", table, vcov={"CRV3": "unit"})
        assert ours.names == list(theirs.coef().index)
        np.testing.assert_allclose(ours.beta, theirs.coef().to_numpy(), rtol=0, atol=1e-9)
        np.testing.assert_allclose(ours.crv3, theirs._vcov, rtol=1e-9, atol=1e-12)
        bounds = theirs.confint(alpha=0.05)
        for term in terms:
            assert ours.se(term) == pytest.approx(float(theirs.se()[term]), rel=1e-9)
            assert ours.interval(term) == pytest.approx(tuple(bounds.loc[term]), rel=0, abs=1e-9)
        tested = (
            [t for t in study if window.side(periods[int(t[1:])]) == "pre"]
            if terms[-1] != "treated_post"
            else []
        )
        if tested:
            restriction = np.zeros((len(tested), len(terms) + 1))
            for row, term in enumerate(tested):
                restriction[row, ours.names.index(term)] = 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "distribution changed to chi2"
                wald = float(theirs.wald_test(R=restriction, distribution="chi2")["statistic"])
            assert ours.wald(tested) == pytest.approx(wald, rel=1e-9)
        theirs.vcov({"CRV1": "unit"})
        np.testing.assert_allclose(ours.crv1, theirs._vcov, rtol=1e-9, atol=1e-12)


def test_scipy_special_gives_scipy_stats_t_and_f():
    """The unit design's t quantiles and F p-values come from scipy.special (no scipy.stats import): the same
    numbers as scipy.stats's t.ppf and f.sf."""
    from scipy import stats
    from scipy.special import fdtrc, stdtrit

    for df in (1, 5, 49, 499):
        assert stdtrit(df, 0.025) == stats.t.ppf(0.025, df)
        for dfn in (1, 7, 39):
            assert fdtrc(dfn, df, 1.7) == stats.f.sf(1.7, dfn, df)


def test_a_collinear_design_is_fitted_by_pyfixest_which_drops_the_column():
    """A period with figures from treated stores only makes its dummy and its treated x period term the same
    column: the numpy fit declines (None) and the fit comes from pyfixest, which drops the later column."""
    from pipelines.effects.clustered_ols import fit_clustered
    from pipelines.effects.unit_did import _fit

    frame, window = stores(5)
    frame = frame.filter(~((pl.col("region_code") == "PA") & (pl.col("period_start") == date(2023, 3, 1))))
    data, periods = _design_of(frame, window)
    terms = [
        "treated",
        *[f"d{i}" for i in range(1, len(periods))],
        *[f"t{i}" for i in range(len(periods)) if i != 6],
    ]
    assert fit_clustered(data["value"], {t: data[t] for t in terms}, data["unit"]) is None
    fit = _fit(data, terms)
    assert "d2" in fit.names and "t2" not in fit.names and len(fit.names) == len(terms)
    assert fit.clusters == 50 and fit.se("t7") > 0 and fit.se("t7", "CRV1") > 0
