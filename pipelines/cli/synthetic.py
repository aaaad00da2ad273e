"""`impact generate warehouse`: write a synthetic warehouse of N figures (scale tests, benchmarks)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("warehouse")
@click.option(
    "--figures",
    "figures",
    type=click.IntRange(min=1),
    default=1_000_000,
    show_default=True,
    help="How many numeric figures (actuals and expectation vintages) to generate.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The DuckDB file to write (replaced atomically if it exists).",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same warehouse.")
@click.option("--events", type=click.IntRange(min=0), default=400, show_default=True)
def warehouse(figures: int, out: Path, seed: int, events: int) -> None:
    """Generate a warehouse: countries under the real region tree, 10 years of months, actuals and vintages."""
    from pipelines.devtools.synthetic import generate_warehouse

    summary = generate_warehouse(out, figures, seed=seed, events=events)
    click.echo(
        f"wrote {out}: {summary['figures']:,} figures over {summary['countries']} countries "
        f"in {summary['seconds']:.1f} s"
    )
