"""A small seeded warehouse: regions, sources, monthly actuals and targets, and events around Nov 2024."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.warehouse.sqlfiles import create_tables, create_views

REGIONS = [
    # region_code, name, parent_code, level, depth, path
    ("WORLD", "Global", None, "world", 0, "WORLD"),
    ("NAM", "North America", "WORLD", "region", 1, "WORLD/NAM"),
    ("US", "United States", "NAM", "country", 2, "WORLD/NAM/US"),
    ("CA", "Canada", "NAM", "country", 2, "WORLD/NAM/CA"),
    ("MX", "Mexico", "NAM", "country", 2, "WORLD/NAM/MX"),
    ("APAC", "Asia-Pacific", "WORLD", "region", 1, "WORLD/APAC"),
    ("AU", "Australia", "APAC", "country", 2, "WORLD/APAC/AU"),
]

SOURCES = [
    ("S-ORDERS", "Operator order data", "2025-01-15"),
    ("S-PLAN", "Operator plan 2024", "2023-12-01"),
    ("S-CTV", "CTV News", "2024-11-06"),
    ("S-GAB", "gabruu.com", "2024-11-07"),
    ("S-JUSTIA", "Justia News", "2024-05"),
    ("S-WSJ", "Wall Street Journal", "2024-11-20"),
]

EVENTS = [
    # event_id, date, precision, status, jurisdiction, category, title, source
    ("CA-WINDUP", date(2024, 11, 6), "day", "effective", "CA", "order", "Canada orders wind-up", "S-CTV"),
    ("AU-U16", date(2024, 11, 7), "day", "announced", "AU", "ban", "Australia under-16 ban", "S-GAB"),
    ("US-SUIT", date(2024, 5, 7), "day", "effective", "US", "litigation", "TikTok sues", "S-JUSTIA"),
    ("NAM-PACT", date(2024, 3, 1), "day", "effective", "NAM", "other", "North American pact", "S-WSJ"),
    ("US-RULING", date(2024, 12, 1), "month", "expected", "US", "ruling", "Appeals ruling due", "S-WSJ"),
]

MONTHS = [date(2024, m, 1) for m in range(1, 13)]


def month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def seed(con: duckdb.DuckDBPyConnection, last_month: int = 12) -> None:
    create_tables(con)
    for code, name, parent, level, depth, path in REGIONS:
        con.execute(
            "insert into regions values (?, ?, ?, ?, null, ?, ?)", [code, name, parent, level, depth, path]
        )
    con.execute(
        "insert into metrics values ('gmv', 'GMV', 'money', true, true, false, null, null, null)",
    )
    for sid, publisher, published in SOURCES:
        con.execute(
            "insert into sources (source_id, publisher, published_on, published_date, dataset, file, row_number)"
            " values (?, ?, ?, try_cast(? as date), 'test', 'sources.csv', 1)",
            [sid, publisher, published, published],
        )
    for i, (eid, d, precision, status, juris, cat, title, src) in enumerate(EVENTS, start=1):
        con.execute(
            "insert into events values (?, 'test', ?, ?, null, ?, ?, ?, ?, 'TikTok', ?, null, 'events.csv', ?)",
            [eid, d, precision, status, juris, cat, title, src, i],
        )
    row = 0
    for region, level in (("US", 100.0), ("CA", 20.0), ("AU", 10.0)):
        for m in MONTHS[:last_month]:
            row += 1
            period = m.strftime("%Y-%m")
            insert_figure(
                con, f"A-{region}-{period}", region, period, m, "actual", level + m.month, "S-ORDERS", row
            )
            insert_figure(
                con,
                f"T-{region}-{period}",
                region,
                period,
                m,
                "target",
                level + 5,
                "S-PLAN",
                row,
                as_of=date(2023, 12, 1),
            )


def insert_figure(con, fid, region, period, start, kind, value, source, row, as_of=date(2025, 1, 15)):
    con.execute(
        "insert into figures (figure_id, dataset, entity, metric, region_code, period, grain, period_start,"
        " period_end, kind, is_expectation, value, bound, unit, as_of, as_of_precision, source_id, file, row_number)"
        " values (?, 'test', 'TikTok', 'gmv', ?, ?, 'month', ?, ?, ?, ?, ?, 'exact', 'USD', ?, 'day', ?, 'f.csv', ?)",
        [fid, region, period, start, month_end(start), kind, kind != "actual", value, as_of, source, row],
    )


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    seed(con)
    create_views(con)
    con.close()
    return path


CASES = Path(__file__).resolve().parents[1] / "data" / "cases"  # the handed published studies, copied


def build_case(case: str, tmp: Path) -> Path:
    """A handed case's warehouse, built by the real `impact run` on a copy of its inputs."""
    data = tmp / case
    shutil.copytree(CASES / case, data)
    warehouse = tmp / f"{case}.duckdb"
    run = subprocess.run(
        [str(Path(sys.executable).with_name("impact")), "run", "--data-dir", str(data), "--warehouse",
         str(warehouse), "--today", "2026-11-29"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return warehouse


@pytest.fixture(scope="session")
def prop99(tmp_path_factory) -> Path:
    """California's Proposition 99 (ADH 2010): 39 states' cigarette sales 1970-2000, event P99 in 1989."""
    return build_case("effects-prop99", tmp_path_factory.mktemp("prop99"))


@pytest.fixture(scope="session")
def minimum_wage(tmp_path_factory) -> Path:
    """Card & Krueger (1994): 410 stores in New Jersey and Pennsylvania, two waves, event NJMW 1992-04-01."""
    return build_case("effects-minimum-wage", tmp_path_factory.mktemp("njmw"))
