"""Trends opens on an expectation kind it can draw (issue 16, found by a new-user trial): the operator demo's
monthly plan is a projection and its target annual, so opening on 'target' at month grain drew no goal line.
The rule itself (the kind with most comparisons, then its quarters) is tested in test_default_view.py."""

from __future__ import annotations

import json

from pipelines.devtools.operator_demo import ENTITY


def test_trends_opens_the_demo_on_its_monthly_projection(demo_build, dashboard):
    at = dashboard(demo_build["warehouse"], "app_pages/trends.py", entity=ENTITY)  # a fresh session on Trends
    assert at.sidebar.selectbox(key="kind").value == "projection"
    names = [t.get("name") for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]]
    assert any(n and n.endswith(": projection") for n in names), names  # the goal line is drawn
    # the rule's quarters are the Scorecard's sums of months; Trends draws reported figures: per month
    grain = at.sidebar.get("button_group")[0]
    assert "auto (month)" in str(grain.proto), grain.proto
