"""`impact demo`: write the illustrative operator demo and scan its orders month by month (the warehouse
build then makes their figures)."""

from __future__ import annotations

from pathlib import Path

import click

from pipelines.cli.options import data_dir_option
from pipelines.words import counted


@click.command()
@data_dir_option
def demo(data_dir: Path) -> None:
    """Generate the operator demo (an illustrative marketplace: 3M orders, 2022-2025, 15 countries, a ban
    and a fee change) unless already there for the same seed, and aggregate its orders by month.

    The warehouse build (`impact run`) then loads it beside the other datasets."""
    from pipelines.devtools.operator_demo import DemoError, months_to_aggregate, write_demo

    try:
        done = write_demo(data_dir)
    except DemoError as exc:
        raise click.ClickException(str(exc)) from None
    state = "generated" if done["generated"] else "already generated (same seed and settings): kept"
    click.echo(f"operator demo: {done['rows']:,} orders {state} in {done['orders']} ({done['seconds']} s)")
    months = months_to_aggregate(data_dir)
    if not months:
        click.echo(f"operator demo: monthly order scans up to date in {done['dataset']}")
        return
    from pipelines.defs.orders_run import run_orders

    ran = run_orders(data_dir)  # every month: a few seconds, and a run per 12 months in the Dagster UI
    click.echo(
        f"operator demo: {len(ran['months'])} month(s) scanned in {ran['seconds']} s "
        f"({counted(ran['rows_in'])} in, {ran['rows_outside_month']:,} outside their month); "
        "`impact run` makes their figures"
    )
    if ran["failed"]:
        raise click.ClickException(f"months failed: {ran['failed']}")
