"""Issue 16, faults 3 and 4, in headless Chromium (Debian's /usr/bin/chromium): every chart of every page of
both demos (the case study and the operator demo, one warehouse as `make build` makes it) at a phone's width
(390 px) and a laptop's (1440 px).

At 390 px the page gives a chart 374 px (8 px side padding, dashboard/figures.PHONE_CSS). Checked per chart:
- its plot area (`.nsewdrag`, the widest subplot) is at least 300 px wide; a chart that names its rows with
  category labels on the left (the Scorecard heatmap: regions; the Events timeline: jurisdictions) keeps at
  least two thirds of the chart (247 of 374 px; measured 260 and 269): those names are its content;
- no text (title, legend, tick labels, axis titles, annotations, heatmap cell text) reaches outside the svg:
  nothing clipped (the Evidence disagreement labels were cut off on the left, fault 3);
- heatmap cell texts, x tick labels and point labels do not print over each other, and a point's label lies
  inside the plot area (outside it, it is cut off: the Trends pacing labels at 390 px).
On today's code before the fix this failed: at 390 px the Trends plot was 8 px wide (legend on the right),
the Evidence disagreement plot 8 px, the Scorecard heatmap 64 px with 18 overprinted cells, and every
Plotly title ran past the chart's right edge.
"""

from __future__ import annotations

import pytest

from pipelines.devtools.operator_demo import BAN, ENTITY

from .browser import MARKS, SHOTS, start_dashboard, wait_until_settled
from .geometry import MEASURE_JS, overprinted

pytestmark = MARKS

DEMO = ENTITY.replace(" ", "%20")
# (page, query, charts drawn at least, whose rows are named by category labels)
PAGES = {
    "case study": [
        ("", "", 2),  # the Scorecard lives at the root
        ("trends", "", 2),
        ("events", "event=EV05", 2),
        ("evidence", "", 1),
    ],
    "operator demo": [
        ("", f"entity={DEMO}", 2),
        ("trends", f"entity={DEMO}", 2),
        ("events", f"event={BAN.event_id}", 2),
        ("evidence", f"entity={DEMO}", 0),  # no chart: its plan revisions are revisions, not disagreements
        ("impact", f"event={BAN.event_id}", 2),
    ],
}
LABELLED_ROWS = {"heatmap", "timeline"}  # chart keys whose rows are named on the left
MIN_PLOT_PX = 300
MIN_LABELLED_SHARE = 0.66


@pytest.fixture(scope="module")
def dashboard_url(demo_build):
    proc, url = start_dashboard(demo_build["warehouse"])
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def open_page(browser, url: str, width: int, charts: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(url)
    wait_until_settled(page, charts)
    # The whole page in one screenshot: Streamlit scrolls its own container, so grow the window to it.
    tall = page.evaluate(
        "Math.min(12000, Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stMain] *')].map(e => e.scrollHeight)))"
    )
    page.set_viewport_size({"width": width, "height": int(tall) + 40})
    wait_until_settled(page, charts)  # the charts' relayout at the new height
    return page


def inside(box: dict, area: dict, slack: float = 1.0) -> bool:
    return (
        box["x"] >= area["x"] - slack
        and box["r"] <= area["r"] + slack
        and box["y"] >= area["y"] - slack
        and box["b"] <= area["b"] + slack
    )


def chart_faults(chart: dict, labelled: bool, phone: bool) -> list[str]:
    """What is wrong with one measured chart (MEASURE_JS's answer for it)."""
    faults = [f"{o['kind']} outside the chart: {o['text']!r}" for o in chart["outside"]]
    area = max((a["w"] for a in chart["areas"]), default=0)
    if phone and chart["areas"]:
        least = MIN_LABELLED_SHARE * chart["svg"]["w"] if labelled else MIN_PLOT_PX
        if area < least:
            faults.append(f"plot area {area:.0f} px wide of {chart['svg']['w']:.0f} (at least {least:.0f})")
    if chart["svg"]["r"] > chart["viewport"] + 1:
        faults.append(f"chart reaches {chart['svg']['r']:.0f} px, past the window's {chart['viewport']} px")
    areas = chart["areas"]
    for box in chart["texts"]["point_text"]:  # a point's label outside the plot area is clipped there
        if areas and not any(inside(box, a) for a in areas):
            faults.append(f"a point label at x {box['x']:.0f}-{box['r']:.0f} px is cut off by the plot area")
    for kind in ("cell_text", "xtick", "point_text"):
        if pairs := overprinted(chart["texts"][kind]):
            faults.append(f"{len(pairs)} {kind} labels print over each other")
    return faults


@pytest.mark.parametrize("width", [390, 1440])
@pytest.mark.parametrize("demo", list(PAGES))
def test_every_chart_fits_the_width(dashboard_url, browser, demo, width):
    faults: dict[str, list[str]] = {}
    for path, query, charts in PAGES[demo]:
        page = open_page(browser, f"{dashboard_url}/{path}?{query}", width, charts)
        try:
            assert page.locator('[data-testid="stException"]').count() == 0, path
            assert "Page not found" not in page.inner_text("body"), path
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{demo.replace(' ', '-')}_{path or 'scorecard'}_{width}.png"))
            measured = page.evaluate(MEASURE_JS)
            assert len(measured) >= charts, f"{path}: {len(measured)} charts drawn"
            keys = page.evaluate(
                "[...document.querySelectorAll('.js-plotly-plot')].map(p => "
                "(p.closest('[class*=\"st-key-\"]') || {className: ''}).className)"
            )
            for chart, classes in zip(measured, keys, strict=True):
                labelled = any(
                    f"st-key-{k}" in classes or f"st-key-dense_{k}" in classes for k in LABELLED_ROWS
                )
                if found := chart_faults(chart, labelled, phone=width < 700):
                    faults[f"{path or 'scorecard'} chart {chart['index']}"] = found
        finally:
            page.close()
    assert faults == {}
