"""Shape column_groups (pipelines/ingest/layouts/groups.py) on small hand-made exports, its layout mistakes,
and the `combine` setting of layouts and dataset.toml."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from pipelines.ingest.dataset_settings import SettingsError, read_settings
from pipelines.ingest.layouts.engine import read_with_layout
from pipelines.ingest.layouts.spec import LayoutError, load_layout, parse_layout

LAYOUT = """
shape = "column_groups"
skip_rows = 1
header_names = { A = "Account" }
header_rows = 2
skip_when = { column = "Account", matches = "(?i)^total" }
ignore_groups = ["Total"]
[groups]
"Actual" = { kind = "actual", as_of = { value = "2024-04-10" } }
"Budget" = { kind = "budget", as_of = { value = "2023-12-01" } }
"over Budget" = { reconcile = "variance" }
"% of Budget" = { reconcile = "attainment_pct" }
[fields]
entity = { value = "Acme" }
metric = { column = "Account", map = { "Sales" = "revenue" } }
region = { value = "GB" }
unit = { value = "GBP" }
source_id = { value = "s1" }
"""


def _export(tmp_path: Path, rows: list[list], top: list, sub: list) -> Path:
    path = tmp_path / "bva.xlsx"
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("BvA")
    ws.write(0, 0, "Acme Ltd - Budget vs. Actuals")
    ws.write_row(1, 0, top)
    ws.write_row(2, 0, sub)
    for r, row in enumerate(rows, start=3):
        ws.write_row(r, 0, row)
    book.close()
    (tmp_path / "bva.layout.toml").write_text(LAYOUT)
    return path


TOP = [None, "Jan 2024", None, None, None, "Feb 2024", None, None, None, "Total", None, None, None]
SUB = [None, *["Actual", "Budget", "over Budget", "% of Budget"] * 3]


def test_periods_over_groups_of_columns_read_as_figures_and_export_values(tmp_path):
    path = _export(
        tmp_path,
        [
            ["   Sales", 110, 100, 10, 110.0, 90, 100, -10, 90.0, 200, 200, 0, 100.0],
            ["Total Sales", 110, 100, 10, 110.0, 90, 100, -10, 90.0, 200, 200, 0, 100.0],
        ],
        TOP,
        SUB,
    )
    read = read_with_layout(path, load_layout(tmp_path / "bva.layout.toml"))
    assert [
        (r.origin, r.fields["kind"], r.fields["period"], r.fields["value"], r.fields["as_of"])
        for r in read.rows
    ] == [
        ("BvA!B4", "actual", "2024-01", "110", "2024-04-10"),
        ("BvA!C4", "budget", "2024-01", "100", "2023-12-01"),
        ("BvA!F4", "actual", "2024-02", "90", "2024-04-10"),
        ("BvA!G4", "budget", "2024-02", "100", "2023-12-01"),
    ]  # the Total group and the Total row are not read; the indented 'Sales' is mapped
    assert not read.problems
    assert [
        (v.origin, v.measure, v.value, v.actual_origin, v.expectation_origin) for v in read.export_values
    ] == [
        ("BvA!D4", "variance", 10, "BvA!B4", "BvA!C4"),
        ("BvA!E4", "attainment_pct", 110.0, "BvA!B4", "BvA!C4"),
        ("BvA!H4", "variance", -10, "BvA!F4", "BvA!G4"),
        ("BvA!I4", "attainment_pct", 90.0, "BvA!F4", "BvA!G4"),
    ]
    assert read.export_values[0].line == "Sales" and read.export_values[0].period == "2024-01"


def test_an_unknown_column_or_a_group_that_is_no_period_is_rejected_cell_by_cell(tmp_path):
    top = [None, "Jan 2024", None, None, "Notes", None]
    sub = [None, "Actual", "Budget", "Forecast", "Actual", "Budget"]
    path = _export(tmp_path, [["Sales", 110, 100, 105, 1, 2]], top, sub)
    read = read_with_layout(path, load_layout(tmp_path / "bva.layout.toml"))
    assert len(read.rows) == 2
    problems = {p.origin: p for p in read.problems}
    assert set(problems) == {"BvA!D4", "BvA!E4", "BvA!F4"}
    assert (
        "'Forecast' under 'Jan 2024'" in problems["BvA!D4"].reason
        and "[groups]" in problems["BvA!D4"].suggestion
    )
    assert "header 'Notes' is not a period" in problems["BvA!E4"].reason
    assert "ignore_groups" in problems["BvA!E4"].suggestion


def test_an_empty_actual_leaves_its_variance_unchecked(tmp_path):
    path = _export(tmp_path, [["Sales", None, 100, -100, 0.0]], TOP[:5], SUB[:5])
    read = read_with_layout(path, load_layout(tmp_path / "bva.layout.toml"))
    assert [r.fields["kind"] for r in read.rows] == ["budget"]
    assert {(v.actual_origin, v.expectation_origin) for v in read.export_values} == {(None, "BvA!C4")}


FIELDS = {"entity": "E", "metric": "M", "region": "R", "source_id": "S"}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"shape": "column_groups", "fields": FIELDS}, "needs [groups]"),
        (
            {
                "shape": "column_groups",
                "fields": {**FIELDS, "period": "P"},
                "groups": {"A": {"kind": "actual"}},
            },
            "remove fields.period",
        ),
        (
            {
                "shape": "column_groups",
                "fields": FIELDS,
                "groups": {"A": {"kind": "actual"}, "V": {"reconcile": "variance"}},
            },
            "exactly two columns a kind",
        ),
        (
            {"shape": "column_groups", "fields": FIELDS, "groups": {"A": {"reconcile": "delta"}}},
            "reconcile = 'delta'",
        ),
        (
            {"shape": "column_groups", "fields": FIELDS, "groups": {"A": {"kind": "actual", "ignore": True}}},
            "exactly one",
        ),
        (
            {"shape": "wide", "fields": {**FIELDS, "kind": "K"}, "groups": {"A": {"kind": "actual"}}},
            "only for shape column_groups",
        ),
        ({"shape": "long", "header_names": {"1A": "Account"}}, "not a column letter"),
        ({"shape": "long", "combine": "average"}, "combine = 'average'"),
    ],
)
def test_column_group_mistakes_name_the_file_and_key(doc, message):
    with pytest.raises(LayoutError) as exc:
        parse_layout(doc, Path("bva.layout.toml"))
    assert str(exc.value).startswith("bva.layout.toml: ") and message in str(exc.value)


def test_header_names_name_an_empty_header_cell_in_any_shape(tmp_path):
    (tmp_path / "book.csv").write_text(",Jan 2024,Feb 2024\nSales,1,2\n")
    (tmp_path / "book.layout.toml").write_text(
        'shape = "wide"\nheader_names = { A = "Account" }\n[fields]\nentity = { value = "Acme" }\n'
        'metric = { column = "Account" }\nregion = { value = "GB" }\nkind = { value = "actual" }\n'
        'unit = { value = "GBP" }\nsource_id = { value = "s1" }\n'
    )
    read = read_with_layout(tmp_path / "book.csv", load_layout(tmp_path / "book.layout.toml"))
    assert [(r.fields["metric"], r.fields["period"]) for r in read.rows] == [
        ("Sales", "2024-01"),
        ("Sales", "2024-02"),
    ]


def test_dataset_settings_combine_for_the_dataset_or_one_file(tmp_path):
    path = tmp_path / "dataset.toml"
    path.write_text('combine = "sum"\n[files."budget.csv"]\ncombine = "sum"\n')
    settings = read_settings(path)
    assert settings.combine_for("datasets/x/gl.csv") == "sum" and settings.file_combine == {
        "budget.csv": "sum"
    }
    path.write_text('[files."gl.csv"]\ncombine = "sum"\n')
    assert (
        read_settings(path).combine_for("gl.csv") == "sum"
        and read_settings(path).combine_for("other.csv") is None
    )
    path.write_text('combine = "max"\n')
    with pytest.raises(SettingsError, match="combine must be 'sum'"):
        read_settings(path)
