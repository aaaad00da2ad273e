"""The accounting and spreadsheet cases of issue 26 (copied from the team's shared cases into
tests/data/cases/), built as `impact run` builds them, with their right values: a general-ledger extract whose
department lines add up (`combine = "sum"`), a QuickBooks-style Budget vs. Actuals export read through one
column_groups layout and reconciled with the warehouse, and percent-formatted cells read as shown."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pipelines.warehouse import reconciliation
from tests.pipeline.test_number_cases import CASES, built, case_copy, rows

GL = {  # (metric, region, period): (actual = the sum of its lines, budget = the sum of its lines, favourable)
    ("rent", "US_CENTRAL", "2011-01"): (1350, 1300, False),
    ("rent", "US_CENTRAL", "2011-02"): (1350, 1300, False),
    ("rent", "US_CENTRAL", "2011-03"): (1440, 1300, False),
    ("rent", "US_CENTRAL", "2011-04"): (1350, 1300, False),
    ("rent", "US_CENTRAL", "2011-05"): (1350, 1300, False),
    ("rent", "US_CENTRAL", "2011-06"): (1350, 1300, False),
    ("salaries", "US_CENTRAL", "2011-01"): (59400, 58000, False),
    ("salaries", "US_CENTRAL", "2011-02"): (62040, 58000, False),
    ("salaries", "US_CENTRAL", "2011-03"): (63680, 58000, False),
    ("salaries", "US_CENTRAL", "2011-04"): (59680, 57800, False),
    ("salaries", "US_CENTRAL", "2011-05"): (60640, 57800, False),
    ("salaries", "US_CENTRAL", "2011-06"): (58040, 57800, False),
    ("salaries", "CA", "2011-01"): (96970.20, 60700, False),
    ("salaries", "CA", "2011-02"): (94304.99, 60700, False),
    ("salaries", "CA", "2011-03"): (89820.07, 60700, False),
    ("salaries", "CA", "2011-04"): (106061.28, 70300, False),
    ("salaries", "CA", "2011-05"): (113758.39, 70300, False),
    ("salaries", "CA", "2011-06"): (96670.19, 70300, False),
    ("trade_sales", "US_CENTRAL", "2011-01"): (56105, 53300, True),
    ("trade_sales", "US_CENTRAL", "2011-02"): (321957, 305900, True),
    ("trade_sales", "US_CENTRAL", "2011-03"): (169526, 161000, True),
    ("trade_sales", "US_CENTRAL", "2011-04"): (112205, 106600, True),
    ("trade_sales", "US_CENTRAL", "2011-05"): (481412, 433300, True),
    ("trade_sales", "US_CENTRAL", "2011-06"): (363227, 399500, False),
}
BVA = {  # (metric, period): (Actual, Budget, over Budget, % of Budget) as the export shows them
    ("trade_sales", "2011-01"): (56105, 53300, 2805, 105.26),
    ("trade_sales", "2011-02"): (321957, 305900, 16057, 105.25),
    ("trade_sales", "2011-03"): (169526, 161000, 8526, 105.3),
    ("intercompany_sales", "2011-01"): (1683, 2200, -517, 76.5),
    ("intercompany_sales", "2011-02"): (25756, 29600, -3844, 87.01),
    ("intercompany_sales", "2011-03"): (13562, 19000, -5438, 71.38),
    ("returns_and_adjustments", "2011-01"): (561, 250, 311, 224.4),
    ("returns_and_adjustments", "2011-02"): (-16097, -15300, -797, 105.21),
    ("discounts", "2011-02"): (-707, -800, 93, 88.38),
    ("standard_cost_of_sales", "2011-01"): (21575, 22700, -1125, 95.04),
    ("standard_cost_of_sales", "2011-02"): (82201, 70700, 11501, 116.27),
    ("standard_cost_of_sales", "2011-03"): (71398, 71400, -2, 100),
    ("salaries", "2011-01"): (59400, 58000, 1400, 102.41),
    ("salaries", "2011-02"): (62040, 58000, 4040, 106.97),
    ("salaries", "2011-03"): (63680, 58000, 5680, 109.79),
    ("commissions", "2011-01"): (2244, 8700, -6456, 25.79),
    ("commissions", "2011-02"): (16097, 8700, 7397, 185.02),
    ("commissions", "2011-03"): (6781, 8700, -1919, 77.94),
    ("travel_lodging", "2011-01"): (903, 760, 143, 118.82),
    ("travel_lodging", "2011-02"): (769, 760, 9, 101.18),
    ("travel_lodging", "2011-03"): (662, 760, -98, 87.11),
    ("rent", "2011-01"): (1350, 1300, 50, 103.85),
    ("rent", "2011-02"): (1350, 1300, 50, 103.85),
    ("rent", "2011-03"): (1440, 1300, 140, 110.77),
}
BVA_INCOME = {"trade_sales", "intercompany_sales", "returns_and_adjustments", "discounts"}
BVA_FILE = "qbo-budget-vs-actuals-central-q1-2011.xlsx"


def _months(con) -> dict:
    sql = (
        "select * from actual_vs_expectation where policy = 'at_period_end' and grain = 'month' "
        "and actual_vintage = 'latest'"
    )
    return {(r["metric"], r["region_code"], r["period"]): r for r in rows(con, sql)}


@pytest.fixture(scope="module")
def gl(tmp_path_factory):
    return built(CASES / "gl-department-lines", tmp_path_factory.mktemp("gl"))


def test_gl_department_lines_add_up_into_each_account_month(gl):
    got = _months(gl)
    # before: one department line each (Central salaries May 28,000 vs 28,800, favourable); 7 over-budget
    # months read as under budget
    assert set(got) >= set(GL)
    for key, (actual, budget, favourable) in GL.items():
        r = got[key]
        assert r["actual"] == pytest.approx(actual) and r["expectation"] == pytest.approx(budget), key
        assert r["favourable"] is favourable, key
    may = got[("salaries", "US_CENTRAL", "2011-05")]
    assert may["variance_pct"] == pytest.approx(0.0491, abs=5e-5)  # +4.91 %, over budget
    assert got[("salaries", "CA", "2011-01")]["unit"] == "CAD"


def test_gl_every_line_is_counted_in_loads(gl):
    (load,) = rows(gl, "select * from loads where file like '%gl_extract.csv'")
    assert (load["rows_in"], load["rows_loaded"], load["rows_rejected"], load["rows_combined"]) == (
        96,
        48,
        0,
        48,
    )
    (fig,) = rows(gl, "select note, origin from figures where metric = 'salaries' and region_code = 'CA' "
                      "and period = '2011-01' and kind = 'actual'")  # fmt: skip
    assert fig["note"].startswith("sum of 3 lines: rows ") and fig["origin"] in fig["note"]
    assert rows(gl, "select count(*) n from rejected_rows")[0]["n"] == 0


def test_gl_without_the_setting_every_shared_line_is_refused_naming_the_others(tmp_path):
    data = case_copy("gl-department-lines", tmp_path)
    layout = data / "datasets" / "aw-gl" / "gl_extract.layout.toml"
    layout.write_text("\n".join(x for x in layout.read_text().splitlines() if not x.startswith("combine")))
    con = built(data, tmp_path)
    (load,) = rows(con, "select * from loads where file like '%gl_extract.csv'")
    assert (load["rows_loaded"], load["rows_rejected"], load["rows_combined"]) == (12, 84, 0)
    refused = rows(con, "select row_number, reason, suggestion from rejected_rows order by row_number")
    assert len(refused) == 84 and all('combine = "sum"' in r["suggestion"] for r in refused)
    first = refused[0]  # Central salaries January, actual: rows 1 and 3 of the extract
    assert first["row_number"] == 1 and "with row(s) 3 (K4)" in first["reason"]
    assert rows(con, "select count(*) n from figures where metric = 'trade_sales'")[0]["n"] == 12


def test_gl_combine_in_dataset_toml_for_the_canonical_file(tmp_path):
    """The same lines in a canonical figures file: dataset.toml's combine adds them, file by file."""
    data = case_copy("gl-department-lines", tmp_path)
    folder = data / "datasets" / "aw-gl"
    lines = (folder / "gl_extract.csv").read_text().splitlines()[1:]
    out = ["entity,metric,region,period,kind,value,unit,as_of,source_id,note"]
    for line in lines:
        _, period, org, currency, dept, scenario, _, account, _, _, amount = line.split(",")
        region = {"Central Division": "US_CENTRAL", "Canadian Division": "CA"}[org]
        as_of = "2012-01-31" if scenario == "Actual" else "2010-12-01"
        metric = account.lower().replace(" ", "_")
        out.append(f"AW,{metric},{region},{period},{scenario},{amount},{currency},{as_of},gl,{dept}")
    (folder / "gl_extract.csv").unlink()
    (folder / "gl_extract.layout.toml").unlink()
    (folder / "figures-gl.csv").write_text("\n".join(out) + "\n")
    (folder / "sources.csv").write_text("source_id,publisher,published_on\ngl,AdventureWorksDW,2012-01-31\n")
    (folder / "dataset.toml").write_text('[files."figures-gl.csv"]\ncombine = "sum"\n')
    con = built(data, tmp_path)
    (load,) = rows(con, "select * from loads where file like '%figures-gl.csv'")
    assert (load["rows_loaded"], load["rows_rejected"], load["rows_combined"]) == (48, 0, 48)
    r = _months(con)[("salaries", "US_CENTRAL", "2011-05")]
    assert (r["actual"], r["expectation"]) == (pytest.approx(60640), pytest.approx(57800))
    (note,) = rows(con, "select note from figures where metric = 'salaries' and region_code = 'CA' "
                        "and period = '2011-01' and kind = 'actual'")  # fmt: skip
    assert note["note"].startswith("sum of 3 lines: rows ") and "Corporate" in note["note"]


def _gl_with(tmp_path, change) -> Path:
    data = case_copy("gl-department-lines", tmp_path)
    extract = data / "datasets" / "aw-gl" / "gl_extract.csv"
    lines = extract.read_text().splitlines()
    extract.write_text("\n".join(change(lines)) + "\n")
    return data


def test_gl_a_credit_line_is_a_part_of_its_months_sales(tmp_path):
    # a -1,000 credit memo among Central's January trade sales: refused alone as "a negative sale", it left the
    # month at its other line (56,105) with no word; the sign rule is the figure's, so the month is 55,105
    def credit(lines):
        line = next(
            x for x in lines if ",2011-01,Central Division," in x and ",Actual," in x and "Trade Sales" in x
        )
        return [*lines, line.replace(",Corporate,", ",Returns desk,").rsplit(",", 1)[0] + ",-1000.0"]

    con = built(_gl_with(tmp_path, credit), tmp_path)
    r = _months(con)[("trade_sales", "US_CENTRAL", "2011-01")]
    assert (r["actual"], r["expectation"]) == (pytest.approx(55105), pytest.approx(53300))
    assert rows(con, "select count(*) n from rejected_rows")[0]["n"] == 0


def test_gl_a_month_with_a_rejected_line_is_refused_whole(tmp_path):
    # one of Central's May salary lines is unreadable: the other line alone is not May's salaries
    def damage(lines):
        i = next(i for i, x in enumerate(lines) if ",2011-05,Central Division," in x and ",Actual," in x
                 and ",Salaries," in x)  # fmt: skip
        return [*lines[:i], lines[i].rsplit(",", 1)[0] + ",12x345", *lines[i + 1 :]]

    con = built(_gl_with(tmp_path, damage), tmp_path)
    assert ("salaries", "US_CENTRAL", "2011-05") not in _months(con)
    refused = rows(con, "select row_number, reason from rejected_rows order by row_number")
    assert [r["row_number"] for r in refused][0] == 17 and len(refused) == 2
    assert "is not a number" in refused[0]["reason"]
    assert "was rejected (row(s) 17): the sum of its lines would miss it" in refused[1]["reason"]
    (load,) = rows(con, "select * from loads where file like '%gl_extract.csv'")
    assert load["rows_in"] == load["rows_loaded"] + load["rows_rejected"] + load["rows_combined"]


@pytest.fixture(scope="module")
def bva(tmp_path_factory):
    return built(CASES / "budget-vs-actuals-export", tmp_path_factory.mktemp("bva"))


def test_bva_one_layout_reads_the_months_actuals_and_budgets_only(bva):
    got = rows(bva, "select kind, period, count(*) n from figures group by all order by all")
    assert {r["period"] for r in got} == {"2011-01", "2011-02", "2011-03"}  # the Total group is not read
    assert {k: sum(r["n"] for r in got if r["kind"] == k) for k in ("actual", "budget")} == {
        "actual": 24,
        "budget": 24,
    }
    assert rows(bva, "select count(*) n from rejected_rows")[0]["n"] == 0
    origins = {r["origin"] for r in rows(bva, "select origin from figures")}
    assert "'Budget vs. Actuals'!F18" in origins and "'Budget vs. Actuals'!H18" not in origins


def test_bva_comparisons_equal_the_exports_own_columns(bva):
    got = {(k[0], k[2]): r for k, r in _months(bva).items()}
    for key, (actual, budget, over, pct) in BVA.items():
        r = got[key]
        assert (r["actual"], r["expectation"]) == (pytest.approx(actual), pytest.approx(budget)), key
        assert r["variance"] == pytest.approx(over, abs=1e-9), key
        assert r["favourable"] is ((actual > budget) if key[0] in BVA_INCOME else (actual < budget)), key
        if budget > 0:
            assert r["attainment"] * 100 == pytest.approx(pct, abs=0.0051), key
    quarter = {
        r["metric"]: r
        for r in rows(
            bva,
            "select * from variance_by_region_quarter where policy = 'at_period_end' and quarter = '2011-Q1'",
        )  # fmt: skip
    }
    for metric, (actual, budget) in {"salaries": (185120, 174000), "trade_sales": (547588, 520200)}.items():
        assert quarter[metric]["actual"] == pytest.approx(actual), metric
        assert quarter[metric]["expectation"] == pytest.approx(budget), metric


def test_bva_export_reconciles_with_the_warehouse(bva):
    assert rows(bva, "select count(*) n from export_values")[0]["n"] == 48  # 24 over Budget + 24 % of Budget
    assert rows(bva, "select * from export_reconciliation") == []
    found = reconciliation.read(bva)
    assert (found.checked, found.offending) == (48, 0)
    assert reconciliation.summary_lines(found) == [
        "export reconciliation: 0 of 48 exported comparisons differ from the warehouse's (export_reconciliation)"
    ]


def test_bva_one_changed_cell_is_the_one_offending_row(tmp_path):
    data = case_copy("budget-vs-actuals-export", tmp_path)
    path = data / "datasets" / "qbo" / BVA_FILE
    book = openpyxl.load_workbook(path)
    book.active["H18"] = 4400  # Salaries, Feb 2011, over Budget: 4,040 in the export
    book.save(path)
    con = built(data, tmp_path)
    (row,) = rows(con, "select * from export_reconciliation")
    assert (row["sheet"], row["cell"], row["metric"], row["period"]) == (
        "Budget vs. Actuals",
        "H18",
        "salaries",
        "2011-02",
    )
    assert (row["measure"], row["export_value"], row["our_value"]) == ("variance", 4400, 4040)
    lines = reconciliation.summary_lines(reconciliation.read(con))
    assert lines[0].startswith("export reconciliation: 1 of 48") and "H18" in lines[1]


def test_percent_cells_read_as_shown(tmp_path):
    con = built(CASES / "percent-cells", tmp_path)
    got = {
        r["entity"]: r for r in rows(con, "select entity, value, unit from figures where file like '%.xlsx'")
    }
    # before: 0.7066, 0.7343 and 0.7844 %: the fractions Excel stores under the format 0.0%
    assert {e: round(r["value"], 6) for e, r in got.items()} == {
        "East Kent Hospitals University NHS Foundation Trust": 70.657643,
        "East Sussex Healthcare NHS Trust": 73.429719,
        "Surrey And Sussex Healthcare NHS Trust": 78.439014,
    }
    (note,) = rows(con, "select notes from loads where file like '%.xlsx'")
    assert "3 under '0.0%' (a percent)" in note["notes"]
