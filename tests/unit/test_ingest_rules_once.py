"""The ingest rules written once (docs/architecture.md, "One place per rule"): month arithmetic, SQL literal
quoting, a file's relative name, a cell as text, and no second copy of them left in the code."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from pipelines.ingest.discover import relative_name
from pipelines.ingest.layouts.headers import cell_text as sheet_cell_text
from pipelines.ingest.readers import cell_text
from pipelines.normalise.dates import add_months, month_after, month_index, month_of_index
from pipelines.orders.months import next_month
from pipelines.warehouse.sqlfiles import sql_literal
from tests.helpers import REPO


def test_month_arithmetic_crosses_year_ends() -> None:
    assert month_of_index(month_index(date(2024, 12, 31)) + 1) == date(2025, 1, 1)
    assert add_months(date(2024, 1, 1), -1) == date(2023, 12, 1)
    assert next_month(date(2024, 12, 15)) == date(2025, 1, 1)
    assert month_after(12) == 1 and month_after(1) == 2


def test_sql_literal_doubles_quotes() -> None:
    assert sql_literal("it's") == "'it''s'"
    assert sql_literal(Path("/tmp/a'b.duckdb")) == "'/tmp/a''b.duckdb'"


def test_relative_name_is_posix_and_keeps_outside_paths(tmp_path: Path) -> None:
    inside = tmp_path / "datasets" / "shop" / "figures.csv"
    assert relative_name(inside, tmp_path) == "datasets/shop/figures.csv"
    assert relative_name(Path("/elsewhere/x.csv"), tmp_path) == "/elsewhere/x.csv"


def test_a_cell_as_text() -> None:
    assert cell_text(3.0) == "3" and cell_text(2.5) == "2.5"
    assert cell_text(datetime(2024, 3, 1)) == "2024-03-01"
    assert cell_text("  ") is None and cell_text(True) == "True"
    assert sheet_cell_text(True) == "TRUE" and sheet_cell_text(7.0) == "7"


def test_no_second_copy_of_a_rule() -> None:
    copies = {
        "unknown source": re.compile(r"unknown source '"),
        "SQL literal quoting": re.compile(r"""replace\("'", "''"\)"""),
        "month arithmetic": re.compile(r"(year \* 12|month % 12|// 12, )"),
        "a file's relative name": re.compile(r"\.relative_to\(.*\)\.as_posix\(\)"),
    }
    allowed = {
        "unknown source": {"pipelines/ingest/check_rows/context.py"},
        # an Excel sheet name in an A1 address is quoted the same way, but is not SQL
        "SQL literal quoting": {"pipelines/warehouse/sqlfiles.py", "pipelines/ingest/layouts/grid.py"},
        "month arithmetic": {"pipelines/normalise/dates.py"},
        # the schema fingerprint hashes each SQL file's path under sql/ (not a data dir's file)
        "a file's relative name": {"pipelines/ingest/discover.py", "pipelines/warehouse/sqlfiles.py"},
    }
    found: dict[str, set[str]] = {rule: set() for rule in copies}
    for root in ("pipelines", "dashboard", "report"):
        for path in (REPO / root).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for rule, pattern in copies.items():
                if pattern.search(text):
                    found[rule].add(path.relative_to(REPO).as_posix())
    for rule, files in found.items():
        assert files <= allowed[rule], f"{rule} written again in {sorted(files - allowed[rule])}"
        assert files & allowed[rule], f"{rule}: its one home no longer matches, so the test checks nothing"
