"""Issue 16 in headless Chromium, on the case study: the Events timeline names its dots where the names fit
(fault 7: names were only in the hover; no two labels may overlap), and `/scorecard` opens the Scorecard (4b:
Streamlit's "Page not found" dialog, because the Scorecard is the page at `/`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from .browser import MARKS, ms, start_dashboard, wait_until_settled

pytestmark = MARKS


@pytest.fixture(scope="module")
def dashboard_url(case_warehouse):
    proc, url = start_dashboard(case_warehouse)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def overlapping(boxes: list[dict]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, a in enumerate(boxes)
        for j, b in enumerate(boxes[i + 1 :], start=i + 1)
        if a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    ]


def test_at_phone_width_the_labels_give_way(dashboard_url, browser):
    """At 390 px the labels (placed for a laptop's plot width) would overlap: they are hidden there."""
    page = browser.new_page(viewport={"width": 390, "height": 1200})
    try:
        page.goto(f"{dashboard_url}/events")
        wait_until_settled(page, 2)
        labels = page.locator(".js-plotly-plot").first.locator("g.textpoint text")
        shown = labels.evaluate_all("els => els.filter(e => e.getBoundingClientRect().width > 0).length")
        assert labels.count() >= 8 and shown == 0
    finally:
        page.close()


@pytest.mark.parametrize("width", [1440, 1024])
def test_the_timeline_labels_its_dots_without_overlaps(dashboard_url, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 1200})
    try:
        page.goto(f"{dashboard_url}/events")
        wait_until_settled(page, 2)
        timeline = page.locator(".js-plotly-plot").first
        labels = timeline.locator("g.textpoint text")
        all_texts = labels.evaluate_all("els => els.map(e => e.textContent || '')")
        texts = [t for t in all_texts if t.strip()]
        assert len(texts) >= 8, texts  # before: 0 (names only in the hover)
        boxes = [labels.nth(i).bounding_box() for i, t in enumerate(all_texts) if t.strip()]
        boxes = [b for b in boxes if b and b["width"] > 0]
        assert overlapping(boxes) == [], [texts[i] for pair in overlapping(boxes) for i in pair]
        plot = timeline.locator("rect.nsewdrag").first.bounding_box()  # the plot area inside the axes
        cut = [t for t, b in zip(texts, boxes, strict=True) if b["x"] < plot["x"] - 1
               or b["x"] + b["width"] > plot["x"] + plot["width"] + 1]  # fmt: skip
        assert cut == [], cut  # before: the first label ('Indonesia bans goods…') was cut at the left
    finally:
        page.close()


def test_scorecard_path_opens_the_scorecard_with_its_filters(dashboard_url, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 1200})
    try:
        page.goto(f"{dashboard_url}/scorecard?entity=TikTok")
        wait_until_settled(page, 2)
        body = page.inner_text("body")
        assert "Page not found" not in body
        assert "Scorecard" in body and page.locator(".js-plotly-plot").count() >= 2
        assert parse_qs(urlparse(page.url).query).get("entity") == ["TikTok"], page.url
    finally:
        page.close()


@pytest.mark.parametrize(
    ("path", "button", "name", "first_line"),
    [
        # before: 'events.csv' and 'figures.csv', whatever was selected
        ("events?categories=law", "Download events (CSV)", "events_law.csv", "categories,date,"),
        (
            "evidence?entity=TikTok",
            "Download figures (CSV)",
            "figures_TikTok_all-metrics.csv",
            "as reported,",
        ),
    ],
)
def test_downloads_carry_the_selection(dashboard_url, browser, path, button, name, first_line):
    page = browser.new_page(viewport={"width": 1440, "height": 1200}, accept_downloads=True)
    try:
        page.goto(f"{dashboard_url}/{path}")
        wait_until_settled(page, 1 if path.startswith("events") else 0)
        page.get_by_role("button", name=button).first.wait_for(timeout=ms(90))
        with page.expect_download(timeout=ms(60)) as info:
            page.get_by_role("button", name=button).first.click()
        download = info.value
        assert download.suggested_filename == name
        text = Path(download.path()).read_text(encoding="utf-8-sig")
        assert text.startswith(first_line), text[:200]
        if path.startswith("events"):
            rows = text.strip().splitlines()[1:]
            assert rows and all(r.startswith("law,") for r in rows)
    finally:
        page.close()
