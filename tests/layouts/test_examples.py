"""The spreadsheet examples of data/examples/ load through the real pipeline with 0 rejected rows, and their
comparisons equal an independent computation from the files, read with other libraries than the importer
(the importer reads .xlsx with openpyxl and CSV with the csv module; these tests use Polars' calamine
engine (fastexcel) and Polars' CSV reader)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import fastexcel
import polars as pl
import pytest

from tests.case_study import REPO, TODAY

EXAMPLES = REPO / "data" / "examples"


@pytest.fixture(scope="module")
def examples_warehouse(tmp_path_factory) -> Path:
    from pipelines.defs.resources import ImpactSettings
    from pipelines.defs.run import run_pipeline

    data_dir = tmp_path_factory.mktemp("examples")
    shutil.copytree(EXAMPLES / "datasets", data_dir / "datasets")
    summary = run_pipeline(
        ImpactSettings(data_dir=str(data_dir), warehouse=str(data_dir / "w.duckdb"), today=TODAY)
    )
    assert summary.published, summary.error
    return summary.warehouse


def _sql(path: Path, query: str) -> pl.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(query).pl()


def test_every_example_loads_without_rejections(examples_warehouse):
    loads = _sql(examples_warehouse, "select file, status, rows_in, rows_loaded, rows_rejected from loads")
    assert _sql(examples_warehouse, "select count(*) n from rejected_rows")["n"][0] == 0
    assert set(loads["status"]) == {"loaded"}
    laid_out = loads.filter(
        pl.col("file").str.contains(r"\.(xlsx|csv)$")
        & pl.col("file").str.contains("fy2025|earnings-2024|kpi-2024|gl-2024|bva-2024")
    )
    # 3 accounts x 2 units x (12 actual + 12 budget + 6 forecast); 3 companies x 4 quarters x 2; 2 KPIs x 24
    # actual months + 2 annual targets + 2 x 12 phased months; 3 accounts x 6 months x 2 scenarios (84 lines:
    # 7 cost centres' lines per month and scenario); 5 accounts x 3 months x 2
    assert dict(zip(laid_out["file"].str.extract(r"([^/]+)$"), laid_out["rows_loaded"], strict=True)) == {
        "acme-fpa-fy2025.xlsx": 180,
        "earnings-2024.csv": 24,
        "kpi-2024.xlsx": 74,
        "gl-2024-h1.csv": 36,
        "bva-2024-q1.xlsx": 30,
    }


def _raw_pairs(warehouse: Path, kind: str, policy: str) -> pl.DataFrame:
    """Compared pairs with both figures' values as written in the file, and where they came from."""
    return _sql(
        warehouse,
        f"""
        select c.entity, c.metric, c.region_code, c.period, c.is_shortfall,
               a.value_raw as actual_raw, e.value_raw as expectation_raw, a.origin as actual_origin
        from actual_vs_expectation c
        join figures a on a.figure_id = c.actual_figure_id
        join figures e on e.figure_id = c.expectation_figure_id
        where c.expectation_kind = '{kind}' and c.policy = '{policy}' and c.actual_vintage = 'latest'
        """,
    )


def test_fpa_budget_variance_matches_the_workbook(examples_warehouse):
    path = EXAMPLES / "datasets" / "acme-fpa" / "acme-fpa-fy2025.xlsx"
    sheet = pl.read_excel(path, sheet_name="P&L", engine="calamine", read_options={"header_row": 3})
    # calamine leaves date-time header cells unnamed: name the month columns from the header row's dates
    header = (
        fastexcel.read_excel(path.read_bytes())
        .load_sheet("P&L", header_row=None, n_rows=4)
        .to_polars()
        .row(3)
    )
    months = [d.strftime("%Y-%m") for d in header[4:16]]
    sheet = sheet.rename(dict(zip(sheet.columns[4:16], months, strict=True)))
    long = (
        sheet.filter(pl.col("Scenario").is_in(["Actual", "Budget"]))
        .unpivot(
            index=["Account", "Business unit", "Line type", "Scenario"], on=months, variable_name="month"
        )
        .drop_nulls("value")
        .with_columns(
            pl.when(pl.col("Line type") == "Expense")
            .then(-pl.col("value"))
            .otherwise(pl.col("value"))
            .alias("v"),
            pl.col("month").str.slice(0, 7).alias("period"),
        )
        .pivot(on="Scenario", index=["Account", "Business unit", "period"], values="v")
        .drop_nulls(["Actual", "Budget"])
    )
    metric = {
        "Revenue": "revenue",
        "Cost of sales": "cost_of_sales",
        "Operating expenses": "operating_expenses",
    }
    expected = long.select(
        pl.col("Account").replace_strict(metric).alias("metric"),
        pl.col("Business unit").replace_strict({"UK": "GB", "Ireland": "IE"}).alias("region_code"),
        "period",
        (pl.col("Actual") - pl.col("Budget")).alias("variance_k"),
        # lower is better for costs: a shortfall is spending more than budget
        pl.when(pl.col("Account") == "Revenue")
        .then(pl.col("Actual") < pl.col("Budget"))
        .otherwise(pl.col("Actual") > pl.col("Budget"))
        .alias("shortfall"),
    )
    acme = _raw_pairs(examples_warehouse, "budget", "at_period_end").filter(pl.col("entity") == "Acme Retail")
    got = acme.select(
        "metric",
        "region_code",
        "period",
        (pl.col("actual_raw") - pl.col("expectation_raw")).alias("got"),
        pl.col("is_shortfall"),
    )
    joined = expected.join(got, on=["metric", "region_code", "period"], how="full", coalesce=True)
    assert joined.height == 72 and joined["got"].null_count() == 0 and joined["variance_k"].null_count() == 0
    assert (joined["got"] - joined["variance_k"]).abs().max() < 1e-9
    assert joined["shortfall"].to_list() == joined["is_shortfall"].to_list()
    assert 0 < joined["shortfall"].sum() < 72  # the example has misses and beats


def test_earnings_surprise_matches_the_table(examples_warehouse):
    path = EXAMPLES / "datasets" / "earnings" / "earnings-2024.csv"
    table = pl.read_csv(path, schema_overrides={"EPS Estimate": pl.String, "Reported EPS": pl.String})

    def eps(col: str) -> pl.Expr:
        text = pl.col(col)
        number = text.str.strip_chars("()").cast(pl.Float64)
        return pl.when(text.str.starts_with("(")).then(-number).otherwise(number)

    expected = table.select(
        pl.col("Company").alias("entity"),
        (
            "20" + pl.col("Fiscal quarter").str.slice(-2) + "-Q" + pl.col("Fiscal quarter").str.slice(1, 1)
        ).alias("period"),
        (eps("Reported EPS") - eps("EPS Estimate")).alias("surprise"),
    )
    got = _raw_pairs(examples_warehouse, "consensus", "latest").select(
        "entity", "period", (pl.col("actual_raw") - pl.col("expectation_raw")).alias("got")
    )
    joined = expected.join(got, on=["entity", "period"], how="full", coalesce=True)
    assert joined.height == 12 and joined.null_count().sum_horizontal()[0] == 0
    assert (joined["got"] - joined["surprise"]).abs().max() < 1e-9


def test_kpi_target_phased_by_last_years_profile(examples_warehouse):
    path = EXAMPLES / "datasets" / "kpi" / "kpi-2024.xlsx"
    grid = fastexcel.read_excel(path.read_bytes()).load_sheet("KPIs", header_row=None).to_polars()
    rows = grid.rows()  # calamine's range starts at A1 here (the title), so indexes are sheet rows - 1
    expected = []
    for r in range(4, len(rows), 2):
        kpi, actual, annual = rows[r][0], [float(v) for v in rows[r][3:27]], float(rows[r + 1][27])
        last_year = actual[:12]
        for m in range(12):
            target = annual * last_year[m] / sum(last_year)
            expected.append(
                {"metric": kpi.lower(), "period": f"2024-{m + 1:02d}", "variance": actual[12 + m] - target}
            )
    got = _raw_pairs(examples_warehouse, "target", "at_period_end").select(
        "metric", "period", (pl.col("actual_raw") - pl.col("expectation_raw")).alias("got")
    )
    joined = pl.DataFrame(expected).join(got, on=["metric", "period"], how="full", coalesce=True)
    assert joined.height == 24 and joined["got"].null_count() == 0
    assert (joined["got"] - joined["variance"]).abs().max() < 1e-6
    phased_sum = _sql(
        examples_warehouse,
        "select metric, sum(value_raw) s from figures where kind = 'target' and grain = 'month' group by metric",
    )
    annual = _sql(
        examples_warehouse, "select metric, value_raw a from figures where kind = 'target' and grain = 'year'"
    )
    both = phased_sum.join(annual, on="metric")
    assert both.height == 2 and (both["s"] - both["a"]).abs().max() < 1e-6


def test_gl_extract_account_months_are_the_sums_of_their_cost_centre_lines(examples_warehouse):
    path = EXAMPLES / "datasets" / "tailspin-gl" / "gl-2024-h1.csv"
    lines = pl.read_csv(path, schema_overrides={"Account": pl.String})
    expected = (
        lines.group_by("Account", "Period", "Scenario")
        .agg(pl.col("Amount").sum(), pl.len().alias("lines"))
        .pivot(on="Scenario", index=["Account", "Period"], values="Amount")
        .select(
            pl.col("Account")
            .replace_strict({"4000": "revenue", "6000": "salaries", "6100": "rent"})
            .alias("metric"),
            pl.col("Period").alias("period"),
            "Actual",
            "Budget",
        )
    )
    got = _sql(
        examples_warehouse,
        "select metric, period, actual, expectation from actual_vs_expectation "
        "where entity = 'Tailspin Toys' and policy = 'at_period_end' and grain = 'month' and actual_vintage = 'latest'",
    )
    joined = expected.join(got, on=["metric", "period"], how="full", coalesce=True)
    assert joined.height == 18 and joined.null_count().sum_horizontal()[0] == 0
    assert (joined["actual"] - joined["Actual"]).abs().max() < 1e-6
    assert (joined["expectation"] - joined["Budget"]).abs().max() < 1e-6
    (load,) = _sql(examples_warehouse, "select * from loads where file like '%gl-2024-h1.csv'").iter_rows(
        named=True
    )
    assert (load["rows_in"], load["rows_loaded"], load["rows_combined"]) == (84, 36, 48)


def test_bva_export_comparisons_equal_its_own_columns_and_reconcile(examples_warehouse):
    path = EXAMPLES / "datasets" / "wingtip-bva" / "bva-2024-q1.xlsx"
    grid = (
        fastexcel.read_excel(path.read_bytes()).load_sheet("Budget vs. Actuals", header_row=None).to_polars()
    )
    rows = grid.rows()  # calamine's range starts at A1 (the company's name)
    metric = {"4000 Sales": "revenue", "4100 Shipping income": "shipping_income",
              "5000 Cost of goods sold": "cost_of_goods_sold", "6000 Salaries": "salaries", "6100 Rent": "rent"}  # fmt: skip
    expected = []
    for row in rows[6:]:
        account = (row[0] or "").strip()
        for g, period in enumerate(("2024-01", "2024-02", "2024-03")):
            if account in metric:
                _, _, over, share = (float(v) for v in row[1 + 4 * g : 5 + 4 * g])
                expected.append({"metric": metric[account], "period": period, "over": over, "share": share})
    got = _sql(
        examples_warehouse,
        "select metric, period, variance, attainment from actual_vs_expectation "
        "where entity = 'Wingtip Toys' and policy = 'at_period_end' and grain = 'month' and actual_vintage = 'latest'",
    )
    joined = pl.DataFrame(expected).join(got, on=["metric", "period"], how="full", coalesce=True)
    assert joined.height == 15 and joined.null_count().sum_horizontal()[0] == 0
    assert (joined["variance"] - joined["over"]).abs().max() <= 0.005
    # calamine reads the '% of Budget' cells as the fractions they hold (1.0526 under 0.00%)
    assert (joined["attainment"] - joined["share"]).abs().max() <= 0.00005
    assert _sql(examples_warehouse, "select count(*) n from export_values")["n"][0] == 30
    assert _sql(examples_warehouse, "select count(*) n from export_reconciliation")["n"][0] == 0


def test_examples_regenerate_identically(tmp_path):
    from pipelines.devtools.spreadsheet_examples import write_examples

    written = write_examples(tmp_path)
    assert len(written) == 16
    for path in written:
        shipped = EXAMPLES / path.relative_to(tmp_path)
        assert shipped.read_bytes() == path.read_bytes(), f"{shipped} differs from what the generator writes"


def test_evidence_page_shows_the_cell_each_figure_came_from(examples_warehouse, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("IMPACT_WAREHOUSE", str(examples_warehouse))
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=120).run()
    at.switch_page("app_pages/evidence.py").run()
    assert not at.exception, [e.value for e in at.exception]
    origins = [v for df in at.dataframe if "origin" in df.value.columns for v in df.value["origin"].to_list()]
    assert "'P&L'!E5" in origins and "KPIs!D5" in origins
