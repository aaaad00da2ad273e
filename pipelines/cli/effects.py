"""`impact effect` and `impact explain`: what events did to a metric (estimates with intervals, or refusals)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click
import duckdb

from pipelines.cli.options import warehouse_option
from pipelines.effects.results import Refusal

# statsmodels takes seconds to import: the estimating modules load only when a command runs.

EXIT_ESTIMATE, EXIT_ERROR, EXIT_REFUSED = 0, 1, 3  # 2 is click's own exit code for a usage error
# The estimators' matrices are small (thousands of rows, a hundred columns): BLAS threads cost more than they
# give, and on a busy machine they thrash (an event study's regressions: 8 s with OpenBLAS's threads at load 11
# on 2 cores, 0.1 s with one). Set before numpy is first imported (the commands import it late); a user's own
# setting wins.
ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _one_blas_thread() -> None:
    for name, value in ONE_BLAS_THREAD.items():
        os.environ.setdefault(name, value)


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    if not Path(path).exists():
        raise click.ClickException(f"no warehouse at {path}; build it with `impact run` or pass --warehouse")
    return duckdb.connect(path, read_only=True)


@click.command("effect")
@click.option(
    "--event",
    "event_id",
    required=True,
    help="Event id, e.g. EV07; several, comma-separated (one kind of event in several regions at different"
    " dates: EV1,EV2,EV3), estimate the staggered adoption by Sun & Abraham, each event's jurisdiction a"
    " treated region.",
)
@click.option("--metric", required=True, help="Metric id, e.g. gmv.")
@click.option(
    "--region",
    default=None,
    help="Region code (required with one event) of the treated series, e.g. CA; several, comma-separated (US_CA,US_NY), pool one event's"
    " synthetic controls over them, each region's own result beside it.",
)
@click.option(
    "--entity", default=None, help="Entity; defaults to the event's entity or the only one with data."
)
@click.option(
    "--controls",
    default=None,
    help="Comma-separated donor (control) regions, replacing the default pool: every region of the treated"
    " region's level with the series for the whole window and no event of the business in it.",
)
@click.option("--include", default=None, help="Comma-separated regions added to the default donor pool.")
@click.option("--exclude", default=None, help="Comma-separated regions taken out of the donor pool.")
@click.option(
    "--pre",
    default=None,
    help="Pre-event window as a period range, e.g. 1970..1988 (default: every period back to the previous"
    " event touching the series). With several events: read for the first event, and every cohort keeps as"
    " many periods before its own event.",
)
@click.option(
    "--post",
    default=None,
    help="Post-event window, e.g. 1989..2000; may start after the event (default: from the event's period"
    " to the next event touching the series). With several events: read for the first event, and every cohort"
    " keeps as many periods after its own event.",
)
@click.option("--grain", type=click.Choice(["day", "month", "quarter", "half", "year"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@warehouse_option
def effect(
    event_id, metric, region, entity, controls, include, exclude, pre, post, grain, as_json, warehouse
) -> None:
    """Estimate an event's effect on one region's series: synthetic control (the headline for one treated
    region), counterfactual and difference-in-differences; on many units per region (stores), a unit-level
    difference-in-differences.

    Exit code 0 when at least one method gives an estimate, 3 when every method refused, 1 on bad input.
    """
    _one_blas_thread()
    with _connect(warehouse) as con:
        try:
            from pipelines.effects.assess import assess_effect

            options = dict(entity=entity, controls=_codes(controls), grain=grain, pre=pre, post=post,
                           include=tuple(_codes(include) or ()), exclude=tuple(_codes(exclude) or ()))  # fmt: skip
            regions = _codes(region) or []
            event_ids = _codes(event_id) or []
            if len(event_ids) > 1:
                from pipelines.effects.adoption import assess_staggered

                if regions:
                    raise click.UsageError(
                        "--region is not used with several events: each event's jurisdiction is treated"
                    )
                report = assess_staggered(con, event_ids, metric, **options)
            elif not regions:
                raise click.UsageError("--region is required with one event")
            elif len(regions) > 1:
                from pipelines.effects.assess import assess_pooled

                report = assess_pooled(con, event_id, metric, regions, **options)
            else:
                report = assess_effect(con, event_id, metric, region, **options)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        click.echo(format_report(report))
    sys.exit(EXIT_ESTIMATE if report.estimated else EXIT_REFUSED)


def _codes(text: str | None) -> list[str] | None:
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


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
@click.option(
    "--pre", default=None, help="The estimate's pre-event window, e.g. 1970..1988 (as for `effect`)."
)
@click.option("--post", default=None, help="The estimate's post-event window, e.g. 1989..2000.")
@click.option("--json", "as_json", is_flag=True)
@warehouse_option
def explain(entity, metric, region, period, event_id, pre, post, as_json, warehouse) -> None:
    """A short cited paragraph: the miss, the streak, the events around it, the effect if estimable."""
    _one_blas_thread()
    with _connect(warehouse) as con:
        try:
            from pipelines.effects.assess import explain_period

            narrative = explain_period(
                con, entity, metric, region, period, event_id=event_id, pre=pre, post=post
            )
        except LookupError as exc:
            raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(narrative.to_dict(), indent=2) if as_json else str(narrative))


def format_report(report) -> str:
    """The text of an EffectReport, or of a PooledReport (the pooled estimate, then each region's)."""
    if hasattr(report, "pooled"):
        return format_pooled(report)
    if hasattr(report, "events"):
        return format_staggered(report)
    ev = report.event
    lines = [
        f"Event {ev['event_id']} ({ev['date']}, {ev['jurisdiction']}, {ev['status']}): {ev['title']}",
        f"Series: {report.entity} {report.metric} in {report.region_code}, by {report.grain}, {report.points} figures",
    ]
    if report.window:
        lines.append(f"Window: {report.window.text}")
    if report.donor_pool:
        pool = report.donor_pool
        lines.append(f"Donor pool: {len(pool.donors)} regions ({pool.rule}); {len(pool.left_out)} left out")
        lines.extend(f"  left out {r['region_code']}: {r['reason']}" for r in pool.left_out[:10])
        if len(pool.left_out) > 10:
            lines.append(f"  ... and {len(pool.left_out) - 10} more (--json lists them all)")
    if report.headline:
        lines.append(f"Headline: {report.headline.replace('_', ' ')}")
    for name, result in report.estimates.items():
        title = name.replace("_", " ").capitalize()
        if isinstance(result, Refusal):
            lines.append(f"{title}: refused. {result.reason}")
            continue
        lines.append(f"{title}: {result.method}")
        lines.extend(_estimate_lines(result))
        lines.extend(f"  note: {n}" for n in result.notes)
    return "\n".join(lines)


def format_pooled(report) -> str:
    pooled = report.pooled
    if isinstance(pooled, Refusal):
        head = [f"Pooled synthetic control: refused. {pooled.reason}"]
    else:
        relative = (
            f" ({pooled.relative_effect:+.1%} of the synthetic)" if pooled.relative_effect is not None else ""
        )
        head = [
            f"Pooled synthetic control over {', '.join(pooled.regions)} ({len(pooled.donors)} common donors):",
            f"  average gap {pooled.average_gap:,.4g}{relative}; p-value {pooled.p_value:.3f} against "
            f"{pooled.placebo_sets:,} placebo sets",
        ]
    return "\n\n".join(["\n".join(head), *(format_report(r) for r in report.reports.values())])


def format_staggered(report) -> str:
    """The text of a StaggeredReport: the events, the controls, the average effect and its event study."""
    lines = [
        "Events: " + "; ".join(f"{e['event_id']} ({e['date']}, {e['jurisdiction']})" for e in report.events)
    ]
    lines.append(f"Series: {report.entity} {report.metric}, by {report.grain}")
    if report.window:
        lines.append(f"Window: {report.window.text}")
    pool = report.donor_pool
    lines.append(f"Controls: {len(pool.donors)} regions ({pool.rule}); {len(pool.left_out)} left out")
    lines.extend(f"  left out {r['region_code']}: {r['reason']}" for r in pool.left_out[:10])
    est = report.estimate
    if isinstance(est, Refusal):
        return "\n".join([*lines, f"Staggered difference-in-differences: refused. {est.reason}"])
    a, t = est.att, est.twfe
    lines += [
        f"Staggered difference-in-differences: {est.method}",
        f"  average effect on the treated {a.estimate:+,.4g} (95% interval {a.lower:+,.4g} to {a.upper:+,.4g}),"
        f" {est.periods[0]} to {est.periods[1]}, {est.observations} region-periods",
        "  cohorts: "
        + "; ".join(
            f"{c['first_period']} ({', '.join(c['regions'])}) {c['effect']:+,.4g}" for c in est.cohorts
        ),
        f"  beside it, two-way fixed effects (biased under staggered, changing effects): {t['estimate']:+,.4g}"
        f" ({t['lower']:+,.4g} to {t['upper']:+,.4g})",
    ]
    if est.pre_trend:
        lines.append(
            f"  pre-trend: slope {est.pre_trend['slope_per_period']:+.3g} a period, p {est.pre_trend['p_value']:.3f}"
        )
    lines += [
        f"  event time {r['rel']:+d}: {r['estimate']:+,.4g} ({r['lower']:+,.4g} to {r['upper']:+,.4g})"
        for r in est.event_time
        if r["rel"] >= -3
    ]
    lines.extend(f"  note: {n}" for n in est.notes)
    return "\n".join(lines)


def _estimate_lines(result) -> list[str]:
    lines = []
    if hasattr(result, "weights"):  # synthetic control
        interval = (
            f"95% interval {result.interval.lower:,.4g} to {result.interval.upper:,.4g} (placebo-based)"
            if result.interval
            else "interval unbounded (too few donors for the placebo test)"
        )
        lines.append(
            f"  average gap {result.average_gap:,.4g} over {result.window.span('post')} ({interval})"
        )
        lines.append(
            f"  p-value {result.p_value:.3f}: rank {result.rank} of {result.units} by post/pre RMSPE ratio"
        )
        lines.append(
            f"  pre-period RMSPE {result.pre_rmspe:,.4g} ({result.relative_pre_rmspe:.1%} of the level)"
        )
        lines.append("  weights: " + ", ".join(f"{r} {w:.3f}" for r, w in result.weights.items()))
        if result.placebo_in_time:
            t = result.placebo_in_time
            lines.append(
                f"  placebo in time: a fake event in {t['fake_event_period']} gives {t['average_gap']:,.4g} over {t['post']}"
            )
        return lines
    interval = result.relative_effect
    if interval is not None:
        lines.append(
            f"  relative effect {interval.estimate:+.1%} (95% interval {interval.lower:+.1%} to {interval.upper:+.1%})"
        )
    if hasattr(result, "cumulative_effect"):
        c = result.cumulative_effect
        lines.append(f"  cumulative effect {c.estimate:,.4g} (95% interval {c.lower:,.4g} to {c.upper:,.4g})")
        lines.append(
            f"  model: {result.model}; pre {result.pre_start}..{result.pre_end}, post {result.post_start}..{result.post_end}"
        )
        return lines
    e = result.effect
    lines.append(f"  effect {e.estimate:+,.4g} (95% interval {e.lower:+,.4g} to {e.upper:+,.4g})")
    if hasattr(result, "units"):
        lines.append(
            f"  {result.units} {result.unit_kind}s, {result.observations} observations, standard errors clustered "
            f"by {result.unit_kind}; controls: {', '.join(result.controls)}"
        )
    else:
        lines.append(
            f"  controls: {', '.join(result.controls)}; {result.pre_periods} periods before, {result.post_periods} after"
        )
    return lines
