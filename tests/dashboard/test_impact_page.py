"""The Impact page: an estimate on a synthetic monthly warehouse, refusals as messages on the case study, the
login gate, and the pure chart builders."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import did as did_charts
from dashboard.charts import effects as effect_charts
from pipelines.effects.counterfactual import estimate_counterfactual
from pipelines.effects.did import estimate_did
from pipelines.effects.periods import period_end, period_start
from pipelines.warehouse.sqlfiles import create_tables, create_views
from tests.effects.conftest import REGION_COLUMNS as EFFECT_REGION_COLUMNS
from tests.helpers import APP, GMV, event_rows, open_app, seed

PAGE = "app_pages/impact.py"
EVENT_DATE = date(2024, 1, 15)
START = 2021 * 12  # period index of 2021-01
REGIONS = [
    ("WORLD", "Global", None, "world", 0, "WORLD"),
    ("NAM", "North America", "WORLD", "region", 1, "WORLD/NAM"),
    ("US", "United States", "NAM", "country", 2, "WORLD/NAM/US"),
    ("CA", "Canada", "NAM", "country", 2, "WORLD/NAM/CA"),
    ("MX", "Mexico", "NAM", "country", 2, "WORLD/NAM/MX"),
]


def monthly_series(seed: int = 0, effect: float = -0.2, n_pre: int = 36, n_post: int = 12):
    """US with a step of `effect` from the event's month; Canada and Mexico untouched. Noise sd 5%."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_pre + n_post)
    level = 100 * (1 + 0.01 * t) + 5 * np.sin(2 * np.pi * t / 12)
    out = {}
    for code, scale in (("US", 1.0), ("CA", 0.8), ("MX", 1.2)):
        values = level * scale * (1 + 0.05 * rng.standard_normal(len(t)))
        if code == "US":
            values[n_pre:] *= 1 + effect
        out[code] = values
    starts = [period_start(START + i, "month") for i in t]
    return starts, out


@pytest.fixture(scope="module")
def monthly_warehouse(tmp_path_factory) -> Path:
    """48 months of GMV (in USD m) for US, CA, MX; US law on 2024-01-15; flat targets for the US."""
    path = tmp_path_factory.mktemp("impact") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    create_tables(con)
    seed(con, "regions", REGIONS, columns=EFFECT_REGION_COLUMNS)
    seed(con, "metrics", [GMV])
    sources = [
        ("S-ORDERS", "Operator order data", "2025-01-15", None),
        ("S-PLAN", "Operator plan", "2020-12-01", None),
        ("S-LAW", "Federal Register", "2024-01-15", "https://example.org/law"),
    ]
    seed(
        con,
        "sources",
        [
            {"source_id": sid, "publisher": publisher, "url": url, "published_on": published}
            | {"published_date": date.fromisoformat(published)}
            for sid, publisher, published, url in sources
        ],
        dataset="test",
        file="sources.csv",
        row_number=1,
    )
    us_law = ("US-LAW", EVENT_DATE, "day", "effective", "US", "law", "US marketplace law", "S-LAW")
    seed(con, "events", event_rows([us_law], entity="Shop"))
    starts, values = monthly_series()
    row = 0
    figures = []
    for code, series in values.items():
        for start, value in zip(starts, series, strict=True):
            for kind, v, source, as_of in (
                ("actual", value * 1e6, "S-ORDERS", date(2025, 1, 15)),
                ("target", 110e6, "S-PLAN", date(2020, 12, 1)),
            ):
                if kind == "target" and code != "US":
                    continue
                row += 1
                period = start.strftime("%Y-%m")
                figures.append(
                    {
                        "figure_id": f"{kind}-{code}-{period}",
                        "dataset": "test",
                        "entity": "Shop",
                        "metric": "gmv",
                        "region_code": code,
                        "period": period,
                        "grain": "month",
                        "period_start": start,
                        "period_end": period_end(START + starts.index(start), "month"),
                        "kind": kind,
                        "is_expectation": kind != "actual",
                        "value": v,
                        "bound": "exact",
                        "unit": "USD",
                        "as_of": as_of,
                        "as_of_precision": "day",
                        "source_id": source,
                        "file": "f.csv",
                        "row_number": row,
                    }
                )
    seed(con, "figures", figures)
    create_views(con)
    con.close()
    return path


def open_impact(warehouse: Path, monkeypatch, **params) -> AppTest:
    return open_app(monkeypatch, warehouse, PAGE, from_scorecard=True, **params)


def texts(at: AppTest) -> str:
    parts = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(i.value for i in at.info),
        *(w.value for w in at.warning),
        *(m.label + " " + str(m.value) for m in at.metric),
        *(s.value for s in at.subheader),
    ]
    return "\n".join(str(p) for p in parts)


def metric_value(at: AppTest, label: str, index: int = 0) -> float:
    values = [m.value for m in at.metric if m.label == label]
    return float(values[index].rstrip("%"))


# --- the synthetic monthly warehouse ------------------------------------------------------------------------


def test_monthly_event_shows_estimates_panels_and_narrative(monthly_warehouse, monkeypatch):
    at = open_impact(monthly_warehouse, monkeypatch, event="US-LAW")
    assert at.selectbox(key="impact_event").value == "US-LAW"
    assert at.selectbox(key="impact_region").value == "US"  # the event's jurisdiction by default
    assert at.selectbox(key="impact_metric").value == "gmv"
    shown = texts(at)
    assert "US marketplace law" in shown and "Federal Register" in shown
    assert "6 months before and after" in shown
    # the synthetic control and its weights, three panels, the DiD gap, the treated region against its controls
    assert len(at.get("plotly_chart")) == 5
    assert "Synthetic control: the headline estimate" in shown and "with 2 donors the placebo test" in shown
    counterfactual, did = metric_value(at, "Relative effect", 0), metric_value(at, "Relative effect", 1)
    assert -25 <= counterfactual <= -15 and -25 <= did <= -15
    assert "95% interval" in shown and "Canada (CA), Mexico (MX)" in shown
    assert "What the figures say about 2024-01" in shown
    assert "[1]" in shown and "Operator order data" in shown
    assert not at.info  # nothing refused


def test_user_chosen_controls_come_from_the_url(monkeypatch, monthly_warehouse):
    at = open_impact(monthly_warehouse, monkeypatch, event="US-LAW", region="US", metric="gmv", controls="MX")
    assert at.multiselect(key="impact_controls").value == ["MX"]
    assert "Mexico (MX) · chosen by you" in texts(at)


def test_a_control_region_gets_its_own_series_and_no_event_effect(monthly_warehouse, monkeypatch):
    """Canada has figures but lies outside the US event's jurisdiction: not offered as the treated region."""
    at = open_impact(monthly_warehouse, monkeypatch, event="US-LAW", region="CA")
    assert at.selectbox(key="impact_region").value == "US"
    assert at.selectbox(key="impact_region").options == ["United States (US) · jurisdiction"]


# --- the case study: refusals and empty states as messages -------------------------------------------------


def test_annual_case_study_refuses_with_reasons_and_no_chart(case_warehouse, monkeypatch):
    at = open_impact(case_warehouse, monkeypatch, event="EV05")
    infos = "\n".join(i.value for i in at.info)
    assert "No counterfactual for this series" in infos and "monthly or quarterly" in infos
    assert "No difference-in-differences estimate" in infos
    assert not at.get("plotly_chart")  # never a chart the data cannot support
    shown = texts(at)
    assert "overlapping events" in shown and "after data end" in shown
    assert "What the figures say about" in shown and "[1]" in shown


def test_narrative_effect_is_about_the_chosen_event(case_warehouse, monkeypatch):
    # US 2024 has a dozen events in its window; the paragraph's effect sentence follows the page's choice
    at = open_impact(case_warehouse, monkeypatch, event="EV05")
    # the narrative in its four parts (issue 16, fault 8), the estimate last
    parts = [m.value for m in at.markdown if m.value.startswith("**The ")]
    assert [p.split(".**")[0] for p in parts] == [
        "**The miss",
        "**The streak",
        "**The events",
        "**The estimate",
    ]
    assert "No effect of President Biden signs PAFACA, the sell-or-ban law can be estimated" in parts[-1]
    assert "; and " in parts[2] and " more (" in parts[2]  # a dozen events: three named, the rest counted


def test_event_without_figures_in_its_jurisdiction_is_a_message(case_warehouse, monkeypatch):
    at = open_impact(case_warehouse, monkeypatch, event="EV07")  # Canada: no figures there
    assert "Nothing to assess" in "\n".join(i.value for i in at.info)
    assert "Canada orders" in texts(at)


def test_expected_event_is_marked_and_refused(case_warehouse, monkeypatch):
    at = open_impact(case_warehouse, monkeypatch, event="BRE01")
    assert any("Expected event" in w.value for w in at.warning)
    assert "has not happened yet" in "\n".join(i.value for i in at.info)


def test_empty_warehouse_is_a_message(empty_warehouse, monkeypatch):
    at = open_impact(empty_warehouse, monkeypatch)
    assert "no events" in "\n".join(i.value for i in at.info)


# --- the login gate ----------------------------------------------------------------------------------------


def test_no_secrets_means_no_login(empty_warehouse, monkeypatch):
    monkeypatch.setenv("IMPACT_WAREHOUSE", str(empty_warehouse))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert not [b for b in at.button if b.label.startswith("Log in")]


def test_auth_secrets_require_a_login(empty_warehouse, monkeypatch):
    monkeypatch.setenv("IMPACT_WAREHOUSE", str(empty_warehouse))
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test",
        "client_id": "id",
        "client_secret": "secret",
        "server_metadata_url": "https://example.org/.well-known/openid-configuration",
    }
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Log in"]
    assert "Log in to see the dashboard." in "\n".join(m.value for m in at.markdown)


# --- pure charts -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def estimates():
    starts, values = monthly_series(seed=1)
    series = pl.DataFrame({"period_start": starts, "value": values["US"]})
    controls = pl.concat(
        [pl.DataFrame({"region_code": c, "period_start": starts, "value": values[c]}) for c in ("CA", "MX")]
    )
    cf = estimate_counterfactual(series, EVENT_DATE, "month", controls=controls)
    panel = pl.concat([series.select(pl.lit("US").alias("region_code"), "period_start", "value"), controls])
    did = estimate_did(panel, "US", ["CA", "MX"], EVENT_DATE, "month")
    long = panel.with_columns(
        pl.col("region_code")
        .replace({"US": "United States", "CA": "Canada", "MX": "Mexico"})
        .alias("region_name"),
        pl.col("period_start").dt.strftime("%Y-%m").alias("period"),
    )
    return cf, did, long


def test_effect_panels_have_three_rows_bands_and_the_event(estimates):
    cf, _, _ = estimates
    fig = effect_charts.effect_panels(cf.panels, EVENT_DATE, "month", "USD", "GMV")
    assert {"xaxis", "xaxis2", "xaxis3"} <= set(fig.layout.to_plotly_json())
    names = [t.name for t in fig.data]
    assert "actual" in names and "95% interval" in names and "cumulative effect" in names
    fills = [t for t in fig.data if t.fill == "tonexty"]
    assert len(fills) == 3  # one interval band per panel
    lines = [s for s in fig.layout.shapes if s.type == "line" and s.x0 == s.x1]
    assert len(lines) == 3 and all(s.x0 == EVENT_DATE for s in lines)
    cumulative = next(t for t in fig.data if t.name == "cumulative effect")
    assert len(cumulative.x) == cf.post_periods and cumulative.y[-1] < 0


def test_did_chart_indexes_the_gap_and_shows_both_averages(estimates):
    _, did, _ = estimates
    fig = did_charts.did_chart(did.gap, EVENT_DATE, "month", did.scale, "USD", "United States", "GMV")
    by_name = {t.name: t for t in fig.data}
    assert {"United States", "controls (mean)", "gap", "average before", "average after"} <= set(by_name)
    before, after = by_name["average before"].y[0], by_name["average after"].y[0]
    assert before == pytest.approx(100)
    assert after == pytest.approx(100 * (1 + did.relative_effect.estimate), rel=1e-6)


def test_controls_chart_indexes_every_region(estimates):
    _, _, long = estimates
    fig = did_charts.controls_chart(long, "US", EVENT_DATE, "month", "GMV")
    assert [t.name for t in fig.data] == ["United States (treated)", "Canada", "Mexico"]
    pre = [y for x, y in zip(fig.data[0].x, fig.data[0].y, strict=True) if x < EVENT_DATE.replace(day=1)]
    assert sum(pre) / len(pre) == pytest.approx(100)


def test_empty_frames_give_a_message_not_a_chart():
    for fig in (
        effect_charts.effect_panels(pl.DataFrame(), EVENT_DATE, "month"),
        did_charts.did_chart(pl.DataFrame(), EVENT_DATE, "month", "log"),
        did_charts.controls_chart(pl.DataFrame(), "US", EVENT_DATE, "month"),
    ):
        assert not fig.data and fig.layout.annotations
