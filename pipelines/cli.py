"""The `impact` command line: run the pipeline, validate files, query the warehouse, serve the product."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import click

from pipelines.config import env_data_dir, env_warehouse

data_dir_option = click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=env_data_dir,
    show_default="$IMPACT_DATA_DIR or data",
    help="Folder holding datasets/.",
)
warehouse_option = click.option(
    "--warehouse",
    type=click.Path(path_type=Path),
    default=env_warehouse,
    show_default="$IMPACT_WAREHOUSE or data/warehouse.duckdb",
    help="The published DuckDB file.",
)


# Dagster flags beta parameters (backfill_policy) on every import: noise for someone running a command.
warnings.filterwarnings("ignore", message=r".*is currently in beta.*")


def _generate_group() -> click.Group:
    from pipelines.orders.cli import generate
    from pipelines.synthetic_cli import warehouse

    generate.add_command(warehouse)
    return generate


def _bench_group() -> click.Group:
    from pipelines.orders.cli import bench

    return bench


class ImpactGroup(click.Group):
    """Subsystems with heavy imports (Dagster, numpy generators) load only when their command runs."""

    lazy = {"generate": _generate_group, "bench": _bench_group}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.lazy:
            return self.lazy[name]()
        return super().get_command(ctx, name)


@click.group(cls=ImpactGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Business-impact metrics: actuals against expectations, by region and period, with events."""


@main.command()
@data_dir_option
@warehouse_option
@click.option("--today", default=None, help="Treat this ISO date as today (reproducible future-date checks).")
@click.option(
    "--orders", is_flag=True, help="First turn order-level data under DATA_DIR/orders/ into figures."
)
@click.option("--month", default=None, help="With --orders: only this month (YYYY-MM).")
@click.option(
    "--record",
    is_flag=True,
    help="Record the run in DATA_DIR/dagster_home so the Dagster UI lists it (slower: ~7 s more).",
)
def run(
    data_dir: Path, warehouse: Path, today: str | None, orders: bool, month: str | None, record: bool
) -> None:
    """Materialise everything once and publish the warehouse; print what was loaded and rejected."""
    from pipelines.resources import ImpactSettings, settings_from_env
    from pipelines.runner import format_summary, run_pipeline

    if month and not orders:
        raise click.UsageError("--month needs --orders")
    if orders:
        from pipelines.orders.cli import run_orders

        try:
            done = run_orders(data_dir, month)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(
            f"orders: {len(done['months'])} month(s), {done['rows_in']} rows in, "
            f"{done['rows_aggregated']} aggregated, {done['rows_rejected']} rejected"
        )
        for failed_month, error in done["failed"].items():
            click.echo(f"  FAILED {failed_month}: {error}")
    env = settings_from_env()
    settings = ImpactSettings(
        **{**env.model_dump(), "data_dir": str(data_dir), "warehouse": str(warehouse), "today": today}
    )

    summary = run_pipeline(settings, record=record)
    click.echo(format_summary(summary))
    sys.exit(0 if summary.published else 1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@data_dir_option
def validate(paths: tuple[Path, ...], data_dir: Path) -> None:
    """Check files (or dataset folders) without loading them; exit 1 when any row would be rejected."""
    from pipelines.validate_cli import format_issues, validate_paths

    loads, rejected = validate_paths(list(paths), data_dir)
    for line in format_issues(loads, rejected):
        click.echo(line)
    bad = rejected.height > 0 or loads.filter(loads["status"] == "unreadable").height > 0
    sys.exit(1 if bad else 0)


@main.command()
@click.argument("query")
@warehouse_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--limit", type=int, default=10_000, show_default=True, help="Maximum rows returned.")
def sql(query: str, warehouse: Path, fmt: str, limit: int) -> None:
    """Run a read-only query against the published warehouse."""
    import polars as pl

    from pipelines.readonly import QueryRefused, run_readonly

    try:
        frame = run_readonly(warehouse, query, max_rows=limit)
    except QueryRefused as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "csv":
        click.echo(frame.write_csv(), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(frame.to_dicts(), default=str, indent=1))
    else:
        with pl.Config(tbl_rows=200, tbl_cols=50, fmt_str_lengths=60, tbl_width_chars=200):
            click.echo(frame)


@main.command()
@warehouse_option
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
def dashboard(warehouse: Path, port: int, host: str) -> None:
    """Serve the Streamlit dashboard over the warehouse."""
    from pipelines.serve import run_dashboard

    sys.exit(run_dashboard(warehouse, port, host))


@main.command()
@data_dir_option
@warehouse_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; anything but loopback exposes the product (see docs/operations.md).",
)
@click.option("--port", type=int, default=8501, show_default=True, help="Dashboard port.")
@click.option("--dagster-port", type=int, default=3000, show_default=True)
def serve(data_dir: Path, warehouse: Path, host: str, port: int, dagster_port: int) -> None:
    """Serve the dashboard and Dagster (webserver + daemon: schedules and the inbox sensor) until Ctrl-C."""
    from pipelines.serve import serve as serve_all

    sys.exit(serve_all(data_dir, warehouse, host, port, dagster_port))


def _register_optional_commands() -> None:
    """Commands that live with their subsystem: event impact, orders, synthetic data."""
    from pipelines.impact.cli import impact_commands

    for command in impact_commands.commands.values():
        main.add_command(command)


_register_optional_commands()


if __name__ == "__main__":
    main()
