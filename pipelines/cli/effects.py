"""`impact effect` and `impact explain`: what events did to a metric (estimates with intervals, or refusals)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
import duckdb

from pipelines.cli.options import warehouse_option
from pipelines.effects.results import Refusal

if TYPE_CHECKING:
    from pipelines.effects.assess import EffectReport

# statsmodels takes seconds to import: the estimating modules load only when a command runs.

EXIT_ESTIMATE, EXIT_ERROR, EXIT_REFUSED = 0, 1, 3  # 2 is click's own exit code for a usage error


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    if not Path(path).exists():
        raise click.ClickException(f"no warehouse at {path}; build it with `impact run` or pass --warehouse")
    return duckdb.connect(path, read_only=True)


@click.command("effect")
@click.option("--event", "event_id", required=True, help="Event id, e.g. EV07.")
@click.option("--metric", required=True, help="Metric id, e.g. gmv.")
@click.option("--region", required=True, help="Region code of the treated series, e.g. CA.")
@click.option(
    "--entity", default=None, help="Entity; defaults to the event's entity or the only one with data."
)
@click.option(
    "--controls", default=None, help="Comma-separated control regions (default: untouched siblings)."
)
@click.option("--grain", type=click.Choice(["month", "quarter", "half", "year"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@warehouse_option
def effect(event_id, metric, region, entity, controls, grain, as_json, warehouse) -> None:
    """Estimate an event's effect on one region's series (counterfactual and difference-in-differences).

    Exit code 0 when at least one method gives an estimate, 3 when every method refused, 1 on bad input.
    """
    chosen = [c.strip() for c in controls.split(",") if c.strip()] if controls else None
    with _connect(warehouse) as con:
        try:
            from pipelines.effects.assess import assess_effect

            report = assess_effect(con, event_id, metric, region, entity=entity, controls=chosen, grain=grain)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        click.echo(format_report(report))
    sys.exit(EXIT_ESTIMATE if report.estimated else EXIT_REFUSED)


@click.command("explain")
@click.option("--entity", required=True)
@click.option("--metric", required=True)
@click.option("--region", required=True)
@click.option("--period", required=True, help="Canonical period label, e.g. 2024, 2024-Q3, 2024-09.")
@click.option(
    "--event",
    "event_id",
    default=None,
    help="Event whose effect to estimate, e.g. EV07 (default: the region's own latest event in the window"
    " that has happened by the period's end, else the nearest enclosing region's).",
)
@click.option("--json", "as_json", is_flag=True)
@warehouse_option
def explain(entity, metric, region, period, event_id, as_json, warehouse) -> None:
    """A short cited paragraph: the miss, the streak, the events around it, the effect if estimable."""
    with _connect(warehouse) as con:
        try:
            from pipelines.effects.assess import explain_period

            narrative = explain_period(con, entity, metric, region, period, event_id=event_id)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(narrative.to_dict(), indent=2) if as_json else str(narrative))


def format_report(report: EffectReport) -> str:
    ev = report.event
    lines = [
        f"Event {ev['event_id']} ({ev['date']}, {ev['jurisdiction']}, {ev['status']}): {ev['title']}",
        f"Series: {report.entity} {report.metric} in {report.region_code}, by {report.grain}, {report.points} figures",
    ]
    for name, result in (
        ("Counterfactual", report.counterfactual),
        ("Difference-in-differences", report.did),
    ):
        if isinstance(result, Refusal):
            lines.append(f"{name}: refused. {result.reason}")
            continue
        interval = result.relative_effect
        lines.append(f"{name}: {result.method}")
        if interval is not None:
            lines.append(
                f"  relative effect {interval.estimate:+.1%} (95% interval {interval.lower:+.1%} to {interval.upper:+.1%})"
            )
        if hasattr(result, "cumulative_effect"):
            c = result.cumulative_effect
            lines.append(
                f"  cumulative effect {c.estimate:,.4g} (95% interval {c.lower:,.4g} to {c.upper:,.4g})"
            )
            lines.append(
                f"  model: {result.model}; pre {result.pre_start}..{result.pre_end}, post {result.post_start}..{result.post_end}"
            )
        else:
            lines.append(
                f"  controls: {', '.join(result.controls)}; {result.pre_periods} periods before, {result.post_periods} after"
            )
        lines.extend(f"  note: {n}" for n in result.notes)
    return "\n".join(lines)
