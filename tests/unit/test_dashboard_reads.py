"""The dashboard's reads live in sql/reads/<page>/<name>.sql, run through dashboard/data/connection.py: no SQL
text in the dashboard's Python (a `select ... from` string anywhere else fails here), at most one filter slot
per read, every read named by a page module exists and every read file is named by one, and every read binds
against the views of this version."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from dashboard.data.connection import FILTER_SLOT, READS_DIR, bound, read_sql
from pipelines.warehouse.sqlfiles import create_tables, create_views

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "dashboard"
SQL_TEXT = re.compile(r"\bselect\b.+?\bfrom\b", re.IGNORECASE | re.DOTALL)
# SQL the dashboard shows a person to type, never runs itself: the SQL page's placeholder, the unmatched notice's hint
SHOWN_TO_USERS = {
    "dashboard/app_pages/sql.py": "select * from actual_vs_expectation where policy",
    "dashboard/sections/unmatched.py": "SQL: `select * from unmatched_expectations`",
}
READS = sorted(p.relative_to(READS_DIR).with_suffix("").as_posix() for p in READS_DIR.rglob("*.sql"))


def sql_literals(path: Path) -> list[str]:
    """String constants of one Python file that read like SQL (`select ... from`)."""
    tree = ast.parse(path.read_text())
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.search(node.value)
    ]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_rule_sees_sql_in_a_string():
    source = 'Q = """\nselect a\nfrom t where x = ?\n"""\nN = "select the region from the list"\n'
    path = Path(__file__).with_name("_sql_literal_probe.py")
    try:
        path.write_text(source)
        assert len(sql_literals(path)) == 2  # prose that reads like SQL counts too: say it otherwise
    finally:
        path.unlink()


def test_no_sql_text_in_dashboard_python_outside_connection():
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in DASHBOARD.rglob("*.py")
        if path.name != "connection.py" or path.parent.name != "data"
        if (found := [t for t in sql_literals(path) if not t.startswith(SHOWN_TO_USERS.get(rel(path), "\0"))])
    }
    assert offenders == {}, "move these reads to sql/reads/<page>/<name>.sql"


def test_every_read_named_by_the_dashboard_exists_and_every_read_file_is_named():
    python = "\n".join(p.read_text() for p in (DASHBOARD / "data").glob("*.py"))
    named = set(
        re.findall(r'"((?:answers|catalog|scorecard|trends|events|evidence|impact)/[a-z_]+)"', python)
    )
    assert named == set(READS)


@pytest.fixture(scope="module")
def empty_warehouse():
    with duckdb.connect() as con:
        create_tables(con)
        create_views(con)
        yield con


@pytest.mark.parametrize("name", READS)
def test_a_read_has_one_filter_slot_at_most_and_binds(name, empty_warehouse):
    assert read_sql(name).count(FILTER_SLOT) <= 1
    sql, _ = bound(name, [])
    empty_warehouse.execute(f"prepare read_probe as {sql}")  # binds every name and column of this version


def test_the_filter_parameters_go_where_the_slot_stands():
    sql, params = bound("evidence/evidence", [1000], ("entity = ?", ["TikTok"]))
    assert "where entity = ?" in sql and params == ["TikTok", 1000]
    sql, params = bound("evidence/disagreement_cut", [39], None)
    assert "where true" in sql and params == [39]
    with pytest.raises(ValueError, match="no"):
        bound("catalog/metrics", [], ("entity = ?", ["TikTok"]))
