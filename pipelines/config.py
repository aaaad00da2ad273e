"""Defaults and environment lookups shared by the CLI and the resources (no heavy imports here)."""

from __future__ import annotations

import os

DEFAULT_DATA_DIR = "data"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"


def env_data_dir() -> str:
    return os.environ.get("IMPACT_DATA_DIR", DEFAULT_DATA_DIR)


def env_warehouse() -> str:
    return os.environ.get("IMPACT_WAREHOUSE", DEFAULT_WAREHOUSE)
