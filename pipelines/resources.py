"""Resources: the only door to the outside world. Configured from environment variables in one place."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

DEFAULT_DATA_DIR = "data"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"


def env_data_dir() -> str:
    return os.environ.get("IMPACT_DATA_DIR", DEFAULT_DATA_DIR)


def env_warehouse() -> str:
    return os.environ.get("IMPACT_WAREHOUSE", DEFAULT_WAREHOUSE)


class ImpactSettings(dg.ConfigurableResource):
    """Where inputs are read from and where the warehouse is published."""

    data_dir: str = DEFAULT_DATA_DIR
    warehouse: str = DEFAULT_WAREHOUSE
    today: str | None = None  # ISO date; fixes 'today' for reproducible tests (future-date checks)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)


def settings_from_env() -> ImpactSettings:
    return ImpactSettings(data_dir=env_data_dir(), warehouse=env_warehouse())
