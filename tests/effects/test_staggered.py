"""Staggered adoption (one kind of event in several regions at different dates) by Sun & Abraham through
pyfixest: on generated panels whose effects grow with time since the event (where two-way fixed effects is
biased), on panels without an effect, and through `impact run` and `impact effect --event A,B,C --json`
against the library called directly."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from scipy.stats import t as t_dist

from pipelines.effects.results import Refusal
from pipelines.effects.staggered import estimate_staggered
from tests.effects.synthetic import impact_run

IMPACT = str(Path(sys.executable).with_name("impact"))
COHORTS = {6: 5, 11: 5, 15: 5}  # first treated period (1 = the panel's first) -> regions


def staggered_panel(
    seed: int, effect: float = 1.0, drift: float = 0.0, periods: int = 20, controls: int = 10
):
    """(panel: region_code, period, value, true_effect; adoption; controls): region and period effects, noise
    sd 0.5; a treated region's effect is `effect` x (periods since its event + 1), so it grows with time and
    differs by cohort; `drift`: a trend per period of the treated regions before and after their events."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 1, periods).cumsum()
    units = [(f"T{g:02d}{i}", g) for g, n in COHORTS.items() for i in range(n)]
    units += [(f"C{i:02d}", 0) for i in range(controls)]
    rows = []
    for unit, g in units:
        level = 10 + rng.normal(0, 2)
        for t in range(1, periods + 1):
            true = effect * (t - g + 1) if g and t >= g else 0.0
            trend = drift * t if g else 0.0
            rows.append((unit, 100 + t, level + common[t - 1] + trend + true + rng.normal(0, 0.5), true))
    panel = pl.DataFrame(rows, schema=["region_code", "period", "value", "true_effect"], orient="row")
    adoption = {u: 100 + g for u, g in units if g}
    return panel, adoption, [u for u, g in units if not g]


def truth(panel: pl.DataFrame) -> float:
    """The average effect over the treated region-periods."""
    return panel.filter(pl.col("true_effect") != 0)["true_effect"].mean()


def test_growing_effects_bias_twfe_and_sun_abraham_recovers_them():
    panel, adoption, controls = staggered_panel(5)
    est = estimate_staggered(panel.drop("true_effect"), adoption, controls, "year")
    want = truth(panel)  # 6.32 (6.22 estimated)
    assert est.att.covers(want) and est.att.lower > 0
    assert not (est.twfe["lower"] <= want <= est.twfe["upper"])  # twfe: about 4, its interval misses 6.3
    assert est.twfe["upper"] < want - 1
    # the event-time effects follow the true curve (effect at event time l is l + 1)
    for row in est.event_time:
        if 0 <= row["rel"] <= 10:
            assert row["lower"] - 0.3 <= row["rel"] + 1 <= row["upper"] + 0.3
    assert [c["first_period"] for c in est.cohorts] == ["106", "111", "115"]
    assert est.cohorts[0]["effect"] > est.cohorts[2]["effect"]  # the earliest cohort has the longest run


def test_over_many_panels_the_interval_covers_the_truth_and_twfe_does_not():
    covered = twfe_covered = 0
    for seed in range(20):
        panel, adoption, controls = staggered_panel(200 + seed)
        est = estimate_staggered(panel.drop("true_effect"), adoption, controls, "year")
        covered += est.att.covers(truth(panel))
        twfe_covered += est.twfe["lower"] <= truth(panel) <= est.twfe["upper"]
    assert covered >= 17 and twfe_covered == 0


def test_zero_effect_placebos_cover_zero():
    panel, adoption, controls = staggered_panel(11, effect=0.0)
    est = estimate_staggered(panel.drop("true_effect"), adoption, controls, "year")
    assert (
        est.att.covers(0) and est.pre_trend["p_value"] > 0.05 and not any("WARNING" in n for n in est.notes)
    )
    excluded = 0
    for seed in range(40):
        panel, adoption, controls = staggered_panel(300 + seed, effect=0.0)
        excluded += not estimate_staggered(panel.drop("true_effect"), adoption, controls, "year").att.covers(
            0
        )
    # CRV3 errors with t on regions - 1: 0 of these 40 (CRV1 with t: 2 of 40)
    assert excluded <= 2


def test_a_pre_trend_raises_the_warning():
    panel, adoption, controls = staggered_panel(5, drift=0.3)
    est = estimate_staggered(panel.drop("true_effect"), adoption, controls, "year")
    assert est.pre_trend["p_value"] < 0.05 and est.pre_trend["slope_per_period"] > 0
    assert any(n.startswith("WARNING") for n in est.notes)


def test_refusals_say_why():
    panel, adoption, controls = staggered_panel(1)
    one = dict(list(adoption.items())[:1])
    assert "two treated regions" in estimate_staggered(panel, one, controls, "year").reason
    assert "no control region" in estimate_staggered(panel, adoption, [], "year").reason
    gap = panel.filter(~((pl.col("region_code") == "T060") & (pl.col("period") == 105)))
    refused = estimate_staggered(gap, adoption, controls, "year")
    assert (
        isinstance(refused, Refusal)
        and "T060 has no figure for 105 (the period before its event)" in refused.reason
    )


# --- through the warehouse ----------------------------------------------------------------------------------

YEARS = range(2000, 2020)


def write_staggered(root: Path, panel: pl.DataFrame, adoption: dict[str, int]) -> None:
    folder = root / "datasets" / "laws"
    folder.mkdir(parents=True)
    regions = sorted(set(panel["region_code"]))
    (folder / "regions.csv").write_text(
        "code,name,parent,aliases\n" + "".join(f"{r},Region {r},US,\n" for r in regions)
    )
    (folder / "metrics.csv").write_text(
        "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description\n"
        "sales,Sales,count,true,true,false,Yearly sales\n"
    )
    (folder / "sources.csv").write_text(
        "source_id,publisher,title,url,published_on,originally_reported_by,reliability,note\n"
        "stat,Statistics office,Yearly sales,,2020-06,,official,\n"
    )
    (folder / "events.csv").write_text(
        "event_id,date,date_end,status,jurisdiction,category,title,entity,source_id,note\n"
        + "".join(
            f"L{r},{1899 + p}-03-01,,effective,{r},law,Sales law in {r},,stat,\n" for r, p in adoption.items()
        )
    )
    lines = [
        f"{r}-{1899 + p},Shops,sales,{r},{1899 + p},actual,{v:.4f},count,stat"
        for r, p, v in panel.select("region_code", "period", "value").iter_rows()
    ]
    (folder / "figures.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,unit,source_id\n" + "\n".join(lines) + "\n"
    )


@pytest.fixture(scope="module")
def laws(tmp_path_factory):
    panel, adoption, controls = staggered_panel(7)
    root = tmp_path_factory.mktemp("laws")
    write_staggered(root / "data", panel, adoption)
    warehouse = impact_run(root / "data", root / "laws.duckdb")
    events = ",".join(f"L{r}" for r in adoption)
    run = subprocess.run([IMPACT, "effect", "--event", events, "--metric", "sales", "--json", "--warehouse",
                          str(warehouse)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return panel, adoption, controls, json.loads(run.stdout), warehouse


def test_impact_effect_with_several_events_is_the_staggered_estimate(laws):
    panel, adoption, controls, doc, _ = laws
    est = doc["staggered_did"]
    assert doc["headline"] == "staggered_did" and est["status"] == "estimated"
    assert sorted(d["region_code"] for d in doc["donor_pool"]["donors"]) == controls
    assert {x["reason"] for x in doc["donor_pool"]["left_out"]} == {"another treated region"}
    assert est["treated"]["T060"] == "2005" and est["periods"] == {"first": "2000", "last": "2019"}
    assert est["att"]["lower"] <= truth(panel) <= est["att"]["upper"]
    assert est["twfe"]["upper"] < truth(panel)
    assert [(s["dataset"], s["source_id"], s["publisher"]) for s in doc["series_sources"]] == [
        ("laws", "stat", "Statistics office")
    ]


def test_the_estimate_equals_pyfixest_called_directly(laws):
    """pyfixest's saturated event study on the same figures (years as periods, cohorts as first years), its
    errors CRV3 by the library's own leave-one-region-out refits with region and year fixed effects (the
    module gets them by the closed form on dummies); the average effect is the cohort x event-time
    coefficients weighted by their treated region-years."""
    import pyfixest as pf

    panel, adoption, controls, doc, _ = laws
    frame = (
        panel.select(unit="region_code", t=pl.col("period") + 1899, y=pl.col("value").round(4))
        .with_columns(
            g=pl.col("unit").replace_strict(
                {r: p + 1899 for r, p in adoption.items()}, default=0, return_dtype=pl.Int64
            )
        )
        .to_pandas()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.event_study(
            frame, yname="y", idname="unit", tname="t", gname="g", estimator="saturated", cluster="unit"
        )
        crv3 = pf.feols(fit._fml, fit._data, vcov={"CRV3": "unit"})
    assert list(crv3.coef().index) == list(fit.coef().index)
    fit._vcov = crv3._vcov  # the library's aggregate reads it
    agg = fit.aggregate()
    got = {r["rel"]: r for r in doc["staggered_did"]["event_time"]}
    for rel, row in agg.iterrows():
        assert got[int(rel)]["estimate"] == pytest.approx(float(row["Estimate"]), abs=1e-6)
        assert got[int(rel)]["se"] == pytest.approx(float(row["Std. Error"]), rel=1e-6)
        # the interval: t with regions - 1 = 24 degrees of freedom (the library's aggregate uses the normal)
        upper = float(row["Estimate"]) + t_dist.ppf(0.975, 24) * float(row["Std. Error"])
        assert got[int(rel)]["upper"] == pytest.approx(upper, abs=1e-6)
    coefs, vcov = fit.coef(), crv3._vcov
    weights = np.zeros(len(coefs))
    for i, name in enumerate(coefs.index):
        rel, cohort = name.removeprefix("rel_time::").split(":first_treated_period::")
        rel, cohort = float(rel), int(cohort)
        if rel >= 0:
            weights[i] = ((frame.g == cohort) & (frame.t == cohort + rel)).sum()
    weights /= weights.sum()
    att = float(weights @ coefs.to_numpy())
    se = float(np.sqrt(weights @ vcov @ weights))
    assert doc["staggered_did"]["att"]["estimate"] == pytest.approx(att, abs=1e-6)
    assert doc["staggered_did"]["standard_error"] == pytest.approx(se, rel=1e-6)
    twfe = pf.event_study(
        frame, yname="y", idname="unit", tname="t", gname="g", estimator="twfe", cluster="unit"
    )
    assert doc["staggered_did"]["twfe"]["estimate"] == pytest.approx(
        float(twfe.coef()["is_treated"]), abs=1e-6
    )


def test_the_text_names_the_method_and_twfe_beside_it(laws):
    adoption, warehouse = laws[1], laws[4]
    events = ",".join(f"L{r}" for r in adoption)
    run = subprocess.run([IMPACT, "effect", "--event", events, "--metric", "sales", "--warehouse", str(warehouse)],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Sun & Abraham" in run.stdout and "two-way fixed effects" in run.stdout
    assert "cohorts: 2005 (T060, T061, T062, T063, T064)" in run.stdout
    # one event needs its region; several take none
    bad = subprocess.run([IMPACT, "effect", "--event", events, "--metric", "sales", "--region", "T060",
                          "--warehouse", str(warehouse)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert bad.returncode == 2 and "--region is not used with several events" in bad.stderr


def test_the_impact_page_shows_the_staggered_estimate(laws, monkeypatch):
    from tests.effects.test_impact_page_cases import open_impact, texts

    adoption, warehouse, doc = laws[1], laws[4], laws[3]
    others = [f"L{r}" for r in adoption if r != "T060"]
    at = open_impact(warehouse, monkeypatch, event="LT060", region="T060", metric="sales", staggered=others)
    text = texts(at)
    metrics = {m.label: m.value for m in at.metric}
    att = doc["staggered_did"]["att"]
    assert metrics["Average effect on the treated"] == f"{att['estimate']:+,.4g}"
    assert metrics["95% interval"] == f"{att['lower']:+,.4g} to {att['upper']:+,.4g}"
    assert metrics["Two-way fixed effects (biased)"] == f"{doc['staggered_did']['twfe']['estimate']:+,.4g}"
    assert "Over 15 treated regions and 10 never-treated controls (2000 to 2019)" in text
    assert "Effect by period since the event (Sun & Abraham)" in text
    assert any("Controls: 10 regions never treated, 14 left out" in e.label for e in at.expander)
