"""Resources: the only door to the outside world, built from `pipelines.settings.Settings` (the one place
that reads IMPACT_* variables)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.settings import Settings

__all__ = ["ImpactSettings", "settings_from_env"]

_DEFAULTS = Settings()


class ImpactSettings(dg.ConfigurableResource):
    """Where inputs are read from and where the warehouse is published; the fields and defaults of
    `pipelines.settings.Settings`, plus `today` for reproducible runs."""

    data_dir: str = _DEFAULTS.data_dir
    warehouse: str = _DEFAULTS.warehouse
    today: str | None = None  # ISO date; fixes 'today' for reproducible tests (future-date checks)
    allow_shrink: bool = False  # publish even a build with under half the published build's figures
    alert_streak_periods: int = _DEFAULTS.alert_streak_periods
    alert_miss_pct: float = _DEFAULTS.alert_miss_pct
    alert_webhook: str | None = _DEFAULTS.alert_webhook
    stale_after_hours: float = _DEFAULTS.stale_after_hours
    reports: str = _DEFAULTS.reports  # IMPACT_REPORTS: the selections reported after each publish

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)


def settings_from_env(**overrides) -> ImpactSettings:
    """The resource from the environment's settings (IMPACT_*), with `overrides` (e.g. data_dir, today)."""
    env = {k: v for k, v in Settings.from_env().as_dict().items() if k in ImpactSettings.model_fields}
    return ImpactSettings(**{**env, **overrides})
