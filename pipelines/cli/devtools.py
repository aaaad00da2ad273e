"""`impact generate orders|warehouse` and `impact bench orders`: development data and benchmarks.

Heavy modules (numpy generators, Dagster) load inside the commands, so `impact --help` stays fast."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click
from tqdm import tqdm

from pipelines.cli.synthetic import warehouse

__all__ = ["bench", "generate"]


@click.group()
def generate() -> None:
    """Generate synthetic input data."""


generate.add_command(warehouse)


@generate.command("orders")
@click.option("--rows", type=click.IntRange(min=0), required=True, help="Number of orders in total.")
@click.option("--months", type=click.IntRange(min=1), default=24, show_default=True)
@click.option("--start", default="2024-01", show_default=True, help="First month, YYYY-MM.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Orders root, e.g. data/orders (gets year=YYYY/month=MM/part-*.parquet).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--dataset-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where the projections/sources/events go [default: OUT/../datasets/orders].",
)
@click.option("--entity", default="Demo Shop", show_default=True)
@click.option("--shock-country", default="CA", show_default=True, help="ISO2 country hit by the shock.")
@click.option(
    "--shock-date", default="2024-11-06", show_default=True, help="YYYY-MM-DD; orders fall after it."
)
@click.option(
    "--shock", type=click.FloatRange(0, 0.99), default=0.25, show_default=True, help="Share of orders lost."
)
@click.option("--bad-rows-share", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option("--workers", type=int, default=None, help="Parallel months [default: CPU count].")
def generate_orders_command(
    rows,
    months,
    start,
    out,
    seed,
    dataset_dir,
    entity,
    shock_country,
    shock_date,
    shock,
    bad_rows_share,
    workers,
):
    """Synthetic order-level Parquet (clearly labelled synthetic) plus matching monthly projections."""
    from pipelines.devtools.orders_generator import GeneratorConfig, generate_orders
    from pipelines.orders.months import month_start

    try:
        month_start(start)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--start") from error
    cfg = GeneratorConfig(
        rows=rows,
        months=months,
        start=start,
        seed=seed,
        entity=entity,
        shock_country=shock_country,
        shock_date=shock_date,
        shock=shock,
        bad_rows_share=bad_rows_share,
    )
    dataset_dir = dataset_dir or out.parent / "datasets" / "orders"
    with tqdm(total=rows, unit="rows", unit_scale=True, desc="orders") as bar:
        result = generate_orders(cfg, out, dataset_dir, workers=workers, progress=bar.update)
        elapsed = bar.format_dict["elapsed"]
    rate = result["rows"] / elapsed if elapsed else float("nan")
    click.echo(f"wrote {result['rows']:,} orders in {months} months to {out} ({rate / 1e6:.1f} M rows/s)")
    click.echo(f"projections, sources, events: {dataset_dir}")


@click.group()
def bench() -> None:
    """Benchmarks (not timed tests)."""


@bench.command("orders")
@click.option("--rows", type=click.IntRange(min=1), default=5_000_000, show_default=True)
@click.option(
    "--months",
    type=click.IntRange(min=2),
    default=25,
    show_default=True,
    help="The last one is the 'new' month.",
)
@click.option("--repeats", type=click.IntRange(min=1), default=3, show_default=True)
@click.option(
    "--json", "json_path", type=click.Path(path_type=Path, dir_okay=False), help="Write the results here too."
)
@click.option(
    "--dir",
    "bench_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where data is generated (reused when it matches) [default: TMPDIR/impact-bench/orders-ROWS].",
)
@click.option(
    "--memory-limit", default="128MB", show_default=True, help="DuckDB memory_limit of the spill run."
)
@click.option("--threads", type=int, default=None, help="DuckDB threads for every run [default: all cores].")
@click.option("--skip-dagster", is_flag=True, help="Do not measure Dagster's per-run overhead.")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "spark"]),
    default="duckdb",
    show_default=True,
    help="spark: DuckDB vs Spark local[2] vs a standalone 2-worker cluster started here.",
)
@click.option(
    "--bad-rows-window",
    type=click.FloatRange(0.0001, 1),
    default=1.0,
    show_default=True,
    help="Bad rows in the last share of each month (1: spread; 0.1: a burst, row groups provably clean).",
)
def bench_orders_command(
    rows, months, repeats, json_path, bench_dir, memory_limit, threads, skip_dagster, engine, bad_rows_window
):
    """Pipeline aggregation vs one plain DuckDB query on the same Parquet; incremental month; spill run.
    With --engine spark: the same aggregation on DuckDB and on Spark (local[2], standalone cluster)."""
    from pipelines.devtools.orders_bench import BenchConfig, format_table, run_benchmark

    cfg = BenchConfig(
        rows=rows,
        months=months,
        repeats=repeats,
        bench_dir=bench_dir
        or Path(tempfile.gettempdir()) / "impact-bench" / f"orders-{rows}-{bad_rows_window:g}",
        memory_limit=memory_limit,
        threads=threads,
        dagster=not skip_dagster,
        bad_rows_window=bad_rows_window,
    )
    if engine == "spark":
        from pipelines.devtools.engines_bench import format_engines, run_engines

        results = run_engines(cfg, echo=click.echo)
        click.echo(format_engines(results))
    else:
        results = run_benchmark(cfg, echo=click.echo)
        click.echo(format_table(results))
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(results, indent=2) + "\n")
        click.echo(f"wrote {json_path}")


@generate.command("examples")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("data/examples"),
    show_default=True,
    help="Data dir to write datasets/ into (the examples are not loaded by a default run).",
)
def examples(out: Path) -> None:
    """Regenerate the spreadsheet examples (FP&A workbook, earnings table, KPI sheet, general-ledger extract,
    Budget vs. Actuals export) and their layouts."""
    from pipelines.devtools.spreadsheet_examples import write_examples

    for path in write_examples(out):
        click.echo(path)
    click.echo(
        f"load them into their own warehouse: impact run --data-dir {out} --warehouse {out}/warehouse.duckdb"
    )
