"""The report's speed (issue 25): generation for the case study, and its first chart in headless Chromium
against a bare one-chart Streamlit page measured in the same run.

    .venv/bin/python benchmarks/report_bench.py --warehouse data/warehouse.duckdb [--repeat 5] [--out FILE]

Printed:
- generation: `impact report` as a user runs it (a new process: imports, queries, narrative, HTML), the
  median of --repeat; and in one process after the first (warm imports);
- first chart: ms from navigation to the first drawn Plotly chart (`.main-svg`, watched by the same
  MutationObserver as the dashboard benchmarks), each load in a new browser context (nothing cached), the
  report as a file:// URL and the bare page (one `st.plotly_chart`, nothing else) served by
  `impact dashboard`'s command; loads alternate; medians and their ratio (target: report < 0.5 x bare).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.dashboard_bench import VIEWPORT, WATCH_PLOTS  # noqa: E402
from tests.browser.browser import CHROMIUM, CHROMIUM_ARGS, start_dashboard  # noqa: E402

SELECTION = ["--entity", "TikTok Shop", "--metric", "gmv", "--region", "US", "--period", "2024"]
BARE_PAGE = """
import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3, 4], y=[3, 1, 4, 1])))
"""


def generation_seconds(warehouse: Path, out: Path, repeat: int) -> tuple[list[float], list[float]]:
    """(new-process `impact report` seconds, in-process seconds after a first warm-up) for the selection."""
    cold = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "impact"), "report", *SELECTION, "--warehouse", str(warehouse),
             "--out", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
        cold.append(time.perf_counter() - started)
    from pipelines.settings import ReportSelection
    from report.build import make_report

    selection = ReportSelection("TikTok Shop", "gmv", "US", "2024")
    make_report(warehouse, selection)
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        make_report(warehouse, selection)
        warm.append(time.perf_counter() - started)
    return cold, warm


def first_chart_ms(browser, url: str) -> float:
    """ms from navigation start to the first drawn chart, in a fresh browser context."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(WATCH_PLOTS)
        page.goto(url, wait_until="commit")
        page.wait_for_function("() => window.__plots && window.__plots.count > 0", timeout=120_000)
        return page.evaluate("() => window.__plots.firstAt")
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="report-bench-") as tmp:
        report = Path(tmp) / "report.html"
        cold, warm = generation_seconds(args.warehouse, report, args.repeat)
        bare = Path(tmp) / "bare_page.py"
        bare.write_text(BARE_PAGE)
        proc, url = start_dashboard(None, script=bare)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                first_chart_ms(browser, url)  # Streamlit's first run of the script, off the clock
                report_ms, bare_ms = [], []
                for _ in range(args.repeat):
                    report_ms.append(first_chart_ms(browser, report.as_uri()))
                    bare_ms.append(first_chart_ms(browser, url))
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        size_mb = report.stat().st_size / 1e6
    figures = {
        "generation_new_process_s": statistics.median(cold),
        "generation_in_process_s": statistics.median(warm),
        "report_first_chart_ms": statistics.median(report_ms),
        "bare_streamlit_first_chart_ms": statistics.median(bare_ms),
        "ratio": statistics.median(report_ms) / statistics.median(bare_ms),
        "report_mb": size_mb,
        "runs": {"cold": cold, "warm": warm, "report_ms": report_ms, "bare_ms": bare_ms},
    }
    print(f"report generation (impact report, new process): median {figures['generation_new_process_s']:.2f} s "
          f"(runs {', '.join(f'{s:.2f}' for s in cold)}); in process {figures['generation_in_process_s']:.2f} s; "
          f"file {size_mb:.1f} MB")  # fmt: skip
    print(f"first chart: report {figures['report_first_chart_ms']:.0f} ms, bare Streamlit page "
          f"{figures['bare_streamlit_first_chart_ms']:.0f} ms: ratio {figures['ratio']:.2f} (target < 0.50)")  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
