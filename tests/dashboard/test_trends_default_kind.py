"""Trends opens on an expectation kind it can draw (issue 16, found by a new-user trial): the operator demo's
monthly plan is a projection and its target annual, so opening on 'target' at month grain drew no goal line."""

from __future__ import annotations

import json

import polars as pl

from dashboard.widgets import default_kind
from pipelines.devtools.operator_demo import ENTITY


def grains(**by_kind: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        [(k, g) for k, gs in by_kind.items() for g in gs], schema=["kind", "grain"], orient="row"
    )


def test_the_default_kind_is_drawn_at_the_finest_grain_with_actuals():
    demo = grains(actual=["month"], projection=["month", "quarter"], target=["year"])
    assert default_kind(["projection", "target"], demo) == "projection"
    # the target wins when it is as fine as the others (the case study: yearly actuals and targets)
    case = grains(actual=["year"], target=["year"], consensus=["year"])
    assert default_kind(["consensus", "target"], case) == "target"
    # no kind shares a grain with the actuals: the target, then the expectation preference
    apart = grains(actual=["month"], budget=["year"], projection=["year"])
    assert default_kind(["budget", "projection"], apart) == "budget"
    assert default_kind([], demo) is None


def test_trends_opens_the_demo_on_its_monthly_projection(demo_build, dashboard):
    at = dashboard(demo_build["warehouse"], "app_pages/trends.py", entity=ENTITY)  # a fresh session on Trends
    assert at.sidebar.selectbox(key="kind").value == "projection"
    names = [t.get("name") for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert any(n and n.endswith(": projection") for n in names), names  # the goal line is drawn
