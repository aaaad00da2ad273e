"""Issue 13, faults 12, 14 and 15 (dashboard): what a visitor clicks or opens.

The real dashboard app (`streamlit.testing.v1.AppTest`) over a real warehouse built from the case study whose
sources were made hostile: Markdown images, links and formulas in publishers and titles, as anyone who can
drop a file in the inbox could write them."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.data import connection as db
from dashboard.data import evidence as evidence_data
from pipelines.ingest.assemble import load_all
from pipelines.warehouse import build as warehouse
from tests.helpers import APP

from .helpers import CASE_STUDY

TRACKER = "![t](https://tracker.example/p.png)"
HOSTILE_PUBLISHER = f'{TRACKER} =HYPERLINK("https://evil.example") [click](javascript:alert(1)) :red[alarm]'


@pytest.fixture(scope="module")
def hostile_warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    folder = root / "datasets" / "tiktok-2024"
    shutil.copytree(CASE_STUDY, folder)
    sources = pl.read_csv(folder / "sources.csv", infer_schema=False)
    sources.with_columns(
        pl.lit(HOSTILE_PUBLISHER).alias("publisher"), pl.lit("@SUM(1+1)").alias("title")
    ).write_csv(folder / "sources.csv")
    target = root / "wh" / "warehouse.duckdb"
    warehouse.publish(warehouse.build(load_all(root, today=date(2026, 11, 24)), target), target)
    return target


def _open(warehouse_path: Path, monkeypatch, page: str, params: dict | None = None) -> AppTest:
    monkeypatch.setenv("IMPACT_WAREHOUSE", str(warehouse_path))
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# fault 14: Markdown in publishers and titles was rendered (an image made every viewer fetch a tracker)
def test_text_from_data_is_rendered_as_text(hostile_warehouse: Path, monkeypatch) -> None:
    at = _open(hostile_warehouse, monkeypatch, "app_pages/evidence.py")
    shown = [m.value for m in at.markdown]
    with_publisher = [m for m in shown if "tracker" in m]
    assert with_publisher, "the claims should name their (hostile) publisher"
    for text in with_publisher:
        assert TRACKER not in text and "[click](javascript" not in text and ":red[alarm]" not in text
        assert "\\!\\[t\\]\\(https\\:" in text and "\\:red\\[alarm\\]" in text


def test_md_escapes_and_links_only_http() -> None:
    from dashboard.text import md, md_link

    # issue 28: a word joiner inside "://" keeps Streamlit's autolinking from making a link of the address
    assert md("![x](https://t.example/p.png)") == "\\!\\[x\\]\\(https\\:\u2060//t\\.example/p\\.png\\)"
    assert md("a\n\n# heading") == "a \\# heading"
    assert md_link("site", "javascript:alert(1)") == "site"
    assert md_link("[x](y)", "https://ok.example/a") == "[\\[x\\]\\(y\\)](https://ok.example/a)"


# fault 15 (dashboard): CSV downloads passed =HYPERLINK(...), +cmd and @SUM through unchanged
def test_csv_downloads_neutralise_formulas(hostile_warehouse: Path) -> None:
    ident = db.identity(hostile_warehouse)
    text = evidence_data.evidence_csv(ident, None, None).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    assert all(r["title"] == "'@SUM(1+1)" for r in rows if r["title"])
    assert all(not r["title"].startswith(("=", "+", "-", "@")) for r in rows)
    negative = [r for r in rows if r["value"].startswith("-")]
    assert all(float(r["value"]) < 0 for r in negative)  # numbers stay numbers


# fault 12: /sql?sql=... ran the query without a click
def test_a_query_from_the_link_is_shown_not_run(published, monkeypatch) -> None:
    forged = "select 'Your session expired: call +1 555 0100 to restore access' as notice"
    at = _open(published.warehouse, monkeypatch, "app_pages/sql.py", {"sql": forged})
    assert at.text_area(key="sql").value == forged
    assert not at.dataframe, "the query from the link ran without a click"
    assert "press **Run**" in at.info[0].value
    at.button(key="run").click().run()
    assert at.dataframe and at.dataframe[0].value.iloc[0, 0].startswith("Your session expired")
