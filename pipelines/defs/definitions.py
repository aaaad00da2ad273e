"""The whole system in one place: every asset, check, job, schedule, sensor and resource.

Runs launched by the webserver or the daemon ("Materialize all", schedules, sensors) execute their steps in
the run worker's own process (`in_process_executor`). Dagster's default, the multiprocess executor, starts a
fresh Python process per step that imports Dagster and this code location again: measured with
benchmarks/dagster_ui_run_bench.py, 10 step processes spent 159 s starting against 24 s of work (machine
under load; 37 s against the CLI's 2.7 s when quiet). The steps form one chain, so nothing ran in parallel
anyway. Outputs still go through the default filesystem IO manager, so one asset can be re-run alone.
"""

from __future__ import annotations

import dagster as dg

from pipelines.defs.assets import CORE_ASSETS, CORE_CHECKS
from pipelines.defs.automation import alert_on_failed_run, daily_rebuild, inbox_sensor
from pipelines.defs.checks import WAREHOUSE_CHECKS
from pipelines.defs.orders import ORDER_ASSETS, ORDER_JOBS, ORDER_SENSORS, pyspark_resource
from pipelines.defs.resources import settings_from_env
from pipelines.settings import PUBLISH_TAG

warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.assets(*CORE_ASSETS),
    description="Read every dataset, validate and normalise, build a new warehouse, check it, publish it.",
    # one process for the whole run, so the publish lock taken when the inputs are read is still held at the
    # swap; and a tag the daemon's run queue limits to one run at a time (pipelines/settings.py)
    executor_def=dg.in_process_executor,
    tags=dict([PUBLISH_TAG]),
)

defs = dg.Definitions(
    assets=[*CORE_ASSETS, *ORDER_ASSETS],
    asset_checks=[*WAREHOUSE_CHECKS, *CORE_CHECKS],
    jobs=[warehouse_job, *ORDER_JOBS],
    schedules=[daily_rebuild(warehouse_job)],
    sensors=[inbox_sensor(warehouse_job), alert_on_failed_run, *ORDER_SENSORS],
    resources={"settings": settings_from_env(), "pyspark": pyspark_resource()},
    executor=dg.in_process_executor,
)
