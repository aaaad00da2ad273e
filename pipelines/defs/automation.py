"""Schedules and sensors: the daily rebuild, the inbox, and alerts for failed runs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines.defs.resources import ImpactSettings, settings_from_env
from pipelines.ingest.inbox import InboxBusy, clear_requests, file_inbox, pending_requests
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
    """Files the inbox and asks for a run for every filing not yet handed to Dagster.

    The tick does only the quick part (moving files; no validation: the run checks every row and records
    what it rejects), and the build request of each filing is on disk (DATA_DIR/inbox/.requests/) before the
    files leave the inbox. A request is deleted only on a later tick, once the cursor, which Dagster saves
    only with a tick that succeeded, holds its key: a tick that times out or fails after filing loses
    nothing, the next one asks for the run (issue 23: the file was filed and never built)."""

    @dg.sensor(
        name="inbox_sensor",
        job=job,
        minimum_interval_seconds=15,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Files dropped into DATA_DIR/inbox/ are filed into datasets/inbox*/ and loaded by a run.",
    )
    def _sensor(context: dg.SensorEvaluationContext, settings: ImpactSettings):
        try:
            filed = file_inbox(settings.data_path, wait_s=20)
        except InboxBusy as exc:  # "Build now" or 'impact run' is filing: their build includes it
            filed = []
            context.log.info(f"inbox: {exc}")
        for f in filed:
            context.log.info(f"inbox: {f.source}: {f.status}: {f.detail}")
        requested = json.loads(context.cursor) if context.cursor else []
        pending = pending_requests(settings.data_path)
        clear_requests(settings.data_path, [r.key for r in pending if r.key in requested])
        todo = [r for r in pending if r.key not in requested]
        if not todo:
            return dg.SkipReason(
                f"nothing new in the inbox ({len(filed)} file(s) set aside)"
                if filed
                else "the inbox is empty"
            )
        keys = [r.key for r in todo]
        key = (
            keys[0] if len(keys) == 1 else "inbox-" + hashlib.sha256(" ".join(keys).encode()).hexdigest()[:32]
        )
        context.update_cursor(json.dumps((requested + keys)[-200:]))
        return dg.RunRequest(
            run_key=key,
            tags={
                "impact/trigger": "inbox",
                "impact/files": ",".join(Path(f).name for r in todo for f in r.files)[:1000],
                "impact/requests": ",".join(keys)[:1000],
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
