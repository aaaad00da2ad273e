"""The dashboard's connection to the warehouse and its result cache (every read module goes through here).

Results are cached, keyed by the warehouse file's identity (path, mtime_ns, inode). A newly published
warehouse (an `os.replace` swap) has a new identity, so the next rerun reads it. The cache shares each result
(`st.cache_resource`) instead of copying it (`st.cache_data` pickles a result when it stores it and unpickles
it on every hit: 7 ms and 5 ms for the Scorecard's 10,000 comparisons at one million figures, paid again on
each rerun). Nothing mutates a Polars frame in place here, so one shared frame is safe for every session.

Connections are short and read-only. A page wraps its render in `with reading(ident):`: the first cache miss
attaches the warehouse file, every other miss of that render reuses it, and it is detached when the render
ends (or stops); nothing holds the file between renders, so a pipeline run is never blocked (design section
5). Outside `reading` (the benchmark, deferred CSV downloads on their own thread) each query attaches and
detaches on its own.

Attach, not connect: `duckdb.connect(file)` starts a whole DuckDB instance (its catalog of built-in
functions, extensions, thread pool), about 40 ms to open and close on this machine even for an in-memory
database, and the first queries of a new instance run cold (the Scorecard's comparisons at one million
figures: 64 ms, against 27 ms). So the process keeps one in-memory DuckDB instance without any file, and a
render takes a cursor on it and `ATTACH`es the file read-only under a name of its own (5 ms with the detach).
A swapped-in file is attached afresh by the next render; two renders may hold the same or an old and a new
file side by side.

The reads themselves are SQL files, one per query: `sql/reads/<page>/<name>.sql`, each one `select` from the
read model (the `serve_*` views of sql/views/serve/, materialised and stored sorted for the pages' filters) or
from the documented views, with bound `?` parameters and at most one composable filter slot (`true /* filter */`,
filled by `where_given` / `in_list` / `all_of` below). `read(ident, "scorecard/comparisons", *params)` loads
the file once and runs it, cached; the page modules beside this one (`catalog`, `scorecard`, `trends`,
`events`, `evidence`, `impact`) only name the read, bind its parameters and return the frame. Filters on the
materialised tables' leading sort columns (entity, metric, ...) let DuckDB prune them by their zone maps; wide
or long results (evidence, disagreement) are limited, with the full table downloadable on demand (`read_now`).
"""

from __future__ import annotations

import functools
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st

from pipelines.settings import Settings
from pipelines.warehouse.console import SAFE_CONFIG, held_open_message
from pipelines.warehouse.sqlfiles import sql_literal

Identity = tuple[str, int, int]
Filter = tuple[str, list]  # a condition for a read's filter slot and its parameters

READS_DIR = Path(__file__).resolve().parents[2] / "sql" / "reads"
FILTER_SLOT = "true /* filter */"  # valid SQL: the read runs unfiltered as written

# The in-memory instance the warehouse is attached to: no extension loading. File access stays enabled, as
# ATTACH needs it; only this module's own SQL runs there (the SQL page has its own locked-down connection).
INSTANCE_CONFIG = {
    k: v for k, v in SAFE_CONFIG.items() if k not in ("enable_external_access", "lock_configuration")
}


class NoWarehouse(RuntimeError):
    """The warehouse file does not exist (yet) or cannot be opened."""


class NotAWarehouse(NoWarehouse):
    """The file is a DuckDB database, but not a warehouse of this product (it has no `build_info` table)."""


def not_a_warehouse_message(path: str) -> str:
    return (
        f"**This file is not a warehouse of this product**: {path} is a DuckDB database without the tables "
        "`impact run` writes (no `build_info`), so no page can read it. Point `IMPACT_WAREHOUSE` at a "
        "warehouse built by `impact run`, or build one (the bundled data: `make build`)."
    )


def warehouse_path() -> Path:
    return Settings.from_env().warehouse_path


def identity(path: Path | None = None) -> Identity:
    """(path, mtime_ns, inode) of the published file: changes whenever a new warehouse is swapped in."""
    path = Path(path or warehouse_path()).resolve()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NoWarehouse(f"no warehouse yet at {path}: run `impact run` to build it") from None
    return (str(path), stat.st_mtime_ns, stat.st_ino)


_instance: duckdb.DuckDBPyConnection | None = None
_instance_lock = threading.Lock()
_aliases = itertools.count(1)


def _cursor() -> duckdb.DuckDBPyConnection:
    """A new connection (cursor) on the process's one in-memory DuckDB instance, started on first use."""
    global _instance
    with _instance_lock:
        if _instance is None:
            _instance = duckdb.connect(":memory:", config=INSTANCE_CONFIG)
        return _instance.cursor()


class Connection:
    """A short read-only connection to the warehouse file: attached to a cursor of the process's in-memory
    instance under a name of its own (made the default database, so the views' names resolve), detached by
    `close()`."""

    def __init__(self, ident: Identity) -> None:
        self.alias = f"warehouse_{next(_aliases)}"
        self.cursor = _cursor()
        try:
            self.cursor.sql(f"attach {sql_literal(ident[0])} as {self.alias} (read_only)")
        except duckdb.Error as exc:
            self.cursor.close()
            plain = held_open_message(Path(ident[0]), exc)  # another client holds it open for writing
            raise NoWarehouse(plain or f"the warehouse at {ident[0]} cannot be opened: {exc}") from None
        self.cursor.sql(f"use {self.alias}")
        if not _is_warehouse(self, ident):
            self.close()
            raise NotAWarehouse(not_a_warehouse_message(ident[0]))

    def sql(self, query: str, params: list | None = None) -> duckdb.DuckDBPyRelation:
        return self.cursor.sql(query, params=params or [])

    def close(self) -> None:
        try:
            self.cursor.sql("use memory")
            self.cursor.sql(f"detach {self.alias}")
        finally:
            self.cursor.close()


_warehouse_files: dict[Identity, bool] = {}  # identity -> holds build_info (asked once per published file)
IS_WAREHOUSE = """
select count(*) > 0 from duckdb_tables()
where database_name = current_database() and schema_name = 'main' and table_name = 'build_info'
"""


def _is_warehouse(con: Connection, ident: Identity) -> bool:
    """Whether the attached file is a warehouse of this product: another DuckDB file made every page stop with
    Streamlit's bare error box at its first query (issue 29)."""
    known = _warehouse_files.get(ident)
    if known is None:
        if len(_warehouse_files) > 64:
            _warehouse_files.clear()
        known = _warehouse_files[ident] = bool(con.cursor.execute(IS_WAREHOUSE).fetchall()[0][0])
    return known


def check_warehouse(ident: Identity) -> None:
    """Raise NotAWarehouse when the file is another DuckDB database; attaches it only the first time a
    published file is seen (5 ms). A file that cannot be opened right now is left to the page's first
    query, which says why (e.g. held open for writing by another client)."""
    if ident not in _warehouse_files:
        try:
            Connection(ident).close()
        except NotAWarehouse:
            raise
        except NoWarehouse:
            return
    if not _warehouse_files.get(ident, True):
        raise NotAWarehouse(not_a_warehouse_message(ident[0]))


def connect(ident: Identity) -> Connection:
    return Connection(ident)


class Reader:
    """One render's connection: opened on the first query that misses the cache, closed by `close()`."""

    def __init__(self, ident: Identity) -> None:
        self.ident = ident
        self.con: Connection | None = None
        self.queries = 0

    def run(self, query: str, params: list | None = None) -> pl.DataFrame:
        if self.con is None:
            self.con = connect(self.ident)
        self.queries += 1
        return self.con.sql(query, params).pl()

    def close(self) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None


_local = threading.local()  # Streamlit runs each session's script on its own thread


@contextmanager
def reading(ident: Identity) -> Iterator[Reader]:
    """Share one short read-only connection among the uncached queries of one render (this thread only)."""
    previous = getattr(_local, "reader", None)
    reader = Reader(ident)
    _local.reader = reader
    try:
        yield reader
    finally:
        _local.reader = previous
        reader.close()


def run_query(ident: Identity, query: str, params: list | None = None) -> pl.DataFrame:
    """Uncached: through the render's connection when inside `reading(ident)`, else a connection of its own."""
    reader = getattr(_local, "reader", None)
    if reader is not None and reader.ident == ident:
        return reader.run(query, params)
    one = Reader(ident)
    try:
        return one.run(query, params)
    finally:
        one.close()


# Results shared by every session (see the module's docstring); `clear_cache()` empties it.
cached = st.cache_resource(max_entries=512, show_spinner=False)


def clear_cache() -> None:
    st.cache_resource.clear()


@cached
def _cached(ident: Identity, query: str, params: tuple) -> pl.DataFrame:
    return run_query(ident, query, list(params))


def query(ident: Identity, sql: str, *params) -> pl.DataFrame:
    """Run one SQL text, cached (this module's own statements; the pages' reads go through `read`)."""
    return _cached(ident, sql, tuple(params))


@functools.cache
def read_sql(name: str) -> str:
    """The text of the read `sql/reads/<name>.sql` (name: 'scorecard/comparisons'), read from disk once."""
    text = (READS_DIR / f"{name}.sql").read_text()
    if text.count(FILTER_SLOT) > 1:
        raise ValueError(f"sql/reads/{name}.sql has more than one {FILTER_SLOT} slot")
    return text


def bound(name: str, params: tuple | list, where: Filter | None = None) -> tuple[str, list]:
    """The read's SQL with its filter slot filled, and every parameter in order of its `?`: the filter's own
    parameters go where the slot stands among the file's."""
    text = read_sql(name)
    if FILTER_SLOT not in text:
        if where is not None:
            raise ValueError(f"sql/reads/{name}.sql has no {FILTER_SLOT} slot")
        return text, list(params)
    condition, extra = where if where is not None else ("true", [])
    before = text[: text.index(FILTER_SLOT)].count("?")
    return text.replace(FILTER_SLOT, condition), [*params[:before], *extra, *params[before:]]


def read(ident: Identity, name: str, *params, where: Filter | None = None) -> pl.DataFrame:
    """The rows of the read `sql/reads/<name>.sql` with these parameters (and filter), cached by the
    warehouse's identity and shared by every session."""
    sql, values = bound(name, params, where)
    return _cached(ident, sql, tuple(values))


def read_now(ident: Identity, name: str, *params, where: Filter | None = None) -> pl.DataFrame:
    """As `read`, uncached: for a full table read once for its download."""
    sql, values = bound(name, params, where)
    return run_query(ident, sql, values)


def in_list(column: str, values: list) -> Filter:
    """`column in (?, ?, ...)`: unlike list_contains(?, column), DuckDB pushes it into the scan."""
    if not values:
        return "false", []
    return f"{column} in ({', '.join('?' * len(values))})", list(values)


def where_given(**filters) -> Filter:
    """`col = ?` for each filter given (None = all): no `? is null or` that would defeat pruning."""
    given = {c: v for c, v in filters.items() if v is not None}
    sql = " and ".join(f"{c} = ?" for c in given) or "true"
    return sql, list(given.values())


def at_least(column: str, value) -> Filter:
    """`column >= ?` (a constant the scan filters on, skipping whole row groups)."""
    return f"{column} >= ?", [value]


def all_of(*filters: Filter) -> Filter:
    """Every condition at once (`a and b`), their parameters in order."""
    return " and ".join(f"({c})" for c, _ in filters) or "true", [p for _, ps in filters for p in ps]
