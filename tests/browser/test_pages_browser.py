"""End to end in headless Chromium (Debian's /usr/bin/chromium): every page draws, no exception box.

Screenshots go to artifacts/screenshots/ (gitignored): look at them.
"""

from __future__ import annotations

import pytest

from .browser import MARKS, SHOTS, ms, start_dashboard, wait_until_settled  # noqa: F401 (re-exported)

# url path, charts expected at least, a text the page must show
PAGES = [
    ("", 2, "Scorecard"),  # the default page lives at the root
    ("trends?regions=US", 2, "Pacing"),
    ("events?event=EV05", 2, "Before and after one event"),
    ("evidence", 1, "Qualitative claims"),
    ("sql", 0, "Query"),
    ("bridge?entity=TikTok+Shop&metric=gmv&region=US&period=2024&kind=target", 1, "the business missed"),
    ("track_record", 1, "Forecasters, most scored first"),
    ("?entity=TikTok+Shop&metric=gmv&versus=last+year", 2, "same period a year earlier"),
]

pytestmark = MARKS


@pytest.fixture(scope="module")
def dashboard_url(case_warehouse):
    proc, url = start_dashboard(case_warehouse)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.parametrize(("path", "charts", "text"), PAGES)
def test_page_draws_without_exception(dashboard_url, browser, path, charts, text):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{dashboard_url}/{path}")
        wait_until_settled(page, charts)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "Page not found" not in page.inner_text("body")
        assert page.locator(".js-plotly-plot").count() >= charts
        assert text in page.inner_text("body")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{path.split('?')[0] or 'scorecard'}.png"), full_page=True)
    finally:
        page.close()


def test_filter_change_updates_the_url_and_redraws(dashboard_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(dashboard_url)
        wait_until_settled(page, 2)
        page.get_by_test_id("stSidebar").locator('[data-testid="stSelectbox"]').filter(
            has_text="Compare with"
        ).click()
        page.get_by_role("option", name="original expectation", exact=True).click()
        page.wait_for_function("window.location.search.includes('policy=original')", timeout=ms(30))
        # The rerun may not have shown its status yet when the URL changes: wait for its text, then settle.
        page.wait_for_function(
            "document.body.innerText.includes('against its target, original expectation')", timeout=ms(30)
        )
        wait_until_settled(page, 2)
        assert "original expectation" in page.inner_text("body")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()
