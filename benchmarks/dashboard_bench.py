"""Dashboard benchmark (not a timed test): query time per page, and browser time to charts drawn.

    .venv/bin/python benchmarks/dashboard_bench.py --warehouse data/warehouse.duckdb [--warehouse w1m.duckdb ...]
        [--browser] [--repeat 7]

Query time: each page's queries as the page runs them on a cold cache (`connection.clear_cache()`): the same
`dashboard.data` read functions with the page's default selection, inside one `connection.reading()` block, so
one short read-only connection is opened, used by every query and closed (its open and close are counted).
Median of --repeat runs per page; per-query medians beside it. "selection" is what a new entity, metric,
policy or grain costs once the warehouse-wide lists (figure counts, metrics, regions, events, build info)
are cached.

Browser time (--browser): `streamlit run dashboard/app.py` on a free port with IMPACT_WAREHOUSE set, and a
bare one-chart Streamlit + Plotly page (a temp file) on another, both in Debian's headless Chromium in the
same run, and a third bare page drawing the page's own first chart (its figure as the page drew it):
own_chart_vs_bare is what the chart itself costs, first_vs_bare what the whole page costs. For each page: from navigation start to the first and to the last `.js-plotly-plot` drawn; the
first load of a page (cold query cache) apart, then the median of `--repeat` loads with the queries cached,
each right after a load of the bare page, so both see the same machine: as a returning visitor (one browser
context, whose cache holds the static files: Streamlit's bundles and the 4.7 MB Plotly chunk) and as a first
visit (a new browser context each time, fetching every static file). Filter change: from the click on
another entity on the Scorecard to the last change inside its charts (the first change runs its queries,
later ones alternate between two cached entities).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.data import answers, catalog, evidence, scorecard, trends  # noqa: E402
from dashboard.data import connection as q  # noqa: E402
from dashboard.data import events as event_reads  # noqa: E402
from tests.browser.browser import CHROMIUM, CHROMIUM_ARGS, start_dashboard  # noqa: E402

Step = tuple[str, str, Callable[[], object]]  # (label, "warehouse" | "selection", call)


def page_steps(ident: q.Identity) -> dict[str, list[Step]]:
    """What each page asks `dashboard.data` for when it opens (default selection), in order."""
    with q.reading(ident):
        pairs = catalog.comparable_pairs(ident)
        entity, metric = pairs.row(0)[:2]
        kinds = pairs["expectation_kinds"][0].to_list()
        kind = "target" if "target" in kinds else kinds[0]
        regions = (
            trends.figure_counts_by_region(ident, entity, metric)
            .sort(["depth", "figures"], descending=[False, True])["region_code"]
            .to_list()[:2]
        )
        events = catalog.events(ident)
        grains, has_quarters = scorecard.comparison_grains(ident, entity, metric, kind, "at_period_end")
    q.clear_cache()
    grain = "quarter" if has_quarters else min(grains, key=["month", "quarter", "half", "year"].index)
    trend_grain = next(
        (g for g in ("month", "quarter", "half", "year") if g in grains), grain
    )  # the finest grain with both actuals and expectations
    event_id = events["event_id"][0] if events.height else ""
    with q.reading(ident):
        bridges = answers.bridges(ident)
    q.clear_cache()
    # the Bridge page opens on its first bridge (the reads' own order)
    bridge = tuple(bridges.row(0)[i] for i in (0, 1, 2, 4, 6)) if bridges.height else None
    series = (entity, metric, kind, "at_period_end")
    sidebar: list[Step] = [("build_info", "warehouse", lambda: catalog.build_info(ident))]
    chooser: list[Step] = [
        ("figure_counts + pairs", "warehouse", lambda: catalog.comparable_pairs(ident)),
        ("metrics", "warehouse", lambda: catalog.metrics(ident)),
    ]
    # the comparisons come joined from the read model (serve_*): no lookup tables to complete them with
    lookups: list[Step] = []
    scorecard_frame = (
        (lambda: scorecard.quarter_comparisons(ident, *series))
        if grain == "quarter" and has_quarters
        else (lambda: scorecard.comparisons(ident, *series, grain=grain))
    )
    return {
        "scorecard": sidebar
        + chooser
        + lookups
        + [
            ("comparison_grains", "selection", lambda: scorecard.comparison_grains(ident, *series)),
            ("comparisons (shown grain)", "selection", scorecard_frame),
            ("streaks", "selection", lambda: scorecard.streaks(ident, *series, grain=grain)),
        ],
        "trends": sidebar
        + chooser
        + lookups
        + [
            ("regions", "warehouse", lambda: catalog.regions(ident)),
            ("series_regions", "selection", lambda: trends.figure_counts_by_region(ident, entity, metric)),
            ("actuals", "selection", lambda: trends.actuals(ident, entity, metric, regions)),
            ("vintages", "selection", lambda: trends.vintages(ident, entity, metric, kind, regions)),
            (
                "shortfall periods",
                "selection",
                lambda: trends.shortfall_periods(ident, *series, trend_grain, regions[0]),
            ),
            ("events near regions", "selection", lambda: trends.events_near_regions(ident, regions)),
            ("entity parents", "warehouse", lambda: trends.entity_parents(ident)),
            ("pacing", "selection", lambda: trends.pacing(ident, entity, metric, "at_period_end", regions)),
        ],
        "scorecard vs last year": sidebar
        + chooser
        + [("prior_comparisons", "selection", lambda: answers.prior_comparisons(ident, entity, metric))],
        "bridge": sidebar
        + [("bridges", "warehouse", lambda: answers.bridges(ident))]
        + ([("bridge_steps", "selection", lambda: answers.bridge_steps(ident, *bridge))] if bridge else []),
        "track record": sidebar
        + [
            ("track_record", "selection", lambda: answers.track_record(ident, "latest")),
            ("worst_misses", "selection", lambda: answers.worst_misses(ident, "latest")),
        ],
        "events": sidebar
        + [
            ("events", "warehouse", lambda: catalog.events(ident)),
            ("metrics", "warehouse", lambda: catalog.metrics(ident)),
            ("event_windows", "selection", lambda: event_reads.event_windows(ident, event_id)),
        ],
        "evidence": sidebar
        + [
            ("figure_counts", "warehouse", lambda: catalog.figure_counts(ident)),
            ("claims", "selection", lambda: evidence.claims(ident, None, None)),
            ("evidence (first rows)", "selection", lambda: evidence.evidence(ident, None, None)),
            ("disagreement (widest)", "selection", lambda: evidence.disagreement(ident, None, None)),
            ("disagreement_count", "selection", lambda: evidence.disagreement_count(ident, None, None)),
            ("loads", "warehouse", lambda: evidence.loads(ident)),
            ("rejected", "warehouse", lambda: evidence.rejected(ident)),
        ],
    }


def run_page(ident: q.Identity, steps: list[Step], cached_scope: str | None = None) -> dict[str, float]:
    """One cold render's queries through one connection; ms per step, plus connect+close and the total.

    With cached_scope="warehouse", the warehouse-wide steps are run (and cached) before the clock starts.
    """
    q.clear_cache()
    if cached_scope:
        with q.reading(ident):
            for _, scope, call in steps:
                if scope == cached_scope:
                    call()
    times: dict[str, float] = {}
    started = time.perf_counter()
    with q.reading(ident) as reader:
        reader.con = q.connect(ident)
        times["(connect)"] = (time.perf_counter() - started) * 1000
        for label, scope, call in steps:
            if cached_scope and scope == cached_scope:
                continue
            t = time.perf_counter()
            call()
            times[label] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
    times["(close)"] = (time.perf_counter() - t) * 1000
    times["(page total)"] = (time.perf_counter() - started) * 1000
    return times


def bench_queries(warehouse: Path, repeat: int) -> pl.DataFrame:
    ident = q.identity(warehouse)
    rows = []
    for page, steps in page_steps(ident).items():
        for mode, cached in (("cold", None), ("selection", "warehouse")):
            runs = [run_page(ident, steps, cached) for _ in range(repeat)]
            for label in runs[0]:
                if mode == "selection" and label not in ("(page total)",):
                    continue
                rows.append(
                    {
                        "warehouse": warehouse.name,
                        "page": page,
                        "query": label if mode == "cold" else "(selection total)",
                        "median_ms": round(statistics.median(r[label] for r in runs), 1),
                    }
                )
    return pl.DataFrame(rows)


# --- browser ----------------------------------------------------------------------------------------------

BARE_PAGE = """
import plotly.graph_objects as go
import streamlit as st

st.title("Bare page")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3, 4], y=[3, 1, 4, 1])), theme=None)
"""
# The page's own first chart on a bare page: the figure (data and layout as Plotly.js holds them, taken from
# the page's first `.js-plotly-plot`) in a JSON file named by the `fig` query parameter. Against the plain bare
# page it says what the chart itself costs; against the page, what the rest of the page does.
OWN_CHART_PAGE = """
import json
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

st.title("Bare page, the page's own chart")
spec = json.loads(Path(st.query_params["fig"]).read_text())
st.plotly_chart(go.Figure(spec), theme=None)
"""
GRAB_CHART = (
    "(() => { const g = document.querySelector('.js-plotly-plot');"
    " return JSON.stringify({data: g.data, layout: g.layout}); })()"
)
# Records, from navigation start (performance.now()), when the number of drawn Plotly charts last grew and
# when anything inside a chart last changed.
WATCH_PLOTS = """
window.__plots = {count: 0, firstAt: null, grewAt: null, changedAt: null, anyAt: null};
new MutationObserver((mutations) => {
  const now = performance.now();
  const drawn = document.querySelectorAll('.js-plotly-plot .main-svg').length;
  if (drawn > window.__plots.count) {
    window.__plots.grewAt = now;
    if (window.__plots.firstAt === null) { window.__plots.firstAt = now; }
  }
  window.__plots.count = drawn;
  window.__plots.anyAt = now;
  for (const m of mutations) {
    const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    if (el && el.closest && el.closest('.js-plotly-plot')) { window.__plots.changedAt = now; break; }
  }
}).observe(document, {childList: true, subtree: true, attributes: true, characterData: true});
"""
RUNNING = (
    "(() => { const s = document.querySelector('[data-testid=\"stStatusWidget\"]');"
    " return !!s && s.innerText.includes('Running'); })()"
)
PAGES = {"scorecard": "", "trends": "trends", "events": "events", "evidence": "evidence"}
VIEWPORT = {"width": 1400, "height": 1000}


def settle(page, quiet_ms: int = 1500, timeout_s: float = 120, charts: bool = True) -> None:
    """Until at least one chart is drawn (if `charts`), the script is not running, and no chart changed
    for quiet_ms."""
    if charts:
        page.wait_for_function("window.__plots && window.__plots.count > 0", timeout=timeout_s * 1000)
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        state = page.evaluate(
            f"({{running: {RUNNING}, now: performance.now(), "
            "last: Math.max(window.__plots.grewAt || 0, window.__plots.changedAt || 0)})"
        )
        if not state["running"] and state["now"] - state["last"] > quiet_ms:
            return
        time.sleep(0.1)
    raise TimeoutError("the page did not settle")


def time_to_charts(browser, url: str, keep_chart: Path | None = None) -> tuple[float, float]:
    """ms from navigation start to the first and to the last chart drawn, in a new tab of `browser` (a
    Playwright browser context: the returning visitor's, whose cache holds the static files, or a new one,
    a first visit's, which fetches them all). With `keep_chart`, the first chart's figure is written there."""
    page = browser.new_page()
    try:
        page.add_init_script(WATCH_PLOTS)
        page.goto(url, wait_until="commit")
        settle(page)
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError(f"exception shown at {url}")
        if keep_chart is not None:
            keep_chart.write_text(page.evaluate(GRAB_CHART))
        return page.evaluate("[window.__plots.firstAt, window.__plots.grewAt]")
    finally:
        page.close()


def first_visit(browser, url: str) -> tuple[float, float]:
    """time_to_charts in a new browser context: an empty cache, every static file fetched (5 MB of Plotly)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        return time_to_charts(context, url)
    finally:
        context.close()


def time_filter_changes(browser, url: str, entities: list[str], changes: int) -> list[float]:
    """ms from picking another entity on the Scorecard to the last change inside its charts."""
    page = browser.new_page()
    times = []
    try:
        page.add_init_script(WATCH_PLOTS)
        page.goto(url)
        settle(page)
        for i in range(changes):
            page.get_by_test_id("stSidebar").locator('[data-testid="stSelectbox"]').filter(
                has_text="Entity"
            ).click()
            option = page.get_by_role("option", name=entities[(i + 1) % len(entities)], exact=True)
            option.wait_for()
            page.evaluate(
                "window.__plots.changedAt = null; window.__plots.anyAt = null; window.__t0 = performance.now()"
            )
            option.click()
            page.wait_for_function("window.__plots.anyAt !== null", timeout=60_000)
            settle(page, charts=False)
            # the last change inside a chart; if the new selection has no chart, the last change at all
            times.append(page.evaluate("(window.__plots.changedAt ?? window.__plots.anyAt) - window.__t0"))
    finally:
        page.close()
    return times


def bench_browser(warehouses: list[Path], repeat: int, pages: list[str] | None = None) -> pl.DataFrame:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        bare_script = Path(tmp) / "bare.py"
        bare_script.write_text(BARE_PAGE)
        own_script = Path(tmp) / "own_chart.py"
        own_script.write_text(OWN_CHART_PAGE)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        bare, bare_url = start_dashboard(None, bare_script, timeout=90)
        own, own_url = start_dashboard(None, own_script, timeout=90)
        try:
            for warehouse in warehouses:
                proc, url = start_dashboard(warehouse.resolve(), timeout=90)
                try:
                    # The returning visitor: one browser context, its cache warmed with both apps' static files.
                    returning = browser.new_context(viewport=VIEWPORT)
                    time_to_charts(returning, bare_url)
                    for name, path in PAGES.items():
                        if pages and name not in pages:
                            continue
                        # the page's first load runs its queries (cold query cache); then bare and page
                        # alternate, as returning and as first visits, so a drift in load hits both alike
                        figure = Path(tmp) / f"{warehouse.stem}-{name}.json"
                        cold = time_to_charts(returning, f"{url}/{path}", keep_chart=figure)
                        own_chart = f"{own_url}/?fig={urllib.parse.quote(str(figure))}"
                        time_to_charts(returning, own_chart)
                        runs = {"bare": [], "own": [], "page": [], "bare_first": [], "page_first": []}
                        for _ in range(repeat):
                            runs["bare"].append(time_to_charts(returning, bare_url)[0])
                            runs["own"].append(time_to_charts(returning, own_chart)[0])
                            runs["page"].append(time_to_charts(returning, f"{url}/{path}"))
                            runs["bare_first"].append(first_visit(browser, bare_url)[0])
                            runs["page_first"].append(first_visit(browser, f"{url}/{path}")[0])
                        bare_ms = statistics.median(runs["bare"])
                        first = statistics.median(f for f, _ in runs["page"])
                        bare_first_visit = statistics.median(runs["bare_first"])
                        first_visit_ms = statistics.median(runs["page_first"])
                        rows.append(
                            {"warehouse": warehouse.name, "what": f"{name}: charts drawn",
                             "cold_first_ms": round(cold[0]), "bare_ms": round(bare_ms),
                             "first_chart_ms": round(first),
                             "all_charts_ms": round(statistics.median(last for _, last in runs["page"])),
                             "first_vs_bare": round(first / bare_ms, 2),
                             "own_chart_vs_bare": round(statistics.median(runs["own"]) / bare_ms, 2),
                             "first_visit_bare_ms": round(bare_first_visit),
                             "first_visit_ms": round(first_visit_ms),
                             "first_visit_vs_bare": round(first_visit_ms / bare_first_visit, 2)}
                        )  # fmt: skip
                    ident = q.identity(warehouse)
                    with q.reading(ident):
                        entities = catalog.comparable_pairs(ident)["entity"].unique(maintain_order=True)
                    changes = time_filter_changes(returning, url, entities.to_list()[:2], repeat + 2)
                    returning.close()
                    rows.append(
                        {"warehouse": warehouse.name, "what": "scorecard: filter change redrawn",
                         "cold_first_ms": round(changes[0]),
                         "all_charts_ms": round(statistics.median(changes))}
                    )  # fmt: skip
                    print(
                        pl.DataFrame(rows, infer_schema_length=None).filter(
                            pl.col("warehouse") == warehouse.name
                        ),
                        flush=True,
                    )
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
        finally:
            for server in (bare, own):
                server.terminate()
                server.wait(timeout=30)
            browser.close()
    return pl.DataFrame(rows, infer_schema_length=None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", action="append", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--no-queries", action="store_true", help="only the browser part")
    parser.add_argument(
        "--pages", default=",".join(PAGES), help="browser part: these pages (comma-separated)"
    )
    args = parser.parse_args()
    pl.Config.set_tbl_rows(200)
    pl.Config.set_fmt_str_lengths(60)
    pl.Config.set_tbl_cols(-1)
    pl.Config.set_tbl_width_chars(250)
    print(f"load average: {os.getloadavg()}, cores: {os.cpu_count()}", flush=True)
    if not args.no_queries:
        for warehouse in args.warehouse:
            print(bench_queries(warehouse, args.repeat), flush=True)
    if args.browser:
        bench_browser(args.warehouse, args.repeat, args.pages.split(","))
    print(f"load average: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
