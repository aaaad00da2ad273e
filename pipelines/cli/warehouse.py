"""`impact run`, `impact validate`, `impact sql`: build and publish the warehouse, check files, query it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from pipelines.cli.options import data_dir_option, warehouse_option
from pipelines.settings import ORDERS_ENGINES, env_orders_engine
from pipelines.words import counted


def _file_the_inbox(data_dir: Path) -> list[str]:
    """File DATA_DIR/inbox/ first (what 'impact import' and the Upload page put there is built by this run),
    print what happened to each file, and return the keys of the build requests this run answers."""
    from pipelines.ingest.inbox import InboxBusy, file_inbox, pending_requests

    try:
        for f in file_inbox(data_dir):
            click.echo(f"inbox: {f.source}: {f.status}: {f.detail}")
    except InboxBusy as exc:
        click.echo(f"inbox: not filed now: {exc}")
    return [r.key for r in pending_requests(data_dir)]


@click.command()
@data_dir_option
@warehouse_option
@click.option("--today", default=None, help="Treat this ISO date as today (reproducible future-date checks).")
@click.option(
    "--orders", is_flag=True, help="First turn order-level data under DATA_DIR/orders/ into figures."
)
@click.option("--month", default=None, help="With --orders: only this month (YYYY-MM).")
@click.option(
    "--engine",
    type=click.Choice(ORDERS_ENGINES),
    default=None,
    show_default="$IMPACT_ORDERS_ENGINE or duckdb",
    help="With --orders: the engine that scans the order files.",
)
@click.option(
    "--spark-master",
    default=None,
    show_default="$IMPACT_SPARK_MASTER or local[*]",
    help="With --engine spark: local[N], spark://host:7077, yarn, k8s://..., sc://host:15002.",
)
@click.option(
    "--parallel",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="With --orders: months scanned at once, one process each (Dagster's multiprocess executor).",
)
@click.option(
    "--record",
    is_flag=True,
    help="Record the run in DATA_DIR/dagster_home so the Dagster UI lists it (slower: ~7 s more).",
)
@click.option(
    "--allow-shrink",
    is_flag=True,
    help="Publish even a build with fewer than half the figures of the published warehouse (refused "
    "otherwise: the published one stays).",
)
def run(
    data_dir: Path,
    warehouse: Path,
    today: str | None,
    orders: bool,
    month: str | None,
    engine: str | None,
    spark_master: str | None,
    parallel: int,
    record: bool,
    allow_shrink: bool,
) -> None:
    """File the inbox (DATA_DIR/inbox/), then materialise everything once and publish the warehouse; print
    what was filed, loaded and rejected.

    With --orders, a month whose order scan fails stops the command (exit 1) before the warehouse is
    rebuilt: the published warehouse stays the last good one. A build with fewer than half the figures of
    the published warehouse is not published (exit 1, one line says why) unless --allow-shrink is given."""
    from pipelines.defs.resources import settings_from_env
    from pipelines.defs.run import format_summary, run_pipeline

    if (month or engine or spark_master or parallel > 1) and not orders:
        raise click.UsageError("--month, --engine, --spark-master and --parallel need --orders")
    if spark_master and (engine or env_orders_engine()) != "spark":
        raise click.UsageError("--spark-master needs --engine spark (or IMPACT_ORDERS_ENGINE=spark)")
    settings = settings_from_env(
        data_dir=str(data_dir), warehouse=str(warehouse), today=today, allow_shrink=allow_shrink
    )
    order_part = None
    if orders:
        from pipelines.defs.orders_run import order_run, run_orders

        try:  # one run: the order months, then the warehouse that reads them (two with --parallel N)
            order_part = (
                None if parallel > 1 else order_run(data_dir, month, engine=engine, spark_master=spark_master)
            )
            if order_part is None:
                done = run_orders(
                    data_dir, month, engine=engine, spark_master=spark_master, parallel=parallel
                )
                click.echo(
                    f"orders: {len(done['months'])} month(s), {counted(done['rows_in'])} in, scanned in "
                    f"{done['runs']} run(s) before the warehouse build (counted in its loads and order_rejects)"
                )
                _orders_failed(done["failed"], warehouse)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
    requests = _file_the_inbox(Path(settings.data_dir))
    summary = run_pipeline(settings, record=record, orders=order_part)
    if summary.published:
        from pipelines.ingest.inbox import clear_requests

        clear_requests(Path(settings.data_dir), requests)  # built: the sensor need not ask again
    if summary.orders is not None:
        done = summary.orders
        click.echo(
            f"orders: {len(done['months'])} month(s), {counted(done['rows_in'])} in, "
            f"{done['rows_aggregated']} aggregated, {done['rows_rejected']} rejected"
        )
        _orders_failed(done["failed"], warehouse)
    click.echo(format_summary(summary))
    sys.exit(0 if summary.published else 1)


def _orders_failed(failed: dict[str, str], warehouse: Path) -> None:
    """Name each failed order month and stop (exit 1): the warehouse was not rebuilt."""
    for failed_month, error in failed.items():
        click.echo(f"  FAILED {failed_month}: {error}")
    if failed:
        raise click.ClickException(
            f"order figures failed for {len(failed)} month(s); nothing of those months was "
            f"written and the warehouse at {warehouse} was not rebuilt"
        )


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@data_dir_option
def validate(paths: tuple[Path, ...], data_dir: Path) -> None:
    """Check files (or dataset folders) without loading them; exit 1 when any row would be rejected."""
    from pipelines.ingest.validate_files import format_issues, validate_paths

    loads, rejected = validate_paths(list(paths), data_dir)
    for line in format_issues(loads, rejected):
        click.echo(line)
    bad = rejected.height > 0 or loads.filter(loads["status"] == "unreadable").height > 0
    sys.exit(1 if bad else 0)


@click.command()
@click.argument("query")
@warehouse_option
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option(
    "--limit",
    type=click.IntRange(1, 100_000),
    default=10_000,
    show_default=True,
    help="Maximum rows returned (1 to 100,000; the limit cannot be turned off).",
)
def sql(query: str, warehouse: Path, fmt: str, limit: int) -> None:
    """Run a read-only query against the published warehouse."""
    import polars as pl

    from pipelines.warehouse.console import QueryRefused, run_readonly

    try:
        frame = run_readonly(warehouse, query, max_rows=limit)
    except QueryRefused as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "csv":
        from pipelines.warehouse.export import csv_for_spreadsheets

        click.echo(csv_for_spreadsheets(frame), nl=False)
    elif fmt == "json":
        click.echo(json.dumps(frame.to_dicts(), default=str, indent=1))
    else:
        with pl.Config(tbl_rows=200, tbl_cols=50, fmt_str_lengths=60, tbl_width_chars=200):
            click.echo(frame)


@click.command()
@warehouse_option
@click.option("--entity", required=True, help="The business, as in the figures: 'TikTok Shop'.")
@click.option("--metric", required=True, help="Metric id: gmv, revenue, ...")
@click.option("--region", required=True, help="Region code: US, WORLD, ...")
@click.option(
    "--period", required=True, help="Period label as the warehouse holds it: 2024, 2024-Q3, FY2025."
)
@click.option("--kind", default="target", show_default=True, help="Expectation kind: target, budget, ...")
@click.option("--json", "as_json", is_flag=True, help="Print the bridge as JSON.")
def bridge(
    warehouse: Path, entity: str, metric: str, region: str, period: str, kind: str, as_json: bool
) -> None:
    """The steps from the original expectation to the actual: each revision, the exchange-rate effect, the gap
    (or each child region's part of it) and the actual (view expectation_bridge)."""
    from pipelines.warehouse.bridge import BridgeNotFound, read_bridge
    from pipelines.warehouse.console import QueryRefused

    try:
        found = read_bridge(warehouse, entity, metric, region, period, kind)
    except (BridgeNotFound, QueryRefused) as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(found, default=str, indent=1))
        return
    click.echo(
        f"{entity} · {metric} · {region} · {found['period']}: {kind} to actual ({found['policy']}), "
        f"in {found['unit']}"
    )
    for step in found["steps"]:
        value = step["step_value"]
        sign = "" if step["step"] in ("original", "actual") else "+" if value >= 0 else ""
        click.echo(f"  {step['label']:<60} {sign}{value:,.2f}   = {step['running_total']:,.2f}")
