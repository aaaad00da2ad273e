"""The Bridge and Track record pages on the case study (AppTest), and their charts on hand-made frames."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts.answers import bridge_waterfall, error_by_horizon

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def open_page(warehouse: Path, page: str, monkeypatch, **params) -> AppTest:
    monkeypatch.setenv("IMPACT_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(APP, default_timeout=120)
    if page != "app_pages/scorecard.py":  # the default page: switching to it would key its widgets apart
        at.switch_page(page)
    for k, v in params.items():  # a shared address: the page's filters
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_bridge_page_walks_from_the_first_target_to_the_actual(case_warehouse, monkeypatch):
    at = open_page(
        case_warehouse, "app_pages/bridge.py", monkeypatch,
        entity="TikTok Shop", metric="gmv", region="US", period="2024", kind="target",
    )  # fmt: skip
    (chart,) = at.get("plotly_chart")
    fig = chart.proto.spec
    assert '"type":"waterfall"' in fig.replace(" ", "")
    metrics = {m.label: m.value for m in at.metric}
    assert "first target" in metrics, (metrics, [c.value for c in at.caption])
    assert metrics["first target"] == "17.50 USD bn"
    assert metrics["the target moved (2 revisions)"] == "-2.00 USD bn"  # 17.5 -> 17 -> 15.5
    assert metrics["the business missed"] == "-7.00 USD bn"


def test_track_record_page_ranks_forecasters(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, "app_pages/track_record.py", monkeypatch)
    assert len(at.get("plotly_chart")) == 1
    text = "\n".join(m.value for m in at.markdown)
    assert "on average over" in text and "forecasts)" in text
    assert any(b.label == "Download track record (CSV)" for b in at.get("download_button"))


def test_waterfall_levels_and_steps():
    steps = pl.DataFrame(
        {
            "step_order": [1, 2, 2000, 3000],
            "step": ["original", "revision", "gap", "actual"],
            "label": ["first target", "cut by A (2024-06-01)", "missed the last target", "actual"],
            "step_value": [17.5e9, -2e9, -7e9, 8.5e9],
            "running_total": [17.5e9, 15.5e9, 8.5e9, 8.5e9],
            "unit": ["USD"] * 4,
            "publisher": ["P", "A <b>", None, None],
            "title": [None] * 4,
            "as_of": [None] * 4,
            "figure_id": ["G1", "G2", None, None],
        }
    )
    fig = bridge_waterfall(steps, metric_label="GMV")
    (trace,) = fig.data
    assert list(trace.measure) == ["absolute", "relative", "relative", "absolute"]
    assert list(trace.y) == [17.5, -2.0, -7.0, 8.5]  # in USD bn
    assert "A &lt;b&gt;" in trace.hovertext[1]  # data is text in the hover, never markup
    assert fig.layout.yaxis.title.text == "GMV (USD bn)"


def test_error_by_horizon_orders_bands_far_to_near():
    record = pl.DataFrame(
        {
            "publisher": ["A"] * 4,
            "expectation_kind": ["target"] * 4,
            "metric": ["gmv"] * 4,
            "horizon_band": ["all", "0-6", ">12", "6-12"],
            "mae_pct": [0.2, 0.05, 0.4, 0.2],
            "comparisons": [6, 2, 2, 2],
        }
    )
    (trace,) = error_by_horizon(record).data
    assert list(trace.x) == [">12", "6-12", "0-6"]
    assert list(trace.y) == pytest.approx([40.0, 20.0, 5.0])


def test_scorecard_against_last_year(case_warehouse, monkeypatch):
    """The choice is in the address: a shared link opens on it."""
    at = open_page(
        case_warehouse,
        "app_pages/scorecard.py",
        monkeypatch,
        entity="TikTok Shop",
        metric="gmv",
        versus="last year",
    )
    assert at.sidebar.selectbox(key="versus").value == "last year"
    assert any("same period a year earlier" in c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 2  # the heatmap and the bars, now against the prior year
    assert "against 2023" in "\n".join(str(m.value) + str(m.label) for m in at.metric) or at.metric
    at.sidebar.selectbox(key="versus").select("plan").run()
    assert not any("same period a year earlier" in c.value for c in at.caption)


def test_trends_against_last_year(case_warehouse, monkeypatch):
    """Trends takes the same "Against" choice from the address: the last year's actuals are drawn at this
    year's periods (the values of actual_vs_prior), the expectations are not, and the choice goes back."""
    import json

    import duckdb

    at = open_page(
        case_warehouse,
        "app_pages/trends.py",
        monkeypatch,
        entity="TikTok Shop",
        metric="gmv",
        versus="last year",
    )
    assert at.sidebar.selectbox(key="versus").value == "last year"
    assert any("a year earlier" in c.value for c in at.caption)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    lines = [t for t in spec["data"] if t.get("name", "").endswith(": last year")]
    assert lines, [t.get("name") for t in spec["data"]]
    assert not [t for t in spec["data"] if "(latest)" in t.get("name", "") or ": target" in t.get("name", "")]
    drawn = {
        (t["name"].removesuffix(": last year"), c[0]): y
        for t in lines
        for c, y in zip(t["customdata"], t["y"], strict=True)
    }
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        expected = {
            (region, period): value
            for region, period, value in con.execute(
                "select region_name, period, prior_actual from actual_vs_prior where entity = 'TikTok Shop'"
                " and metric = 'gmv' and comparison = 'prior_year'"
            ).fetchall()
            if (region, period) in drawn
        }
    assert expected.keys() == drawn.keys()
    scale = max(expected.values()) / max(drawn.values())  # the chart divides by its unit's scale (bn, m)
    assert scale in (1, 1e3, 1e6, 1e9)
    assert {k: round(v / scale, 6) for k, v in expected.items()} == {k: round(v, 6) for k, v in drawn.items()}
    at.sidebar.selectbox(key="versus").select("plan").run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert not [t for t in spec["data"] if t.get("name", "").endswith(": last year")]
