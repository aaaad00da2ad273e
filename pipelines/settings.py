"""Every IMPACT_* setting, read from the environment once, typed, with its default (docs/operations.md).

`Settings.from_env()` is the only place that reads IMPACT_* variables. The Dagster resource
(`pipelines.defs.resources.ImpactSettings`) is built from it, the CLI uses it for its option defaults, and the
dashboard reads the warehouse path and the staleness limit from it. No heavy imports here.

Errors: `SettingError` (a ValueError) names the variable and the bad value when a number does not parse.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_DATA_DIR = "data"
DEFAULT_WAREHOUSE = "data/warehouse.duckdb"
# The Dagster freshness check on the published warehouse fails after this many hours (it warns after
# IMPACT_STALE_AFTER_HOURS): two daily schedules missed.
STALE_FAIL_AFTER_HOURS = 48.0
ORDERS_ENGINES = ("duckdb", "spark")
DEFAULT_ORDERS_ENGINE = "duckdb"
DEFAULT_SPARK_MASTER = "local[*]"


class SettingError(ValueError):
    """An IMPACT_* variable holds a value of the wrong type."""


@dataclass(frozen=True)
class Settings:
    """Where inputs are read from, where the warehouse is published, and the alert and staleness limits."""

    data_dir: str = DEFAULT_DATA_DIR  # IMPACT_DATA_DIR: datasets/, reference/, inbox/, orders/, dagster_home/
    warehouse: str = DEFAULT_WAREHOUSE  # IMPACT_WAREHOUSE: the published DuckDB file
    alert_streak_periods: int = 3  # IMPACT_ALERT_STREAK_PERIODS: alert when a shortfall streak is this long
    alert_miss_pct: float = 10.0  # IMPACT_ALERT_MISS_PCT: alert when a period misses by this many percent
    alert_webhook: str | None = None  # IMPACT_ALERT_WEBHOOK: POST new alerts and failed runs here as JSON
    stale_after_hours: float = 36.0  # IMPACT_STALE_AFTER_HOURS: the warehouse is stale after this long
    orders_engine: str = (
        DEFAULT_ORDERS_ENGINE  # IMPACT_ORDERS_ENGINE: 'duckdb' or 'spark' scans order Parquet
    )
    spark_master: str = DEFAULT_SPARK_MASTER  # IMPACT_SPARK_MASTER: local[*], spark://host:7077, yarn, ...
    inbox_settle_seconds: float = (
        10.0  # IMPACT_INBOX_SETTLE_SECONDS: an inbox file unchanged this long is done
    )
    publish_wait_seconds: float = (
        900.0  # IMPACT_PUBLISH_WAIT_SECONDS: a run waits this long for another's publish
    )
    # IMPACT_REPORTS: after each successful build, one report per selection into DATA_DIR/reports/
    # ('entity=TikTok Shop,metric=gmv;entity=TikTok,metric=revenue,region=US'; `report_selections`)
    reports: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings from IMPACT_* variables (empty or unset: the default). Raises SettingError."""
        env = os.environ if environ is None else environ

        def read(name: str, default, kind):
            raw = env.get(name)
            if raw is None or raw == "":
                return default
            try:
                return kind(raw)
            except ValueError:
                raise SettingError(f"{name}={raw!r} is not a valid {kind.__name__}") from None

        engine = read("IMPACT_ORDERS_ENGINE", cls.orders_engine, str).strip().lower()
        if engine not in ORDERS_ENGINES:
            raise SettingError(
                f"IMPACT_ORDERS_ENGINE={engine!r}: expected one of {', '.join(ORDERS_ENGINES)}"
            )
        return cls(
            data_dir=read("IMPACT_DATA_DIR", cls.data_dir, str),
            warehouse=read("IMPACT_WAREHOUSE", cls.warehouse, str),
            alert_streak_periods=read("IMPACT_ALERT_STREAK_PERIODS", cls.alert_streak_periods, int),
            alert_miss_pct=read("IMPACT_ALERT_MISS_PCT", cls.alert_miss_pct, float),
            alert_webhook=read("IMPACT_ALERT_WEBHOOK", cls.alert_webhook, str),
            stale_after_hours=read("IMPACT_STALE_AFTER_HOURS", cls.stale_after_hours, float),
            orders_engine=engine,
            spark_master=read("IMPACT_SPARK_MASTER", cls.spark_master, str),
            inbox_settle_seconds=read("IMPACT_INBOX_SETTLE_SECONDS", cls.inbox_settle_seconds, float),
            publish_wait_seconds=read("IMPACT_PUBLISH_WAIT_SECONDS", cls.publish_wait_seconds, float),
            reports=_checked_reports(read("IMPACT_REPORTS", cls.reports, str)),
        )

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def warehouse_path(self) -> Path:
        return Path(self.warehouse)


@dataclass(frozen=True)
class ReportSelection:
    """What one report shows: a series (entity, metric), optionally one region, one period, one expectation
    policy and kind (None: the report's defaults: the top-level region with most periods, its latest compared
    period, the kind the Scorecard opens on (`pipelines.warehouse.default_view.default_view`) and that kind's
    default policy)."""

    entity: str
    metric: str
    region: str | None = None
    period: str | None = None
    policy: str | None = None
    kind: str | None = None

    @property
    def slug(self) -> str:
        """'tiktok-shop-gmv-us': the selection in a file name (lower case, letters, digits and dashes)."""
        parts = [self.entity, self.metric, self.region, self.period, self.kind, self.policy]
        text = "-".join(p for p in parts if p).lower()
        return "".join(c if c.isalnum() else "-" for c in text).strip("-")


REPORT_FIELDS = ("entity", "metric", "region", "period", "policy", "kind")


def report_selections(text: str) -> tuple[ReportSelection, ...]:
    """IMPACT_REPORTS parsed: selections separated by ';', each 'key=value' pairs separated by ','
    (keys: entity, metric, region, period, policy, kind; entity and metric required). '' gives ().

    Raises SettingError naming the selection and what is wrong with it."""
    out = []
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        fields: dict[str, str] = {}
        for pair in chunk.split(","):
            key, sep, value = pair.partition("=")
            key = key.strip().lower()
            if not sep or key not in REPORT_FIELDS or not value.strip():
                raise SettingError(
                    f"IMPACT_REPORTS selection {chunk!r}: {pair.strip()!r} is not key=value with a key among "
                    f"{', '.join(REPORT_FIELDS)}"
                )
            fields[key] = value.strip()
        missing = [k for k in ("entity", "metric") if k not in fields]
        if missing:
            raise SettingError(f"IMPACT_REPORTS selection {chunk!r}: {' and '.join(missing)} missing")
        out.append(ReportSelection(**fields))
    return tuple(out)


def _checked_reports(text: str) -> str:
    report_selections(text)  # raises SettingError when a selection does not parse
    return text


def env_data_dir() -> str:
    """IMPACT_DATA_DIR, else 'data' (the CLI's --data-dir default, read when the command runs)."""
    return Settings.from_env().data_dir


def env_warehouse() -> str:
    """IMPACT_WAREHOUSE, else 'data/warehouse.duckdb' (the CLI's --warehouse default)."""
    return Settings.from_env().warehouse


PUBLISH_TAG = ("impact/publishes", "warehouse")  # on every run that publishes the warehouse
# At most one publishing run at a time: the daemon queues the others (docs/operations.md, "Overlapping runs").
DAGSTER_YAML = f"""telemetry:
  enabled: false
concurrency:
  runs:
    tag_concurrency_limits:
      - key: "{PUBLISH_TAG[0]}"
        value: "{PUBLISH_TAG[1]}"
        limit: 1
"""


def dagster_home(data_dir: Path) -> Path:
    """A persistent DAGSTER_HOME so run history survives (DATA_DIR/dagster_home unless set), with a
    dagster.yaml limiting publishing runs to one at a time (added to a dagster.yaml written before)."""
    home = Path(os.environ.get("DAGSTER_HOME") or (data_dir / "dagster_home")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() == "telemetry:\n  enabled: false\n":
        config.write_text(DAGSTER_YAML)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def env_orders_engine() -> str:
    """IMPACT_ORDERS_ENGINE: which engine scans order-level Parquet ('duckdb' or 'spark'); SettingError
    (a ValueError) else."""
    return Settings.from_env().orders_engine


def env_spark_master() -> str:
    """IMPACT_SPARK_MASTER: the Spark master for --engine spark (local[*], spark://host:7077, yarn, ...)."""
    return Settings.from_env().spark_master
