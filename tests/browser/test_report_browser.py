"""The report as a reader gets it: the HTML opened in headless Chromium with the network blocked (every chart
drawn, no request, no failed request), and the PDF printed from it on A4 and Letter (its text holds the
headline figures and the source list; no chart split across pages; each page rendered to PNG to look at)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pipelines.settings import ReportSelection
from report.build import make_report
from tests.browser.browser import MARKS, SHOTS, ms

pytestmark = MARKS
US_2024 = ReportSelection("TikTok Shop", "gmv", "US", "2024")
CHARTS = {"heatmap", "trend", "pacing"}  # US 2024: the target is paced (January-May)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} is missing: run `make browser` (it installs poppler-utils)")
    return found


# WORLD 2025 as known when reported: the target was revised, so the report has the bridge (a waterfall: the
# one chart the cartesian bundle cannot draw, given the full bundle just before it)
WORLD_2025 = ReportSelection("TikTok Shop", "gmv", "WORLD", "2025", policy="when_reported")
SELECTIONS = {"us-2024": (US_2024, CHARTS), "world-2025": (WORLD_2025, {"heatmap", "trend", "bridge"})}


@pytest.fixture(scope="module", params=sorted(SELECTIONS))
def html_file(request, case_warehouse: Path, tmp_path_factory) -> tuple[Path, set[str]]:
    selection, charts = SELECTIONS[request.param]
    path = tmp_path_factory.mktemp("report-html") / f"report-{request.param}.html"
    path.write_bytes(make_report(case_warehouse, selection, fmt="html"))
    return path, charts


@pytest.fixture(scope="module", params=["a4", "letter"])
def pdf_file(request, case_warehouse: Path, tmp_path_factory) -> tuple[str, Path]:
    path = tmp_path_factory.mktemp(f"report-{request.param}") / "report.pdf"
    path.write_bytes(make_report(case_warehouse, US_2024, fmt="pdf", paper=request.param))
    return request.param, path


def test_html_draws_every_chart_with_the_network_blocked(browser, html_file) -> None:
    html_file, charts = html_file
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests, failed, errors = [], [], []
    context.route(re.compile(r"^(?!file:).*"), lambda route: route.abort())  # any server: refused
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(html_file.as_uri(), wait_until="load")
        page.wait_for_function(
            "[...document.querySelectorAll('figure.chart')].every(f => f.querySelector('.main-svg'))",
            timeout=ms(30),
        )
        drawn = page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('figure.chart')].map(f => "
            "[f.dataset.chart, f.querySelectorAll('.js-plotly-plot .plot-container .main-svg').length]))"
        )
        # a heatmap draws its cells, a line chart its paths: each chart has marks, not only axes
        marks = page.evaluate(
            "[...document.querySelectorAll('figure.chart')].map(f => "
            "f.querySelectorAll('.heatmaplayer image, .scatterlayer path.js-line, .scatterlayer path.point,"
            " .waterfalllayer path').length)"
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{html_file.stem}.png"), full_page=True)
    finally:
        context.close()
    assert set(drawn) == charts and all(n > 0 for n in drawn.values()), drawn
    assert all(n > 0 for n in marks), marks
    assert requests == [html_file.as_uri()] and failed == [] and errors == []


def _page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return text.stdout.split("\f")


def test_pdf_holds_the_headline_figures_and_the_source_list(pdf_file, case_warehouse: Path) -> None:
    paper, pdf = pdf_file
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(
        r"Page size:\s+"
        + {"a4": r"59\d\.\d+ x 84\d\.\d+ pts \(A4\)", "letter": r"612 x 792 pts \(letter\)"}[paper],
        info,
    ), info
    text = "\n".join(_page_texts(pdf))
    for figure in ("USD 8.5bn", "USD 17.5bn", "−USD 9.0bn", "-51.4%", "USD 9.0bn (51.4%)"):
        assert figure in text, figure
    sources = text.split("\nSources")[-1]
    import duckdb

    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        cited = con.execute(
            "select actual_source_id, expectation_source_id from actual_vs_expectation where entity = 'TikTok Shop'"
            " and region_code = 'US' and period = '2024' and policy = 'at_period_end' and actual_vintage = 'latest'"
        ).fetchone()
    assert all(sid in sources for sid in cited)
    listed = re.findall(r"^\s*(\d+)\.\s", sources, flags=re.M)
    assert listed[:3] == ["1", "2", "3"] and len(listed) >= 10


def test_pdf_keeps_each_chart_on_one_page_and_renders_to_png(pdf_file) -> None:
    paper, pdf = pdf_file
    pages = _page_texts(pdf)
    for title, caption in (
        ("Regions × periods, per year", "Blue: better than expected"),
        ("United States: actual and target over time", "Solid: actual; dashed"),
        ("Pacing against the target for 2024", "The straight line to the expectation"),
    ):
        on = [i for i, p in enumerate(pages) if title in p]
        assert len(on) == 1 and caption in pages[on[0]], (title, on)  # title, chart and caption together
    SHOTS.mkdir(parents=True, exist_ok=True)
    prefix = SHOTS / f"report-{paper}"
    for old in SHOTS.glob(f"report-{paper}-*.png"):
        old.unlink()
    subprocess.run([_tool("pdftoppm"), "-r", "60", "-png", str(pdf), str(prefix)], check=True)
    shots = sorted(SHOTS.glob(f"report-{paper}-*.png"))
    assert len(shots) == len([p for p in pages if p.strip()]) >= 3
    from PIL import Image

    for shot in shots:  # every page has ink on it (not a blank sheet)
        grey = Image.open(shot).convert("L")
        assert grey.getextrema()[0] < 128, shot
