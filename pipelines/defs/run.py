"""Run the warehouse pipeline once through Dagster, headless, and summarise what happened."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
import duckdb

from pipelines.defs.assets import CORE_ASSETS, CORE_CHECKS, WAITED_KEY
from pipelines.defs.checks import BLOCKING, WAREHOUSE_CHECKS
from pipelines.defs.resources import ImpactSettings
from pipelines.settings import PUBLISH_TAG, dagster_home
from pipelines.warehouse import publish_lock, reconciliation
from pipelines.warehouse.quality import CHECKS
from pipelines.words import counted

if TYPE_CHECKING:
    from pipelines.defs.orders_run import OrderRun


@dataclass
class RunSummary:
    published: bool
    warehouse: Path
    seconds: float
    loads: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    checks: list[tuple[str, bool, int, bool]] = field(
        default_factory=list
    )  # name, passed, offending, blocking
    error: str | None = None
    waited_s: float = 0.0  # for another run holding the publish lock
    # expectations compared with nothing (view unmatched_expectations): (reason_kind, count, an example reason)
    unmatched: list[tuple[str, int, str]] = field(default_factory=list)
    reconciliation: reconciliation.Reconciliation | None = None  # exports' own comparisons, checked
    # with orders: months, rows_in, rows_aggregated, rows_rejected, failed (month -> error), run_id
    orders: dict | None = None

    @property
    def failed_blocking(self) -> list[str]:
        return [name for name, passed, _, blocking in self.checks if blocking and not passed]


QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _instance(record: bool) -> dg.DagsterInstance:
    return dg.DagsterInstance.get() if record else dg.DagsterInstance.ephemeral()


def run_pipeline(
    settings: ImpactSettings,
    extra_assets: list | None = None,
    record: bool = False,
    orders: OrderRun | None = None,
) -> RunSummary:
    """Materialise every asset once, in process.

    `orders` (pipelines.defs.orders_run.order_run): the same run first scans those order months
    (`order_figures`, one partition range) on the instance that records the partitions, so the warehouse's
    `order_facts` reads them: one run, one lineage graph. A failed month fails the run before the build.

    `record=True` writes the run into the persistent DAGSTER_HOME so the Dagster UI shows it; that costs about
    seven seconds of SQLite event-log writes on this machine (one commit per Dagster event), so headless runs
    use an ephemeral instance and keep intermediate values in memory unless asked. Scheduled and sensor runs,
    launched by the daemon, are always recorded.
    """
    started = time.perf_counter()
    target = settings.warehouse_path
    unwritable = _unwritable_folder(settings, record)
    if unwritable:
        return RunSummary(False, target, time.perf_counter() - started, error=unwritable)
    waited = 0.0
    try:
        if orders is not None:  # the order months are scanned (and written) holding the lock, as before
            _, waited = publish_lock.acquire(target)
    except (publish_lock.PublishBusy, OSError) as exc:
        return RunSummary(False, target, time.perf_counter() - started, error=str(exc))
    try:
        # the inputs are read first and the lock taken after (assets.read_then_lock): a slow file never
        # holds it; it is released at the swap, or here when the run stops before
        before = target.stat().st_mtime_ns if target.exists() else None
        result = _materialize(settings, extra_assets, record, orders)
    finally:
        publish_lock.release(target)
    published = result.success and target.exists() and target.stat().st_mtime_ns != before
    summary = RunSummary(
        published=published,
        warehouse=target,
        seconds=time.perf_counter() - started,
        waited_s=waited + _waited_in_run(result),
    )
    for evaluation in result.get_asset_check_evaluations():
        offending = evaluation.metadata.get("offending rows")
        summary.checks.append(
            (
                evaluation.check_name,
                evaluation.passed,
                int(offending.value) if offending is not None else -1,
                evaluation.check_name in BLOCKING,
            )
        )
    if not result.success:
        summary.error = _failure_text(result)
    if orders is not None:
        summary.orders = _order_summary(result, orders)
    if published:
        _read_back(summary)
    return summary


def _unwritable_folder(settings: ImpactSettings, record: bool) -> str | None:
    """One line naming the folder the run must write and cannot, else None. Only the warehouse's folder is
    written (the new file is built beside the published one); with `record`, also DAGSTER_HOME (created
    here). The ephemeral instance of a plain run writes nothing under DATA_DIR, which may be read-only."""
    if record:
        try:
            dagster_home(settings.data_path)
        except OSError as exc:
            return (
                f"DAGSTER_HOME {exc.filename or settings.data_path / 'dagster_home'} must be writable for "
                f"--record ({exc.strerror}); set DAGSTER_HOME to a writable folder, or run without --record"
            )
    folder = settings.warehouse_path.absolute().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"the warehouse folder {folder} cannot be created ({exc.strerror}): choose another --warehouse"
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"the warehouse folder {folder} must be writable (the new warehouse is built beside the "
            f"published one): choose a writable --warehouse (IMPACT_WAREHOUSE)"
        )
    return None


def _waited_in_run(result: dg.ExecuteInProcessResult) -> float:
    """Seconds the run's `input_files` step waited for the publish lock (its metadata), 0 when it did not run."""
    for event in result.get_asset_materialization_events():
        entry = event.materialization.metadata.get(WAITED_KEY)
        if entry is not None:
            return float(entry.value)
    return 0.0


def _failure_text(result: dg.ExecuteInProcessResult) -> str:
    """What stopped the run: a step's own words (a `dg.Failure` description, e.g. the shrink refusal),
    else Dagster's failure messages."""
    failures = [e for e in result.all_events if e.is_failure]
    for event in failures:
        user = event.is_step_failure and event.step_failure_data.user_failure_data
        if user and user.description:
            return user.description
    return "; ".join(str(e.message) for e in failures[:3]) or "the run failed"


def _materialize(
    settings: ImpactSettings, extra_assets: list | None, record: bool, orders: OrderRun | None = None
) -> dg.ExecuteInProcessResult:
    resources = {"settings": settings} if record else {"settings": settings, "io_manager": dg.mem_io_manager}
    tags = {"impact/trigger": "cli", PUBLISH_TAG[0]: PUBLISH_TAG[1]}
    assets = [*(extra_assets or []), *CORE_ASSETS, *CORE_CHECKS, *WAREHOUSE_CHECKS]
    run_config: dict = QUIET
    if orders is not None:
        from pipelines.defs.orders import order_figures

        assets = [order_figures, *assets]
        resources |= {"pyspark": orders.pyspark}
        tags |= orders.tags
        run_config = {**QUIET, "ops": {"order_figures": {"config": orders.scan_config}}}
        return dg.materialize(
            assets,
            resources=resources,
            instance=orders.instance,
            raise_on_error=False,
            tags=tags,
            run_config=run_config,
        )
    with _instance(record) as instance:
        return dg.materialize(
            assets,
            resources=resources,
            instance=instance,
            raise_on_error=False,
            tags=tags,
            run_config=run_config,
        )


def _order_summary(result: dg.ExecuteInProcessResult, orders: OrderRun) -> dict:
    """What the run did with the order months: counts from `order_facts`, failed months from the scan."""
    from pipelines.defs.orders_run import failed_months

    summary = {"months": [], "rows_in": 0, "rows_aggregated": 0, "rows_rejected": 0, "run_id": result.run_id}
    summary["failed"] = {} if result.success else failed_months(result, orders.months, node="order_figures")
    materialized = result.asset_materializations_for_node("order_facts")
    if materialized:
        meta = materialized[0].metadata
        summary["months"] = list(orders.months)
        for name in ("rows_in", "rows_aggregated", "rows_rejected"):
            summary[name] = meta[name.replace("_", " ")].value
    return summary


def _read_back(summary: RunSummary) -> None:
    with duckdb.connect(str(summary.warehouse), read_only=True) as con:
        summary.loads = con.sql("select * from loads order by file").pl().to_dicts()
        summary.rejected = con.sql("select * from rejected_rows order by file, row_number").pl().to_dicts()
        summary.unmatched = con.sql(UNMATCHED_BY_REASON).fetchall()
        summary.reconciliation = reconciliation.read(con)


# every expectation is compared or listed with its reason: the run says how many were not, and why
UNMATCHED_BY_REASON = """
select reason_kind, count(*)::bigint as n, min(entity || ' ' || metric || ' ' || region_code || ' ' || period
       || ': ' || reason) as example
from unmatched_expectations
group by reason_kind
order by n desc, reason_kind
"""


def format_summary(summary: RunSummary, max_rejected: int = 20) -> str:
    lines = []
    if summary.waited_s >= 0.5:
        lines.append(
            f"waited {summary.waited_s:.1f} s for another run to publish first (the inputs read before "
            "were checked, and read again if they had changed)"
        )
    if summary.loads:
        counts = ("rows_in", "rows_loaded", "rows_rejected", "rows_combined")
        total = {k: sum(r.get(k) or 0 for r in summary.loads) for k in counts}
        unreadable = [r for r in summary.loads if r["status"] == "unreadable"]
        combined = f"   combined: {total['rows_combined']}" if total["rows_combined"] else ""
        lines.append(
            f"files: {len(summary.loads)} ({len(unreadable)} unreadable)   rows in: {total['rows_in']}   "
            f"loaded: {total['rows_loaded']}   rejected: {total['rows_rejected']}{combined}"
        )
        lines += [f"  unreadable {r['file']}: {r['error']}" for r in unreadable]
        lines += [f"  note {r['file']}: {r['notes']}" for r in summary.loads if r.get("notes")]
    for r in summary.rejected[:max_rejected]:
        if r["row_number"] == 0:
            continue
        where = f"{r['column_name']}: " if r["column_name"] else ""
        hint = f" ({r['suggestion']})" if r["suggestion"] else ""
        at = (
            f" {r['origin']}" if r.get("origin") else ""
        )  # a spreadsheet's cell: 'Budget'!E7, not the read count
        lines.append(f"  {r['file']}:{r['row_number']}{at}: {where}{r['reason']}{hint}")
    if len(summary.rejected) > max_rejected:
        lines.append(f"  ... {len(summary.rejected) - max_rejected} more in the rejected_rows table")
    if summary.unmatched:
        total = sum(n for _, n, _ in summary.unmatched)
        lines.append(
            f"expectations compared with nothing: {total} (the unmatched_expectations view lists each with its reason)"
        )
        lines += [
            f"  {n} {kind.replace('_', ' ')}, e.g. {example}" for kind, n, example in summary.unmatched[:5]
        ]
    passed = sum(1 for c in summary.checks if c[1])
    warnings = [c for c in summary.checks if not c[1] and not c[3]]
    errors = [c for c in summary.checks if not c[1] and c[3]]
    if summary.checks:  # none ran when the run stopped before the build (a lock, a folder it cannot write)
        lines.append(f"checks: {passed} passed, {len(errors)} failed, {len(warnings)} warnings")
    meaning = {check.name: check.description for check in CHECKS}  # what each check asks, from its SQL header
    lines += [
        f"  FAILED {name}: {counted(n, 'offending row')}" + (f" ({meaning[name]})" if name in meaning else "")
        for name, _, n, _ in errors
    ]
    lines += [
        f"  warning {name}: {counted(n)}" + (f" ({meaning[name]})" if name in meaning else "")
        for name, _, n, _ in warnings
    ]
    lines += reconciliation.summary_lines(summary.reconciliation)
    if summary.published:
        lines.append(f"published: {summary.warehouse}  ({summary.seconds:.1f} s)")
        lines.append(
            f'query it:  impact sql "select * from actual_vs_expectation limit 10"   or   '
            f"duckdb -readonly {summary.warehouse}"
        )
    else:
        lines.append(
            f"NOT published ({summary.seconds:.1f} s): {summary.error or 'a blocking check failed'}; "
            f"the last good warehouse stays at {summary.warehouse}"
        )
    return "\n".join(lines)
