"""Issue 23's done-when walk in headless Chromium: a new user's own data, end to end. Upload a wide .xlsx
budget (quarterly, by region, EUR thousands, a total row, a custom region declared in DATA_DIR/reference/)
and a German Excel `;` CSV with a title line in Windows-1252, accept the guessed layouts (the CSV states no
date: its source's date written in, as the preview asks), press "Build now" for each and read what it built,
then open the Scorecard, Trends and Evidence for the new entity at 1440 and 390 px and download every file
those pages offer (each opened: every CSV parses and has rows).
A heatmap cell's click opens its figures on Evidence in the same tab with the entity kept.
Screenshots: artifacts/screenshots/own-*.png; the downloads: artifacts/screenshots/own-downloads/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlparse

import duckdb
import pytest

from .browser import MARKS, SHOTS, download_every_button, ms, start_dashboard, wait_until_settled
from .test_scorecard_click_browser import CELL_CENTRE
from .test_upload_browser import choose_file, fill_layout, wait_for_text

pytestmark = MARKS
OWN = Path(__file__).resolve().parents[1] / "data" / "own-files"
HEATMAP_LAID_OUT = (  # its category axes known
    "() => { const gd = document.querySelector('.js-plotly-plot');"
    " return !!(gd && gd._fullLayout && gd._fullLayout.xaxis && gd._fullLayout.xaxis._categories.length); }"
)
WALK_PAGES = [("", 1), ("trends", 1), ("evidence", 0)]  # path, charts at least


@pytest.fixture(scope="module")
def own_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("own-data")
    (data_dir / "reference").mkdir()
    shutil.copy(OWN / "regions.csv", data_dir / "reference" / "regions.csv")  # where the Upload page says
    warehouse = data_dir / "warehouse.duckdb"
    before = os.environ.get("IMPACT_DATA_DIR")
    os.environ["IMPACT_DATA_DIR"] = str(data_dir)
    try:
        proc, url = start_dashboard(warehouse)
    finally:
        if before is None:
            os.environ.pop("IMPACT_DATA_DIR")
        else:
            os.environ["IMPACT_DATA_DIR"] = before
    yield url, data_dir, warehouse
    proc.terminate()
    proc.wait(timeout=20)


def _upload_and_build(page, url: str, name: str, preview: str, built: str, date: str | None = None) -> str:
    page.goto(f"{url}/upload")
    wait_until_settled(page, 0)
    choose_file(page, 0, str(OWN / name))
    if date:  # the sheet states no date: the guess leaves it to the user, and the preview says which key
        wait_for_text(page, "source.published_on: the date the sheet was issued")
        fill_layout(page, 'published_on = "CHANGE ME"', f'published_on = "{date}"')
    wait_for_text(page, preview)  # the guessed layout, accepted as it is (its date written in)
    wait_until_settled(page, 0)
    stem = Path(name).stem
    page.screenshot(path=str(SHOTS / f"own-{stem}-preview.png"), full_page=True)
    page.get_by_role("button", name="Build now").click()
    wait_for_text(page, "Filed: ", timeout_ms=ms(600))  # the summary of what was built
    wait_until_settled(page, 0)
    page.screenshot(path=str(SHOTS / f"own-{stem}-built.png"), full_page=True)
    body = page.inner_text("body")
    assert built in body, body[-1500:]
    assert page.locator('[data-testid="stException"]').count() == 0
    return body


def test_own_spreadsheets_from_upload_to_scorecard(own_site, browser):
    url, data_dir, warehouse = own_site
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 1100})
    try:
        _upload_and_build(
            page,
            url,
            "regional-budget-2026.xlsx",
            "35 rows read, 35 would load, 0 rejected",
            "35 rows loaded, 0 rejected",
        )
        _upload_and_build(
            page,
            url,
            "umsatzplanung-2026.csv",
            "21 rows read, 21 would load, 0 rejected",
            "21 rows loaded, 0 rejected",
            date="2026-01-20",
        )
    finally:
        page.close()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        regions = {r for (r,) in con.execute("select distinct region_code from figures").fetchall()}
        entities = {e for (e,) in con.execute("select distinct entity from figures").fetchall()}
    assert {"DE", "FR", "AT", "NORDICS", "CORE4"} <= regions
    assert entities == {"Regional budget 2026", "Umsatzplanung 2026"}
    # the new entity's Scorecard, Trends and Evidence at a laptop's and a phone's width; at 1440 px every
    # download button of each page, each file opened (every CSV parses and has rows)
    entity = quote("Regional budget 2026")
    failed, opened = [], []
    for width in (1440, 390):
        for path, charts in WALK_PAGES:
            page = browser.new_page(viewport={"width": width, "height": 1000}, accept_downloads=True)
            try:
                page.goto(f"{url}/{path}?entity={entity}")
                wait_until_settled(page, charts, timeout_ms=ms(180))
                page.screenshot(path=str(SHOTS / f"own-{path or 'scorecard'}_{width}.png"), full_page=True)
                assert page.locator('[data-testid="stException"]').count() == 0, (path, width)
                body = page.inner_text("body")
                # Evidence names the entity only in its sidebar picker and grid (neither is in innerText):
                # there its figures download's file name says which entity it holds (checked below)
                assert path == "evidence" or "Regional budget 2026" in body, (path, width, body[-800:])
                if width == 1440:
                    got, lost = download_every_button(
                        page, f"own-{path or 'scorecard'}", SHOTS / "own-downloads"
                    )
                    opened += [(path, *row) for row in got]
                    failed += lost
                if path == "":  # a heatmap cell opens its figures on Evidence, in the same tab, entity kept
                    page.wait_for_function(HEATMAP_LAID_OUT, timeout=ms(90))
                    page.locator(".js-plotly-plot").first.scroll_into_view_if_needed()
                    cell = page.evaluate(CELL_CENTRE, [1, 1])
                    page.mouse.click(cell["x"], cell["y"])
                    page.wait_for_url("**/evidence?**", timeout=ms(60))
                    wait_until_settled(page, 0)
                    page.wait_for_selector("text=Figures behind the Scorecard cell", timeout=ms(60))
                    clicked = dict(parse_qsl(urlparse(page.url).query))
                    assert clicked["entity"] == "Regional budget 2026", clicked
                    assert clicked["cell_period"] == cell["period"], (clicked, cell)
                    page.screenshot(path=str(SHOTS / f"own-heatmap-click_{width}.png"), full_page=True)
            finally:
                page.close()
    assert not failed, failed
    csvs = [(path, name, rows) for path, _, name, rows in opened if name.endswith(".csv")]
    assert {path for path, _, _ in csvs} == {path for path, _ in WALK_PAGES}, opened  # each page has one
    assert all(rows > 0 for _, _, rows in csvs), csvs
    assert ("evidence", "figures_Regional-budget-2026_all-metrics.csv") in {(p, n) for p, n, _ in csvs}, csvs
