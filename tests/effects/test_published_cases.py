"""Two published studies through `impact run` and `impact effect --json` (the handed cases, copied under
tests/data/cases/): California's Proposition 99 (Abadie, Diamond & Hainmueller 2010) by synthetic control, and
Card & Krueger's (1994) minimum wage by a unit-level difference-in-differences on stores. The figures are those
of tests/data/cases' README sections; each is also computed by the library called directly on the same data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy.optimize import minimize

IMPACT = str(Path(sys.executable).with_name("impact"))


def effect(warehouse: Path, *args: str) -> tuple[int, dict]:
    run = subprocess.run(
        [IMPACT, "effect", *args, "--json", "--warehouse", str(warehouse)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return run.returncode, json.loads(run.stdout) if run.stdout.strip() else {"stderr": run.stderr}


@pytest.fixture(scope="module")
def prop99_effect(prop99) -> tuple[int, dict]:
    return effect(prop99, "--event", "P99", "--metric", "cig_packs_per_capita", "--region", "US_CA")


def test_prop99_synthetic_control_is_the_headline(prop99_effect):
    code, doc = prop99_effect
    sc = doc["synthetic_control"]
    assert code == 0 and doc["headline"] == "synthetic_control" and sc["status"] == "estimated"
    # the default window: every year on each side
    assert (sc["window"]["pre"], sc["window"]["post"]) == ("1970..1988", "1989..2000")
    assert "1989-2000 (12 years after)" in sc["window"]["text"]
    # README: the outcome-only fit gives -19.51 on average (pysyncon with ADH's predictors -18.69, within 2),
    # -26.60 in 2000 (published: about -26), pre-period RMSPE 1.66
    assert sc["average_gap"] == pytest.approx(-19.51, abs=0.01)
    assert abs(sc["average_gap"] - -18.69) <= 2
    gap_2000 = next(g["gap"] for g in sc["gaps"] if g["period"] == "2000")
    assert gap_2000 == pytest.approx(-26.60, abs=0.01)
    assert sc["pre_rmspe"] == pytest.approx(1.66, abs=0.005)


def test_prop99_weights_and_placebo_p_value(prop99_effect):
    sc = prop99_effect[1]["synthetic_control"]
    weights = {w["region_code"]: w["weight"] for w in sc["weights"]}
    assert all(w >= 0 for w in weights.values()) and sum(weights.values()) == pytest.approx(1, abs=1e-6)
    want = {"US_UT": 0.394, "US_MT": 0.232, "US_NV": 0.205, "US_CT": 0.109, "US_NH": 0.045, "US_CO": 0.015}
    assert {r: round(w, 3) for r, w in weights.items()} == want
    # outcome-only: California ranks third of 39 (after Missouri and Virginia), p = 3/39
    assert sc["rank"] == 3 and sc["units_in_placebo_test"] == 39 and sc["p_value"] == pytest.approx(3 / 39)
    assert [p["region_code"] for p in sc["placebos"][:3]] == ["US_MO", "US_VA", "US_CA"]
    assert "placebo" in sc["interval_method"] and "placebo" in sc["p_value_method"]
    lower, upper = sc["interval"]["lower"], sc["interval"]["upper"]
    assert lower < sc["average_gap"] < upper and lower < 0 < upper  # p = 0.077 > 0.05: zero is not rejected


def test_prop99_weights_equal_scipy_slsqp_on_the_simplex(prop99, prop99_effect):
    """The library called directly: SLSQP on the simplex minimising the 1970-1988 gap."""
    with duckdb.connect(str(prop99), read_only=True) as con:
        rows = con.sql(
            "select region_code, year(period_start) as y, value from actual_figures"
            " where metric = 'cig_packs_per_capita' and grain = 'year' order by region_code, y"
        ).fetchall()
    table: dict[str, dict[int, float]] = {}
    for region, year, value in rows:
        table.setdefault(region, {})[year] = value
    donors = sorted(r for r in table if r != "US_CA")
    pre = range(1970, 1989)
    y = np.array([table["US_CA"][t] for t in pre])
    X = np.array([[table[d][t] for d in donors] for t in pre])
    fit = minimize(
        lambda w: np.mean((y - X @ w) ** 2),
        np.full(len(donors), 1 / len(donors)),
        method="SLSQP",
        bounds=[(0, 1)] * len(donors),
        constraints=({"type": "eq", "fun": lambda w: w.sum() - 1},),
        options={"ftol": 1e-12, "maxiter": 1000},
    )
    ours = {w["region_code"]: w["weight"] for w in prop99_effect[1]["synthetic_control"]["weights"]}
    for donor, w in zip(donors, fit.x, strict=True):
        assert ours.get(donor, 0.0) == pytest.approx(w, abs=2e-3), donor


def test_prop99_donor_pool_is_every_state_in_the_open(prop99_effect):
    pool = prop99_effect[1]["donor_pool"]
    assert len(pool["donors"]) == 38 and pool["left_out"] == []
    assert "level" in pool["rule"]


def test_prop99_chosen_windows_and_exclusions(prop99):
    code, doc = effect(
        prop99, "--event", "P99", "--metric", "cig_packs_per_capita", "--region", "US_CA",
        "--pre", "1975..1988", "--post", "1990..1995", "--exclude", "US_UT",
    )  # fmt: skip
    sc = doc["synthetic_control"]
    assert code == 0 and sc["window"]["pre"] == "1975..1988" and sc["window"]["post"] == "1990..1995"
    assert [g["period"] for g in sc["gaps"]][0] == "1975" and "1989" not in [g["period"] for g in sc["gaps"]]
    assert "US_UT" not in {w["region_code"] for w in sc["weights"]}
    assert {
        "region_code": "US_UT",
        "name": "Utah (US state)",
        "reason": "left out by you (--exclude)",
    } in doc["donor_pool"]["left_out"]
    bad = subprocess.run(
        [IMPACT, "effect", "--event", "P99", "--metric", "cig_packs_per_capita", "--region", "US_CA",
         "--pre", "1970..1989", "--warehouse", str(prop99)], capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 1 and "end the pre window at 1988" in bad.stderr


def test_prop99_explain_names_the_window_and_refuses_periods_outside_it(prop99):
    def explain(*extra):
        run = subprocess.run(
            [IMPACT, "explain", "--entity", "Cigarette market", "--metric", "cig_packs_per_capita",
             "--region", "US_CA", "--period", "2000", "--event", "P99", "--warehouse", str(prop99), *extra],
            capture_output=True, text=True,
        )  # fmt: skip
        assert run.returncode == 0, run.stderr
        return run.stdout.split("The estimate: ")[1].split("\n")[0]

    inside = explain()
    assert "synthetic control, 1970-1988 (19 years before), 1989-2000 (12 years after)" in inside
    assert "In 2000 the gap is -26.60" in inside
    outside = explain("--post", "1989..1995")
    assert "2000 lies outside this window" in outside and "1989-1995" in outside
    assert "In 2000 the gap" not in outside


def test_card_krueger_two_by_two_on_stores(minimum_wage):
    code, doc = effect(minimum_wage, "--event", "NJMW", "--metric", "fte_employment", "--region", "US_NJ")
    did = doc["difference_in_differences"]
    assert code == 0 and doc["headline"] == "difference_in_differences" and did["design"] == "units"
    # (21.027 - 20.439) - (21.166 - 23.331) = +2.75 FTE; published +2.76 (Table 3), within 0.1
    assert did["effect"]["estimate"] == pytest.approx(2.75, abs=0.005)
    assert abs(did["effect"]["estimate"] - 2.76) <= 0.1
    # the published interval (CRV1 clustered by store, normal): se 1.31, [0.19, 5.31]
    published = did["conventional_interval"]
    assert published["standard_error"] == pytest.approx(1.31, abs=0.005)
    assert published["lower"] == pytest.approx(0.19, abs=0.005)
    assert published["upper"] == pytest.approx(5.31, abs=0.005)
    # the interval it is judged by (CRV3, t with 409 degrees of freedom): wider, still excludes zero
    assert did["standard_error"] == pytest.approx(1.322, abs=0.0005)
    assert did["effect"]["lower"] == pytest.approx(0.155, abs=0.0005)
    assert did["effect"]["upper"] == pytest.approx(5.353, abs=0.0005)
    assert "CRV3" in did["interval_method"] and "CRV1" in published["method"]
    assert did["observations"] == 794 and did["units"] == 410 and "store" in did["clustered_by"]
    cells = {(c["group"], c["side"]): c for c in did["cells"]}
    assert round(cells["treated", "pre"]["mean"], 3) == 20.439 and cells["treated", "pre"]["units"] == 321
    assert round(cells["control", "post"]["mean"], 3) == 21.166 and cells["control", "post"]["units"] == 77
    assert cells["treated", "pre"]["period_labels"] == ["1992-02"] and cells["treated", "post"][
        "period_labels"
    ] == ["1992-11"]
    assert did["window"]["pre_start"] == "1992-02" and did["window"]["post_end"] == "1992-11"
    assert doc["synthetic_control"]["status"] == "refused"


def test_card_krueger_equals_statsmodels_called_directly(minimum_wage):
    import statsmodels.formula.api as smf

    with duckdb.connect(str(minimum_wage), read_only=True) as con:
        frame = con.sql(
            "select entity as store, (region_code = 'US_NJ')::int as nj, (period = '1992-11')::int as post,"
            " value as fte from actual_figures where metric = 'fte_employment'"
        ).df()
    fit = smf.ols("fte ~ nj + post + nj:post", frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame["store"]}
    )
    _, doc = effect(minimum_wage, "--event", "NJMW", "--metric", "fte_employment", "--region", "US_NJ")
    did = doc["difference_in_differences"]
    assert did["effect"]["estimate"] == pytest.approx(fit.params["nj:post"], abs=1e-9)
    assert did["conventional_interval"]["standard_error"] == pytest.approx(fit.bse["nj:post"], abs=1e-9)


def test_prop99_in_two_states_is_pooled_over_one_donor_pool(prop99):
    code, doc = effect(
        prop99, "--event", "P99", "--metric", "cig_packs_per_capita", "--region", "US_CA,US_NV"
    )
    pooled = doc["pooled_synthetic_control"]
    assert (
        code == 0
        and doc["headline"] == "pooled_synthetic_control"
        and pooled["regions"] == ["US_CA", "US_NV"]
    )
    regions = doc["regions"]
    gaps = [regions[r]["synthetic_control"]["average_gap"] for r in ("US_CA", "US_NV")]
    assert pooled["average_gap"] == pytest.approx(sum(gaps) / 2)
    assert len(pooled["donors"]) == 37 and 0 < pooled["p_value"] <= 1
    left = {x["region_code"]: x["reason"] for x in regions["US_CA"]["donor_pool"]["left_out"]}
    assert left == {"US_NV": "another treated region"}


def test_prop99_placebos_in_time_and_space_find_no_effect(prop99):
    """Events moved where nothing happened, on the handed data: California with fake events in 1980 and 1983
    (post window to 1988, before the real one), and every donor state in turn with the real date (California
    left out): none is a confident effect."""
    from datetime import date

    from pipelines.effects.periods import period_index
    from pipelines.effects.results import Refusal
    from pipelines.effects.synthetic_control import estimate_synthetic_control
    from pipelines.effects.windows import choose_window

    with duckdb.connect(str(prop99), read_only=True) as con:
        panel = con.sql(
            "select region_code, period_start, value from actual_figures"
            " where metric = 'cig_packs_per_capita' and grain = 'year'"
        ).pl()
    years = [period_index(date(y, 1, 1), "year") for y in range(1970, 2001)]
    states = sorted(set(panel["region_code"]))
    for fake in (1980, 1983):
        window = choose_window(date(fake, 1, 1), "year", years, post=f"{fake}..1988")
        result = estimate_synthetic_control(panel, "US_CA", [s for s in states if s != "US_CA"], window)
        assert result.p_value > 0.05 and (result.interval is None or result.interval.covers(0.0)), fake
    window = choose_window(date(1989, 1, 1), "year", years)
    without_california = panel.filter(panel["region_code"] != "US_CA")
    donors = [s for s in states if s != "US_CA"]
    results = [
        estimate_synthetic_control(without_california, s, [d for d in donors if d != s], window)
        for s in donors
    ]
    confident = [
        r for r in results if not isinstance(r, Refusal) and r.interval and not r.interval.covers(0.0)
    ]
    assert len(confident) <= 0.05 * len(results)  # 1 of 38 seen (2 refused for a poor fit)


HEAVY = ("pyfixest", "statsmodels", "pandas", "scipy.stats", "matplotlib", "numba", "formulaic")
LOADED = """
import contextlib, io, sys
from pipelines.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:], standalone_mode=False)
    except SystemExit as exc:
        assert exc.code == 0, exc.code
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


@pytest.mark.parametrize(
    "case,args",
    [
        ("prop99", ["--event", "P99", "--metric", "cig_packs_per_capita", "--region", "US_CA"]),
        ("minimum_wage", ["--event", "NJMW", "--metric", "fte_employment", "--region", "US_NJ"]),
    ],
)
def test_impact_effect_imports_no_heavy_library(case, args, request):
    """`impact effect` on a synthetic control (Prop 99) and on a unit design (Card & Krueger) loads none of
    pyfixest, statsmodels, pandas, scipy.stats, matplotlib, numba, formulaic: they cost seconds of CPU per
    process (benchmarks/results/effects-2026-12-07.txt); the regressions are their arithmetic in numpy."""
    warehouse = request.getfixturevalue(case)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            LOADED.format(heavy=HEAVY),
            "effect",
            *args,
            "--json",
            "--warehouse",
            str(warehouse),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "", f"loaded: {run.stdout.strip()}"
