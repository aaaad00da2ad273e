"""The layout engine's pure parts: period headers, number conventions, the layout file's checks, phasing,
safe upload names, guessing, and the CLI."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli.main import main
from pipelines.ingest.layouts.cells import number_text
from pipelines.ingest.layouts.engine import read_with_layout
from pipelines.ingest.layouts.grid import address
from pipelines.ingest.layouts.guess import guess_layout
from pipelines.ingest.layouts.headers import period_label
from pipelines.ingest.layouts.spec import LayoutError, load_layout, parse_layout
from pipelines.ingest.layouts.upload import (
    AlreadyInInbox,
    UploadRefused,
    check_upload,
    for_file_name,
    safe_name,
    save_to_inbox,
)
from pipelines.ingest.problems import Problem
from tests.case_study import REPO

EXAMPLES = REPO / "data" / "examples" / "datasets"


@pytest.mark.parametrize(
    ("cell", "fiscal", "year", "label"),
    [
        (datetime(2024, 4, 1), 1, None, "2024-04"),  # an Excel date-time header names its month
        ("2024-04-01 00:00:00", 1, None, "2024-04"),  # the same, exported to CSV
        (45383, 1, None, "2024-04"),  # a date header without a date format: Excel shows its serial
        ("Apr-24", 1, None, "2024-04"),
        ("Apr 2024", 1, None, "2024-04"),
        ("2024 Apr", 1, None, "2024-04"),  # a year row over a month row, joined
        ("FY2025 Apr", 4, None, "2024-04"),  # fiscal year from April: FY2025 = 2024-04..2025-03
        ("FY2025 Mar", 4, None, "2025-03"),
        ("FY25 Jan", 4, None, "2025-01"),
        ("Jan", 1, "2023", "2023-01"),  # a bare month takes periods.year (e.g. the sheet's name)
        ("Q3 2024", 1, None, "2024-Q3"),
        ("FY2025", 4, None, "FY2025"),
    ],
)
def test_period_headers(cell, fiscal, year, label):
    assert period_label(cell, fiscal, year) == label


@pytest.mark.parametrize("cell", ["FY2025 total", "Comment", "Jan"])
def test_headers_that_are_no_period_say_how_to_write_one(cell):
    with pytest.raises(Problem) as exc:
        period_label(cell)
    assert f"header '{cell}' is not a period" in exc.value.reason and "ignore_columns" in exc.value.suggestion


@pytest.mark.parametrize(
    ("value", "decimal", "thousands", "number"),
    [
        (1234.5, ".", ",", 1234.5),
        ("1,234.5", ".", ",", 1234.5),
        ("1.234,5", ",", ".", 1234.5),  # decimal comma
        ("(12.5)", ".", ",", -12.5),  # accounting negative
        ("£1,200", ".", ",", 1200.0),
        ("12.5%", ".", ",", 12.5),
        ("n/a", ".", ",", None),  # text stays text: validation rejects it with the reason
    ],
)
def test_number_conventions(value, decimal, thousands, number):
    assert number_text(value, decimal, thousands)[0] == number


def test_addresses_quote_sheet_names_like_excel():
    assert address("Budget", 11, 5) == "Budget!F12"
    assert address("P&L 2024", 0, 27) == "'P&L 2024'!AB1"
    assert address("", 1, 0) == "A2"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"shape": "tall"}, "shape = 'tall' is not one of"),
        ({"shape": "wide", "colour": 1}, "unknown key(s) colour"),
        ({"shape": "wide", "fields": {"entity": "E"}}, "must say where kind, metric, region, source_id"),
        (
            {"shape": "long", "fields": {"entity": {"column": "A", "value": "B"}}},
            "exactly one of column, value, sheet",
        ),
        (
            {
                "shape": "side_by_side",
                "fields": {k: "x" for k in ("entity", "metric", "region", "source_id", "period")},
            },
            "needs [[values]]",
        ),
        ({"scale": "dozens"}, "scale = 'dozens'"),
        ({"stop_at": "(unclosed"}, "not a valid regular expression"),
    ],
)
def test_layout_mistakes_name_the_file_and_key(doc, message):
    with pytest.raises(LayoutError) as exc:
        parse_layout(doc, Path("budget.layout.toml"))
    assert str(exc.value).startswith("budget.layout.toml: ") and message in str(exc.value)


def test_field_maps_are_case_insensitive_and_pass_unknown_values_through():
    layout = load_layout(EXAMPLES / "acme-fpa" / "acme-fpa-fy2025.layout.toml")
    assert layout.fields["kind"].mapped(" forecast ") == "projection"
    assert (
        layout.fields["kind"].mapped("Committed") == "Committed"
    )  # validation rejects it as an unknown kind


def test_phasing_evenly_keeps_the_annual_total(tmp_path):
    text = (EXAMPLES / "kpi" / "kpi-2024.layout.toml").read_text().replace('"last_year"', '"even"')
    (tmp_path / "kpi-2024.layout.toml").write_text(text)
    read = read_with_layout(
        EXAMPLES / "kpi" / "kpi-2024.xlsx", load_layout(tmp_path / "kpi-2024.layout.toml")
    )
    annual = {r.fields["metric"]: float(r.fields["value"]) for r in read.rows if r.fields["period"] == "2024"}
    assert len(annual) == 2  # 'FY2024' of a calendar-year entity is the year 2024
    phased = [r for r in read.rows if r.fields["kind"] == "target" and len(r.fields["period"]) == 7]
    assert len(phased) == 24 and {r.origin for r in phased} == {"KPIs!AB6", "KPIs!AB8"}
    for metric, total in annual.items():
        months = [float(r.fields["value"]) for r in phased if r.fields["metric"] == metric]
        assert months[0] == pytest.approx(total / 12) and sum(months) == pytest.approx(total)


def test_last_year_profile_without_last_year_is_rejected_at_the_annual_cell(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(EXAMPLES / "kpi" / "kpi-2024.xlsx")
    book["KPIs"]["E5"] = None  # Orders, 2023-02 actual missing
    book.save(tmp_path / "kpi-2024.xlsx")
    read = read_with_layout(
        tmp_path / "kpi-2024.xlsx", load_layout(EXAMPLES / "kpi" / "kpi-2024.layout.toml")
    )
    assert [(p.origin, p.reason) for p in read.problems] == [
        ("KPIs!AB6", "cannot phase by last year's profile: no actual for 2023-02")
    ]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("budget 2025.xlsx", "budget-2025.xlsx"),
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\evil.xlsx", "evil.xlsx"),
        (".hidden.csv", "hidden.csv"),
        ("Prévision été.CSV", "Pr-vision-t-.csv"),
    ],
)
def test_upload_names_are_sanitised(name, safe):
    assert safe_name(name) == safe


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("budget.xls", b"\xd0\xcf\x11\xe0", "only .csv and .xlsx"),
        ("budget.exe", b"MZ", "only .csv and .xlsx"),
        ("budget.xlsx", b"not a zip", "not an Excel .xlsx workbook"),
        ("budget.csv", b"a,b\n\x81\x8d\x8f\x90\x9d\xc3\x28", "not valid UTF-8 .* nor Windows-1252"),
        ("budget.csv", b"   ", "is empty"),
        ("budget.csv", b"a" * 10_000_001, "uploads are at most 10 MB"),
    ],
)
def test_refused_uploads_say_why(name, data, reason):
    with pytest.raises(UploadRefused, match=reason):
        check_upload(name, data)


def test_saving_into_the_inbox_never_overwrites_unasked(tmp_path):
    layout = (EXAMPLES / "earnings" / "earnings-2024.layout.toml").read_text()
    data = (EXAMPLES / "earnings" / "earnings-2024.csv").read_bytes()
    saved = save_to_inbox(tmp_path, "../earnings.csv", data, layout)
    assert saved.data_file == (tmp_path / "inbox" / "earnings.csv").resolve()
    assert saved.layout_file.name == "earnings.layout.toml"
    with pytest.raises(AlreadyInInbox):
        save_to_inbox(tmp_path, "earnings.csv", b"x,y\n1,2\n", layout)
    assert (tmp_path / "inbox" / "earnings.csv").read_bytes() == data
    save_to_inbox(tmp_path, "earnings.csv", b"x,y\n1,2\n", layout, overwrite=True)
    assert (tmp_path / "inbox" / "earnings.csv").read_bytes() == b"x,y\n1,2\n"
    with pytest.raises(UploadRefused, match="layout cannot be used"):
        save_to_inbox(tmp_path, "other.csv", data, 'shape = "tall"')
    named = 'files = ["earnings 2024.csv"]\n' + layout  # saved as 'earnings-2024.csv': the pattern misses
    with pytest.raises(UploadRefused, match="does not name 'earnings-2024.csv'"):
        save_to_inbox(tmp_path, "earnings 2024.csv", data, named)


def test_inbox_files_an_upload_with_its_layout(tmp_path):
    from pipelines.ingest.assemble import load_all
    from pipelines.ingest.inbox import file_inbox

    layout = (EXAMPLES / "earnings" / "earnings-2024.layout.toml").read_text()
    save_to_inbox(
        tmp_path, "earnings.csv", (EXAMPLES / "earnings" / "earnings-2024.csv").read_bytes(), layout
    )
    filed = file_inbox(tmp_path, settle_s=0)  # saved by write-then-rename: complete when it appears
    assert [f.status for f in filed] == ["filed"]
    folder = filed[0].target.parent
    assert folder.parent == tmp_path / "datasets" and folder.name.startswith("inbox-earnings-")
    assert sorted(p.name for p in folder.iterdir()) == ["earnings.csv", "earnings.layout.toml"]
    assert not [p for p in (tmp_path / "inbox").iterdir() if p.is_file() and not p.name.startswith(".")]
    result = load_all(tmp_path, today=None)
    assert result.tables["figures"].height == 24 and result.rejected.height == 0


def test_guess_finds_month_columns_scenarios_totals_and_sign():
    text = guess_layout(EXAMPLES / "acme-fpa" / "acme-fpa-fy2025.xlsx")
    for line in (
        'shape = "wide"',
        "skip_rows = 3",
        "header_rows = 1",
        'ignore_columns = ["FY2025 total"]',
        'kind = { column = "Scenario", map = { "Actual" = "actual", "Budget" = "budget", "Forecast" = "projection" } }',
        'sign = { column = "Line type", flip = ["Expense"] }',
        'scale = "thousands"',
        'unit = { value = "GBP" }',
    ):
        assert line in text


def test_guess_finds_two_header_rows_and_side_by_side_values():
    kpi = guess_layout(EXAMPLES / "kpi" / "kpi-2024.xlsx")
    assert "header_rows = 2" in kpi and "skip_rows = 2" in kpi and "ignore_columns" not in kpi
    earnings = guess_layout(EXAMPLES / "earnings" / "earnings-2024.csv")
    assert 'shape = "side_by_side"' in earnings
    assert (
        'column = "EPS Estimate"\nkind = "consensus"' in earnings
        and 'column = "Reported EPS"\nkind = "actual"' in earnings
    )


def test_cli_preview_prints_rows_and_every_rejected_cell(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(EXAMPLES / "acme-fpa" / "acme-fpa-fy2025.xlsx")
    book["P&L"]["F5"] = "tbc"
    book.save(tmp_path / "acme-fpa-fy2025.xlsx")
    for name in ("acme-fpa-fy2025.layout.toml", "entities.csv", "metrics.csv"):
        (tmp_path / name).write_bytes((EXAMPLES / "acme-fpa" / name).read_bytes())
    result = CliRunner().invoke(
        main,
        ["import", str(tmp_path / "acme-fpa-fy2025.xlsx"), "--preview", "--data-dir", str(tmp_path / "none")],
    )
    assert result.exit_code == 1, result.output
    assert "180 rows read, 179 would load, 1 rejected" in result.output
    assert "REJECTED 'P&L'!F5 value: value 'tbc' is not a number" in result.output
    assert "'P&L'!E5" in result.output  # the first canonical rows, with their cells


def test_cli_guess_writes_the_layout_and_refuses_to_overwrite(tmp_path):
    data = tmp_path / "earnings.csv"
    data.write_bytes((EXAMPLES / "earnings" / "earnings-2024.csv").read_bytes())
    first = CliRunner().invoke(main, ["layout", "guess", str(data)])
    assert first.exit_code == 0 and (tmp_path / "earnings.layout.toml").exists()
    again = CliRunner().invoke(main, ["layout", "guess", str(data)])
    assert again.exit_code == 1 and "use --force" in again.output


def test_a_saved_layout_is_reused_for_next_months_file(tmp_path):
    text = (EXAMPLES / "acme-fpa" / "acme-fpa-fy2025.layout.toml").read_text()
    reused = for_file_name(text, "acme fpa 2025-05.xlsx")
    assert '# files = ["acme-fpa-fy2025.xlsx"]  (reused for acme-fpa-2025-05.xlsx)' in reused
    assert for_file_name(text, "acme-fpa-fy2025.xlsx") == text  # the file it names: unchanged
    saved = save_to_inbox(
        tmp_path,
        "acme fpa 2025-05.xlsx",
        (EXAMPLES / "acme-fpa" / "acme-fpa-fy2025.xlsx").read_bytes(),
        reused,
    )
    assert saved.layout_file.name == "acme-fpa-2025-05.layout.toml"


def test_cli_preview_counts_the_rows_it_does_not_print(tmp_path):
    """'180 would load' above 10 printed rows: the other 170 are counted, so the count and the rows agree."""
    for name in ("acme-fpa-fy2025.xlsx", "acme-fpa-fy2025.layout.toml", "entities.csv", "metrics.csv"):
        (tmp_path / name).write_bytes((EXAMPLES / "acme-fpa" / name).read_bytes())
    args = [
        "import",
        str(tmp_path / "acme-fpa-fy2025.xlsx"),
        "--preview",
        "--data-dir",
        str(tmp_path / "none"),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "180 rows read, 180 would load, 0 rejected" in result.output
    assert "and 170 more rows (--rows 180 shows them all)" in result.output
    whole = CliRunner().invoke(main, [*args, "--rows", "180"])
    assert "more row" not in whole.output and whole.output.count("'P&L'!") >= 180
