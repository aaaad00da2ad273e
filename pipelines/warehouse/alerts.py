"""Alerts: what a build newly reveals (a shortfall streak reaching N periods, a miss beyond a threshold).

Alerts are computed inside the build, against the previously published warehouse attached read-only, so
they are published atomically with the data that raised them and carried forward from build to build.
Delivery to a webhook happens after publishing and never fails a run.
Both kinds read the comparisons under each expectation kind's default policy (view default_policies:
consensus 'when_reported', the others 'at_period_end') and "short" means `favourable = false`.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import duckdb

NEW_ALERTS_SQL = """
with streaks as (
    select s.*, 'shortfall_streak' as alert_type, s.length::double as measure,
           s.first_period || '..' || s.last_period as period_label
    from shortfall_streaks s
    inner join default_policies d on d.expectation_kind = s.expectation_kind and d.default_policy = s.policy
    where s.length >= $streak
), misses as (
    select a.*, 'large_miss' as alert_type, a.variance_pct as measure
    from actual_vs_expectation a
    where a.is_default_policy and a.favourable = false and abs(a.variance_pct) >= $miss
), candidates as (
    select alert_type, entity, metric, region_code, period_label as period, expectation_kind, policy, measure,
           format('{} {} in {} fell short of {} ({}) for {} consecutive {} periods, {} to {}', entity, metric,
                  region_code, expectation_kind, policy, length, grain, first_period, last_period) as message,
           null::varchar as source_ids
    from streaks
    union all
    select alert_type, entity, metric, region_code, period, expectation_kind, policy, measure,
           format('{} {} in {} for {} missed its {} by {:.1f}% ({} against {})', entity, metric, region_code,
                  period, expectation_kind, abs(measure) * 100, {value:actual}, {value:expectation}),
           actual_source_id || ',' || expectation_source_id
    from misses
)
select md5(concat_ws('|', alert_type, entity, metric, region_code, period, expectation_kind, policy)) as alert_id,
       $now::timestamp as created_at, c.*
from candidates c
"""


def _value_sql(column: str) -> str:
    return (
        f"case when unit = 'USD' then format('USD {{:.2f}} bn', {column} / 1e9) "
        f"else format('{{:.4g}} {{}}', {column}, unit) end"
    )


def raise_alerts(
    con: duckdb.DuckDBPyConnection, previous: Path | None, now, streak_periods: int, miss_share: float
) -> int:
    """Fill `alerts` in the build: previous alerts carried forward, plus those not raised before. Returns new."""
    if previous is not None and previous.exists():
        con.execute(f"attach '{_quote(previous)}' as previous (read_only)")
        try:
            if con.execute(
                "select count(*) from duckdb_tables() where database_name = 'previous' "
                "and table_name = 'alerts'"
            ).fetchone()[0]:
                con.execute("insert into alerts by name select * from previous.alerts")
        finally:
            con.execute("detach previous")
    before = con.execute("select count(*) from alerts").fetchone()[0]
    new_alerts = NEW_ALERTS_SQL.replace("{value:actual}", _value_sql("actual")).replace(
        "{value:expectation}", _value_sql("expectation")
    )
    con.execute(
        f"insert into alerts by name select * from ({new_alerts}) n "
        "where n.alert_id not in (select alert_id from alerts)",
        {"streak": streak_periods, "miss": miss_share, "now": now},
    )
    return con.execute("select count(*) from alerts").fetchone()[0] - before


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


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
