"""The three answers of the issue "Answers no BI tool gives", on datasets built as a run builds them, with
hand-computed numbers: against the prior period (actual_vs_prior), the bridge from the first expectation to
the actual (expectation_bridge), and the forecasters' track record (expectation_track_record, checked against a
plain Polars computation over expectation_errors)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

SOURCES = """source_id,publisher,title,url,published_on,reliability
s1,Co,Annual report,,2025-05-01,company
s2,Analyst A,Note,,2023-06-01,third_party_estimate
s3,Analyst B,Note,,2024-01-15,third_party_estimate
"""
HEADER = "figure_id,entity,metric,region,period,kind,value,value_high,unit,as_of,source_id\n"


def built(tmp_path: Path, figures: str, entities: str | None = None) -> duckdb.DuckDBPyConnection:
    d = tmp_path / "data" / "datasets" / "co"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(SOURCES)
    (d / "figures.csv").write_text(HEADER + figures)
    if entities:
        (d / "entities.csv").write_text(entities)
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
    return duckdb.connect(str(path), read_only=True)


def rows(con, sql: str, params: list | None = None) -> list[dict]:
    rel = con.sql(sql, params=params) if params else con.sql(sql)
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def test_year_over_year_on_fiscal_years_and_a_missing_prior(tmp_path):
    figures = (
        "a1,Co,revenue,US,FY2023,actual,100,,USD m,2023-05-01,s1\n"
        "a2,Co,revenue,US,FY2024,actual,90,,USD m,2024-05-01,s1\n"
        "a3,Co,revenue,US,FY2024-Q1,actual,20,,USD m,2023-07-15,s1\n"
        "a4,Co,revenue,US,FY2024-Q2,actual,25,,USD m,2023-10-15,s1\n"
        "a5,Co,revenue,US,FY2025-Q2,actual,30,,USD m,2024-10-15,s1\n"
        "a6,Co,operating_margin,US,FY2024,actual,12,,%,2024-05-01,s1\n"
        "a7,Co,operating_margin,US,FY2023,actual,15,,%,2023-05-01,s1\n"
    )
    with built(tmp_path, figures, "entity,parent,fiscal_year_start_month\nCo,,4\n") as con:
        got = {
            (r["metric"], r["period"], r["comparison"]): r for r in rows(con, "select * from actual_vs_prior")
        }
    fy24 = got[("revenue", "FY2024", "prior_year")]
    # FY2024 = April 2023 - March 2024 against FY2023: down 10 %, worse (higher is better)
    assert (fy24["prior_period"], fy24["actual"], fy24["prior_actual"]) == ("FY2023", 90e6, 100e6)
    assert (fy24["change"], fy24["change_pct"], fy24["favourable"]) == (-10e6, pytest.approx(-0.1), False)
    assert got[("revenue", "FY2024", "prior_period")]["prior_period"] == "FY2023"  # a year's previous period
    q2 = got[("revenue", "FY2024-Q2", "prior_period")]
    assert (q2["prior_period"], q2["change_pct"], q2["favourable"]) == (
        "FY2024-Q1",
        pytest.approx(0.25),
        True,
    )
    assert got[("revenue", "FY2025-Q2", "prior_year")]["change_pct"] == pytest.approx(0.2)
    # missing priors are missing rows, never zero: FY2023 has no FY2022, FY2024-Q1 no FY2023-Q4, FY2025-Q2 no Q1
    for key in [("revenue", "FY2023", "prior_year"), ("revenue", "FY2024-Q1", "prior_period"),
                ("revenue", "FY2024-Q1", "prior_year"), ("revenue", "FY2025-Q2", "prior_period")]:  # fmt: skip
        assert key not in got
    margin = got[("operating_margin", "FY2024", "prior_year")]  # a rate: in points
    assert (margin["change"], margin["change_bps"], margin["change_pct"]) == (-3.0, -300.0, None)


def test_bridge_with_two_revisions_a_currency_effect_and_three_child_regions(tmp_path):
    months = "".join(
        f"m{m:02d},Co,revenue,EUR,2024-{m:02d},actual,{v},,EUR m,2025-02-01,s1\n"
        for m, v in zip(range(1, 13), [6, 7, 8, 8, 9, 9, 8, 7, 8, 9, 9, 10], strict=True)
    )  # 98 EUR m over the year, each month at its own rate
    figures = months + (
        "p1,Co,revenue,EUR,2024,target,100,,EUR m,2023-12-01,s1\n"
        "p2,Co,revenue,EUR,2024,target,110,,EUR m,2024-03-01,s2\n"
        "p3,Co,revenue,EUR,2024,target,105,,EUR m,2024-06-01,s3\n"
        "c1,Co,revenue,DE,2024,target,50,,EUR m,2024-01-10,s1\n"
        "c2,Co,revenue,FR,2024,target,30,,EUR m,2024-01-10,s1\n"
        "c3,Co,revenue,IT,2024,target,20,,EUR m,2024-01-10,s1\n"
        "d1,Co,revenue,DE,2024,actual,45,,EUR m,2025-02-01,s1\n"
        "d2,Co,revenue,FR,2024,actual,33,,EUR m,2025-02-01,s1\n"
        "d3,Co,revenue,IT,2024,actual,16,,EUR m,2025-02-01,s1\n"
    )
    with built(tmp_path, figures) as con:
        steps = rows(
            con,
            "select * from expectation_bridge where region_code = 'EUR' and period = '2024' order by step_order",
        )
        (parent,) = rows(
            con,
            "select * from actual_vs_expectation where region_code = 'EUR' and period = '2024'"
            " and policy = 'when_reported' and actual_vintage = 'latest'",
        )
        child_rate = rows(con, "select to_base from actual_vs_expectation where region_code = 'DE' limit 1")[
            0
        ]
    rate = parent["to_base"]  # USD per EUR m at 2024's rate (the plans' and the children's)
    assert child_rate["to_base"] == pytest.approx(rate)
    assert [s["step"] for s in steps] == [
        "original", "revision", "revision", "fx_effect", "child_gap", "child_gap", "child_gap", "unallocated", "actual"
    ]  # fmt: skip
    value = {i: s["step_value"] / rate for i, s in enumerate(steps)}
    assert (value[0], value[1], value[2]) == (pytest.approx(100), pytest.approx(10), pytest.approx(-5))
    assert [s["label"] for s in steps[1:3]] == [
        "raised by Analyst A (2024-03-01)",
        "cut by Analyst B (2024-06-01)",
    ]
    # children largest first: DE -5, IT -4, FR +3; the parent's gap at its plan's rate is 98 - 105 = -7
    assert [(s["region_step"], round(value[i], 6)) for i, s in enumerate(steps) if s["step"] == "child_gap"] == [
        ("DE", -5.0), ("IT", -4.0), ("FR", 3.0)
    ]  # fmt: skip
    assert value[7] == pytest.approx(-7 - (-5 - 4 + 3))  # unallocated: the rest of the parent's gap
    assert steps[3]["step_value"] == pytest.approx(parent["fx_effect"] * rate)  # months at their own rates
    assert steps[3]["step_value"] != 0
    total = sum(s["step_value"] for s in steps if s["step"] != "actual")
    assert total == pytest.approx(
        steps[-1]["step_value"], rel=1e-12
    )  # the steps add up to the actual exactly
    assert steps[-1]["step_value"] == pytest.approx(parent["actual_at_own_rates"] * rate)
    assert steps[-2]["running_total"] == pytest.approx(steps[-1]["running_total"], rel=1e-12)


def test_track_record_equals_a_plain_computation(tmp_path):
    figures = (
        "a1,Co,revenue,US,2022,actual,100,,USD m,2023-02-01,s1\n"
        "a2,Co,revenue,US,2023,actual,120,,USD m,2024-02-01,s1\n"
        "a2r,Co,revenue,US,2023,actual,125,,USD m,2024-08-01,s1\n"
        "a3,Co,revenue,US,2024,actual,110,,USD m,2025-02-01,s1\n"
        "f1,Co,revenue,US,2023,projection,110,,USD m,2022-06-01,s2\n"
        "f2,Co,revenue,US,2023,projection,118,,USD m,2023-09-01,s2\n"
        "f3,Co,revenue,US,2024,projection,130,,USD m,2023-09-01,s2\n"
        "f4,Co,revenue,US,2024,projection,120,130,USD m,2024-06-01,s2\n"
        "g1,Co,revenue,US,2024,projection,105,,USD m,2024-03-01,s3\n"
    )
    with built(tmp_path, figures) as con:
        errors = con.sql("select * from expectation_errors").pl()
        record = con.sql("select * from expectation_track_record").pl()
    assert errors.height == 5 * 2  # five vintages, each against the first release and the latest
    f1 = errors.filter((pl.col("figure_id") == "f1") & (pl.col("actual_vintage") == "first_release")).row(
        0, named=True
    )
    # 110 expected against the first release 120: 8.3 % too low, 19 months ahead, direction (up on 100) right
    assert (f1["error"], f1["error_pct"]) == (pytest.approx(-10e6), pytest.approx(-10 / 120))
    assert (f1["horizon_months"], f1["horizon_band"], f1["direction_hit"], f1["publisher"]) == (
        18, ">12", True, "Analyst A"
    )  # fmt: skip
    plain = (
        errors.with_columns(pl.col("horizon_band").alias("band"))
        .vstack(errors.with_columns(pl.lit("all").alias("band")))
        .group_by("publisher", "expectation_kind", "metric", "actual_vintage", "band")
        .agg(
            pl.len().alias("comparisons"),
            pl.col("error_pct").mean().alias("bias_pct"),
            pl.col("error_pct").abs().mean().alias("mae_pct"),
            pl.col("direction_hit").cast(pl.Float64).mean().alias("hit_rate"),
            pl.col("in_band").cast(pl.Float64).mean().alias("band_coverage"),
        )
        .sort("publisher", "actual_vintage", "band")
    )
    got = (
        record.rename({"horizon_band": "band"})
        .select(plain.columns)
        .sort("publisher", "actual_vintage", "band")
    )
    assert got.height == plain.height
    for a, b in zip(got.iter_rows(named=True), plain.iter_rows(named=True), strict=True):
        assert {k: a[k] for k in ("publisher", "actual_vintage", "band", "comparisons")} == {
            k: b[k] for k in ("publisher", "actual_vintage", "band", "comparisons")
        }
        for k in ("bias_pct", "mae_pct", "hit_rate", "band_coverage"):
            assert a[k] == pytest.approx(b[k]) if b[k] is not None else a[k] is None, (a, k)
    a_all = record.filter(
        (pl.col("publisher") == "Analyst A")
        & (pl.col("horizon_band") == "all")
        & (pl.col("actual_vintage") == "latest")
    ).row(0, named=True)
    # against the latest (125 for 2023): (110-125)/125, (118-125)/125, (130-110)/110, (125-110)/110 (range midpoint)
    expected = [-15 / 125, -7 / 125, 20 / 110, 15 / 110]
    assert a_all["bias_pct"] == pytest.approx(sum(expected) / 4)
    assert a_all["mae_pct"] == pytest.approx(sum(abs(e) for e in expected) / 4)
    assert (a_all["ranges"], a_all["band_coverage"]) == (1, 0.0)  # 120-130 missed the 110


def test_impact_bridge_on_the_case_study(case_warehouse):
    """US TikTok Shop GMV 2024: the 17.5 bn target, cut to 17 and then to 15.5 bn (its own step), 7 bn short
    of it: 8.5 bn."""
    import json

    from click.testing import CliRunner

    from pipelines.cli.main import main

    args = ["bridge", "--warehouse", str(case_warehouse), "--entity", "TikTok Shop", "--metric", "gmv"]
    result = CliRunner().invoke(main, [*args, "--region", "US", "--period", "2024", "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.output)
    steps = [
        (s["step"], round(s["step_value"] / 1e9, 3), round(s["running_total"] / 1e9, 3)) for s in got["steps"]
    ]
    assert steps == [
        ("original", 17.5, 17.5), ("revision", -0.5, 17.0), ("revision", -1.5, 15.5), ("gap", -7.0, 8.5),
        ("actual", 8.5, 8.5),
    ]  # fmt: skip
    assert (got["policy"], got["unit"], got["steps"][2]["figure_id"]) == ("when_reported", "USD", "G25")
    missing = CliRunner().invoke(main, [*args, "--region", "US", "--period", "FY2024"])
    assert missing.exit_code == 1
    assert "no bridge for TikTok Shop gmv US FY2024 target: there are:" in missing.output
    assert "--region US --period 2024 --kind target" in missing.output
