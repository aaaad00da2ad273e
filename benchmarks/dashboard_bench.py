"""Dashboard benchmark (not a timed test): query time per page, and browser time to charts drawn.

    .venv/bin/python benchmarks/dashboard_bench.py --warehouse data/warehouse.duckdb [--warehouse w1m.duckdb ...]
        [--browser] [--repeat 7]

Query time: each page's queries through `dashboard.queries.run_query` (uncached: a fresh read-only
connection per query, as on a cold cache), median of --repeat runs, for the series the page opens with.
Browser time (--browser): `streamlit run` on a free port, headless Chromium; from navigation start to the
last Plotly chart drawn, for each page, against a bare one-chart Streamlit + Plotly page measured in the same
run; and from a filter change (the grain control) to the charts redrawn.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import polars as pl

from dashboard import queries as q


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def page_queries(ident: q.Identity) -> dict[str, list]:
    """The queries each page runs when it opens (default selection), as (label, sql, params)."""
    pairs = q.run_query(ident, q.COMPARABLE_PAIRS)
    entity, metric = pairs.row(0)[:2]
    kind = (
        "target" if "target" in pairs["expectation_kinds"][0].to_list() else pairs["expectation_kinds"][0][0]
    )
    regions = (
        q.run_query(ident, q.SERIES_REGIONS, [entity, metric])
        .sort(["depth", "figures"], descending=[False, True])["region_code"]
        .to_list()[:2]
    )
    series = [entity, metric, kind, "at_period_end"]
    events = q.run_query(ident, q.EVENTS)
    event_id = events["event_id"][0] if events.height else ""
    common = [("pairs", q.COMPARABLE_PAIRS, []), ("build_info", q.BUILD_INFO, []), ("metrics", q.METRICS, [])]
    return {
        "scorecard": common
        + [
            ("comparisons", q.COMPARISONS, series),
            ("quarter_comparisons", q.QUARTER_COMPARISONS, series),
            ("streaks", q.STREAKS, series),
        ],
        "trends": common
        + [
            ("regions", q.REGIONS, []),
            ("series_regions", q.SERIES_REGIONS, [entity, metric]),
            ("actuals", q.ACTUALS, [entity, metric, regions]),
            ("vintages", q.VINTAGES, [entity, metric, regions]),
            ("comparisons", q.COMPARISONS, series),
            ("events", q.EVENTS, []),
            ("pacing", q.PACING, [entity, metric, "at_period_end", regions]),
        ],
        "events": common + [("events", q.EVENTS, []), ("event_windows", q.EVENT_WINDOWS, [event_id])],
        "evidence": [
            ("figure_counts", q.FIGURE_COUNTS, []),
            ("build_info", q.BUILD_INFO, []),
            ("claims", q.CLAIMS, [None] * 4),
            ("evidence", q.EVIDENCE, [None] * 4 + [20_000]),
            ("disagreement", q.DISAGREEMENT, [None] * 4),
            ("loads", q.LOADS, []),
            ("rejected", q.REJECTED, []),
        ],
    }


def bench_queries(warehouse: Path, repeat: int) -> pl.DataFrame:
    ident = q.identity(warehouse)
    rows = []
    for page, queries in page_queries(ident).items():
        total = 0.0
        for label, sql, params in queries:
            ms = _median_ms(lambda sql=sql, params=params: q.run_query(ident, sql, params), repeat)
            total += ms
            rows.append(
                {"warehouse": warehouse.name, "page": page, "query": label, "median_ms": round(ms, 1)}
            )
        rows.append(
            {"warehouse": warehouse.name, "page": page, "query": "(page total)", "median_ms": round(total, 1)}
        )
    return pl.DataFrame(rows)


HEAVY_VIEWS = [
    "actual_figures",
    "chosen_expectations",
    "actual_vs_expectation",
    "variance_by_region_quarter",
    "shortfall_streaks",
    "pacing",
    "expectation_revisions",
    "source_disagreement",
    "qualitative_claims",
    "figure_evidence",
    "event_windows",
]


def materialised_copy(warehouse: Path) -> Path:
    """A copy of the warehouse with the heavy views stored as tables, sorted by series (what-if for the
    build step): the dashboard's queries are unchanged, only the objects they read differ."""
    import shutil

    import duckdb

    target = warehouse.with_name(warehouse.stem + ".materialised.duckdb")
    shutil.copyfile(warehouse, target)
    con = duckdb.connect(str(target))
    try:
        con.execute("set enable_progress_bar = false")
        for view in HEAVY_VIEWS:
            columns = [r[0] for r in con.sql(f"select * from {view} limit 0").description]
            order = ", ".join(c for c in ("entity", "metric", "region_code") if c in columns) or "1"
            con.execute(f"create table {view}__m as select * from {view} order by {order}")
        for view in reversed(HEAVY_VIEWS):
            con.execute(f"drop view if exists {view} cascade")
        for view in HEAVY_VIEWS:
            con.execute(f"alter table {view}__m rename to {view}")
        con.execute("checkpoint")
    finally:
        con.close()
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", action="append", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--browser", action="store_true")
    parser.add_argument(
        "--materialised",
        action="store_true",
        help="also measure a copy with the heavy views stored as tables",
    )
    args = parser.parse_args()
    pl.Config.set_tbl_rows(200)
    for warehouse in args.warehouse:
        print(bench_queries(warehouse, args.repeat), flush=True)
        if args.materialised:
            started = time.perf_counter()
            copy = materialised_copy(warehouse)
            print(f"materialised {warehouse.name} in {time.perf_counter() - started:.1f} s", flush=True)
            print(bench_queries(copy, args.repeat), flush=True)
    if args.browser:
        print("browser timing is not implemented yet: see tests/dashboard/test_browser.py for the harness")


if __name__ == "__main__":
    main()
