"""`impact dashboard` and `impact serve`: the product's processes (see pipelines/cli/processes.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipelines.cli.options import data_dir_option, warehouse_option


@click.command()
@warehouse_option
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
def dashboard(warehouse: Path, port: int, host: str) -> None:
    """Serve the Streamlit dashboard over the warehouse."""
    from pipelines.cli.processes import run_dashboard

    sys.exit(run_dashboard(warehouse, port, host))


@click.command()
@data_dir_option
@warehouse_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The dashboard's interface; anything but loopback exposes it (see docs/operations.md). The Dagster "
    "UI stays on 127.0.0.1 unless --dagster-host is given.",
)
@click.option("--port", type=int, default=8501, show_default=True, help="Dashboard port.")
@click.option("--dagster-port", type=int, default=3000, show_default=True)
@click.option(
    "--dagster-host",
    default="127.0.0.1",
    show_default=True,
    help="The Dagster UI's interface. It has no login and can launch runs: anything but loopback is warned "
    "about.",
)
def serve(
    data_dir: Path, warehouse: Path, host: str, port: int, dagster_port: int, dagster_host: str
) -> None:
    """Serve the dashboard and Dagster (webserver + daemon: schedules and the inbox sensor) until Ctrl-C."""
    from pipelines.cli.processes import serve as serve_all

    sys.exit(serve_all(data_dir, warehouse, host, port, dagster_port, dagster_host))
