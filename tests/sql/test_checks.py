"""sql/checks/: each check returns its offending rows; the count is the severity (0 = passed)."""

from __future__ import annotations

import duckdb
import pytest

from pipelines.warehouse.quality import BLOCKING, CHECKS, Check, first_offending, load_checks, offending_rows

BY_NAME = {check.name: check for check in CHECKS}


def test_every_check_has_a_description_and_the_blocking_ones_are_known() -> None:
    assert all(check.description for check in CHECKS)
    assert {
        "unique_keys",
        "known_regions_metrics_entities",
        "every_figure_has_a_source",
        "rows_in_equals_loaded_plus_rejected",
    } == BLOCKING


def test_a_file_without_headers_is_refused(tmp_path) -> None:
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "bare.sql").write_text("select 1")
    with pytest.raises(ValueError, match="bare.sql: needs '-- blocking"):
        load_checks(tmp_path)


def test_the_case_study_passes_every_blocking_check(case_warehouse) -> None:
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        assert {c.name: offending_rows(con, c) for c in CHECKS if c.blocking} == dict.fromkeys(BLOCKING, 0)


TABLES = ("figures", "events", "sources", "regions", "metrics", "entities", "loads", "rejected_rows")


@pytest.fixture
def damaged(case_warehouse):
    """The case study's tables copied without their constraints (a check is the last line behind them), with
    one fault of each kind the blocking checks look for."""
    con = duckdb.connect()
    con.execute(f"attach '{case_warehouse}' as case_study (read_only)")
    for table in TABLES:
        con.execute(f"create table {table} as select * from case_study.{table}")
    con.execute("detach case_study")
    figure = con.execute("select figure_id from figures order by figure_id limit 1").fetchone()[0]
    # two extra copies of one figure: 2 duplicates beyond the first
    con.execute("create temp table dup as select * from figures where figure_id = ?", [figure])
    con.execute("insert into figures select * from dup union all select * from dup")
    con.execute(
        "update figures set region_code = 'XX' where figure_id = (select max(figure_id) from figures)"
    )
    con.execute("update events set source_id = 'nowhere' where event_id = (select min(event_id) from events)")
    con.execute("update loads set rows_in = rows_in + 1 where file = (select min(file) from loads)")
    yield con
    con.close()


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("unique_keys", 2),
        ("known_regions_metrics_entities", 1),
        ("every_figure_has_a_source", 1),
        # the file whose rows_in is off, and the figures table holding two rows more than were loaded
        ("rows_in_equals_loaded_plus_rejected", 2),
    ],
)
def test_each_blocking_check_counts_its_offending_rows(damaged, name: str, rows: int) -> None:
    check: Check = BY_NAME[name]
    assert offending_rows(damaged, check) == rows
    # the culprits by name, for the check's metadata: every offending row up to five, values as text
    first = first_offending(damaged, check)
    assert len(first) == min(rows, 5) and all(isinstance(v, str) for r in first for v in r.values())
