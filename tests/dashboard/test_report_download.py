"""The Scorecard's Download report section: two buttons for the page's series, and the files they give."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import open_app


def test_scorecard_offers_the_report_of_its_series(monkeypatch, case_warehouse: Path) -> None:
    at = open_app(monkeypatch, case_warehouse)
    buttons = at.get("download_button")
    reports = [b for b in buttons if str(b.proto.label) in ("HTML", "PDF")]
    assert [b.proto.label for b in reports] == ["HTML", "PDF"]
    expander = [e for e in at.sidebar.expander if e.label == "Download report"]
    assert expander, [e.label for e in at.sidebar.expander]


def test_the_html_button_gives_the_cited_report_of_the_current_warehouse(case_warehouse: Path) -> None:
    from dashboard.data.connection import identity
    from dashboard.sections.report_download import report_bytes
    from pipelines.settings import ReportSelection

    body = report_bytes(
        identity(case_warehouse), ReportSelection("TikTok Shop", "gmv", kind="target"), "html"
    )
    html = body.decode("utf-8")
    assert html.startswith("<!doctype html>") and '<section class="sources">' in html
    assert "TikTok Shop · Gross merchandise value: actual against target" in html
