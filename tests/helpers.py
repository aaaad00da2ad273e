"""Helpers every test tier shares, written once: the repository's paths, a free port, the dashboard under
AppTest, a seeder that inserts rows by column name, and the one readiness helper (`wait_until`).

The seeder goes through `pipelines.warehouse.build.insert_frame` (insert by name) with frames typed by the
DDL-derived schemas (`pipelines.ingest.schemas.table_schema`), so a column added to a table in sql/tables/ is a
null column of every seeded row, not a broken positional insert.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from pipelines.ingest.schemas import table_schema
from pipelines.warehouse.build import insert_frame
from pipelines.warehouse.sqlfiles import create_tables, create_views
from tests.case_study import CASE_STUDY, REPO, TODAY  # noqa: F401  (the one case-study path, re-exported)

APP = str(REPO / "dashboard" / "app.py")

# The column order of the reference tuples tests write (named by `named`, so a new column of the table is null).
REGION_COLUMNS = ("region_code", "name", "parent_code", "level", "iso3", "depth", "path")
METRIC_COLUMNS = (
    "metric",
    "name",
    "unit_kind",
    "additive",
    "higher_is_better",
    "can_be_negative",
    "description",
)
METRIC_COLUMNS += ("aggregation", "max_abs_value", "weight_metric")
SOURCE_COLUMNS = ("source_id", "publisher", "title", "url", "published_on", "reliability")
EVENT_COLUMNS = (
    "event_id",
    "date",
    "date_precision",
    "status",
    "jurisdiction",
    "category",
    "title",
    "source_id",
)

# The metric most seeded warehouses measure.
GMV = {
    "metric": "gmv",
    "name": "GMV",
    "unit_kind": "money",
    "additive": True,
    "higher_is_better": True,
    "can_be_negative": False,
}

Rows = pl.DataFrame | Iterable[Mapping[str, Any]] | Iterable[Sequence[Any]]


def timeout_scale() -> float:
    """IMPACT_TEST_TIMEOUT_SCALE (default 1.0: every bound in the tests is already sized for a 2-core machine
    at load 8-12); a slower runner sets e.g. 3. ValueError names the variable when it is not a positive
    number."""
    raw = os.environ.get("IMPACT_TEST_TIMEOUT_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        scale = -1.0
    if not scale > 0:
        raise ValueError(f"IMPACT_TEST_TIMEOUT_SCALE={raw!r}: expected a positive number such as 1 or 3")
    return scale


def scaled(seconds: float) -> float:
    """A bound in seconds (sized for a busy 2-core machine) times IMPACT_TEST_TIMEOUT_SCALE."""
    return seconds * timeout_scale()


def wait_until(
    condition: Callable[[], Any],
    timeout: float,
    what: str,
    *,
    alive: Sequence[subprocess.Popen] = (),
    log: Path | None = None,
    first: float = 0.05,
    most: float = 2.0,
) -> Any:
    """Poll `condition()` until it returns a truthy value and return that value: the one place a test waits.

    `timeout` (seconds, before `scaled`) bounds the wait; the pause between tries starts at `first` seconds
    and doubles up to `most`. An exception from `condition` counts as "not yet" (a port not open, a page
    not drawn) and is quoted if the bound passes. Every process in `alive` must keep running: one that
    exits fails at once with its exit code and the tail of `log`, rather than after the bound.
    Raises AssertionError naming `what`, the bound and the last error."""
    bound = scaled(timeout)
    deadline = time.monotonic() + bound
    pause, last = first, None
    while True:
        for proc in alive:
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
                raise AssertionError(f"{what}: process {proc.args!r} exited with {proc.returncode}\n{tail}")
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - not ready yet; quoted when the bound passes
            last = error
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {bound:.0f} s waiting for {what} (last error: {last!r})")
        time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
        pause = min(most, pause * 2)


def port_answers(url: str, timeout: float = 10) -> bool:
    """True when an HTTP GET of `url` answers (any status below 500) within `timeout` seconds (a loaded
    machine can take several to answer a health check); the OSError otherwise."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout):
            return True
    except urllib.error.HTTPError as error:
        if error.code < 500:
            return True
        raise


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def named(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Positional test rows as dicts: each tuple's values named by the first len(tuple) of `columns`."""
    out = []
    for row in rows:
        if len(row) > len(columns):
            raise ValueError(f"a row of {len(row)} values for {len(columns)} columns: {row!r}")
        out.append(dict(zip(columns, row, strict=False)))
    return out


def table_frame(
    table: str, rows: Rows, *, columns: Sequence[str] | None = None, **constants: Any
) -> pl.DataFrame:
    """Rows of warehouse table `table` as a frame of its DDL's columns and types.

    `rows` are dicts (or tuples named by `columns`, or a frame); `constants` are values every row takes (a row's
    own value wins). Columns nobody gave are null; a name the table does not have raises KeyError."""
    schema = table_schema(table)
    if isinstance(rows, pl.DataFrame):
        records = rows.to_dicts()
    else:
        rows = list(rows)
        records = named(columns, rows) if columns is not None else [dict(r) for r in rows]
    records = [{**constants, **r} for r in records]
    unknown = sorted({k for r in records for k in r} - set(schema))
    if unknown:
        raise KeyError(f"table {table} has no columns {unknown}")
    given = {k for r in records for k in r}
    return pl.DataFrame(
        [
            _typed(pl.Series(name, [r.get(name) for r in records], strict=False), dtype)
            if name in given
            else pl.Series(name, [None] * len(records), dtype=dtype)
            for name, dtype in schema.items()
        ]
    )


def _typed(series: pl.Series, dtype: pl.DataType) -> pl.Series:
    if series.dtype == dtype:
        return series
    if series.dtype == pl.Null:
        return series.cast(dtype)
    if series.dtype == pl.String and dtype in (pl.Date, pl.Datetime):
        return series.str.to_date() if dtype == pl.Date else series.str.to_datetime(time_unit="us")
    return series.cast(dtype)


def event_rows(events: list[tuple], *, first_row: int = 1, entity: str | None = "TikTok", file="events.csv"):
    """EVENTS-shaped tuples (EVENT_COLUMNS) as rows of table events of dataset 'test', numbered from first_row."""
    return [
        {**row, "dataset": "test", "entity": entity, "file": file, "row_number": i}
        for i, row in enumerate(named(EVENT_COLUMNS, events), start=first_row)
    ]


def seed(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Rows,
    *,
    columns: Sequence[str] | None = None,
    **constants: Any,
) -> int:
    """Insert `rows` into warehouse table `table` by column name (see `table_frame`); returns the row count."""
    frame = table_frame(table, rows, columns=columns, **constants)
    insert_frame(con, table, frame)
    return frame.height


def seeded_warehouse(path: Path | str, *, views: bool = True, **tables: Rows) -> duckdb.DuckDBPyConnection:
    """A new warehouse file at `path`: the tables of sql/tables/, each `table=rows` seeded, then the views of
    sql/views/ (unless views=False). Returns the open connection."""
    con = duckdb.connect(str(path))
    create_tables(con)
    for table, rows in tables.items():
        seed(con, table, rows)
    if views:
        create_views(con)
    return con


def open_app(
    monkeypatch,
    warehouse: Path | str,
    page: str | None = None,
    *,
    from_scorecard: bool = False,
    timeout: float = 180,
    **params: str,
):
    """The dashboard under Streamlit's AppTest on `warehouse` (IMPACT_WAREHOUSE), opened on `page` (e.g.
    'app_pages/trends.py'; None: the Scorecard) with the address's query `params`, as a pasted link opens it;
    from_scorecard=True runs the Scorecard first and then navigates, as a click in the sidebar does. Fails the
    test when a script raised."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("IMPACT_WAREHOUSE", str(warehouse))
    at = AppTest.from_file(APP, default_timeout=timeout)
    if from_scorecard:
        at.run()
    if page is not None:
        at.switch_page(page)
    for key, value in params.items():
        at.query_params[key] = value
    if not from_scorecard or page is not None or params:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at
