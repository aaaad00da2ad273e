"""Defaults and environment lookups shared by the CLI and the resources (no heavy imports here)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DATA_DIR = "data"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"


def env_data_dir() -> str:
    return os.environ.get("IMPACT_DATA_DIR", DEFAULT_DATA_DIR)


def env_warehouse() -> str:
    return os.environ.get("IMPACT_WAREHOUSE", DEFAULT_WAREHOUSE)


def dagster_home(data_dir: Path) -> Path:
    """A persistent DAGSTER_HOME so run history survives (DATA_DIR/dagster_home unless set)."""
    home = Path(os.environ.get("DAGSTER_HOME") or (data_dir / "dagster_home")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text("telemetry:\n  enabled: false\n")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
