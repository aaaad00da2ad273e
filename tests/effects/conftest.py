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
from tests.helpers import GMV, event_rows
from tests.helpers import seed as seed_rows

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

REGION_COLUMNS = ("region_code", "name", "parent_code", "level", "depth", "path")  # REGIONS' tuples (no iso3)

MONTHS = [date(2024, m, 1) for m in range(1, 13)]


def month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def source_rows(sources: list[tuple], *, with_date: bool = True) -> list[dict]:
    """(source_id, publisher, published_on) tuples as rows of table sources of dataset 'test'; published_date
    is the published_on that is a whole date (null for a partial one), unless with_date=False."""
    rows = []
    for sid, publisher, published in sources:
        row = {"source_id": sid, "publisher": publisher, "published_on": published}
        if with_date:
            row["published_date"] = date.fromisoformat(published) if len(published) == 10 else None
        rows.append({**row, "dataset": "test", "file": "sources.csv", "row_number": 1})
    return rows


def seed(con: duckdb.DuckDBPyConnection, last_month: int = 12) -> None:
    """The tables of sql/tables/ with the regions, the GMV metric, the sources, the events and 2024's monthly
    actuals and targets (up to `last_month`) for the US, Canada and Australia."""
    create_tables(con)
    seed_rows(con, "regions", REGIONS, columns=REGION_COLUMNS)
    seed_rows(con, "metrics", [GMV])
    seed_rows(con, "sources", source_rows(SOURCES))
    seed_rows(con, "events", event_rows(EVENTS))
    figures = []
    row = 0
    for region, level in (("US", 100.0), ("CA", 20.0), ("AU", 10.0)):
        for m in MONTHS[:last_month]:
            row += 1
            period = m.strftime("%Y-%m")
            figures.append(
                figure_row(
                    f"A-{region}-{period}", region, period, m, "actual", level + m.month, "S-ORDERS", row
                )
            )
            figures.append(
                figure_row(
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
            )
    seed_rows(con, "figures", figures)


def figure_row(fid, region, period, start, kind, value, source, row, as_of=date(2025, 1, 15)) -> dict:
    """A monthly TikTok GMV figure (USD, exact) of dataset 'test' as a row of table figures."""
    return {
        "figure_id": fid,
        "dataset": "test",
        "entity": "TikTok",
        "metric": "gmv",
        "region_code": region,
        "period": period,
        "grain": "month",
        "period_start": start,
        "period_end": month_end(start),
        "kind": kind,
        "is_expectation": kind != "actual",
        "value": value,
        "bound": "exact",
        "unit": "USD",
        "as_of": as_of,
        "as_of_precision": "day",
        "source_id": source,
        "file": "f.csv",
        "row_number": row,
    }


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
