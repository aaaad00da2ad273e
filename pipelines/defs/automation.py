"""Schedules and sensors: the daily rebuild, the inbox, and alerts for failed runs."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.resources import ImpactSettings, settings_from_env
from pipelines.ingest.inbox import file_inbox
from pipelines.ingest.validate_files import validate_paths
from pipelines.warehouse import alerts


def daily_rebuild(job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="daily_warehouse_rebuild",
        job=job,
        cron_schedule="0 6 * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Rebuild and publish the warehouse every day at 06:00 UTC.",
    )


def inbox_sensor(job: dg.UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name="inbox_sensor",
        job=job,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Files dropped into DATA_DIR/inbox/ are validated, filed into datasets/inbox/ and loaded.",
    )
    def _sensor(context: dg.SensorEvaluationContext, settings: ImpactSettings):
        filed = file_inbox(settings.data_path)
        new = [f for f in filed if f.status == "filed"]
        for f in filed:
            context.log.info(f"inbox: {f.source}: {f.status}: {f.detail}")
        if not new:
            return dg.SkipReason(
                f"nothing new in the inbox ({len(filed)} file(s) set aside)"
                if filed
                else "the inbox is empty"
            )
        _, rejected = validate_paths([f.target for f in new], settings.data_path)
        for r in rejected.head(50).iter_rows(named=True):
            context.log.warning(f"{r['file']}:{r['row_number']}: {r['column_name'] or ''}: {r['reason']}")
        key = "inbox-" + "-".join(sorted(f.content_hash[:16] for f in new))
        context.update_cursor(key)
        return dg.RunRequest(
            run_key=key,
            tags={
                "impact/trigger": "inbox",
                "impact/files": ",".join(f.target.name for f in new)[:1000],
                "impact/rejected_rows": str(rejected.height),
            },
        )

    return _sensor


@dg.run_failure_sensor(
    name="alert_on_failed_run",
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="POST failed runs to the alert webhook (IMPACT_ALERT_WEBHOOK), if set.",
)
def alert_on_failed_run(context: dg.RunFailureSensorContext) -> None:
    settings = settings_from_env()
    if settings.alert_webhook:
        delivery = alerts.post_json(
            settings.alert_webhook,
            {
                "kind": "run_failed",
                "run_id": context.dagster_run.run_id,
                "job": context.dagster_run.job_name,
                "error": context.failure_event.message,
            },
        )
        context.log.info(f"failed-run alert: delivered={delivery.delivered} ({delivery.detail})")
