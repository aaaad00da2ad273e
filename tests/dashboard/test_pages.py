"""AppTest per page: filters change what is shown; odd warehouses give messages, never exceptions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import APP, open_app, seed

PAGES = [
    "app_pages/scorecard.py",
    "app_pages/trends.py",
    "app_pages/events.py",
    "app_pages/evidence.py",
    "app_pages/sql.py",
]


def open_page(warehouse: Path, page: str, monkeypatch) -> AppTest:
    return open_app(
        monkeypatch, warehouse, None if page == PAGES[0] else page, from_scorecard=True, timeout=120
    )


def texts(at: AppTest) -> str:
    parts = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(i.value for i in at.info),
        *(m.label + str(m.value) + str(m.delta) for m in at.metric),
    ]
    return "\n".join(str(p) for p in parts)


def charts(at: AppTest) -> list:
    return at.get("plotly_chart")


# --- the case study ---------------------------------------------------------------------------------------


def test_scorecard_shows_tiles_heatmap_and_bars(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[0], monkeypatch)
    assert len(at.metric) == 5
    assert len(charts(at)) == 2
    assert "TikTok Shop" in texts(at) and "per year" in texts(at)


def test_scorecard_entity_filter_changes_the_series(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[0], monkeypatch)
    before = texts(at)
    at.selectbox(key="entity").select("TikTok").run()
    assert not at.exception
    after = texts(at)
    assert after != before and "TikTok ·" in after


def test_scorecard_filters_come_from_the_url(case_warehouse, monkeypatch):
    monkeypatch.setenv("IMPACT_WAREHOUSE", str(case_warehouse))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["entity"] = "TikTok"
    at.query_params["metric"] = "ad_revenue"
    at.run()
    assert not at.exception
    assert at.selectbox(key="entity").value == "TikTok"
    assert "TikTok · Advertising revenue against its **projection**" in texts(at)


def test_scorecard_policy_filter_changes_attainment(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[0], monkeypatch)

    def tiles():
        return {m.label: (m.value, m.delta) for m in at.metric}

    at_period_end = tiles()
    at.selectbox(key="policy").select("original").run()
    assert not at.exception
    assert "original expectation" in texts(at)
    original = tiles()
    assert list(original) == list(at_period_end)  # same five tiles
    # The actual is the same figure; what it is compared with (the first vintage) changes the variance.
    assert original["Actual (USD bn)"][0] == at_period_end["Actual (USD bn)"][0]
    assert original != at_period_end, (original, at_period_end)


def test_trends_region_filter_shows_pacing(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[1], monkeypatch)
    at.multiselect(key="regions").set_value(["US"]).run()
    assert not at.exception
    assert len(charts(at)) == 2  # trend and pacing (US: under 2bn Jan-May against a 17.5bn year)
    assert "United States" in texts(at)


def test_events_category_filter_narrows_the_timeline(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[2], monkeypatch)
    assert not at.dataframe  # tables are CSV-only until "Show tables" is on
    at.toggle(key="tables").set_value(True).run()
    all_rows = at.dataframe[0].value.shape[0]
    at.multiselect(key="categories").set_value(["law"]).run()
    assert not at.exception
    assert 0 < at.dataframe[0].value.shape[0] < all_rows


def test_events_series_are_named_by_their_metric_names(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[2], monkeypatch)
    series = at.selectbox(key="window_series")
    assert "TikTok Shop · Gross merchandise value · per year" in series.options, (
        series.options
    )  # shown labels


def test_evidence_shows_claims_as_badges_not_numbers(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[3], monkeypatch)
    text = texts(at)
    assert ":red-badge[fell short of expectations]" in text
    assert "**TikTok Shop · Gross merchandise value** in" in text  # the metric's name, not its id 'gmv'
    total = at.dataframe[1].value.shape[0]
    at.selectbox(key="entity").select("TikTok Shop").run()
    assert not at.exception
    assert at.dataframe[1].value.shape[0] < total


def test_many_claims_show_the_latest_as_badges_and_all_in_one_table(many_claims_warehouse, monkeypatch):
    with duckdb.connect(str(many_claims_warehouse), read_only=True) as con:
        claims = con.sql("select count(*) from qualitative_claims").fetchall()[0][0]
    assert claims > 20  # the fixture has enough claims for the limit to apply
    at = open_page(many_claims_warehouse, PAGES[3], monkeypatch)
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert len(badges) == 20
    assert f"The 20 latest of {claims:,} claims" in texts(at)
    assert any(frame.value.shape[0] == claims for frame in at.dataframe)


def test_sql_page_refuses_writes_and_runs_selects(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[4], monkeypatch)
    at.text_area(key="sql").input("drop table figures").run()
    assert at.error and "only SELECT" in at.error[0].value
    at.text_area(key="sql").input("select count(*) as n from figures").run()
    assert not at.error and at.dataframe[0].value.iloc[0, 0] > 0


def test_tables_show_dates_as_dates(case_warehouse, monkeypatch):
    """A DATE column was drawn as '2024-01-01 00:00:00' in the grids; every table's dates get a date format."""
    at = open_page(case_warehouse, PAGES[4], monkeypatch)  # the SQL page's default query has four dates
    columns = json.loads(at.dataframe[0].proto.columns)
    assert columns["period_start"]["type_config"] == {"type": "date", "format": "YYYY-MM-DD"}
    assert columns["expectation_as_of"]["type_config"]["type"] == "date"


def test_sql_page_example_loads_into_the_editor(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[4], monkeypatch)
    at.selectbox(key="example").select("target revisions").run()
    assert "expectation_revisions" in at.text_area(key="sql").value
    assert not at.error


def test_synthetic_monthly_data_opens_per_quarter(synthetic_warehouse, monkeypatch):
    # the one default rule (dashboard.widgets.default_view, issue 23): quarters whenever the months sum into
    # them, though months hold more comparisons (the literal "grain with the most" opened it per month)
    at = open_page(synthetic_warehouse, PAGES[0], monkeypatch)
    assert "per quarter" in texts(at) and "per month" not in texts(at)
    assert len(charts(at)) == 2
    periods = json.loads(charts(at)[0].proto.spec)["data"][0]["x"]
    assert periods and all("-Q" in p for p in periods), periods


def heatmap_rows(at: AppTest) -> list[str]:
    spec = json.loads(charts(at)[0].proto.spec)
    return [label.strip() for label in spec["data"][0]["y"]]


def test_many_regions_chart_the_furthest_below_and_all_on_request(synthetic_warehouse, monkeypatch):
    at = open_page(synthetic_warehouse, PAGES[0], monkeypatch)
    shown = heatmap_rows(at)
    # the same ranking computed independently in SQL: cumulative variance over the quarters shown
    entity, metric, kind, policy = (at.selectbox(key=k).value for k in ("entity", "metric", "kind", "policy"))
    policy = "at_period_end" if policy == "default" else policy  # a target's default policy
    with duckdb.connect(str(synthetic_warehouse), read_only=True) as con:
        ranked = con.sql(
            """select r.name, r.depth, r.path, sum(q.variance) as cumulative
               from variance_by_region_quarter as q inner join regions as r using (region_code)
               where q.entity = ? and q.metric = ? and q.expectation_kind = ? and q.policy = ?
               group by all order by cumulative, r.path""",
            params=[entity, metric, kind, policy],
        ).fetchall()
    top = min(depth for _, depth, _, _ in ranked)
    expected = {name for name, depth, _, _ in ranked if depth == top}
    expected |= set([name for name, depth, _, _ in ranked if depth != top][:30])
    assert len(ranked) > 40 and set(shown) == expected
    assert f"of {len(ranked)} regions" in texts(at)

    at.selectbox(key="rows").select("all").run()
    assert not at.exception
    assert len(heatmap_rows(at)) == len(ranked)
    assert "furthest below" not in " ".join(c.value for c in at.caption)


# --- odd warehouses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_missing_warehouse_says_how_to_build_it(page, tmp_path, monkeypatch):
    at = open_page(tmp_path / "nothing.duckdb", page, monkeypatch)
    assert "No warehouse yet" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_empty_warehouse_gives_messages(page, empty_warehouse, monkeypatch):
    at = open_page(empty_warehouse, page, monkeypatch)
    assert not charts(at) or page.endswith("sql.py")
    if not page.endswith(("sql.py", "evidence.py")):
        assert at.info


@pytest.mark.parametrize("page", PAGES[:2])
def test_only_qualitative_claims_points_to_evidence(page, qualitative_warehouse, monkeypatch):
    at = open_page(qualitative_warehouse, page, monkeypatch)
    assert "No numeric comparison is possible" in texts(at)


def test_only_qualitative_claims_on_evidence(qualitative_warehouse, monkeypatch):
    at = open_page(qualitative_warehouse, PAGES[3], monkeypatch)
    assert "fell short of expectations" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_single_region_warehouse(page, single_region_warehouse, monkeypatch):
    open_page(single_region_warehouse, page, monkeypatch)


def test_evidence_shows_bad_order_rows_and_names_an_older_warehouse(case_warehouse, tmp_path, monkeypatch):
    import shutil

    import duckdb

    with_rows, without_table = tmp_path / "with.duckdb", tmp_path / "old.duckdb"
    shutil.copyfile(case_warehouse, with_rows)
    shutil.copyfile(case_warehouse, without_table)
    with duckdb.connect(str(with_rows)) as con:
        seed(
            con,
            "order_rejects",
            [("unknown_country", "country", "UK", 17), ("missing_amount", "amount", None, 4)],
            columns=("reason", "column_name", "value", "rows"),
            dataset="orders",
            file="datasets/orders/order_rejects-2024-09.parquet",
            month="2024-09",
        )
    with duckdb.connect(str(without_table)) as con:  # built before the orders path: no order_rejects
        con.execute("drop table order_rejects")
        con.execute("update build_info set schema_fingerprint = 'an older version'")
    at = open_page(with_rows, PAGES[3], monkeypatch)
    assert "21 order rows left out of GMV across 1 month," in texts(at)
    assert any(sub.value == "Bad order rows (orders path)" for sub in at.subheader)
    at = open_page(without_table, PAGES[3], monkeypatch)  # no fallback: the version notice says to rebuild
    assert not at.exception
    assert any("another version of the product" in w.value and "impact run" in w.value for w in at.warning)
    assert not any(sub.value == "Bad order rows (orders path)" for sub in at.subheader)


@pytest.mark.parametrize("page", PAGES[:4])
def test_a_warehouse_of_an_older_build_says_to_rebuild(page, older_warehouse, monkeypatch):
    """No read falls back to an older warehouse's tables: the version notice names it, and a page that reads
    what it lacks says to rebuild instead of stopping with Streamlit's bare error box."""
    at = open_page(older_warehouse, page, monkeypatch)
    assert not at.exception
    assert any("another version of the product" in w.value and "impact run" in w.value for w in at.warning)


@pytest.mark.parametrize("page", PAGES[:3])
def test_chart_pages_offer_tables_as_csv_and_show_them_on_request(page, case_warehouse, monkeypatch):
    at = open_page(case_warehouse, page, monkeypatch)
    if page.endswith("trends.py"):
        at.multiselect(key="regions").set_value(["US"]).run()
    downloads = _table_downloads(at)
    assert downloads and not at.dataframe
    assert at.toggle(key="tables").label == "Show tables"
    at.toggle(key="tables").set_value(True).run()
    assert not at.exception
    assert len(at.dataframe) == len(_table_downloads(at)) == len(downloads)


def _table_downloads(at) -> list:
    """The tables' CSV downloads (the Scorecard's sidebar also offers its report as HTML and PDF)."""
    return [b for b in at.get("download_button") if b.proto.label not in ("HTML", "PDF")]


def test_a_number_of_periods_reads_as_words():
    from dashboard import widgets as ui

    assert ui.count_of(1, "year") == "1 year"
    assert ui.count_of(3, "half") == "3 halves"
    assert ui.count_of(0, "quarter") == "0 quarters"


def test_a_streak_of_one_period_is_singular_on_the_tiles(case_warehouse, monkeypatch):
    at = open_page(case_warehouse, PAGES[0], monkeypatch)
    streak = next(m for m in at.metric if m.label == "Current streak")
    assert streak.value == "1 year"  # the case study's default: the US, 2024
    assert streak.delta == "United States, 2024→2024"
    assert " 1 years" not in texts(at)


def test_tiles_are_short_enough_not_to_be_cut_off(case_warehouse, monkeypatch):
    """Five tiles across a laptop-width page (about 170 px each): '~ 100.0 USD bn' and 'Cumulative variance,
    Global (USD bn)' were cut off with an ellipsis. Units go into short labels, the region and period into
    the caption."""
    at = open_page(case_warehouse, PAGES[0], monkeypatch)
    tiles = {m.label: m for m in at.metric}
    assert list(tiles) == [
        "Actual (USD bn)",
        "Performance",
        "Variance, sum (USD bn)",
        "Regions worse",
        "Current streak",
    ]
    assert tiles["Actual (USD bn)"].value == "~ 100.0" and tiles["Actual (USD bn)"].delta == "+13.0"
    assert tiles["Variance, sum (USD bn)"].value == "+8.0"
    assert tiles["Regions worse"].value == "0 of 1" and tiles["Regions worse"].delta == "in 2025"
    assert tiles["Performance"].delta == "better than expected"
    assert "Tiles: Global, latest year 2025." in texts(at)
    assert all(len(m.label) <= 22 and len(str(m.value)) <= 10 for m in at.metric)


def test_upload_page_needs_no_warehouse_and_states_its_limit(tmp_path, monkeypatch):
    """The Upload page reads no warehouse: with none built it still offers the upload, with its size limit."""
    monkeypatch.setenv("IMPACT_WAREHOUSE", str(tmp_path / "nothing.duckdb"))
    monkeypatch.setenv("IMPACT_DATA_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Upload a spreadsheet"
    assert "CSV or .xlsx, at most 10 MB" in texts(at)
    assert str(tmp_path) not in texts(at)  # issue 28, fault 18: visitors are not shown the server's folders


def test_evidence_lists_the_exchange_rates_with_their_source(tmp_path, monkeypatch):
    from pipelines.ingest.assemble import load_all
    from pipelines.warehouse.build import build

    data = Path(__file__).resolve().parents[1] / "data" / "cases" / "constant-currency"
    shutil.copytree(data, tmp_path / "cc")
    (tmp_path / "cc" / "reference").mkdir()
    (tmp_path / "cc" / "reference" / "fx.csv").write_text(
        "currency,period,units_per_usd,source\nTRY,2021-01,7.4,Central Bank of the Republic of Turkey\n"
    )
    warehouse = build(load_all(tmp_path / "cc"), tmp_path / "cc.duckdb", tmp_path / "cc")
    at = open_page(warehouse, PAGES[3], monkeypatch)
    assert any(sub.value == "Exchange rates used" for sub in at.subheader)
    shown = [
        f.value for f in at.dataframe if "source" in f.value.columns and "first_month" in f.value.columns
    ]
    assert shown and set(shown[0]["source"]) >= {"Central Bank of the Republic of Turkey"}
    assert any(s.startswith("ECB") for s in shown[0]["source"])  # February to December: the ECB's
    with duckdb.connect(str(warehouse)) as con:  # built before the view: no fallback, the notice says so
        con.execute("drop table fx_rates_used")
        con.execute("update build_info set schema_fingerprint = 'an older version'")
    at = open_page(warehouse, PAGES[3], monkeypatch)
    assert not at.exception
    assert any("another version of the product" in w.value and "impact run" in w.value for w in at.warning)


# --- a warehouse built by another version of the product ---------------------------------------------------


def test_a_warehouse_of_another_version_is_named_not_a_bare_error(case_warehouse, tmp_path, monkeypatch):
    """An upgrade without a rebuild: build_info.schema_fingerprint differs from the dashboard's own SQL (or
    is missing: built before the column existed). The page says so and how to rebuild; a current build
    shows no such notice."""
    import duckdb

    at = open_page(case_warehouse, PAGES[0], monkeypatch)
    assert not any("another version" in w.value for w in at.warning)
    older = tmp_path / "older.duckdb"
    older.write_bytes(case_warehouse.read_bytes())
    con = duckdb.connect(str(older))
    con.execute("alter table build_info drop column schema_fingerprint")
    con.close()
    at = open_page(older, PAGES[0], monkeypatch)
    assert any("another version of the product" in w.value and "impact run" in w.value for w in at.warning)


def test_the_estimators_are_imported_in_the_background_after_the_first_page(case_warehouse):
    """A fresh server process: statsmodels is not loaded by the Scorecard, and is loaded once the first
    render has finished (the warm-up thread), before anybody opens the Impact page."""
    import subprocess
    import sys

    script = f"""
import os, sys, threading
os.environ["IMPACT_WAREHOUSE"] = {str(case_warehouse)!r}
from streamlit.testing.v1 import AppTest
before = "statsmodels.tsa.statespace.structural" in sys.modules
at = AppTest.from_file({APP!r}, default_timeout=120).run()
assert not at.exception
for thread in threading.enumerate():
    if thread.name == "warm-up":
        thread.join(60)
print(before, "statsmodels.tsa.statespace.structural" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-2:] == ["False", "True"]


@pytest.mark.parametrize("page", PAGES[:2])
def test_expectations_compared_with_nothing_are_counted_and_listed(case_warehouse, page, monkeypatch):
    at = open_page(case_warehouse, page, monkeypatch)
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        entity = at.selectbox(key="entity").value
        (n,) = con.execute(
            "select count(*) from unmatched_expectations where entity = ?", [entity]
        ).fetchone()
    assert n > 0  # the case study's TikTok Shop has a 2024-H2 target its months do not tile
    warnings = [w.value for w in at.warning]
    assert any(w.startswith(f"{n} expectation") and "could not be compared" in w for w in warnings), warnings
    (listed,) = [e for e in at.expander if e.label == f"Expectations compared with nothing ({n})"]
    lines = [m.value for m in listed.markdown if m.value.startswith("- ")]
    assert lines and lines[0].count("\n") == n - 1  # the list, one line each with its reason
    assert any("evidence?figures=" in m.value for m in listed.markdown)
