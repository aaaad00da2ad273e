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


ORDERS_ENGINES = ("duckdb", "spark")
DEFAULT_ORDERS_ENGINE = "duckdb"
DEFAULT_SPARK_MASTER = "local[*]"


def env_orders_engine() -> str:
    """IMPACT_ORDERS_ENGINE: which engine scans order-level Parquet ('duckdb' or 'spark'); ValueError else."""
    engine = os.environ.get("IMPACT_ORDERS_ENGINE", DEFAULT_ORDERS_ENGINE).strip().lower()
    if engine not in ORDERS_ENGINES:
        raise ValueError(f"IMPACT_ORDERS_ENGINE={engine!r}: expected one of {', '.join(ORDERS_ENGINES)}")
    return engine


def env_spark_master() -> str:
    """IMPACT_SPARK_MASTER: the Spark master for --engine spark (local[*], spark://host:7077, yarn, ...)."""
    return os.environ.get("IMPACT_SPARK_MASTER") or DEFAULT_SPARK_MASTER
