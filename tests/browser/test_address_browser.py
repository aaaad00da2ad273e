"""Issue 28, fault 11, in headless Chromium: a hostile value in the address is shown as literal text. The
link `/?versus=[Session expired: log in again](https://evil.example/login) ![t](https://tracker.example/p.png)`
drew a real "log in again" link and made the browser fetch the tracker image; now the page shows the text as
written, the DOM holds no <a> to evil.example and no <img> from tracker.example, and nothing is requested
from either."""

from __future__ import annotations

from urllib.parse import quote, urlparse

import pytest

from .browser import MARKS, ms, start_dashboard, wait_until_settled

pytestmark = MARKS
HOSTILE = "[Session expired: log in again](https://evil.example/login) ![t](https://tracker.example/p.png)"


@pytest.fixture(scope="module")
def dashboard_url(case_warehouse):
    proc, url = start_dashboard(case_warehouse)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.mark.parametrize(
    ("path", "param", "notice"), [("", "versus", "The address asks for"), ("impact", "pre", "No estimate")]
)
def test_a_hostile_address_value_is_literal_text(dashboard_url, browser, path, param, notice):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        page.goto(f"{dashboard_url}/{path}?{param}={quote(HOSTILE)}")
        wait_until_settled(page, 0)
        page.wait_for_function(f"document.body.innerText.includes({notice!r})", timeout=ms(90))
        body = page.inner_text("body").replace("\u2060", "")  # dashboard/text.py: no autolinks
        assert "[Session expired: log in again](https://evil.example/login)" in body, body[-2000:]
        assert "![t](https://tracker.example/p.png)" in body
        assert page.locator('a[href*="evil.example"]').count() == 0
        assert page.locator('img[src*="tracker.example"]').count() == 0
        assert not [u for u in requested if urlparse(u).hostname in ("evil.example", "tracker.example")]
    finally:
        page.close()
