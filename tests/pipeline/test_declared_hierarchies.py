"""Declared hierarchies (`made_of` in a regions or entities file): a plan for a whole is compared with its
parts' actuals when every part reports, named in the basis; a part that does not report makes the plan
unmatched with that part named; nothing is rolled up to a whole that did not declare its parts; a part that
cannot be resolved is a rejected row."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build

SOURCES = "source_id,publisher,title,url,published_on,reliability\ns1,Co,Report,,2025-02-01,company\n"
FIGURES = """figure_id,entity,metric,region,period,kind,value,unit,as_of,source_id
A1,Co,revenue,US,2024,actual,60,USD m,2025-02-01,s1
A2,Co,revenue,CA,2024,actual,30,CAD m,2025-02-01,s1
B1,Co,revenue,NAM,2024,budget,100,USD m,2024-01-10,s1
D1,Sales dept,salaries,US,2024-05,actual,30000,USD,2024-06-10,s1
D2,Ops dept,salaries,US,2024-05,actual,30640,USD,2024-06-10,s1
D3,Division,salaries,US,2024-05,budget,57800,USD,2024-01-10,s1
D4,Division,salaries,US,2024-06,budget,57800,USD,2024-01-10,s1
D5,Sales dept,salaries,US,2024-06,actual,30000,USD,2024-07-10,s1
"""


def built(tmp_path: Path, regions: str | None, entities: str | None) -> duckdb.DuckDBPyConnection:
    d = tmp_path / "data" / "datasets" / "co"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(SOURCES)
    (d / "figures.csv").write_text(FIGURES)
    (d / "metrics.csv").write_text("metric,unit_kind,higher_is_better\nsalaries,money,false\n")
    if regions:
        (d / "regions.csv").write_text(regions)
    if entities:
        (d / "entities.csv").write_text(entities)
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
    return duckdb.connect(str(path), read_only=True)


def rows(con, sql: str) -> list[dict]:
    rel = con.sql(sql)
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


@pytest.fixture
def declared(tmp_path):
    with built(
        tmp_path,
        "code,name,parent,made_of\nNAM,North America,WORLD,US; CA\nZZ,Nowhere,WORLD,US; Atlantis\n",
        "entity,parent,made_of\nDivision,,Sales dept; Ops dept\n",
    ) as con:
        yield con


def comparison(con, region: str, period: str) -> dict:
    (row,) = rows(
        con,
        f"select * from actual_vs_expectation where region_code = '{region}' and period = '{period}'"
        " and policy = 'at_period_end' and actual_vintage = 'latest'",
    )
    return row


def test_a_region_declared_as_its_countries_is_their_sum(declared):
    row = comparison(declared, "NAM", "2024")
    (ca,) = rows(declared, "select value from figures where figure_id = 'A2'")
    assert row["actual"] == pytest.approx(60 + ca["value"] / 1e6)  # CAD 30 m at 2024's rate, in USD m
    assert row["basis"] == "actual: sum of 2 regions: CA, US"
    assert row["actual_components"] == 2 and sorted(row["actual_figure_ids"]) == ["A1", "A2"]
    assert row["favourable"] is False  # about 82 against 100


def test_an_entity_declared_as_its_departments_is_their_sum(declared):
    row = comparison(declared, "US", "2024-05")
    assert (row["entity"], row["actual"], row["expectation"]) == ("Division", pytest.approx(60640), 57800)
    assert row["basis"] == "actual: sum of 2 entities: Ops dept, Sales dept"
    assert row["currency"] == "USD" and row["favourable"] is False  # salaries over budget


def test_a_part_that_does_not_report_is_named(declared):
    (june,) = rows(declared, "select * from unmatched_expectations where period = '2024-06'")
    assert june["reason_kind"] == "parts_missing"
    assert june["reason"].endswith(
        "is declared as made of Ops dept, Sales dept: no actual for 2024-06 from Ops dept"
    )


def test_an_unknown_part_is_a_rejected_row(declared):
    (bad,) = rows(declared, "select * from rejected_rows where file like '%regions.csv'")
    assert (bad["row_number"], bad["column_name"], bad["value"]) == (2, "made_of", "US; Atlantis")
    assert bad["reason"] == "unknown region 'Atlantis' in made_of"
    assert rows(declared, "select count(*) n from compositions where parent = 'ZZ'") == [{"n": 0}]


def test_nothing_is_rolled_up_to_an_undeclared_whole(tmp_path):
    with built(tmp_path, None, None) as con:
        assert rows(con, "select * from actual_vs_expectation where region_code = 'NAM'") == []
        reasons = {
            r["region_code"]: r["reason_kind"] for r in rows(con, "select * from unmatched_expectations")
        }
        assert reasons["NAM"] == "no_actuals_in_region"
