"""Issue 23, heatmap to evidence: a click on a Scorecard heatmap cell opens that region and period's figures on
the Evidence page in the same tab, with entity, metric and kind kept; the rolled-up cells' Evidence links stay
in the tab too. Headless Chromium on both demos in one warehouse (failed before: the cells did nothing and the
caption's links opened a new tab without the entity)."""

from __future__ import annotations

import urllib.parse

import pytest

from pipelines.devtools.operator_demo import ENTITY

from .browser import MARKS, SHOTS, start_dashboard
from .test_pages_browser import wait_until_settled

pytestmark = MARKS


@pytest.fixture(scope="module")
def demo_url(demo_build):
    proc, url = start_dashboard(demo_build["warehouse"])
    yield url
    proc.terminate()
    proc.wait(timeout=20)


CELL_CENTRE = """([row, col]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[0];
  const fl = gd._fullLayout, box = gd.getBoundingClientRect();
  const x = fl.xaxis._offset + fl.xaxis.l2p(col);
  const y = fl.yaxis._offset + fl.yaxis.l2p(row);
  return {x: box.left + x, y: box.top + y, period: fl.xaxis._categories[col], row: fl.yaxis._categories[row]};
}"""


@pytest.mark.parametrize("width", [1440, 390])
def test_a_heatmap_cell_opens_its_evidence_in_the_same_tab(demo_url, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    try:
        query = urllib.parse.urlencode({"entity": ENTITY, "grain": "quarter"})
        page.goto(f"{demo_url}/?{query}")
        wait_until_settled(page, 2)
        page.wait_for_function(  # the heatmap laid out: its category axes known
            "() => { const gd = document.querySelector('.js-plotly-plot');"
            " return !!(gd && gd._fullLayout && gd._fullLayout.xaxis && gd._fullLayout.xaxis._categories.length); }",
            timeout=90_000,
        )
        heatmap = page.locator(".js-plotly-plot").first
        heatmap.scroll_into_view_if_needed()
        cell = page.evaluate(CELL_CENTRE, [1, 2])  # the second row (a region below the top), third quarter
        page.mouse.click(cell["x"], cell["y"])
        page.wait_for_url("**/evidence?**", timeout=60_000)
        wait_until_settled(page, 0)
        page.wait_for_selector("text=Figures behind the Scorecard cell", timeout=60_000)
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(page.url).query))
        assert params["entity"] == ENTITY and params["metric"] == "Gross merchandise value", params
        assert params["kind"] == "projection" and params["cell_period"] == cell["period"], params
        assert len(context.pages) == 1  # the same tab, no new one
        body = page.inner_text("body")
        assert f"{cell['period']}" in body and "Back to the Scorecard" in body
        assert "of Illustrative Marketplace · Gross merchandise value in" in body
        assert page.locator('[data-testid="stException"]').count() == 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"evidence-cell-{width}.png"), full_page=True)
        # the rolled-up cells' Evidence links on the Scorecard: same tab, the entity in their address
        page.goto(f"{demo_url}/?{query}")
        wait_until_settled(page, 2)
        links = page.locator('[data-testid="stPageLink-NavLink"][href*="evidence?"]').all()
        assert links, "no rolled-up cell linked"  # the summed quarters are rolled up from months
        for link in links:
            assert link.get_attribute("target") in (None, "", "_self"), link.get_attribute("href")
            assert "entity=" in link.get_attribute("href")
    finally:
        context.close()
