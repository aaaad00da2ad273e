"""The operator demo on the dashboard (issue 16): the dashboard opens on the case study, the entity picker
reaches the demo, and every page where the demo is selected says it is illustrative."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.widgets import ILLUSTRATIVE_NOTE
from pipelines.devtools.operator_demo import BAN, ENTITY
from tests.helpers import open_app

NOTE = ILLUSTRATIVE_NOTE.split(".")[0].strip("*")  # 'Illustrative data'


def open_with(warehouse: Path, page: str | None, monkeypatch, **params) -> AppTest:
    return open_app(monkeypatch, warehouse, page or None, from_scorecard=True, **params)


def captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def test_dashboard_opens_on_the_case_study_and_reaches_the_demo(demo_build, monkeypatch):
    at = open_with(demo_build["warehouse"], None, monkeypatch)
    picker = at.sidebar.selectbox(key="entity")
    assert picker.value in {"TikTok", "TikTok Shop"}  # the demo has far more figures, yet comes last
    assert ENTITY in picker.options and picker.options[-1] == ENTITY
    assert NOTE not in captions(at)
    picker.set_value(ENTITY).run()
    assert not at.exception
    assert NOTE in captions(at) and ENTITY in captions(at)


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("app_pages/scorecard.py", {"entity": ENTITY}),
        ("app_pages/trends.py", {"entity": ENTITY}),
        ("app_pages/evidence.py", {"entity": ENTITY}),
        ("app_pages/events.py", {"event": BAN.event_id}),
        ("app_pages/impact.py", {"event": BAN.event_id}),
    ],
)
def test_each_page_says_the_demo_is_illustrative(demo_build, monkeypatch, page, params):
    at = open_with(demo_build["warehouse"], page, monkeypatch, **params)
    if "entity" in params:  # the entity picker keeps its value across pages: choose the demo in it
        at.sidebar.selectbox(key="entity").set_value(params["entity"]).run()
        assert not at.exception, [e.value for e in at.exception]
    assert NOTE in captions(at), page


def test_impact_window_grid_shows_units_and_percent_and_no_none(demo_build, monkeypatch):
    """Issue 16, fault 5: the Impact page's window table printed a literal None; amounts in base units."""
    at = open_with(demo_build["warehouse"], "app_pages/impact.py", monkeypatch, event=BAN.event_id)
    (grid,) = [d for d in at.dataframe if any("attainment" in c for c in d.value.columns)]
    columns = list(grid.value.columns)
    assert "attainment (%)" in columns and any(c.startswith("actual (USD ") for c in columns), columns
    assert "None" not in grid.value.astype(str).to_numpy().ravel().tolist()
    assert grid.value.isna().sum().sum() == 0


def test_impact_does_not_score_a_real_event_on_the_demo(demo_build, monkeypatch):
    """?event=EV07 (a TikTok event in Canada, where only the illustrative marketplace has figures): nothing to
    assess, not an estimate on the made-up series."""
    at = open_with(demo_build["warehouse"], "app_pages/impact.py", monkeypatch, event="EV07")
    assert not at.exception
    assert any("Nothing to assess" in i.value and "another business" in i.value for i in at.info)
    assert "Illustrative" not in " ".join(s.value for s in at.sidebar.selectbox if s.value)
