"""The read model (sql/views/serve/) on the built case study: what the pages read is the comparisons' own
numbers in the base unit, the latest actual only, one phasing per expectation, and the one containment rule."""

from __future__ import annotations

import duckdb
import pytest

from dashboard.data.connection import read_sql


@pytest.fixture(scope="module")
def con(case_warehouse):
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        yield con


def test_comparisons_are_the_latest_actuals_in_the_base_unit(con):
    mismatched, missing, served = con.sql(
        """
        with a as (select * from actual_vs_expectation where actual_vintage = 'latest')
        select
            count(*) filter (where s.actual is distinct from a.actual * a.to_base
                              or s.variance is distinct from a.variance * a.to_base
                              or s.unit is distinct from a.base_unit),
            count(*) filter (where s.entity is null),
            (select count(*) from serve_comparisons)
        from a
        left join serve_comparisons as s using (entity, metric, expectation_kind, policy, region_code, period)
        """
    ).fetchall()[0]
    assert served > 0 and mismatched == 0 and missing == 0
    rescaled = con.sql(
        "select count(*) from actual_vs_expectation where actual_vintage = 'latest' and to_base <> 1"
    ).fetchall()[0][0]
    assert rescaled > 0  # the case study has comparisons in USD bn: the product above is not a no-op


def test_figure_ids_are_listed_for_rolled_up_rows_only(synthetic_warehouse):
    """Monthly figures: quarters summed from months list their figures; reported rows none (their one figure
    is named by its source, and the lists would cost as much to read as every other column)."""
    with duckdb.connect(str(synthetic_warehouse), read_only=True) as con:
        listed = con.sql(
            """
            select basis = 'reported' as reported, count(actual_figure_ids) as listed, count(*) as all_rows
            from (select basis, actual_figure_ids from serve_comparisons
                  union all select basis, actual_figure_ids from serve_quarter_comparisons)
            group by all
            """
        ).fetchall()
    counts = {reported: (n, total) for reported, n, total in listed}
    assert counts[True][0] == 0 and counts[True][1] > 0
    assert counts[False][0] == counts[False][1] > 0  # the quarters summed from months list their figures


def test_pacing_shows_one_phasing_per_expectation(con):
    both = con.sql(
        """
        select count(*) from (
            select entity, metric, region_code, policy, expectation_period, expectation_kind, to_date_end
            from serve_pacing group by all having count(*) > 1
        )
        """
    ).fetchall()[0][0]
    planned = con.sql("select count(*) from pacing where has_plan_phasing").fetchall()[0][0]
    served = con.sql("select count(*) from serve_pacing").fetchall()[0][0]
    linear = con.sql("select count(*) from pacing where phasing = 'linear'").fetchall()[0][0]
    assert both == 0 and served == linear  # every point once: the plan's where it exists, else linear
    assert planned == 0 or served < con.sql("select count(*) from pacing").fetchall()[0][0]


def test_events_near_a_region_are_those_in_or_above_it(con):
    near = con.sql(read_sql("trends/events_near_regions"), params=[["US"]]).pl()
    paths = dict(con.sql("select region_code, path from regions").fetchall())
    assert near.height > 0
    for jurisdiction in near["jurisdiction"]:
        assert paths["US"] == paths[jurisdiction] or paths["US"].startswith(paths[jurisdiction] + "/")
    every = con.sql("select jurisdiction from serve_events").pl()["jurisdiction"].to_list()
    assert "CA" in every and "CA" not in near["jurisdiction"].to_list()  # Canada's order is not about the US


def test_serve_tables_are_stored_in_their_pages_order(con):
    rows = con.sql(
        "select entity, metric, expectation_kind, policy, grain, region_path, period_start from serve_comparisons"
    ).fetchall()
    assert rows == sorted(rows, key=lambda r: tuple((v is None, v) for v in r))
