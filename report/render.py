"""A `Report` drawn: one self-contained HTML file (Plotly's JavaScript inline, system fonts, a Content
Security Policy that lets the page load nothing), and the PDF printed from that same HTML by headless
Chromium (Debian's /usr/bin/chromium, installed by `make browser`).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import jinja2
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from report.content import Report

HERE = Path(__file__).resolve().parent
# plotly.js's cartesian bundle (report/vendor/README.md): a third of the full bundle's size, so the first
# chart appears sooner; the trace types it holds (its README), anything else gets the full bundle
CARTESIAN_BUNDLE = HERE / "vendor" / "plotly-cartesian-4.1.1.min.js"
CARTESIAN_TRACES = {"bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
                    "image", "pie", "scatter", "scatterternary", "violin"}  # fmt: skip
PAPERS = {"a4": "A4", "letter": "Letter"}
# The printable width of both papers at 12 mm margins is over 700 CSS px (A4 703, Letter 725): printed
# charts are drawn at this fixed width, so none is wider than the page.
PRINT_CHART_PX = 690
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--virtual-time-budget=20000",  # lets the charts' scripts finish before printing
]


class ReportRenderError(RuntimeError):
    """Chromium is missing or failed to print the PDF (the message says which, and how to fix it)."""


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE), autoescape=True, trim_blocks=True, lstrip_blocks=True
    )
    return env.get_template("report.html.j2")


def _inline(js: str) -> str:
    # a closing script tag inside a bundle would end the inline script early
    return js.replace("</script", "<\\/script")


@cache
def _plotly_js() -> str:
    """The full plotly.js bundle the plotly package ships."""
    return _inline(get_plotlyjs())


@cache
def _cartesian_js() -> str:
    return _inline(CARTESIAN_BUNDLE.read_text(encoding="utf-8"))


def render_html(report: Report, paper: str | None = None) -> str:
    """The report as one HTML document. paper: 'a4' or 'letter' for the print version (fixed-width static
    charts, @page size), None for the screen version (responsive charts). ValueError for another paper."""
    if paper is not None and paper not in PAPERS:
        raise ValueError(f"paper {paper!r}: expected one of {', '.join(PAPERS)}")
    charts, full_bundle_given = [], False
    for chart in report.charts:
        # the figure's own title (what colours and labels mean) goes above it as text: at a page's width
        # Plotly's title would overlap the heatmap's top axis
        figure = go.Figure(chart.figure)
        subtitle = figure.layout.title.text or ""
        figure.update_layout(title=None, margin_t=60)
        if paper:
            figure.update_layout(width=PRINT_CHART_PX, autosize=False)
        config = {"displaylogo": False, "responsive": not paper, "staticPlot": bool(paper)}
        html = pio.to_html(
            figure, full_html=False, include_plotlyjs=False, config=config, div_id=f"chart-{chart.key}"
        )
        # the first chart drawing a trace the cartesian bundle lacks is preceded by the full bundle
        needs_full = not full_bundle_given and not {t.type for t in figure.data} <= CARTESIAN_TRACES
        full_bundle_given |= needs_full
        charts.append(
            {
                "key": chart.key,
                "title": chart.title,
                "subtitle": subtitle,
                "caption": chart.caption,
                "html": html,
                "bundle": _plotly_js() if needs_full else "",
            }
        )
    return _template().render(
        r=report,
        stamp=report.stamp,
        charts=charts,
        css=(HERE / "report.css").read_text(),
        plotly_js=_cartesian_js(),
        paper=PAPERS.get(paper or ""),
    )


def chromium() -> str:
    """The Chromium binary (Debian's chromium on PATH, else /usr/bin/chromium); ReportRenderError if none."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not found:
        raise ReportRenderError("no Chromium to print the PDF with: install it with `make browser`")
    return found


def print_pdf(html: str, timeout_s: float = 60) -> bytes:
    """The PDF of `html` (render_html with a paper) by headless Chromium's print. ReportRenderError when
    Chromium is missing, fails or times out."""
    with tempfile.TemporaryDirectory(prefix="impact-report-") as tmp:
        page, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={Path(tmp) / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
        except subprocess.TimeoutExpired:
            raise ReportRenderError(f"Chromium did not print the PDF within {timeout_s:.0f} s") from None
        if not out.exists() or out.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-3:]
            raise ReportRenderError(f"Chromium printed no PDF (exit {done.returncode}): {' | '.join(tail)}")
        return out.read_bytes()
