"""Issue 23: the SQL page's example results showed floats as computed (0.30000000000000004,
5834376.710000001). The grid shows each float to its unit's precision (`dashboard.grids.display_decimals`);
the warehouse and the CSV keep every digit."""

from __future__ import annotations

import polars as pl

from dashboard.grids import display_decimals, grid_frame
from tests.helpers import open_app

QUERY = (
    "select 'USD' as unit, 0.1::double + 0.2::double as actual, 5834376.710000001::double as variance, "
    "1.0::double / 3 as attainment, 100.0::double / 3 as achieved_pct, 7 as periods"
)


def run_query(at, query: str):
    at.text_area(key="sql").set_value(query)
    at.button(key="run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at.dataframe[-1].value


def test_sql_page_shows_floats_to_the_units_precision(case_warehouse, monkeypatch):
    at = open_app(monkeypatch, case_warehouse, "app_pages/sql.py")
    grid = run_query(at, QUERY)
    row = grid.iloc[0]
    assert repr(float(row["actual"])) == "0.3"  # was 0.30000000000000004
    assert repr(float(row["variance"])) == "5834376.71"  # USD: cents
    assert repr(float(row["attainment"])) == "0.3333"  # a share: 4 decimals
    assert repr(float(row["achieved_pct"])) == "33.33"  # a percentage: 2 decimals
    assert int(row["periods"]) == 7  # integers as they are


def test_sql_example_results_have_no_float_noise(demo_build, monkeypatch):
    """The marketplace demo's sums of cents (2740690.0600000005 before)."""
    at = open_app(monkeypatch, demo_build["warehouse"], "app_pages/sql.py")
    from dashboard.data import catalog

    query = catalog.example_queries()["quarterly variance by region"]
    grid = run_query(at, query)
    for name in grid.columns:
        if grid[name].dtype.kind == "f":
            for v in grid[name].dropna():
                assert len(repr(float(v)).split(".")[-1].split("e")[0]) <= 4, (name, v)


def test_precision_follows_the_unit_and_only_the_display_changes():
    assert display_decimals("actual", {"JPY"}) == 0 and display_decimals("actual", {"USD", "JPY"}) == 2
    assert display_decimals("value", {"count"}) == 2 and display_decimals("attainment", {"USD"}) == 4
    raw = pl.DataFrame({"unit": ["JPY"], "actual": [1234.5678]})
    shown, _ = grid_frame(raw, units=False, rounded=True)
    assert shown["actual"][0] == 1235.0 and raw["actual"][0] == 1234.5678
    assert grid_frame(raw, units=False)[0]["actual"][0] == 1234.5678  # not asked: as queried
