"""Make a report file: from a warehouse and a selection to HTML or PDF bytes, and the scheduled reports
written after a build into DATA_DIR/reports/ with dated names.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from pipelines.settings import ReportSelection
from report.content import gather
from report.render import print_pdf, render_html

FORMATS = ("html", "pdf")


def make_report(
    warehouse: Path,
    selection: ReportSelection,
    fmt: str = "html",
    paper: str = "a4",
    now: dt.datetime | None = None,
) -> bytes:
    """The report file's bytes: 'html' (screen version) or 'pdf' (printed on `paper`, 'a4' or 'letter').

    Raises FileNotFoundError when there is no warehouse, LookupError when the selection has nothing to
    report (the message says what exists), ValueError for an unknown format or paper, ReportRenderError
    when Chromium cannot print the PDF."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if not Path(warehouse).exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}; build it with `impact run`")
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        report = gather(con, selection, now)
    if fmt == "html":
        return render_html(report).encode("utf-8")
    return print_pdf(render_html(report, paper=paper))


def report_name(selection: ReportSelection, day: dt.date, fmt: str) -> str:
    """'2026-12-07-tiktok-shop-gmv.html': dated first, so a folder lists them in order."""
    return f"{day.isoformat()}-{selection.slug}.{fmt}"


def write_scheduled_reports(
    warehouse: Path,
    reports_dir: Path,
    selections: tuple[ReportSelection, ...],
    now: dt.datetime | None = None,
    fmt: str = "html",
) -> list[dict]:
    """One report per selection into `reports_dir` (created), each written to a temporary name and renamed,
    so a reader never sees half a file; a rebuild on the same day replaces that day's file.

    Returns [{selection, path}] for those written and [{selection, error}] for those that could not be made
    (a selection with nothing to report must not stop the others, nor fail the build)."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    reports_dir.mkdir(parents=True, exist_ok=True)
    out = []
    for selection in selections:
        target = reports_dir / report_name(selection, now.date(), fmt)
        try:
            body = make_report(warehouse, selection, fmt=fmt, now=now)
        except (LookupError, ValueError, RuntimeError, OSError, duckdb.Error) as exc:
            out.append({"selection": selection.slug, "error": f"{type(exc).__name__}: {exc}"})
            continue
        partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
        partial.write_bytes(body)
        os.replace(partial, target)
        out.append({"selection": selection.slug, "path": str(target.resolve())})
    return out
