"""Every expectation is compared or listed in unmatched_expectations with its reason: the case study and every
case of tests/data/cases, and the reasons of the kinds the issue names (a month missing, the period still
running, a growth target without its base year, a parent region without its own actuals, weeks that cross a
calendar month's edges)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "data" / "cases"
GROUPS = """
select distinct entity, metric, region_code, period_start, period_end, kind
from figures where is_expectation
"""
COMPARED = """
select distinct f.entity, f.metric, f.region_code, f.period_start, f.period_end, f.kind
from figures as f
semi join (
    select expectation_dataset as dataset, unnest(expectation_figure_ids) as figure_id from actual_vs_expectation
) as c on c.figure_id = f.figure_id and coalesce(c.dataset, f.dataset) = f.dataset
where f.is_expectation
"""
UNMATCHED = "select entity, metric, region_code, period_start, period_end, kind from unmatched_expectations"


def built(data_dir: Path, tmp_path: Path, today: date = date(2026, 11, 29)) -> duckdb.DuckDBPyConnection:
    path = build(load_all(data_dir, today), tmp_path / "w.duckdb", data_dir)
    return duckdb.connect(str(path), read_only=True)


def keys(con, sql: str) -> set[tuple]:
    return set(con.sql(sql).fetchall())


def reasons(con) -> dict[tuple, tuple[str, str]]:
    got = con.sql(
        "select metric, region_code, period, reason_kind, reason from unmatched_expectations"
    ).fetchall()
    return {(m, r, p): (k, text) for m, r, p, k, text in got}


@pytest.mark.parametrize(
    "data_dir",
    [ROOT / "data", *sorted(p for p in CASES.iterdir() if (p / "datasets").is_dir())],
    ids=lambda p: p.name,
)
def test_every_expectation_is_compared_or_listed_with_a_reason(data_dir, tmp_path):
    with built(data_dir, tmp_path) as con:
        groups, compared, unmatched = keys(con, GROUPS), keys(con, COMPARED), keys(con, UNMATCHED)
        assert compared | unmatched == groups
        assert compared & unmatched == set()
        blank = con.sql(
            "select count(*) from unmatched_expectations where coalesce(reason, '') = ''"
        ).fetchall()
        assert blank == [(0,)]


def test_months_missing_and_a_year_without_actuals(tmp_path):
    with built(CASES / "number-formats", tmp_path) as con:
        got = reasons(con)
    kind, text = got[("utilities", "WORLD", "2023")]
    assert kind == "months_missing"
    assert text.startswith(
        "actuals cover 5 of 12 months: 2023-01, 2023-07, 2023-08, 2023-09, 2023-10, 2023-11, 2023-12 missing"
    )
    # the months whose rows were rejected are named after them (03 and 04 were rejected in one file but loaded
    # from the other, so they are not)
    assert "; rejected: datasets/p/figures-semicolon.csv row 6 (value: " in text
    assert "row 8 (value: negative value for utilities" in text and "figures-comma.csv" not in text
    assert got[("utilities", "WORLD", "2022")] == ("no_actual_for_period", "no actual for 2022")


def test_a_month_in_progress_points_to_pacing(tmp_path):
    with built(CASES / "daily-actuals-monthly-goal", tmp_path, date(2024, 11, 16)) as con:
        got = reasons(con)
    kind, text = got[("revenue", "WORLD", "2024-11")]
    assert kind == "in_progress" and "actuals to 2024-11-15" in text and "pacing" in text


def test_growth_target_without_the_prior_year_names_it(tmp_path):
    data = tmp_path / "growth"
    shutil.copytree(CASES / "growth-target", data)
    figures = data / "datasets" / "walmart-growth" / "figures.csv"
    figures.write_text("".join(x for x in figures.read_text().splitlines(True) if "-FY2011," not in x))
    with built(data, tmp_path) as con:
        got = reasons(con)
    assert set(got) == {
        ("revenue_growth_yoy", "STORE_1", "FY2012"),
        ("revenue_growth_yoy", "STORE_2", "FY2012"),
    }
    for kind, text in got.values():
        assert kind == "growth_base_missing"
        assert (
            text
            == "growth target needs the prior period's actual: no revenue actual for the year before FY2012"
        )


def _dataset(tmp_path: Path, figures: str, regions: str | None = None, entities: str | None = None) -> Path:
    d = tmp_path / "data" / "datasets" / "co"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(
        "source_id,publisher,title,url,published_on,reliability\ns1,Co,Report,,2025-02-01,company\n"
    )
    (d / "figures.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,unit,as_of,source_id\n" + figures
    )
    if regions:
        (d / "regions.csv").write_text(regions)
    if entities:
        (d / "entities.csv").write_text(entities)
    return tmp_path / "data"


def test_parent_region_plan_over_country_actuals_names_the_children(tmp_path):
    data = _dataset(
        tmp_path,
        "A1,Co,revenue,US,2024,actual,60,USD m,2025-02-01,s1\n"
        "A2,Co,revenue,CA,2024,actual,30,USD m,2025-02-01,s1\n"
        "B1,Co,revenue,NAM,2024,budget,100,USD m,2024-01-10,s1\n",
    )
    with built(data, tmp_path) as con:
        got = reasons(con)
    kind, text = got[("revenue", "NAM", "2024")]
    assert kind == "no_actuals_in_region"
    assert "no actual for region NAM or for all of its children: actuals for CA, US" in text


def test_weeks_across_a_calendar_months_edges_name_the_calendar(tmp_path):
    weeks = "".join(
        f"W{i},Co,revenue,US,{start}..{end},actual,10,USD m,2025-02-01,s1\n"
        for i, (start, end) in enumerate(
            [("2024-01-27", "2024-02-02"), ("2024-02-03", "2024-02-09"), ("2024-02-10", "2024-02-16"),
             ("2024-02-17", "2024-02-23"), ("2024-02-24", "2024-03-01")]
        )
    )  # fmt: skip
    data = _dataset(tmp_path, weeks + "B1,Co,revenue,US,2024-02,budget,40,USD m,2024-01-10,s1\n")
    with built(data, tmp_path) as con:
        got = reasons(con)
    kind, text = got[("revenue", "US", "2024-02")]
    assert kind == "calendar" and "set the entity's calendar" in text


def test_growth_target_on_a_loss_is_not_compared_as_a_level(tmp_path):
    """'Grow 10 %' on a prior loss of 10 does not mean a loss of 11: no level and no growth comparison, one reason."""
    data = _dataset(
        tmp_path,
        "N1,Co,net_income,US,2023,actual,-10,USD m,2024-02-01,s1\n"
        "N2,Co,net_income,US,2024,actual,-4,USD m,2025-02-01,s1\n"
        "NT,Co,net_income,US,2024,target,10,% YoY,2023-12-01,s1\n"
        "R1,Co,revenue,US,2023,actual,100,USD m,2024-02-01,s1\n"
        "R2,Co,revenue,US,2024,actual,104,USD m,2025-02-01,s1\n"
        "RT,Co,revenue,US,2024,target,5,% YoY,2023-12-01,s1\n",
    )
    (data / "datasets" / "co" / "metrics.csv").write_text(
        "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description,aggregation\n"
        "net_income,Net income,money,true,true,true,Net income,sum\n"
        "revenue,Revenue,money,true,true,false,Revenue,sum\n"
    )
    with built(data, tmp_path) as con:
        compared = con.sql(
            "select distinct metric from actual_vs_expectation where is_default_policy order by metric"
        ).fetchall()
        got = reasons(con)
    # the positive base is compared twice (growth and implied level); the loss is neither
    assert compared == [("revenue",), ("revenue_growth_yoy",)]
    kind, text = got[("net_income_growth_yoy", "US", "2024")]
    assert kind == "growth_base_missing"
    assert text.startswith(
        "growth on a prior actual of zero or less is not a rate: net_income 2023 was -10,000,000"
    )


def test_a_plan_under_another_spelling_names_what_was_loaded(tmp_path):
    data = _dataset(
        tmp_path,
        "A1,Acme,revenue,US,2024-Q1,actual,100,USD m,2024-04-30,s1\n"
        "P1,Acme Inc,revenue,US,2024-Q1,budget,105,USD m,2023-12-01,s1\n"
        "P2,Acme,net_revenue,US,2024-Q1,budget,105,USD m,2023-12-01,s1\n",
    )
    with built(data, tmp_path) as con:
        got = reasons(con)
    assert [k for k, _ in got.values()] == ["no_actuals_for_metric"] * 2
    by_metric = {m: text for (m, _, _), (_, text) in got.items()}
    assert by_metric["revenue"] == (
        "no actual of revenue for Acme Inc in any region (actuals of revenue are loaded for Acme)"
    )
    assert (
        by_metric["net_revenue"]
        == "no actual of net_revenue for Acme in any region (Acme's actuals are of revenue)"
    )


def test_a_rejected_actual_is_named_not_waited_for(tmp_path):
    """An actual that was loaded but rejected is named (file, row, column, reason): the analyst fixes the input
    instead of waiting for data; several rejected rows inside a period are counted and the first named."""
    data = _dataset(
        tmp_path,
        "A1,Co,revenue,US,2026-06,actual,10,USD m,2026-07-05,s1\n"
        "A2,Co,revenue,US,2026-07,actual,12x,USD m,2026-08-05,s1\n"
        "B1,Co,revenue,US,2026-06,budget,11,USD m,2026-01-10,s1\n"
        "B2,Co,revenue,US,2026-07,budget,11,USD m,2026-01-10,s1\n"
        "C1,Co,orders,US,2026-07,actual,n/a,count m,2026-08-05,s1\n"
        "C2,Co,orders,US,2026-08,actual,,count m,2026-09-05,s1\n"
        "C3,Co,orders,US,2026-09,actual,3,count m,2099-01-01,s1\n"
        "CB,Co,orders,US,2026-Q3,budget,9,count m,2026-01-10,s1\n",
    )
    with built(data, tmp_path) as con:
        got = reasons(con)
    kind, text = got[("revenue", "US", "2026-07")]
    assert kind == "actual_rejected"
    assert text.startswith(
        "the actual for 2026-07 was rejected: datasets/co/figures.csv row 2 (value: value '12x' is not a number)"
    )
    assert "fix the input" in text and "no actual for" not in text
    kind, text = got[("orders", "US", "2026-Q3")]
    assert kind == "actual_rejected"
    assert text.startswith("3 actuals for 2026-Q3 were rejected: datasets/co/figures.csv row 5 (")
    assert "row 6 (" in text and "row 7 (as_of: " in text
