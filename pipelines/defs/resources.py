"""Resources: the only door to the outside world. Configured from environment variables in one place."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipelines.settings import DEFAULT_DATA_DIR, DEFAULT_WAREHOUSE, env_data_dir, env_warehouse

__all__ = ["ImpactSettings", "env_data_dir", "env_warehouse", "settings_from_env"]


class ImpactSettings(dg.ConfigurableResource):
    """Where inputs are read from and where the warehouse is published."""

    data_dir: str = DEFAULT_DATA_DIR
    warehouse: str = DEFAULT_WAREHOUSE
    today: str | None = None  # ISO date; fixes 'today' for reproducible tests (future-date checks)
    alert_streak_periods: int = 3  # alert when a shortfall streak reaches this many periods
    alert_miss_pct: float = 10.0  # alert when a period misses its expectation by at least this many percent
    alert_webhook: str | None = None  # POST new alerts and failed runs here as JSON
    stale_after_hours: float = (
        36.0  # the published warehouse is stale after this long (daily schedule + slack)
    )

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)


def settings_from_env() -> ImpactSettings:
    """Every setting can come from the environment (IMPACT_*); see docs/configuration.md."""
    return ImpactSettings(
        data_dir=env_data_dir(),
        warehouse=env_warehouse(),
        alert_streak_periods=int(os.environ.get("IMPACT_ALERT_STREAK_PERIODS", "3")),
        alert_miss_pct=float(os.environ.get("IMPACT_ALERT_MISS_PCT", "10")),
        alert_webhook=os.environ.get("IMPACT_ALERT_WEBHOOK") or None,
        stale_after_hours=float(os.environ.get("IMPACT_STALE_AFTER_HOURS", "36")),
    )
