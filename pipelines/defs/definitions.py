"""The whole system in one place: every asset, check, job, schedule, sensor and resource."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.assets import CORE_ASSETS
from pipelines.defs.automation import alert_on_failed_run, daily_rebuild, inbox_sensor
from pipelines.defs.checks import WAREHOUSE_CHECKS
from pipelines.defs.orders import ORDER_ASSETS, ORDER_JOBS, ORDER_SENSORS, pyspark_resource
from pipelines.defs.resources import settings_from_env

warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.assets(*CORE_ASSETS),
    description="Read every dataset, validate and normalise, build a new warehouse, check it, publish it.",
)

defs = dg.Definitions(
    assets=[*CORE_ASSETS, *ORDER_ASSETS],
    asset_checks=WAREHOUSE_CHECKS,
    jobs=[warehouse_job, *ORDER_JOBS],
    schedules=[daily_rebuild(warehouse_job)],
    sensors=[inbox_sensor(warehouse_job), alert_on_failed_run, *ORDER_SENSORS],
    resources={"settings": settings_from_env(), "pyspark": pyspark_resource()},
)
