"""Run the warehouse pipeline once through Dagster, headless, and summarise what happened."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.defs.assets import CORE_ASSETS
from pipelines.defs.checks import BLOCKING, WAREHOUSE_CHECKS
from pipelines.defs.resources import ImpactSettings
from pipelines.settings import PUBLISH_TAG, dagster_home
from pipelines.warehouse import publish_lock, reconciliation
from pipelines.words import counted


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
    reconciliation: reconciliation.Reconciliation | None = None  # exports' own comparisons, checked

    @property
    def failed_blocking(self) -> list[str]:
        return [name for name, passed, _, blocking in self.checks if blocking and not passed]


QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _instance(record: bool) -> dg.DagsterInstance:
    return dg.DagsterInstance.get() if record else dg.DagsterInstance.ephemeral()


def run_pipeline(
    settings: ImpactSettings, extra_assets: list | None = None, record: bool = False
) -> RunSummary:
    """Materialise every asset once, in process.

    `record=True` writes the run into the persistent DAGSTER_HOME so the Dagster UI shows it; that costs about
    seven seconds of SQLite event-log writes on this machine (one commit per Dagster event), so headless runs
    use an ephemeral instance and keep intermediate values in memory unless asked. Scheduled and sensor runs,
    launched by the daemon, are always recorded.
    """
    started = time.perf_counter()
    dagster_home(settings.data_path)
    target = settings.warehouse_path
    try:
        _, waited = publish_lock.acquire(target)
    except (publish_lock.PublishBusy, OSError) as exc:
        return RunSummary(False, target, time.perf_counter() - started, error=str(exc))
    try:
        before = target.stat().st_mtime_ns if target.exists() else None
        result = _materialize(settings, extra_assets, record)
    finally:
        publish_lock.release(target)
    published = result.success and target.exists() and target.stat().st_mtime_ns != before
    summary = RunSummary(
        published=published, warehouse=target, seconds=time.perf_counter() - started, waited_s=waited
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
        failures = [e for e in result.all_events if e.is_failure]
        summary.error = "; ".join(str(e.message) for e in failures[:3]) or "the run failed"
    if published:
        _read_back(summary)
    return summary


def _materialize(
    settings: ImpactSettings, extra_assets: list | None, record: bool
) -> dg.ExecuteInProcessResult:
    resources = {"settings": settings} if record else {"settings": settings, "io_manager": dg.mem_io_manager}
    with _instance(record) as instance:
        return dg.materialize(
            [*(extra_assets or []), *CORE_ASSETS, *WAREHOUSE_CHECKS],
            resources=resources,
            instance=instance,
            raise_on_error=False,
            tags={"impact/trigger": "cli", PUBLISH_TAG[0]: PUBLISH_TAG[1]},
            run_config=QUIET,
        )


def _read_back(summary: RunSummary) -> None:
    with duckdb.connect(str(summary.warehouse), read_only=True) as con:
        summary.loads = con.sql("select * from loads order by file").pl().to_dicts()
        summary.rejected = con.sql("select * from rejected_rows order by file, row_number").pl().to_dicts()
        summary.reconciliation = reconciliation.read(con)


def format_summary(summary: RunSummary, max_rejected: int = 20) -> str:
    lines = []
    if summary.waited_s >= 0.5:
        lines.append(
            f"waited {summary.waited_s:.1f} s for another run to publish first; then read the inputs"
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
        lines.append(f"  {r['file']}:{r['row_number']}: {where}{r['reason']}{hint}")
    if len(summary.rejected) > max_rejected:
        lines.append(f"  ... {len(summary.rejected) - max_rejected} more in the rejected_rows table")
    passed = sum(1 for c in summary.checks if c[1])
    warnings = [c for c in summary.checks if not c[1] and not c[3]]
    errors = [c for c in summary.checks if not c[1] and c[3]]
    lines.append(f"checks: {passed} passed, {len(errors)} failed, {len(warnings)} warnings")
    lines += [f"  FAILED {name}: {counted(n, 'offending row')}" for name, _, n, _ in errors]
    lines += [f"  warning {name}: {counted(n)}" for name, _, n, _ in warnings]
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
