"""pipelines/settings.py: every IMPACT_* setting read once, typed, with its default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipelines.defs.resources import settings_from_env
from pipelines.settings import SettingError, Settings

REPO = Path(__file__).resolve().parents[2]


def test_defaults_when_nothing_is_set() -> None:
    assert Settings.from_env({}) == Settings(
        data_dir="data",
        warehouse="data/warehouse.duckdb",
        alert_streak_periods=3,
        alert_miss_pct=10.0,
        alert_webhook=None,
        stale_after_hours=36.0,
        orders_engine="duckdb",
        spark_master="local[*]",
    )


def test_values_are_typed() -> None:
    settings = Settings.from_env(
        {
            "IMPACT_DATA_DIR": "/srv/in",
            "IMPACT_ALERT_STREAK_PERIODS": "5",
            "IMPACT_ALERT_MISS_PCT": "12.5",
            "IMPACT_ALERT_WEBHOOK": "",
            "IMPACT_STALE_AFTER_HOURS": "2",
        }
    )
    assert settings.data_path == Path("/srv/in")
    assert settings.alert_streak_periods == 5 and settings.alert_miss_pct == 12.5
    assert settings.alert_webhook is None and settings.stale_after_hours == 2.0


def test_a_bad_number_names_the_variable() -> None:
    with pytest.raises(SettingError, match=r"IMPACT_ALERT_STREAK_PERIODS='three'"):
        Settings.from_env({"IMPACT_ALERT_STREAK_PERIODS": "three"})


def test_the_dagster_resource_is_built_from_the_settings(monkeypatch) -> None:
    monkeypatch.setenv("IMPACT_STALE_AFTER_HOURS", "7")
    monkeypatch.setenv("IMPACT_WAREHOUSE", "/tmp/w.duckdb")
    resource = settings_from_env(today="2026-01-01")
    assert resource.stale_after_hours == 7.0 and resource.warehouse == "/tmp/w.duckdb"
    assert resource.today == "2026-01-01"


def test_no_other_module_reads_an_impact_variable() -> None:
    reads = re.compile(r"""(environ\.get|getenv|environ\[)\(?\s*["']IMPACT_""")
    offenders = [
        str(path.relative_to(REPO))
        for folder in ("pipelines", "dashboard")
        for path in (REPO / folder).rglob("*.py")
        if path.name != "settings.py" and reads.search(path.read_text())
    ]
    assert offenders == []
