"""Issue 23: the Upload page's preview grids printed 'None' for every blank cell (a row's empty note, a
rejected cell without a suggestion). The page's preview (`dashboard.sections.upload_preview.preview_ui`) is
run under AppTest on a real file and layout: every empty cell is an em dash, none is a null."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.case_study import REPO

EARNINGS = REPO / "data" / "examples" / "datasets" / "earnings"


def preview_script(csv_text: str, layout_text: str, data_dir: str) -> None:
    from pathlib import Path

    from dashboard.sections.upload_preview import preview_ui

    preview_ui("earnings-2024.csv", csv_text.encode(), layout_text, Path(data_dir))


def test_preview_grids_show_blanks_as_dashes_never_none():
    text = (EARNINGS / "earnings-2024.csv").read_text().replace("1.13,1.20", "1.13,n/a", 1)  # one rejected
    layout = (EARNINGS / "earnings-2024.layout.toml").read_text()
    at = AppTest.from_function(preview_script, args=(text, layout, str(REPO / "data")), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "1 rejected" in at.markdown[0].value
    rows, rejected = at.dataframe[0].value, at.dataframe[1].value
    assert rows["note"].eq("—").all()  # the file has no notes: each is a dash, not None
    for grid in (rows, rejected):
        assert not grid.isna().any().any(), grid[grid.isna().any(axis=1)]
        assert not grid.astype(str).isin(["None", "nan", "NaT"]).any().any()
    assert rejected["value"].tolist() == ["n/a"]


def preview_script_cut(csv_text: str, layout_text: str, data_dir: str) -> None:
    from pathlib import Path

    from dashboard.sections.upload_preview import preview_ui

    preview_ui("earnings-2024.csv", csv_text.encode(), layout_text, Path(data_dir), limit=10)


def test_a_preview_cut_short_counts_the_rows_it_does_not_show():
    """'12 would load' above a grid of 10 rows said nothing of the other 2: the rest are counted under it."""
    text = (EARNINGS / "earnings-2024.csv").read_text()
    layout = (EARNINGS / "earnings-2024.layout.toml").read_text()
    at = AppTest.from_function(
        preview_script_cut, args=(text, layout, str(REPO / "data")), default_timeout=120
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    would = int(at.markdown[0].value.split(" would load")[0].rsplit(" ", 1)[-1])
    shown = len(at.dataframe[0].value)
    assert would > 10 and shown == 10
    assert [c.value for c in at.caption if "more row" in c.value] == [
        f"and {would - 10} more rows (they load too; the preview shows the first 10)"
    ]


def test_a_layout_left_to_fill_in_is_refused_in_words_naming_the_keys():
    """A guessed layout still holding 'CHANGE ME' loads nothing; the page says which keys, above the grids."""
    text = (EARNINGS / "earnings-2024.csv").read_text()
    layout = (
        (EARNINGS / "earnings-2024.layout.toml")
        .read_text()
        .replace('region = { value = "WORLD" }', 'region = { value = "CHANGE ME" }')
        .replace('published_on = "2025-02-01"', 'published_on = "CHANGE ME"')
    )
    at = AppTest.from_function(preview_script, args=(text, layout, str(REPO / "data")), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "0 would load" in at.markdown[0].value
    errors = [e.value.replace("\\", "") for e in at.error]  # the Markdown's escapes, as the page shows it
    assert len(errors) == 1, errors
    assert (
        "earnings-2024.layout.toml: still 'CHANGE ME'" in errors[0]
        and "fields.region: a country" in errors[0]
    )
    assert "source.published_on: the date the sheet was issued" in errors[0]
