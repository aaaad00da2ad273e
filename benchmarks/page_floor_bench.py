"""Each dashboard page against its own floor (issue 16's speed target; not a timed test).

    .venv/bin/python benchmarks/page_floor_bench.py --warehouse data/warehouse.duckdb \\
        [--page scorecard --page trends ...] [--repeat 9] [--first-visits 3] [--out results.json]

The target: each page's first chart within 1.10x of a bare page that carries the same widget kinds (the
framework's own floor for that page), measured in one run; the first visit after a new build within 1.5x of
that floor's first visit.

The floor is built from the page itself, not written by hand: the page is opened once and every element
Streamlit drew is listed in document order (`[data-testid="stElementContainer"] > [data-testid]`, sidebar
and main area apart), and every chart's figure is taken as Plotly.js holds it. The floor page is then
generated from that inventory: the same `st.navigation` over seven pages, the sidebar's 5-second fragment,
and for each element the plain Streamlit call of its kind with a small constant argument (a selectbox of
three options, a multiselect with two chosen, a range select_slider, a segmented control, a toggle, metric
tiles in as many columns, captions, markdown, an expander, download buttons, data grids of 20 rows, alerts,
page links) and the page's own charts as drawn, in the same order. So the floor has everything the page
shows, and nothing the page computes: what remains between the two is the page's own work (queries,
Polars, building figures).

Loads alternate between the floor and the page:
- returning visit: one browser context (static files cached), query cache warm; median of --repeat;
- first visit after a new build: a new browser context each time (every static file fetched) and, for the
  page, a new warehouse identity (the file copied and swapped in with os.replace, as a build publishes),
  so its queries run cold; median of --first-visits.
Printed per page: medians in ms and the ratios; --out writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.dashboard_bench import VIEWPORT, WATCH_PLOTS, settle  # noqa: E402
from tests.browser.browser import CHROMIUM, CHROMIUM_ARGS, start_dashboard  # noqa: E402

PAGES = {
    "scorecard": "",
    "trends": "trends",
    "events": "events",
    # the case study's default event has no estimate to draw (two yearly points): the operator demo's ban has
    "impact": "impact?event=ILL-BAN-TH",
    "evidence": "evidence",
}

# Every element Streamlit drew, in document order: its kind (the element's data-testid), whether it is in
# the sidebar, and for charts their figure.
INVENTORY = """
(() => {
  const out = [];
  for (const box of document.querySelectorAll('[data-testid="stElementContainer"]')) {
    const el = box.firstElementChild;
    if (!el) continue;
    const inner = el.getAttribute('data-testid') ? el : el.querySelector('[data-testid]');
    const kind = inner ? inner.getAttribute('data-testid') : 'unknown';
    const plot = box.querySelector('.js-plotly-plot');
    const item = {kind: plot ? 'plot' : kind, sidebar: !!box.closest('[data-testid="stSidebar"]'),
                  expander: !!box.parentElement.closest('[data-testid="stExpander"]')};
    if (plot) item.figure = {data: plot.data, layout: plot.layout};
    if (kind === 'stMetric') item.columns = box.closest('[data-testid="stHorizontalBlock"]')
        ? box.closest('[data-testid="stHorizontalBlock"]').children.length : 1;
    out.push(item);
  }
  return JSON.stringify(out);
})()
"""

FLOOR_PAGE = """
import json
import os
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import streamlit as st

items = json.loads(Path(os.environ["INVENTORY"]).read_text())
OPTIONS = ["a", "b", "c"]
GRID = pl.DataFrame({"region": [f"r{i}" for i in range(20)], "value": [float(i) for i in range(20)]})


def draw(where, item, n):
    kind = item["kind"]
    key = f"w{n}"
    if kind == "plot":
        where.plotly_chart(go.Figure(item["figure"]), theme=None, key=key)
    elif kind == "stSelectbox":
        where.selectbox(f"Select {n}", OPTIONS, key=key)
    elif kind == "stMultiSelect":
        where.multiselect(f"Pick {n}", OPTIONS, default=OPTIONS[:2], key=key)
    elif kind == "stSlider":
        where.select_slider(f"Range {n}", options=[2020, 2021, 2022, 2023, 2024], value=(2020, 2024), key=key)
    elif kind == "stButtonGroup":
        where.segmented_control(f"Grain {n}", OPTIONS, default="a", key=key)
    elif kind == "stCheckbox":
        where.toggle(f"Toggle {n}", key=key)
    elif kind == "stRadio":
        where.radio(f"Radio {n}", OPTIONS, key=key, horizontal=True)
    elif kind == "stCaption":
        where.caption("A caption of about one line, as the pages write under their charts and tiles.")
    elif kind in ("stMarkdown", "stMarkdownContainer"):
        where.markdown("Some **markdown** text with a [link](https://example.org) in it.")
    elif kind == "stHeading":
        where.subheader("A heading")
    elif kind == "stDownloadButton":
        where.download_button(f"CSV {n}", b"a,b\\n1,2\\n", file_name=f"t{n}.csv", on_click="ignore", key=key)
    elif kind in ("stDataFrame", "stFullScreenFrame"):
        where.dataframe(GRID, hide_index=True, key=key)
    elif kind == "stAlert":
        where.info("A notice of one line.")
    elif kind == "stPageLink":
        where.page_link(pages[1], label="Another page")
    elif kind == "stButton":
        where.button(f"Button {n}", key=key)
    elif kind == "stCode":
        where.code("select 1")
    elif kind == "stTextArea":
        where.text_area(f"Text {n}", "select 1", key=key)
    elif kind == "stTable":
        where.table(GRID.head(5))
    elif kind == "stJson":
        where.json({"a": 1})
    else:
        where.markdown(f"({kind})")


def body():
    st.title("Floor page: the same elements")

    @st.fragment(run_every="5s")
    def watch():
        st.session_state.setdefault("seen", 1)

    with st.sidebar:
        watch()
    expander = {}
    n = 0
    metrics = []
    for item in items:
        n += 1
        if item["kind"] == "stTitle" or item["kind"] == "stHeading" and n == 1:
            continue
        base = st.sidebar if item["sidebar"] else st
        if item.get("expander"):
            if item["sidebar"] not in expander:
                expander[item["sidebar"]] = base.expander("More", expanded=True)
            base = expander[item["sidebar"]]
        if item["kind"] == "stMetric":
            metrics.append(item)
            if len(metrics) < item.get("columns", 1):
                continue
            for i, column in enumerate(base.columns(len(metrics))):
                column.metric(f"tile {n}-{i}", "1.2 bn USD", delta="-0.3 bn USD vs 1.5 expected")
            metrics = []
            continue
        draw(base, item, n)


others = ["Trends", "Events", "Impact", "Evidence", "SQL", "Upload"]
pages = [st.Page(body, title="Scorecard", url_path="scorecard", default=True)]
pages += [st.Page(lambda n=n: st.write(n), title=n, url_path=n.lower()) for n in others]
st.navigation(pages).run()
"""


def open_page(context, url: str, script: str | None = None):
    page = context.new_page()
    page.add_init_script(WATCH_PLOTS)
    page.goto(url, wait_until="commit")
    try:
        settle(page)
    except Exception:
        page.screenshot(path="/tmp/floor_bench_timeout.png")
        raise RuntimeError(f"no chart settled at {url}: /tmp/floor_bench_timeout.png") from None
    if page.locator('[data-testid="stException"]').count():
        page.close()
        raise RuntimeError(f"exception shown at {url}")
    result = page.evaluate(script) if script else page.evaluate("window.__plots.firstAt")
    page.close()
    return result


def first_visit(browser, url: str) -> float:
    context = browser.new_context(viewport=VIEWPORT)
    try:
        return open_page(context, url)
    finally:
        context.close()


def new_build(warehouse: Path) -> None:
    """A new warehouse identity, as `impact run` publishes one: a copy swapped in atomically."""
    copy = warehouse.with_name(warehouse.name + ".next")
    shutil.copyfile(warehouse, copy)
    os.replace(copy, warehouse)


def bench_page(browser, page: str, url: str, warehouse: Path, tmp: Path, repeat: int, firsts: int) -> dict:
    context = browser.new_context(viewport=VIEWPORT)
    inventory = json.loads(open_page(context, url, INVENTORY))
    kinds = sorted({i["kind"] for i in inventory})
    spec = tmp / f"{page}.json"
    spec.write_text(json.dumps(inventory))
    os.environ["INVENTORY"] = str(spec)
    script = tmp / f"floor_{page}.py"
    script.write_text(FLOOR_PAGE)
    server, floor_url = start_dashboard(None, script, timeout=90)
    try:
        open_page(context, floor_url)  # warm the server and the cache
        open_page(context, url)
        floor, real = [], []
        for _ in range(repeat):
            floor.append(open_page(context, floor_url))
            real.append(open_page(context, url))
        floor_first, real_first = [], []
        for _ in range(firsts):
            floor_first.append(first_visit(browser, floor_url))
            new_build(warehouse)
            real_first.append(first_visit(browser, url))
    finally:
        context.close()
        server.terminate()
        server.wait(timeout=30)
    result = {
        "page": page,
        "elements": len(inventory),
        "kinds": kinds,
        "floor_ms": statistics.median(floor),
        "page_ms": statistics.median(real),
        "floor_first_visit_ms": statistics.median(floor_first),
        "page_first_visit_after_build_ms": statistics.median(real_first),
    }
    result["ratio"] = result["page_ms"] / result["floor_ms"]
    result["first_visit_ratio"] = result["page_first_visit_after_build_ms"] / result["floor_first_visit_ms"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="copied: the benchmark swaps builds in")
    parser.add_argument("--page", action="append", choices=list(PAGES))
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--first-visits", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"load average: {os.getloadavg()}, cores: {os.cpu_count()}", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp_name, sync_playwright() as p:
        tmp = Path(tmp_name)
        warehouse = tmp / "warehouse.duckdb"
        shutil.copyfile(args.warehouse, warehouse)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        server, url = start_dashboard(warehouse, timeout=90)
        try:
            for page in args.page or list(PAGES):
                r = bench_page(
                    browser, page, f"{url}/{PAGES[page]}", warehouse, tmp, args.repeat, args.first_visits
                )
                results.append(r)
                print(
                    f"{page:10s} {r['elements']:3d} elements  returning: page {r['page_ms']:6.0f} ms, floor "
                    f"{r['floor_ms']:6.0f} ms, x{r['ratio']:.2f}  |  first visit after a build: page "
                    f"{r['page_first_visit_after_build_ms']:6.0f} ms, floor {r['floor_first_visit_ms']:6.0f} ms, "
                    f"x{r['first_visit_ratio']:.2f}  kinds: {', '.join(r['kinds'])}",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
            browser.close()
    print(f"load average: {os.getloadavg()}", flush=True)
    if args.out:
        args.out.write_text(json.dumps({"load": os.getloadavg(), "pages": results}, indent=2))


if __name__ == "__main__":
    main()
