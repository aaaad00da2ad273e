"""`impact report`: one self-contained, cited report of a selection, as HTML or PDF (report/)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from pipelines.cli.options import warehouse_option
from pipelines.settings import ReportSelection


@click.command("report")
@click.option("--entity", required=True, help="Entity, e.g. 'TikTok Shop'.")
@click.option("--metric", required=True, help="Metric id, e.g. gmv.")
@click.option("--region", default=None, help="Region code (default: the top-level region with most periods).")
@click.option(
    "--period",
    default=None,
    help="Period label, e.g. 2024 (default: the region's latest compared, at the grain the Scorecard opens on).",
)
@click.option(
    "--policy",
    type=click.Choice(["at_period_end", "when_reported", "original", "latest"]),
    default=None,
    help="Which expectation vintage (default: the expectation kind's own, view default_policies).",
)
@click.option(
    "--kind",
    default=None,
    help="Expectation kind, e.g. target (default: the one the Scorecard opens on: most comparisons).",
)
@click.option("--format", "fmt", type=click.Choice(["html", "pdf"]), default="html", show_default=True)
@click.option(
    "--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True, help="PDF only."
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (default: DATE-SELECTION.FORMAT in the current folder; '-' for standard output).",
)
@warehouse_option
def report(entity, metric, region, period, policy, kind, fmt, paper, out, warehouse) -> None:
    """A report to send: headline tiles, the region x period heatmap, the trend with events, shortfall
    streaks, pacing, the cited narrative, the bridge and the unmatched expectations, with a numbered
    source for every number; stamped with the warehouse's build and inputs hash."""
    from report.build import make_report, report_name
    from report.render import ReportRenderError

    selection = ReportSelection(entity, metric, region, period, policy, kind)
    try:
        body = make_report(warehouse, selection, fmt=fmt, paper=paper)
    except (FileNotFoundError, LookupError, ValueError, ReportRenderError) as exc:
        raise click.ClickException(str(exc)) from None
    if out is not None and str(out) == "-":
        click.get_binary_stream("stdout").write(body)
        return
    target = out or Path(report_name(selection, dt.date.today(), fmt))
    target.write_bytes(body)
    click.echo(f"wrote {target} ({len(body) / 1e6:.1f} MB)")
