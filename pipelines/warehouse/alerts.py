"""Alerts: what a build newly reveals (a shortfall streak reaching N periods, a miss beyond a threshold).

Alerts are computed inside the build, against the previously published warehouse attached read-only, so
they are published atomically with the data that raised them and carried forward from build to build.
Delivery to a webhook happens after publishing and never fails a run.
Both kinds read the comparisons under each expectation kind's default policy (view default_policies:
consensus 'when_reported', the others 'at_period_end') and "short" means `favourable = false`.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.warehouse.sqlfiles import SQL_DIR, sql_literal

ALERTS_SQL = SQL_DIR / "alerts"


def _carry_forward(con: duckdb.DuckDBPyConnection, previous: Path) -> None:
    """Copy the published file's alerts into the build. A client holding the published file open for writing
    (DuckDB's default) makes it impossible to attach, even read-only: then a copy of the file is attached
    instead (its last checkpoint; the swap still publishes, and the holder keeps its old snapshot)."""
    try:
        _copy_alerts(con, previous)
        return
    except duckdb.IOException:
        pass
    copy = previous.with_name(f"{previous.name}.building-{os.getpid()}-previous")
    try:
        shutil.copyfile(previous, copy)
        _copy_alerts(con, copy)
    except (OSError, duckdb.Error):  # unreadable even as a copy: its alerts may be raised again
        pass
    finally:
        copy.unlink(missing_ok=True)
        Path(f"{copy}.wal").unlink(missing_ok=True)


def _copy_alerts(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    con.execute(f"attach {sql_literal(path)} as previous (read_only)")
    try:
        if con.execute(
            "select count(*) from duckdb_tables() where database_name = 'previous' and table_name = 'alerts'"
        ).fetchone()[0]:
            con.execute("insert into alerts by name select * from previous.alerts")
    finally:
        con.execute("detach previous")


def raise_alerts(
    con: duckdb.DuckDBPyConnection, previous: Path | None, now, streak_periods: int, miss_share: float
) -> int:
    """Fill `alerts` in the build: previous alerts carried forward, plus those not raised before. Returns new."""
    if previous is not None and previous.exists():
        _carry_forward(con, previous)
    before = con.execute("select count(*) from alerts").fetchone()[0]
    con.execute((ALERTS_SQL / "value_text.sql").read_text())
    new_alerts = (ALERTS_SQL / "new_alerts.sql").read_text()
    con.execute(
        f"insert into alerts by name select * from ({new_alerts}) n "
        "where n.alert_id not in (select alert_id from alerts)",
        {"streak": streak_periods, "miss": miss_share, "now": now},
    )
    return con.execute("select count(*) from alerts").fetchone()[0] - before


@dataclass(frozen=True)
class Delivery:
    delivered: bool
    attempts: int
    detail: str


def post_json(
    url: str, payload: dict, retries: int = 3, timeout_s: float = 5.0, backoff_s: float = 0.5
) -> Delivery:
    """POST `payload` as JSON with retries and a timeout; reports the outcome instead of raising."""
    body = json.dumps(payload, default=str).encode()
    detail = ""
    for attempt in range(1, retries + 1):
        request = urllib.request.Request(
            url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 - configured URL
                if 200 <= response.status < 300:
                    return Delivery(True, attempt, f"HTTP {response.status}")
                detail = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            detail = f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            detail = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
        if attempt < retries:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    return Delivery(False, retries, detail)


def alerts_created_at(warehouse: Path, created_at) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return (
            con.sql("select * from alerts where created_at = ? order by alert_id", params=[created_at])
            .pl()
            .to_dicts()
        )
