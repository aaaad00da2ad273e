"""Issue 16's faults in headless Chromium (Debian's /usr/bin/chromium), on the case study: each test failed
on the code before the fix. Screenshots of every page at 1440 and 390 px go to artifacts/screenshots/."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from .browser import MARKS, SHOTS, ms, start_dashboard, wait_until_settled

pytestmark = MARKS

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
PAGES = ["", "trends", "events", "impact", "evidence", "sql"]
CHARTS = {"": 2, "trends": 1, "events": 2, "impact": 0, "evidence": 1, "sql": 0}  # drawn at least


@pytest.fixture(scope="module")
def dashboard_url(case_warehouse):
    proc, url = start_dashboard(case_warehouse)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def settle(page, charts: int = 0) -> None:
    wait_until_settled(page, charts)


def test_events_link_opens_the_chosen_event(dashboard_url, browser):
    """Fault 1: the link opened the Impact page's default event (EV13), not the chosen one."""
    page = browser.new_page(viewport={"width": 1440, "height": 1200})
    try:
        page.goto(f"{dashboard_url}/events?event=EV05")
        settle(page, 2)
        page.get_by_text("Assess this event's impact").first.click()
        page.get_by_text("Flags").first.wait_for(timeout=ms(120))
        settle(page)
        assert parse_qs(urlparse(page.url).query).get("event") == ["EV05"], page.url
        assert "event EV05" in page.inner_text("body")
    finally:
        page.close()


def test_id_urls_round_trip(dashboard_url, browser):
    """Fault 2: `?entity=TikTok&metric=ad_revenue&policy=original` (ids, as documented) was rewritten to
    `?entity=TikTok` and the policy fell back silently."""
    page = browser.new_page(viewport={"width": 1440, "height": 1200})
    try:
        page.goto(f"{dashboard_url}/?entity=TikTok&metric=ad_revenue&policy=original")
        settle(page, 2)
        query = parse_qs(urlparse(page.url).query)
        assert query.get("metric") == ["ad_revenue"] and query.get("policy") == ["original"], page.url
        assert "original expectation (first vintage)" in page.inner_text("body")
        page.goto(f"{dashboard_url}/?entity=TikTok&metric=no_such_metric")
        settle(page, 2)
        assert "no_such_metric" in page.inner_text("body")  # a visible notice, not a silent fallback
    finally:
        page.close()


def test_no_page_requests_anything_outside_the_machine(dashboard_url, browser):
    """Fault 10: the icons' font (Material Symbols) was fetched from an outside server."""
    outside: list[str] = []
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.on(
        "request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in LOOPBACK else None
    )
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(f"{dashboard_url}/{path}")
            settle(page)
        assert [u for u in outside if not u.startswith(("data:", "blob:"))] == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [1440, 390])
def test_screenshots_of_every_page(dashboard_url, browser, width):
    """Every page at a laptop's and a phone's width, to look at (artifacts/screenshots/)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        for path in PAGES:
            page.goto(f"{dashboard_url}/{path}")
            settle(page, CHARTS[path])
            assert page.locator('[data-testid="stException"]').count() == 0
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{path or 'scorecard'}_{width}.png"), full_page=True)
    finally:
        page.close()
