"""The warehouse pipeline as Dagster assets: read -> reference -> sources/figures/events -> facts -> build -> publish.

Asset bodies only wire: the rules live in `pipelines.ingest` (Polars) and `sql/` (SQL).
"""

from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.defs.orders import order_figures
from pipelines.defs.reports import scheduled_reports
from pipelines.defs.resources import ImpactSettings
from pipelines.ingest import assemble as load
from pipelines.ingest import discover as inputs
from pipelines.ingest import read as reading
from pipelines.ingest import scope_ids
from pipelines.ingest.check_rows.context import Context
from pipelines.ingest.files import FileLoad
from pipelines.ingest.reference_tables import Reference
from pipelines.orders import facts as orders
from pipelines.settings import STALE_FAIL_AFTER_HOURS, Settings
from pipelines.warehouse import alerts, publish_lock
from pipelines.warehouse import build as warehouse

GROUP = "warehouse"
_SETTINGS = Settings.from_env()  # read when the definitions load: the freshness policy is fixed then


def _today(settings: ImpactSettings) -> date | None:
    return date.fromisoformat(settings.today) if settings.today else None


def _stage_metadata(stage: scope_ids.Stage) -> dict:
    rejected = sum(i["_row"].n_unique() for i in stage.issues.values())
    return {"rows loaded": stage.rows.height, "rows rejected": rejected, "files": len(stage.issues)}


# Every materialised order month, upstream of the build: the month's sources.csv is an input file, its
# grouped scan the input of order_facts (the partitions of order_figures, all of them).
_ORDER_MONTHS = dg.AssetDep(order_figures, partition_mapping=dg.AllPartitionMapping())


READ_ATTEMPTS = 3  # reads without the publish lock before the inputs are read holding it (they kept changing)
WAITED_KEY = "waited for the publish lock (s)"


def read_then_lock(settings: ImpactSettings) -> tuple[list[FileLoad], float]:
    """Read every input WITHOUT the publish lock, then take it (read first, lock to publish): a file that is
    slow to parse never keeps another run from publishing. Holding the lock, the inputs are listed and hashed
    again (no parsing); if any changed since they were read (another run's inbox filing, a new upload), the
    lock is released and they are read again, so the run that publishes last has read the newest inputs.
    After READ_ATTEMPTS changed reads the last read is done holding the lock (each file's parse is bounded by
    pipelines/ingest/limits.py). Each file is parsed in a child process under memory, CPU and time limits
    (pipelines/ingest/sandbox.py). When this process already holds the lock (`impact run` with orders), the
    read is done under it, as before.

    Returns the files and the seconds waited for the lock. Raises publish_lock.PublishBusy."""
    waited_total = 0.0
    for _ in range(READ_ATTEMPTS):
        already = publish_lock.held(settings.warehouse_path)
        files = reading.read_inputs(settings.data_path, isolated=True)
        _, waited = publish_lock.acquire(settings.warehouse_path)
        waited_total += waited
        if already or inputs.fingerprint(f.file for f in files) == inputs.fingerprint(
            inputs.discover(settings.data_path)
        ):
            return files, waited_total
        publish_lock.release(settings.warehouse_path)
    publish_lock.acquire(settings.warehouse_path)
    return reading.read_inputs(settings.data_path, isolated=True), waited_total


@dg.asset(group_name=GROUP, deps=[_ORDER_MONTHS])
def input_files(context: dg.AssetExecutionContext, settings: ImpactSettings) -> list[FileLoad]:
    """Every input file under DATA_DIR/datasets/ and DATA_DIR/reference/, read once (or why it could not be).

    Reads first, then takes the publish lock (pipelines/warehouse/publish_lock.py; `read_then_lock`): held
    until the swap, so no other run can publish between this run's check of its inputs and its publish."""
    try:
        files, waited = read_then_lock(settings)
    except publish_lock.PublishBusy as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    if waited >= 0.5:
        context.log.warning(f"waited {waited:.1f} s for another run to publish first")
    context.add_output_metadata(
        {
            "files": len(files),
            "unreadable": sum(f.status == "unreadable" for f in files),
            "duplicate files": sum(f.status == "duplicate_file" for f in files),
            "rows in": sum(f.raw.rows_in for f in files if f.raw is not None),
            WAITED_KEY: round(waited, 3),
        }
    )
    return files


@dg.asset(group_name=GROUP)
def reference_data(context: dg.AssetExecutionContext, input_files: list[FileLoad]) -> Reference:
    """Regions (ISO countries in a hierarchy), metrics and entities: shipped, overridden, extended by datasets."""
    ref = scope_ids.build_reference(input_files)
    context.add_output_metadata(
        {"regions": ref.regions.height, "metrics": ref.metrics.height, "entities": ref.entities.height}
    )
    return ref


def _validated(
    context: dg.AssetExecutionContext, files: list[FileLoad], kind: str, ctx: Context
) -> scope_ids.Stage:
    stage = scope_ids.validate_kind(files, kind, ctx)
    context.add_output_metadata(_stage_metadata(stage))
    return stage


@dg.asset(group_name=GROUP)
def sources(
    context: dg.AssetExecutionContext,
    settings: ImpactSettings,
    input_files: list[FileLoad],
    reference_data: Reference,
) -> scope_ids.Stage:
    """Who said it and when: validated sources from every dataset."""
    return _validated(
        context, input_files, "sources", scope_ids.context(reference_data, today=_today(settings))
    )


def _facts_context(settings: ImpactSettings, ref: Reference, src: scope_ids.Stage) -> Context:
    return scope_ids.context(ref, src.rows, _today(settings))


@dg.asset(group_name=GROUP)
def figures(
    context: dg.AssetExecutionContext,
    settings: ImpactSettings,
    input_files: list[FileLoad],
    reference_data: Reference,
    sources: scope_ids.Stage,
) -> scope_ids.Stage:
    """Reported figures, normalised: periods to dates, units to USD at the period's rate, regions to codes."""
    return _validated(context, input_files, "figures", _facts_context(settings, reference_data, sources))


@dg.asset(group_name=GROUP)
def events(
    context: dg.AssetExecutionContext,
    settings: ImpactSettings,
    input_files: list[FileLoad],
    reference_data: Reference,
    sources: scope_ids.Stage,
) -> scope_ids.Stage:
    """Dated regulatory, legal and political events tied to jurisdictions."""
    return _validated(context, input_files, "events", _facts_context(settings, reference_data, sources))


ORDER_CHECK = "order_rows_accounted"


@dg.asset(group_name=GROUP, deps=[_ORDER_MONTHS])
def order_facts(
    context: dg.AssetExecutionContext, settings: ImpactSettings, reference_data: Reference
) -> orders.OrderFacts:
    """Actual gmv, net_gmv and orders of every materialised order month (the `order_figures` partitions'
    grouped scans), by country and every region above it, in USD at the same rates and on the same region
    tree as every figure (dataset regions and the user's fx files included); bad order rows counted by
    reason (pipelines/orders/facts.py, sql/orders/). Its check: rows in = rows aggregated + rows rejected."""

    def scoped(dataset: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        own = reference_data.for_dataset(dataset)
        return own.regions, own.fx_rates

    facts = orders.order_facts(settings.data_path, reference_data.regions, reference_data.fx_rates, scoped)
    unaccounted = facts.rows_in - facts.rows_aggregated - facts.rows_rejected
    by_reason: dict[str, int] = {}
    for month in facts.months:
        for reason, n in month.rejected_by_reason.items():
            by_reason[reason] = by_reason.get(reason, 0) + n
    metadata = {
        "months": dg.MetadataValue.json([m.month for m in facts.months]),
        "rows in": facts.rows_in,
        "rows aggregated": facts.rows_aggregated,
        "rows rejected": facts.rows_rejected,
        **{f"rejected: {reason}": n for reason, n in by_reason.items()},
        "figures": facts.figures.height,
    }
    yield dg.Output(facts, metadata={**metadata, "rows unaccounted": unaccounted})


# A check of its own (not a check_spec of the asset): an asset with check specs cannot be subset, and the UI's
# "Materialize all" launches the assets without their checks.
@dg.asset_check(asset=order_facts, name=ORDER_CHECK)
def order_rows_accounted(order_facts: orders.OrderFacts) -> dg.AssetCheckResult:
    """Every order row is aggregated or rejected by reason: rows in = rows aggregated + rows rejected."""
    unaccounted = order_facts.rows_in - order_facts.rows_aggregated - order_facts.rows_rejected
    return dg.AssetCheckResult(passed=unaccounted == 0, metadata={"rows unaccounted": unaccounted})


@dg.asset(group_name=GROUP)
def normalised_facts(
    context: dg.AssetExecutionContext,
    input_files: list[FileLoad],
    reference_data: Reference,
    sources: scope_ids.Stage,
    figures: scope_ids.Stage,
    events: scope_ids.Stage,
    order_facts: orders.OrderFacts,
) -> load.LoadResult:
    """All tables of the warehouse as frames, with every rejected row and one load record per file (and
    per order month)."""
    result = load.assemble(input_files, reference_data, sources, figures, events)
    result = orders.with_order_facts(result, order_facts, reference_data)
    context.add_output_metadata({**result.summary(), "rejected rows": result.rejected.height})
    return result


@dg.asset(group_name=GROUP)
def warehouse_build(
    context: dg.AssetExecutionContext, settings: ImpactSettings, normalised_facts: load.LoadResult
) -> str:
    """A complete new warehouse file beside the published one (tables, then the views of sql/)."""
    warehouse.remove_stale_builds(settings.warehouse_path)
    built = warehouse.build(
        normalised_facts,
        settings.warehouse_path,
        settings.data_path,
        alert_streak=settings.alert_streak_periods,
        alert_miss=settings.alert_miss_pct / 100,
    )
    context.add_output_metadata({"path": str(built), "size (bytes)": built.stat().st_size})
    return str(built)


@dg.asset(
    group_name=GROUP,
    freshness_policy=dg.FreshnessPolicy.time_window(
        fail_window=timedelta(hours=max(STALE_FAIL_AFTER_HOURS, _SETTINGS.stale_after_hours)),
        warn_window=timedelta(hours=_SETTINGS.stale_after_hours),
    ),
)
def published_warehouse(
    context: dg.AssetExecutionContext, settings: ImpactSettings, warehouse_build: str
) -> str:
    """The published DuckDB warehouse: swapped in atomically once the build's blocking checks pass, unless
    the build has fewer than half the published one's figures (then only with `allow_shrink`)."""
    try:
        refusal = warehouse.shrink_refusal(Path(warehouse_build), settings.warehouse_path)
        if refusal and not settings.allow_shrink:
            Path(warehouse_build).unlink(missing_ok=True)
            raise dg.Failure(description=refusal, allow_retries=False)
        target = warehouse.publish(Path(warehouse_build), settings.warehouse_path)
    finally:
        publish_lock.release(settings.warehouse_path)
    with warehouse.open_readonly(target) as con:
        counts = dict(
            con.sql(
                "select 'figures', count(*) from figures union all select 'events', count(*) "
                "from events union all select 'sources', count(*) from sources"
            ).fetchall()
        )
    context.add_output_metadata({"path": str(target), **{k: int(v) for k, v in counts.items()}})
    return str(target)


@dg.asset(group_name=GROUP)
def alert_notifications(
    context: dg.AssetExecutionContext,
    settings: ImpactSettings,
    published_warehouse: str,
    scheduled_reports: list[dict],
) -> dict:
    """The alerts this build raised (new shortfall streaks, large misses), posted to the webhook if one is set,
    with links to this build's reports (IMPACT_REPORTS)."""
    path = Path(published_warehouse)
    with warehouse.open_readonly(path) as con:
        built_at = con.execute("select max(built_at) from build_info").fetchone()[0]
    new = alerts.alerts_created_at(path, built_at)
    outcome = {"new alerts": len(new), "webhook": "not configured"}
    if new and settings.alert_webhook:
        delivery = alerts.post_json(
            settings.alert_webhook,
            {
                "kind": "alerts",
                "warehouse": str(path),
                "built_at": built_at,
                "alerts": new,
                "reports": report_links(scheduled_reports),
            },
        )
        outcome["webhook"] = (
            f"{'delivered' if delivery.delivered else 'FAILED'} after {delivery.attempts} "
            f"attempt(s): {delivery.detail}"
        )
        if not delivery.delivered:
            context.log.warning(f"alert webhook failed: {delivery.detail}")
    context.add_output_metadata(outcome)
    return outcome


def report_links(written: list[dict]) -> list[dict]:
    """The webhook's links to the reports written: [{selection, path, url (file://)}], failed ones left out."""
    return [{**w, "url": Path(w["path"]).as_uri()} for w in written if w.get("path")]


CORE_ASSETS = [
    input_files,
    reference_data,
    sources,
    figures,
    events,
    order_facts,
    normalised_facts,
    warehouse_build,
    published_warehouse,
    scheduled_reports,
    alert_notifications,
]

# The checks defined beside their asset (the warehouse's own checks are in checks.py): every run that
# materialises CORE_ASSETS passes these too, so a check is evaluated wherever its asset is built.
CORE_CHECKS = [order_rows_accounted]
