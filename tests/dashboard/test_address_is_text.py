"""Issue 28, fault 11: a value in the dashboard's address is text, like text from data (dashboard/text.py).

A shared link such as `/?versus=[Session expired: log in again](https://evil.example/login)` drew a real link
in the page's warning, and `![t](https://tracker.example/p.png)` made every visitor's browser fetch an outside
image. Each place a URL value reaches Markdown (the notice for a value a page does not offer, the Impact page's
window errors, the SQL page's refusal of a linked query) renders it escaped: CommonMark turns it into the
literal text, with no <a> and no <img>."""

from __future__ import annotations

from markdown_it import MarkdownIt

HOSTILE = "[Session expired: log in again](https://evil.example/login) ![t](https://tracker.example/p.png)"
RENDER = MarkdownIt("commonmark")


def _shown_as_text(markdown: str) -> None:
    html = RENDER.render(markdown)
    assert "<a " not in html and "<img" not in html, html
    assert "session expired: log in again" in html.lower() and "tracker.example/p.png" in html


def test_a_value_the_page_does_not_offer_is_named_as_text(case_warehouse, dashboard):
    at = dashboard(case_warehouse, "app_pages/scorecard.py", versus=HOSTILE)
    notices = [w.value for w in at.warning if "The address asks for" in w.value]
    assert notices, [w.value for w in at.warning]
    _shown_as_text(notices[0])


def test_the_impact_pages_window_from_the_address_is_text(case_warehouse, dashboard):
    at = dashboard(case_warehouse, "app_pages/impact.py", pre=HOSTILE)
    shown = [i.value for i in at.info if "No estimate" in i.value]
    assert shown, [i.value for i in at.info] + [e.value for e in at.exception]
    _shown_as_text(shown[0])


def test_a_refused_query_from_a_link_is_text(case_warehouse, dashboard):
    at = dashboard(case_warehouse, "app_pages/sql.py", sql=f'select * from "{HOSTILE}"')
    at.button(key="run").click().run(timeout=60)
    refused = [e.value for e in at.error if e.value.startswith("Refused")]
    assert refused, [e.value for e in at.error]
    _shown_as_text(refused[0])
