"""The `impact` command line: run the pipeline, validate files, query the warehouse, serve the product."""

from __future__ import annotations

import json
import sys
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Business-impact metrics: actuals against expectations, by region and period, with events."""


@main.command()
@data_dir_option
@warehouse_option
@click.option("--today", default=None, help="Treat this ISO date as today (reproducible future-date checks).")
def run(data_dir: Path, warehouse: Path, today: str | None) -> None:
    """Materialise everything once and publish the warehouse; print what was loaded and rejected."""
    from pipelines.resources import ImpactSettings
    from pipelines.runner import format_summary, run_pipeline

    summary = run_pipeline(ImpactSettings(data_dir=str(data_dir), warehouse=str(warehouse), today=today))
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
