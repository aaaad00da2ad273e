"""The staggered estimate honours the user's --pre/--post windows: every cohort keeps the same event times around
its own event (read for the first event), the periods outside are dropped, and the window is stated in the JSON,
the text, `impact explain` (a period outside it is said to be outside) and on the Impact page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from pipelines.effects.staggered import estimate_staggered
from tests.effects.synthetic import impact_run
from tests.effects.test_staggered import write_staggered

IMPACT = str(Path(sys.executable).with_name("impact"))
COHORTS = {6: 5, 11: 5, 15: 5}  # first treated period (1 = the panel's first, year 2000) -> regions
EARLY, LATE = 1.0, 6.0  # the effect: EARLY for event times 0..3, LATE from event time 4 (a later jump)


def jump_panel(seed: int, periods: int = 20, controls: int = 10):
    """(panel: region_code, period, value; adoption; controls): region and period effects, noise sd 0.3; a
    treated region's effect is EARLY in its first 4 periods and LATE after, so a 4-period post window sees only
    EARLY."""
    rng = np.random.default_rng(seed)
    common = rng.normal(0, 1, periods).cumsum()
    units = [(f"T{g:02d}{i}", g) for g, n in COHORTS.items() for i in range(n)]
    units += [(f"C{i:02d}", 0) for i in range(controls)]
    rows = []
    for unit, g in units:
        level = 10 + rng.normal(0, 2)
        for t in range(1, periods + 1):
            true = 0.0 if not g or t < g else (EARLY if t - g < 4 else LATE)
            rows.append((unit, 100 + t, level + common[t - 1] + true + rng.normal(0, 0.3)))
    panel = pl.DataFrame(rows, schema=["region_code", "period", "value"], orient="row")
    return panel, {u: 100 + g for u, g in units if g}, [u for u, g in units if not g]


def test_a_short_post_window_leaves_out_the_later_jump():
    panel, adoption, controls = jump_panel(3)
    whole = estimate_staggered(panel, adoption, controls, "year")
    short = estimate_staggered(panel, adoption, controls, "year", event_times=(-5, 3))
    assert whole.att.lower > 2.5  # the jump to 6 is in it
    assert short.att.covers(EARLY) and short.att.upper < 1.5
    assert max(r["rel"] for r in short.event_time) == 3 and min(r["rel"] for r in short.event_time) == -5
    # dropped, not binned: in the saturated regression the kept coefficients are the untrimmed fit's
    kept = {r["rel"]: r["estimate"] for r in whole.event_time if -5 <= r["rel"] <= 3}
    assert {r["rel"]: r["estimate"] for r in short.event_time} == pytest.approx(kept, abs=1e-9)
    assert [c["effect"] for c in short.cohorts] == pytest.approx([EARLY] * 3, abs=0.4)
    # a post window that starts late counts only its own event times
    late = estimate_staggered(panel, adoption, controls, "year", event_times=(-5, 5), effect_from=4)
    assert late.att.covers(LATE) and late.att.lower > 4


@pytest.fixture(scope="module")
def jumps(tmp_path_factory):
    panel, adoption, controls = jump_panel(7)
    root = tmp_path_factory.mktemp("jumps")
    write_staggered(root / "data", panel, adoption)
    warehouse = impact_run(root / "data", root / "jumps.duckdb")
    events = ",".join(f"L{r}" for r in adoption)  # LT060 first: its event acts from 2005
    return panel, adoption, events, warehouse


def effect_json(warehouse: Path, events: str, *window: str) -> dict:
    run = subprocess.run([IMPACT, "effect", "--event", events, "--metric", "sales", *window, "--json",
                          "--warehouse", str(warehouse)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return json.loads(run.stdout)


def test_impact_effect_keeps_the_window_of_every_cohort_and_states_it(jumps):
    _, adoption, events, warehouse = jumps
    doc = effect_json(warehouse, events, "--pre", "2000..2004", "--post", "2005..2008")
    est, window = doc["staggered_did"], doc["window"]
    assert est["att"]["lower"] <= EARLY <= est["att"]["upper"] and est["att"]["upper"] < 1.5
    assert window["event_times"] == {"first": -5, "last": 3, "effect_from": 0} and window["trimmed"]
    assert (
        window["pre"] == "2000..2004" and window["post"] == "2005..2008" and window["anchor_event"] == "LT060"
    )
    assert window["text"].startswith(
        "2000-2004 (5 years before), 2005-2008 (4 years after) around LT060 (2005)"
    )
    assert "4 years after each event" in est["window"]
    # the last cohort (2014) keeps 2009..2017; nothing later than 2017 is in the panel
    assert est["periods"] == {"first": "2000", "last": "2017"}
    assert {r["rel"] for r in est["event_time"]} == set(range(-5, 4))
    whole = effect_json(warehouse, events)
    assert whole["staggered_did"]["att"]["lower"] > 2.5 and not whole["window"]["trimmed"]
    assert whole["window"]["text"].startswith("2000-2004 (5 years before), 2005-2019 (15 years after)")


def test_a_window_that_reaches_the_event_is_refused_with_the_reason(jumps):
    events, warehouse = jumps[2], jumps[3]
    run = subprocess.run([IMPACT, "effect", "--event", events, "--metric", "sales", "--pre", "2000..2005",
                          "--warehouse", str(warehouse)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert (
        run.returncode == 1
        and "the pre window 2000..2005 reaches the event's first period 2005" in run.stderr
    )


def test_explain_says_when_a_period_lies_outside_the_staggered_window(jumps):
    events, warehouse = jumps[2], jumps[3]

    def explain(region: str, period: str) -> str:
        run = subprocess.run([IMPACT, "explain", "--entity", "Shops", "--metric", "sales", "--region", region,
                              "--period", period, "--event", events, "--pre", "2000..2004", "--post", "2005..2008",
                              "--warehouse", str(warehouse)], capture_output=True, text=True, timeout=300)  # fmt: skip
        assert run.returncode == 0, run.stderr[-2000:]
        return run.stdout

    # T150's event acts from 2014: 2019 is 5 years after it, past the 4 kept
    text = explain("T150", "2019")
    assert (
        "staggered difference-in-differences, 2000-2004 (5 years before), 2005-2008 (4 years after)" in text
    )
    assert "2019 in Region T150 lies outside this window (5 years after the event in T150)" in text
    assert "says nothing about 2019 itself" in text
    assert "2016 is 2 years after the event in T150, inside the window" in explain("T150", "2016")
    assert "in the window's pre-period" in explain("T150", "2012")


def test_the_impact_page_passes_its_window_to_the_staggered_estimate(jumps, monkeypatch):
    from tests.effects.test_impact_page_cases import open_impact, texts

    events, warehouse = jumps[2], jumps[3]
    others = [e for e in events.split(",") if e != "LT060"]
    at = open_impact(warehouse, monkeypatch, event="LT060", region="T060", metric="sales", staggered=others,
                     pre="2000..2004", post="2005..2008")  # fmt: skip
    doc = effect_json(warehouse, events, "--pre", "2000..2004", "--post", "2005..2008")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Average effect on the treated"] == f"{doc['staggered_did']['att']['estimate']:+,.4g}"
    assert "Window: 2000-2004 (5 years before), 2005-2008 (4 years after) around LT060 (2005)" in texts(
        at
    ).replace("\\", "")
    assert at.query_params["pre"] == ["2000..2004"] or at.query_params["pre"] == "2000..2004"
