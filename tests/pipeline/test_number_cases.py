"""The cases of issue 14 (copied from the team's shared cases into tests/data/cases/), built as `impact run`
builds them (load_all + build), with their right values; and dataset.toml settings on real runs."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

CASES = Path(__file__).resolve().parents[1] / "data" / "cases"
TODAY = date(2026, 11, 29)


def built(data_dir: Path, tmp_path: Path, name: str = "w") -> duckdb.DuckDBPyConnection:
    path = build(load_all(data_dir, TODAY), tmp_path / f"{name}.duckdb", data_dir)
    return duckdb.connect(str(path), read_only=True)


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    rel = con.sql(sql)
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def case_copy(case: str, tmp_path: Path) -> Path:
    shutil.copytree(CASES / case, tmp_path / case)
    return tmp_path / case


@pytest.fixture(scope="module")
def number_formats(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    return built(CASES / "number-formats", tmp_path_factory.mktemp("nf"))


def test_number_formats_values_read_as_written(number_formats):
    got = {r["figure_id"]: r for r in rows(number_formats, "select * from figures")}
    # decimal commas of the ';' export: before 925,525 / 1.23456 / 12,345 / 125, silently
    assert {f: got[f]["value_raw"] for f in ("E1", "E2", "E4", "E5")} == {
        "E1": 9255.25,
        "E2": 1234.56,
        "E4": 1234.5,
        "E5": 12.5,
    }
    assert got["E3"]["value_raw"] == 120.0  # '120,000' in a decimal-comma file
    assert got["K2"]["value_raw"] == 120000.0  # '120,000' in a file whose values all use '.'
    assert got["K3"]["value_raw"] == 9255.25  # '$9,255.25' with unit USD
    assert (got["K1"]["value_raw"], got["K1"]["bound"]) == (120000.0, "approx")  # '120000 Appx'
    assert not {"E6", "E7", "E8", "K4", "K5", "K6"} & set(got)


def test_number_formats_one_message_per_problem(number_formats):
    rejected = {
        (r["file"].rsplit("-", 1)[-1], r["row_number"]): r
        for r in rows(number_formats, "select * from rejected_rows")
    }
    assert len(rejected) == 6  # one message per rejected row
    semi, comma = "semicolon.csv", "comma.csv"
    assert "does not follow the file's number convention" in rejected[(semi, 6)]["reason"]  # 1,234.56
    assert "percentage" in rejected[(semi, 7)]["reason"] and "percentage" in rejected[(comma, 5)]["reason"]
    # '(1200)' and '-1,200' are read as negatives, then the metric's sign rule refuses them
    assert "cannot be negative" in rejected[(comma, 4)]["reason"]
    assert "cannot be negative" in rejected[(semi, 8)]["reason"]
    period = rejected[(comma, 6)]
    assert (period["column_name"], "date-time" in period["reason"]) == ("period", True)
    assert "'2023-05'" in period["suggestion"]
    for r in rejected.values():
        assert r["suggestion"] is None or r["suggestion"] not in r["reason"]


def test_ambiguous_value_rejected_naming_the_setting_and_declared_convention_reads_it(tmp_path):
    data = case_copy("number-formats", tmp_path)
    comma = data / "datasets" / "p" / "figures-comma.csv"
    comma.write_text("\n".join(comma.read_text().splitlines()[:3]) + "\n")  # K1 and K2 only: no evidence
    con = built(data, tmp_path, "unknown")
    (k2,) = rows(con, "select * from rejected_rows where value = '120,000'")
    assert "ambiguous" in k2["reason"] and "decimal_mark" in k2["suggestion"]
    con.close()
    (data / "datasets" / "p" / "dataset.toml").write_text(
        '[numbers]\ndecimal_mark = ","\n\n[files."figures-comma.csv".numbers]\ndecimal_mark = "."\n'
    )
    con = built(data, tmp_path, "declared")
    values = {r["figure_id"]: r["value_raw"] for r in rows(con, "select figure_id, value_raw from figures")}
    assert values["K2"] == 120000.0 and values["E3"] == 120.0 and values["E1"] == 9255.25
    settings = rows(con, "select status, rows_in from loads where input_kind = 'settings'")
    assert settings == [{"status": "loaded", "rows_in": 0}]


def test_a_bad_settings_file_is_reported_and_the_dataset_still_loads(tmp_path):
    data = case_copy("number-formats", tmp_path)
    (data / "datasets" / "p" / "dataset.toml").write_text('[numbers]\ndecimal_mark = ";"\n')
    con = built(data, tmp_path)
    (load,) = rows(con, "select status, error from loads where input_kind = 'settings'")
    assert load["status"] == "unreadable" and "decimal_mark must be '.' or ','" in load["error"]
    assert rows(con, "select count(*) n from figures")[0]["n"] == 8


def test_bare_quarter_labels_on_a_fiscal_entity_are_refused(tmp_path):
    con = built(CASES / "fiscal-quarters", tmp_path)
    loaded = {r["figure_id"] for r in rows(con, "select figure_id from figures where entity = 'AAPL'")}
    # before: A1, C2 ('2021-Q1') and A5 ('Q4 2021') loaded as calendar quarters, competing with real ones
    assert loaded == {"A2", "A3", "A4", "C1"}
    refused = rows(con, "select value, reason, suggestion from rejected_rows order by row_number")
    assert [r["value"] for r in refused] == ["2021-Q1", "Q4 2021", "2021-Q1"]
    assert "FY2021-Q1" in refused[0]["suggestion"] and "CY2021-Q1" in refused[0]["suggestion"]


@pytest.mark.parametrize(
    ("meaning", "a1_start"), [("fiscal", date(2020, 10, 1)), ("calendar", date(2021, 1, 1))]
)
def test_dataset_settings_say_what_bare_quarters_mean(tmp_path, meaning, a1_start):
    data = case_copy("fiscal-quarters", tmp_path)
    (data / "datasets" / "fq" / "dataset.toml").write_text(f'[periods]\nbare_quarter_labels = "{meaning}"\n')
    con = built(data, tmp_path)
    (a1,) = rows(con, "select period_start from figures where figure_id = 'A1'")
    assert a1["period_start"] == a1_start


UAH_RATES = (
    'currency,period,units_per_usd,source\nUAH,2014,"11,8867",National Bank of Ukraine (2014 average)\n'
)


def test_currency_without_ecb_rate_rejection_names_the_rates_file(tmp_path):
    con = built(CASES / "currency-without-ecb-rate", tmp_path)
    assert rows(con, "select count(*) n from figures")[0]["n"] == 0  # before and after: no rate, no load
    rejected = rows(con, "select reason, suggestion from rejected_rows")
    assert len(rejected) == 3
    assert all("fx*.csv" in r["suggestion"] and "rates file" in r["suggestion"] for r in rejected)


def test_currency_without_ecb_rate_loads_with_the_users_rates(tmp_path):
    data = case_copy("currency-without-ecb-rate", tmp_path)
    (data / "datasets" / "ua" / "fx-uah.csv").write_text(UAH_RATES)
    con = built(data, tmp_path)
    got = {r["figure_id"]: r for r in rows(con, "select * from figures")}
    # before: every row rejected (no ECB rate for UAH, no way to give one)
    assert {f: got[f]["value_raw"] for f in got} == {"U1": 2003162.20, "U3": 370928609.90, "U4": 299196044.80}
    assert got["U3"]["value"] == pytest.approx(370928609.90e3 / 11.8867)
    (rate,) = rows(con, "select * from fx_rates where currency = 'UAH' and month = date '2014-03-01'")
    assert rate["usd_per_unit"] == pytest.approx(1 / 11.8867)
    assert rate["source"] == "National Bank of Ukraine (2014 average)"


def test_users_rates_take_precedence_over_the_ecb_and_bad_rows_are_rejected(tmp_path):
    data = case_copy("constant-currency", tmp_path)
    (data / "reference").mkdir()
    (data / "reference" / "fx-try.csv").write_text(
        "currency,period,date,usd_per_unit,units_per_usd,source\n"
        "TRY,2021-01,,,7.5,Central Bank of the Republic of Turkey\n"
        "TRY,,2021-02-10,0.14,,CBRT daily\n"
        "TRY,,2021-02-11,0.13,,CBRT daily\n"
        "XXY,2021,,,5,nobody\n"
        "TRY,2021-03,,-1,,typo\n"
        "TRY,,,,7,no period\n"
    )
    con = built(data, tmp_path)
    got = {
        str(r["month"]): r
        for r in rows(con, "select * from fx_rates where currency = 'TRY' and year(month) = 2021")
    }
    assert got["2021-01-01"]["usd_per_unit"] == pytest.approx(1 / 7.5)
    assert got["2021-02-01"]["usd_per_unit"] == pytest.approx(0.135)  # daily rates averaged
    assert got["2021-02-01"]["source"] == "CBRT daily"
    assert got["2021-03-01"]["source"].startswith("ECB")  # the rejected row does not override
    (a01,) = rows(con, "select value from figures where figure_id = 'A01'")
    assert a01["value"] == pytest.approx(100e6 / 7.5)
    reasons = [r["reason"] for r in rows(con, "select reason from rejected_rows order by row_number")]
    assert [
        "unknown currency" in reasons[0],
        "not positive" in reasons[1],
        "either period" in reasons[2],
    ] == [
        True,
        True,
        True,
    ]


def test_constant_currency_on_plan_reads_one_every_month(tmp_path):
    con = built(CASES / "constant-currency", tmp_path)
    paces = rows(
        con,
        "select to_date_end, pace_attainment, run_rate_projection, expectation, fx_effect, favourable from pacing"
        " where expectation_period = '2021' and policy = 'at_period_end' and phasing = 'linear'"
        " order by to_date_end",
    )
    # the monthly plans phase the year too: on plan every month against them as well
    phased = rows(
        con,
        "select pace_attainment from pacing where expectation_period = '2021' and policy = 'at_period_end'"
        " and phasing = 'plan'",
    )
    assert [p["pace_attainment"] for p in phased] == [pytest.approx(1.0, abs=1e-9)] * 12
    # before: 1.1424 in January, 1.2268 in February, 1.0345 in November (the lira fell ~45% in 2021)
    assert len(paces) == 12
    assert [p["pace_attainment"] for p in paces] == [pytest.approx(1.0, abs=1e-12)] * 12
    assert all(p["run_rate_projection"] == pytest.approx(p["expectation"]) for p in paces)
    assert all(p["favourable"] is None for p in paces)  # exactly on pace: neither better nor worse
    assert paces[0]["fx_effect"] > 0 and paces[-1]["fx_effect"] == pytest.approx(0, abs=1e-3)
    compared = rows(con, "select * from actual_vs_expectation")
    assert compared and all(r["currency"] == "TRY" for r in compared)
    assert all(
        r["variance"] == 0 and r["attainment"] == 1.0 and r["direction"] == "in_line" for r in compared
    )


def test_fx_effect_separates_the_rate_from_the_performance(tmp_path):
    data = case_copy("constant-currency", tmp_path)
    figures = data / "datasets" / "tr" / "figures.csv"
    text = figures.read_text().replace(
        "A10,Branch,revenue,TR,2021-10,actual,100", "A10,Branch,revenue,TR,2021-10,actual,120"
    )
    figures.write_text(
        text.replace("A12,Branch,revenue,TR,2021-12,actual,100", "A12,Branch,revenue,TR,2021-12,actual,80")
    )
    con = built(data, tmp_path)
    (q4,) = rows(con, "select * from actual_vs_expectation where period = '2021-Q4' and policy = 'latest'")
    # 300 TRY m against 300: on plan in lira; at each month's rate more fell in October, when the lira was dearer
    assert (q4["currency"], q4["attainment"], q4["variance"]) == ("TRY", 1.0, 0.0)
    assert q4["fx_effect"] > 0
    assert q4["actual_at_own_rates"] - q4["actual"] == pytest.approx(q4["fx_effect"])


def test_implausibly_large_is_per_metric_and_unit(dataset):
    dataset(
        "figures.csv",
        "figure_id,entity,metric,region,period,kind,value,unit,source_id\n"
        "B1,State,revenue,US,2024,budget,49,USD tn,s1\n"  # before: passed (the limit was USD 1e15)
        "B2,State,revenue,US,2024,budget,4.9,USD tn,s1\n"
        "B3,World,gdp,WORLD,2023,actual,105,USD tn,s2\n"
        "B4,Acme,orders,US,2024,actual,2,count tn,s2\n",
    )
    dataset("metrics.csv", "metric,unit_kind,max_abs_value\ngdp,money,2e14\n")
    result = load_all(dataset.data_dir, TODAY)
    assert sorted(result.tables["figures"]["figure_id"]) == ["B2", "B3"]
    reasons = dict(zip(result.rejected["row_number"], result.rejected["reason"], strict=True))
    assert "implausibly large value for revenue" in reasons[1] and "USD" in reasons[1]
    assert "implausibly large value for orders" in reasons[4] and "count" in reasons[4]


def test_entity_spellings_are_one_entity_and_aliases_resolve(dataset):
    dataset("entities.csv", "entity,fiscal_year_start_month,aliases\nTikTok Shop,1,TTS; Douyin Shop Intl\n")
    dataset(
        "figures.csv",
        "figure_id,entity,metric,region,period,kind,value,unit,source_id\n"
        "i1,TikTok Shop,gmv,US,2024,actual,1,USD bn,s2\n"
        "i2,tiktok  shop,gmv,US,2023,actual,1,USD bn,s2\n"
        "i3,TikTok-Shop.,gmv,US,2022,actual,1,USD bn,s2\n"
        "i4,TTS,gmv,US,2021,actual,1,USD bn,s2\n"
        "i5,Acme Corp,orders,US,2024,actual,2,billion,s2\n"  # a count metric takes a bare scale
        "i6,ACME corp,orders,US,2023,actual,3,m,s2\n",
    )
    result = load_all(dataset.data_dir, TODAY)
    figures = result.tables["figures"]
    assert dict(zip(figures["figure_id"], figures["entity"], strict=True)) == {
        "i1": "TikTok Shop",
        "i2": "TikTok Shop",
        "i3": "TikTok Shop",
        "i4": "TikTok Shop",
        "i5": "Acme Corp",
        "i6": "Acme Corp",
    }
    assert figures.filter(pl.col("figure_id") == "i5")["value"].to_list() == [2e9]
    (notes,) = result.loads.filter(pl.col("input_kind") == "figures")["notes"].to_list()
    assert "'tiktok  shop' read as 'TikTok Shop'" in notes and "'TTS' read as 'TikTok Shop'" in notes
    assert "'ACME corp' read as 'Acme Corp'" in notes
    entities = result.tables["entities"]["entity"].to_list()
    assert entities.count("Acme Corp") == 1 and "ACME corp" not in entities
