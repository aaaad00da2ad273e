"""The Impact page on the two published studies: the synthetic control leads for Proposition 99 (treated
against synthetic, placebo gaps, weights, p-value, window, the donor pool), the windows come from the address,
and the stores' difference-in-differences shows for the minimum wage."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGE = "app_pages/impact.py"


def open_impact(warehouse: Path, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("IMPACT_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page(PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(i.value for i in at.info),
        *(m.label + " " + str(m.value) for m in at.metric),
        *(s.value for s in at.subheader),
    ]
    return "\n".join(str(p) for p in parts)


def test_prop99_page_leads_with_the_synthetic_control(prop99, monkeypatch):
    at = open_impact(prop99, monkeypatch, event="P99", region="US_CA", metric="cig_packs_per_capita")
    text = texts(at)
    assert "Synthetic control: the headline estimate" in text
    assert "Window**: 1970-1988 (19 years before), 1989-2000 (12 years after)" in text
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Average gap, 1989-2000"].startswith("-19.51") and metrics["Placebo p-value"] == "0.077"
    assert "rank 3 of 39 by post/pre RMSPE ratio" in text and "placebo-based" in text
    assert "could be chance" in text  # p = 0.077
    assert any("Donor pool: 38 regions in, 0 left out" in e.label for e in at.expander)
    assert "the parallel-trends assumption fails" in text  # the equal-weight DiD refuses a drifting gap


def test_prop99_page_takes_the_window_from_the_address(prop99, monkeypatch):
    at = open_impact(
        prop99, monkeypatch, event="P99", region="US_CA", metric="cig_packs_per_capita", pre="1975..1988",
        post="1990..1995",
    )  # fmt: skip
    text = texts(at)
    assert "Window**: 1975-1988 (14 years before), 1990-1995 (6 years after) · chosen by you" in text
    assert any(m.label == "Average gap, 1990-1995" for m in at.metric)
    assert [t.value for t in at.text_input] == ["1975..1988", "1990..1995"]


def test_minimum_wage_page_shows_the_stores_difference_in_differences(minimum_wage, monkeypatch):
    at = open_impact(minimum_wage, monkeypatch, event="NJMW", region="US_NJ", metric="fte_employment")
    text = texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Effect per store"].startswith("+2.75") and metrics["Standard error"] == "1.322"
    assert "410 · 794" in metrics["Stores · observations"]
    assert "95% interval +0.15 to +5.35" in text  # CRV3, t with 409 degrees of freedom
    assert "conventional (CRV1, normal, as published studies quote it): +0.19 count to +5.31 count" in text
    assert (
        "Synthetic control" not in text
    )  # stores: the unit design leads, no refused synthetic control shown
