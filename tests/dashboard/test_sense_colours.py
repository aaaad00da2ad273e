"""AppTest on the colours in the metric's own sense (issue 15): the Scorecard of the negative-expectations
case (planned losses), built from tests/data/cases/ like a run; a better-than-plan loss is not red. And the
consensus case: the default policy of a consensus is 'when_reported', so the default view is not empty."""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.charts import style
from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build, publish
from tests.helpers import APP, open_app

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"


def warehouse(case: str, tmp_path: Path) -> Path:
    target = tmp_path / f"{case}.duckdb"
    return publish(build(load_all(CASES / case, date(2026, 11, 29)), target, CASES / case), target)


def scorecard(path: Path, monkeypatch, **params) -> AppTest:
    return open_app(monkeypatch, path, timeout=120, **params)


def specs(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def first_row(values) -> list:
    """Row 0 of a heatmap grid as Plotly sends it: a list of lists, or a typed array ({dtype, bdata, shape})."""
    if isinstance(values, dict):
        rows, cols = (int(n) for n in values["shape"].split(","))
        grid = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).reshape(rows, cols)
        return grid[0].tolist()
    return list(values[0])


@pytest.fixture(scope="module")
def losses(tmp_path_factory) -> Path:
    return warehouse("negative-expectations", tmp_path_factory.mktemp("losses"))


def test_a_better_than_plan_loss_is_not_red(losses, monkeypatch):
    at = scorecard(losses, monkeypatch)
    heat, bars = specs(at)[:2]
    cells = dict(zip(heat["data"][0]["x"], first_row(heat["data"][0]["z"]), strict=True))
    # Q1: -50 against a planned -100 is 50% better (blue end); Q2: -150 against -100 is 50% worse (red end)
    assert cells["2024-Q1"] == pytest.approx(50) and cells["2024-Q2"] == pytest.approx(-50)
    assert cells["2024-Q4"] > 0 and cells["2024-Q3"] < 0  # +10 vs -20 better; -10 vs +40 worse
    assert heat["data"][0]["zmid"] == 0
    # the bars show the latest quarter, Q4 (+10 against a planned -20): better, blue
    coloured = {t["name"]: t["marker"]["color"] for t in bars["data"] if t["name"].startswith("actual")}
    assert coloured == {"actual, better than expected": style.BETTER}
    tiles = {m.label: (m.value, m.delta) for m in at.metric}
    assert tiles["Performance"] == ("+150%", "better than expected")
    assert tiles["Regions worse"][0] == "0 of 1"


def test_the_heatmap_hover_says_better_or_worse(losses, monkeypatch):
    at = scorecard(losses, monkeypatch)
    heat = specs(at)[0]
    hover = dict(zip(heat["data"][0]["x"], first_row(heat["data"][0]["customdata"]), strict=True))
    assert "better than expected by 50%" in hover["2024-Q1"]
    assert "worse than expected by 50%" in hover["2024-Q2"]
    assert "attainment n/a (expectation ≤ 0)" in hover["2024-Q1"]


def test_consensus_default_view_compares_when_reported(tmp_path, monkeypatch):
    path = warehouse("consensus-after-quarter-end", tmp_path)
    at = scorecard(path, monkeypatch, entity="ACAD")
    assert at.selectbox(key="policy").value == "default"
    text = " ".join(c.value for c in at.caption) + " ".join(m.value for m in at.markdown)
    assert "expected when" in text
    heat = specs(at)[0]
    cells = dict(zip(heat["data"][0]["x"], first_row(heat["data"][0]["z"]), strict=True))
    # 2020-Q3: -0.54 against a consensus of -0.38, 42% worse (red); 2021-Q3: -0.09 vs -0.26, 65% better
    assert cells["2020-Q3"] == pytest.approx(-42.1, abs=0.1)
    assert cells["2021-Q3"] == pytest.approx(65.4, abs=0.1)


def test_rolled_up_cells_link_to_their_figures_on_evidence(tmp_path, monkeypatch):
    path = warehouse("fiscal-quarters", tmp_path)
    at = scorecard(path, monkeypatch, entity="Retailer", metric="revenue", kind="budget")
    # page links (the same tab, issue 23), carrying the entity, metric and kind
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    query = next(q for label, q in links.items() if label.endswith("FY2025-Q1: actual = sum of 3 months"))
    assert "figures=M02%2CM03%2CM04" in query and "entity=Retailer" in query and "kind=budget" in query
    heat = specs(at)[0]
    hover = dict(zip(heat["data"][0]["x"], first_row(heat["data"][0]["customdata"]), strict=True))
    assert heat["data"][1]["customdata"][0] == hover[heat["data"][1]["x"][0]]  # the clickable cell markers
    assert "sum of 3 months (figures M02, M03, M04: Evidence page)" in hover["FY2025-Q1"]

    evidence = AppTest.from_file(APP, default_timeout=120)
    evidence.query_params["figures"] = "M02,M03,M04"
    evidence.run()
    evidence.switch_page("app_pages/evidence.py").run()
    assert not evidence.exception, [e.value for e in evidence.exception]
    assert "Figures behind a rolled-up comparison" in [s.value for s in evidence.subheader]
    assert any("3 of the 3 figures linked" in c.value for c in evidence.caption)
