"""Issue 23, the first hour with your own data: a titled budget sheet ('Budget vs. Actuals FY2026' above the
header, account labels in the first column, months or quarters as columns, a scenario column). Before the fix
the guess wrote kind 'CHANGE ME' for scenario labels with more words ('Budget FY26', 'Actual YTD') and for a
sheet whose title alone names its kind, a metric column without a map, and published_on = the day of the guess;
a run then loaded (or rejected cell by cell) 'CHANGE ME'. Now the guess reads the kind from the words, lists
every label of the metric column in a map, dates the source by the title's date or leaves a placeholder, and
a layout still holding a placeholder is refused as a whole, naming the layout file and each key."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest
from click.testing import CliRunner

from pipelines.cli.main import main
from pipelines.ingest.assemble import load_all
from pipelines.ingest.layouts.guess import guess_layout
from pipelines.ingest.layouts.guess_words import kind_named
from pipelines.ingest.layouts.placeholders import PLACEHOLDER
from pipelines.ingest.layouts.preview import preview

GUESS_DAY = date(2026, 11, 29)
MONTHS = ["Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026", "May 2026", "Jun 2026"]
ACCOUNTS = ["Revenue", "Cost of sales", "Marketing & events"]


def _sheet(path: Path, title: str, scenarios: list[str] | None, periods: list[str] = MONTHS) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Budget"
    ws.append([title])
    ws.append([])
    ws.append(["Account", *(["Scenario"] if scenarios else []), *periods])
    for i, account in enumerate(ACCOUNTS):
        for scenario in scenarios or [None]:
            label = [scenario] if scenario else []
            ws.append([account, *label, *[100.0 * (i + 1) + m for m in range(len(periods))]])
    book.save(path)
    return path


def _guess(path: Path) -> tuple[str, dict]:
    text = guess_layout(path, today=GUESS_DAY)
    return text, tomllib.loads(text)


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Budget", "budget"),
        ("Budget FY26", "budget"),
        ("Actual YTD", "actual"),
        ("Plan 2026", "budget"),
        ("Forecast Q3", "projection"),
        ("Target", "target"),
        ("Guidance", "guidance"),
        ("Consensus", "consensus"),
        ("Ist", "actual"),
        ("Budget vs. Actuals", None),
        ("Revenue", None),
    ],
)
def test_the_kind_a_label_names(label, kind):
    assert kind_named(label) == kind


def test_scenario_labels_with_more_words_are_the_kind_and_every_account_is_listed(tmp_path):
    text, doc = _guess(
        _sheet(tmp_path / "budget.xlsx", "Budget vs. Actuals FY2026", ["Budget FY26", "Actual YTD"])
    )
    fields = doc["fields"]
    assert fields["kind"] == {"column": "Scenario", "map": {"Actual YTD": "actual", "Budget FY26": "budget"}}
    assert fields["metric"] == {
        "column": "Account",
        "map": {
            "Revenue": "revenue",
            "Cost of sales": "cost_of_sales",
            "Marketing & events": "marketing_events",
        },
    }
    assert "# EDIT: each label as found = the metric id it loads as" in text
    assert doc["source"]["published_on"] == PLACEHOLDER  # the sheet states no date
    assert GUESS_DAY.isoformat() not in doc["source"].values()


def test_a_title_that_names_one_kind_is_the_kind_two_are_left_to_the_user(tmp_path):
    _, doc = _guess(_sheet(tmp_path / "plan.xlsx", "Marketing plan FY2026 (USD)", None))
    assert doc["fields"]["kind"] == {"value": "budget"}
    text, doc = _guess(_sheet(tmp_path / "both.xlsx", "Budget vs. Actuals FY2026", None))
    assert doc["fields"]["kind"] == {"value": PLACEHOLDER}
    assert "the title names budget and actual" in text


def test_a_date_the_title_states_dates_the_source_and_the_actuals(tmp_path):
    quarters = ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]
    path = _sheet(
        tmp_path / "dated.xlsx", "Budget vs. Actuals FY2026 as of 2026-03-31", ["Budget", "Actual"], quarters
    )
    _, doc = _guess(path)
    assert doc["source"]["published_on"] == "2026-03-31"
    assert doc["fields"]["as_of"]["map"] == {"Actual": "2026-03-31", "Budget": "2026-03-31"}


def test_a_run_refuses_what_is_left_to_fill_in_naming_the_file_and_keys(tmp_path):
    folder = tmp_path / "data" / "datasets" / "own"
    folder.mkdir(parents=True)
    text, _ = _guess(_sheet(folder / "budget.xlsx", "Budget vs. Actuals FY2026", ["Budget", "Actual"]))
    layout = folder / "budget.layout.toml"
    layout.write_text(text, encoding="utf-8")
    result = load_all(tmp_path / "data", GUESS_DAY)
    assert result.tables["figures"].height == 0  # nothing loads as 'CHANGE ME'
    reasons = set(result.rejected["reason"])
    assert len(reasons) == 1, reasons
    reason = reasons.pop()
    assert reason.startswith("layout budget.layout.toml: still 'CHANGE ME'")
    for key in (
        "fields.region: a country or region code",
        "fields.unit: the currency",
        "source.published_on:",
    ):
        assert key in reason, reason
    assert "CHANGE ME" not in set(
        result.tables["figures"]["region"] if "region" in result.tables["figures"].columns else []
    )
    assert set(result.rejected["row_number"]) == {0} and set(result.rejected["file"]) == {
        "datasets/own/budget.layout.toml",
        "datasets/own/budget.xlsx",
    }
    shown = preview(folder / "budget.xlsx", layout, tmp_path / "none", GUESS_DAY)
    assert shown.rows.height == 0 and reason in set(shown.rejected["reason"])


def test_filled_in_it_builds_with_each_account_as_its_metric(tmp_path):
    folder = tmp_path / "data" / "datasets" / "own"
    folder.mkdir(parents=True)
    text, _ = _guess(
        _sheet(folder / "budget.xlsx", "Budget vs. Actuals FY2026", ["Budget FY26", "Actual YTD"])
    )
    filled = (
        text.replace('region = { value = "CHANGE ME" }', 'region = { value = "US" }')
        .replace('unit = { value = "CHANGE ME" }', 'unit = { value = "USD k" }')
        .replace('published_on = "CHANGE ME"', 'published_on = "2026-01-10"')
        .replace('"Marketing & events" = "marketing_events"', '"Marketing & events" = "marketing"')
    )
    assert PLACEHOLDER not in filled.split("#")[0]
    (folder / "budget.layout.toml").write_text(filled, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    run = CliRunner().invoke(
        main,
        ["run", "--data-dir", str(tmp_path / "data"), "--warehouse", str(warehouse), "--today", "2026-11-29"],
    )
    assert run.exit_code == 0, run.output
    with duckdb.connect(str(warehouse), read_only=True) as con:
        got = con.sql("select metric, kind, count(*) from figures group by all order by all").fetchall()
        rejected = con.sql("select count(*) from rejected_rows").fetchall()
    assert rejected == [(0,)]
    assert got == [
        ("cost_of_sales", "actual", 6),
        ("cost_of_sales", "budget", 6),
        ("marketing", "actual", 6),
        ("marketing", "budget", 6),
        ("revenue", "actual", 6),
        ("revenue", "budget", 6),
    ]


def test_the_guess_command_names_what_is_left_to_fill_in(tmp_path):
    path = _sheet(tmp_path / "budget.xlsx", "Budget vs. Actuals FY2026", ["Budget", "Actual"])
    result = CliRunner().invoke(main, ["layout", "guess", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "fill in each CHANGE ME (fields.region, fields.unit, source.published_on: nothing loads until you do)"
        in (result.output)
    )


QBO = Path(__file__).resolve().parents[1] / "data" / "cases" / "budget-vs-actuals-export" / "datasets" / "qbo"
QBO_XLSX = "qbo-budget-vs-actuals-central-q1-2011.xlsx"


def _fill(text: str, region: str, unit: str, published_on: str | None = None) -> str:
    text = text.replace('region = { value = "CHANGE ME" }', f'region = {{ value = "{region}" }}')
    text = text.replace('unit = { value = "CHANGE ME" }', f'unit = {{ value = "{unit}" }}')
    return (
        text.replace('published_on = "CHANGE ME"', f'published_on = "{published_on}"')
        if published_on
        else text
    )


def test_a_budget_vs_actuals_export_is_guessed_as_column_groups(tmp_path):
    """Periods over groups of Actual / Budget / over Budget / % of Budget: guessed as one wide sheet before
    (metric column 'Total', kind CHANGE ME, the export's numbers as metric names); now the export's own shape."""
    for name in (QBO_XLSX, "regions.csv"):
        (tmp_path / name).write_bytes((QBO / name).read_bytes())
    text, doc = _guess(tmp_path / QBO_XLSX)
    assert doc["shape"] == "column_groups" and doc["skip_rows"] == 4 and doc["header_rows"] == 2
    assert doc["header_names"] == {"A": "Account"} and doc["ignore_groups"] == ["Total"]
    assert doc["groups"] == {
        "Actual": {"kind": "actual", "as_of": {"value": "2011-04-15"}},  # the footer's report date
        "Budget": {"kind": "budget", "as_of": {"value": "2010-12-31"}},
        "over Budget": {"reconcile": "variance"},
        "% of Budget": {"reconcile": "attainment_pct"},
    }
    assert doc["source"]["published_on"] == "2011-04-15"
    assert list(doc["fields"]["metric"]["map"])[:2] == ["4200 Trade Sales", "4500 Intercompany Sales"]
    assert (
        "Total Income" not in doc["fields"]["metric"]["map"]
        and "Income" not in doc["fields"]["metric"]["map"]
    )
    layout = tmp_path / "qbo-budget-vs-actuals-central-q1-2011.layout.toml"
    layout.write_text(_fill(text, "US_CENTRAL", "USD"), encoding="utf-8")
    shown = preview(tmp_path / QBO_XLSX, layout, tmp_path / "none", GUESS_DAY)
    assert shown.rejected.height == 0, shown.rejected
    assert sorted(shown.rows.group_by("kind").len().rows()) == [("actual", 24), ("budget", 24)]


def test_budget_and_actual_under_each_month_of_a_hand_made_sheet(tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Budget vs. Actuals FY2026"])
    ws.append(["", *[m for m in MONTHS[:3] for _ in (0, 1)]])  # each month over its two columns
    ws.append(["Account", *["Budget", "Actual"] * 3])
    for account in ("Revenue", "Cost of sales"):
        ws.append([account, *[100.0 + i for i in range(6)]])
    book.save(tmp_path / "bva.xlsx")
    text, doc = _guess(tmp_path / "bva.xlsx")
    assert doc["shape"] == "column_groups" and set(doc["groups"]) == {"Budget", "Actual"}
    assert doc["fields"]["metric"]["map"] == {"Revenue": "revenue", "Cost of sales": "cost_of_sales"}
    layout = tmp_path / "bva.layout.toml"
    layout.write_text(_fill(text, "US", "USD k", "2026-01-10"), encoding="utf-8")
    shown = preview(tmp_path / "bva.xlsx", layout, tmp_path / "none", GUESS_DAY)
    assert shown.rejected.height == 0, shown.rejected
    assert shown.rows.height == 12 and set(shown.rows["period"]) == {"2026-01", "2026-02", "2026-03"}
