"""The Impact page in headless Chromium (Debian's /usr/bin/chromium), on the seeded monthly warehouse and the
case study: it draws without an exception box; screenshots go to artifacts/screenshots/ (gitignored)."""

from __future__ import annotations

import pytest

from tests.dashboard.test_impact_page import monthly_warehouse  # noqa: F401  (the seeded monthly warehouse fixture)
from tests.effects.conftest import prop99  # noqa: F401  (Proposition 99, built by impact run)
from tests.effects.test_staggered import laws  # noqa: F401  (fifteen regions' laws at three dates)

from .browser import MARKS, SHOTS, ms, start_dashboard, wait_until_settled

pytestmark = MARKS


@pytest.mark.parametrize(
    ("which", "query", "charts", "text"),
    [
        ("monthly", "event=US-LAW", 5, "Counterfactual: what would have happened"),
        ("case", "event=EV05", 0, "No counterfactual for this series"),
        # the synthetic control and its weights (the counterfactual and the DiD refuse: yearly, drifting gap)
        (
            "prop99",
            "event=P99&region=US_CA&metric=cig_packs_per_capita",
            2,
            "Synthetic control: the headline",
        ),
    ],
)
def test_impact_page_draws(request, browser, which, query, charts, text):
    fixture = {"monthly": "monthly_warehouse", "case": "case_warehouse", "prop99": "prop99"}[which]
    warehouse = request.getfixturevalue(fixture)
    proc, url = start_dashboard(warehouse)
    page = browser.new_page(viewport={"width": 1400, "height": 4200})
    try:
        page.goto(f"{url}/impact?{query}")
        page.wait_for_selector('[data-testid="stApp"]', timeout=ms(90))
        page.get_by_text(text).first.wait_for(timeout=ms(120))
        if charts:
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}", timeout=ms(90)
            )
        wait_until_settled(page, charts)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(".js-plotly-plot").count() == charts
        assert "event=" in page.url and "region=" in page.url  # the choices are in the address
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"impact_{which}.png"), full_page=True)
    finally:
        page.close()
        proc.terminate()
        proc.wait(timeout=20)


def test_impact_page_draws_the_staggered_adoption(request, browser):
    """Fifteen regions' laws at three dates (tests/effects/test_staggered.py): Sun & Abraham's average effect,
    twfe beside it and the event-time chart, the other events chosen in the address."""
    _, adoption, _, doc, warehouse = request.getfixturevalue("laws")
    others = "&".join(f"staggered=L{r}" for r in adoption if r != "T060")
    proc, url = start_dashboard(warehouse)
    page = browser.new_page(viewport={"width": 1400, "height": 5200})
    try:
        page.goto(f"{url}/impact?event=LT060&region=T060&metric=sales&{others}")
        page.wait_for_selector('[data-testid="stApp"]', timeout=ms(90))
        page.get_by_text("Average effect on the treated").first.wait_for(timeout=ms(180))
        page.get_by_text("Effect by period since the event (Sun & Abraham)").first.wait_for(timeout=ms(60))
        wait_until_settled(page, 0)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert f"{doc['staggered_did']['att']['estimate']:+,.4g}" in page.inner_text("body")
        assert "staggered=LT061" in page.url
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "impact_staggered.png"), full_page=True)
    finally:
        page.close()
        proc.terminate()
        proc.wait(timeout=20)
