"""Issue 29, fault 4: a warehouse path that holds some other DuckDB file gets one notice saying so on every
page, like the version notice, instead of Streamlit's "This app has encountered an error" (Scorecard, Trends
and Evidence stopped at their first query on a missing view)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import APP

PAGES = [
    "app_pages/scorecard.py",
    "app_pages/trends.py",
    "app_pages/events.py",
    "app_pages/impact.py",
    "app_pages/evidence.py",
    "app_pages/sql.py",
]


@pytest.fixture(scope="module")
def foreign(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("foreign") / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:  # somebody's own database, with a table named like one of ours
        con.execute("create table figures as select 1 as id, 'x' as label")
        con.execute("create table customers as select range as id from range(10)")
    return path


@pytest.mark.parametrize("page", PAGES)
def test_another_duckdb_file_is_named_not_an_error_box(foreign, page, monkeypatch):
    monkeypatch.setenv("IMPACT_WAREHOUSE", str(foreign))
    at = AppTest.from_file(APP, default_timeout=120).run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [w.value for w in at.warning if "not a warehouse of this product" in w.value]
    assert len(notices) == 1 and str(foreign.resolve()) in notices[0] and "impact run" in notices[0], [
        w.value for w in at.warning
    ]
    assert not any("another version" in w.value for w in at.warning)
    assert "not a warehouse of this product" in " ".join(c.value for c in at.sidebar.caption)
