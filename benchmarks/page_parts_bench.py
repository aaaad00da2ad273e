"""What the parts of a dashboard page cost the browser (not a timed test): the page's own first chart on a
bare Streamlit page, with the page's kinds of elements added one group at a time.

    .venv/bin/python benchmarks/page_parts_bench.py --warehouse data/warehouse.duckdb --page trends \\
        [--repeat 9] [--variant nav,select1 --variant nav,select1,metrics ...]

The dashboard page is opened once and its first chart's figure taken as Plotly.js drew it. Then a bare page
(title + that chart, served like the dashboard, `impact dashboard`'s command) is served once per variant, each
variant adding parts before the chart: `nav` (st.navigation over six pages), `fragment` (a sidebar fragment
rerun every 5 s, as the dashboard's new-build watch), `caption` (sidebar and main captions), `select1` (one
sidebar selectbox), `select4` (four: the issue's entity, metric, kind and policy), `selects` (five), `segs` / `radios` / `pills` (five segmented controls / radios / pills),
`multiselect`, `slider` (a range select_slider), `toggle`, `seg1` (one segmented control), `metrics` (four
metric tiles), `expander` (a collapsed sidebar expander holding a multiselect, a toggle and a slider), `after`
(a subheader and three download buttons after the chart), `chartfirst` (the chart drawn before the
other parts, in the same places on the page), `popover` (the sidebar's widgets in a "Filters" popover), `preload` (an `st.html` script importing
Plotly's chunk as the page's first element). Loads alternate: the 4-point bare page of
dashboard_bench.py, each variant, the page itself; returning visits in one browser context (static files
cached). Printed: the median time from navigation start to the first chart drawn, and its ratio to the bare
page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.dashboard_bench import BARE_PAGE, PAGES, VIEWPORT, time_to_charts  # noqa: E402
from tests.browser.browser import CHROMIUM, CHROMIUM_ARGS, start_dashboard  # noqa: E402

PARTS_PAGE = """
import json
import os
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

parts = set(os.environ["PARTS"].split(","))
spec = json.loads(Path(os.environ["FIGURE"]).read_text())
OPTIONS = ["a", "b", "c"]
YEARS = [2020, 2021, 2022, 2023, 2024]


PRELOAD = '''<script>
(() => {
  const main = document.querySelector('script[src*="/static/js/index."]');
  if (main) { import(new URL("%s", main.src).href); }
})();
</script>''' % next(Path(st.__file__).parent.joinpath("static/static/js").glob("PlotlyChart.*.js")).name


def body():
    if "preload" in parts:
        st.html(PRELOAD, unsafe_allow_javascript=True)
    st.title("Bare page, the page's own chart")
    top = st.container()  # the main area's parts above the chart, filled in script order
    if "chartfirst" in parts:  # the chart's delta sent before every widget's
        st.plotly_chart(go.Figure(spec), theme=None)
    if "fragment" in parts:

        @st.fragment(run_every="5s")
        def watch():
            st.session_state.setdefault("seen", 1)

        with st.sidebar:
            watch()
    side = st.sidebar.popover("Filters", width="stretch") if "popover" in parts else st.sidebar
    if "caption" in parts:
        st.sidebar.caption("Data built 3 min ago (2026-11-24 22:36 UTC)")
        top.caption("TikTok · revenue per quarter: actual (solid) against consensus (dashed: original).")
    if "select1" in parts:
        side.selectbox("Entity", OPTIONS, key="entity")
    if "select4" in parts:  # the issue's series filters: entity, metric, expectation kind, policy
        for name in ("Entity", "Metric", "Expectation", "Compare with"):
            side.selectbox(name, OPTIONS, key="select4" + name)
    for kind in ("selects", "segs", "radios", "pills"):
        if kind in parts:
            for name in ("Entity ", "Metric", "Expectation", "Policy", "Grain"):
                if kind == "selects":
                    side.selectbox(name, OPTIONS, key=kind + name)
                elif kind == "segs":
                    side.segmented_control(name, OPTIONS, default="a", key=kind + name)
                elif kind == "radios":
                    side.radio(name, OPTIONS, key=kind + name, horizontal=True)
                else:
                    side.pills(name, OPTIONS, default="a", key=kind + name)
    if "slider" in parts:
        side.select_slider("Years", options=YEARS, value=(2020, 2024))
    if "seg1" in parts:
        side.segmented_control("Period grain", ["auto", "month", "quarter"], default="auto")
    if "multiselect" in parts:
        side.multiselect("Regions", ["United States (US)", "World (WORLD)"], default=["World (WORLD)"])
    if "toggle" in parts:
        side.toggle("Show tables")
    if "expander" in parts:
        with st.sidebar.expander("More"):
            st.multiselect("Regions ", ["United States (US)", "World (WORLD)"], default=["World (WORLD)"])
            st.toggle("Show tables ")
            st.select_slider("Years ", options=YEARS, value=(2020, 2024))
    if "metrics" in parts:
        for i, column in enumerate(top.columns(4)):
            column.metric(f"tile {i}", "1.2 bn USD", delta="-0.3 bn USD vs 1.5 expected")
    if "chartfirst" not in parts:
        st.plotly_chart(go.Figure(spec), theme=None)
    if "after" in parts:
        st.subheader("Figures in the chart")
        for i in range(3):
            st.download_button(f"CSV {i}", b"a,b\\n1,2\\n", file_name=f"t{i}.csv", on_click="ignore")


if "nav" in parts:
    others = ["Trends", "Events", "Impact", "Evidence", "SQL"]
    pages = [st.Page(body, title="Scorecard", icon=":material/grid_on:", url_path="scorecard", default=True)]
    pages += [
        st.Page(lambda n=n: st.write(n), title=n, icon=":material/event:", url_path=n.lower()) for n in others
    ]
    st.navigation(pages).run()
else:
    body()
"""

DEFAULT_VARIANTS = [
    "none",
    "nav,fragment,caption,select1",
    "nav,fragment,caption,select1,multiselect",
    "nav,fragment,caption,select1,slider",
    "nav,fragment,caption,select1,toggle",
    "nav,fragment,caption,select1,seg1",
    "nav,fragment,caption,select1,metrics",
    "nav,fragment,caption,select1,multiselect,slider,toggle,seg1,metrics",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--page", default="trends", choices=list(PAGES))
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--variant", action="append", help="comma-separated parts (see the docstring)")
    args = parser.parse_args()
    variants = args.variant or DEFAULT_VARIANTS
    from playwright.sync_api import sync_playwright

    print(f"load average: {os.getloadavg()}, cores: {os.cpu_count()}", flush=True)
    servers = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            bare_script, parts_script = Path(tmp) / "bare.py", Path(tmp) / "parts.py"
            bare_script.write_text(BARE_PAGE)
            parts_script.write_text(PARTS_PAGE)
            bare, bare_url = start_dashboard(None, bare_script, timeout=90)
            dashboard, url = start_dashboard(args.warehouse.resolve(), timeout=90)
            servers += [bare, dashboard]
            page_url = f"{url}/{PAGES[args.page]}"
            context = browser.new_context(viewport=VIEWPORT)
            figure = Path(tmp) / "figure.json"
            time_to_charts(context, page_url, keep_chart=figure)
            json.loads(figure.read_text())  # a figure was taken
            urls = {"bare (4 points)": bare_url}
            for variant in variants:
                os.environ.update(PARTS=variant, FIGURE=str(figure))
                server, variant_url = start_dashboard(None, parts_script, timeout=90)
                servers.append(server)
                urls[f"own chart + {variant}"] = variant_url
            urls[f"the {args.page} page"] = page_url
            for u in urls.values():  # warm each server and the browser cache
                time_to_charts(context, u)
            runs: dict[str, list[float]] = {name: [] for name in urls}
            for _ in range(args.repeat):
                for name, u in urls.items():
                    runs[name].append(time_to_charts(context, u)[0])
            bare_ms = statistics.median(runs["bare (4 points)"])
            for name, times in runs.items():
                ms = statistics.median(times)
                print(f"{name:75s} {ms:7.0f} ms  x{ms / bare_ms:.2f}", flush=True)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
            browser.close()
    print(f"load average: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
