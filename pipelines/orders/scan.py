"""The monthly order scan, written once: a plan of branches and ONE SQL statement in DuckDB's dialect that
both engines run (DuckDB as written, Spark after `sqlglot` transpiles it; see `pipelines/orders/spark.py`).

The statement's result is the grouped scan (grain: month x entity x country x currency x status), columns:
month 'YYYY-MM', entity, country, currency, status (strings, may be null), rows_in (every row), rows_outside
(ordered_at missing or outside the partition's month), rows_valid (inside the month with a finite amount),
rows_invalid_amount (inside the month with a NaN or infinite amount) and amount (sum of the finite amounts
inside the month, in the order's currency: one NaN would otherwise make the whole group's sum NaN). FX, reference checks, bad-row reasons and the region
rollup run afterwards on this small table (`pipelines/orders/aggregate.py`), the same for both engines.

A branch is a set of files of one month scanned by one SELECT. Parquet footers decide two shortcuts:
- a file whose `entity` statistics prove one value is grouped under that constant (the column is not read);
- a row group whose `ordered_at` min and max lie inside the month with no nulls, and whose `amount` has no
  nulls, is proven clean: its branch counts every row as inside and never reads `ordered_at`. Only row
  groups that may hold bad rows read it. DuckDB selects row groups by `file_row_number` ranges (its reader
  skips the other row groups); Spark cannot select row groups, so it gets whole clean files only.
Statistics are bounds (Parquet writers round a truncated max up), so a proof never admits a bad row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from pipelines.orders.months import month_start, next_month

REQUIRED_COLUMNS = ("ordered_at", "country", "currency", "amount", "status")
GROUP_COLUMNS = ("month", "entity", "country", "currency", "status")
COUNT_COLUMNS = ("rows_in", "rows_outside", "rows_valid", "rows_invalid_amount")
# `amount - amount = 0` holds for every finite amount and fails for NaN and +-inf (inf - inf is NaN, and NaN
# equals no number in DuckDB and Spark alike); null stays null. Both dialects read it as written.
FINITE_AMOUNT = "amount - amount = 0"


class OrderFilesError(ValueError):
    """A month's files cannot be aggregated at all (missing, unreadable, or missing a required column)."""


@dataclass
class Branch:
    """Files of one month scanned by one SELECT. entity: the constant the footers prove (None: read the
    column). clean: every row proven inside the month with an amount. row_ranges: only these
    [first, last) row numbers of the (single) file, i.e. whole row groups (DuckDB only)."""

    month: str
    files: list[str]
    entity: str | None
    clean: bool = False
    row_ranges: list[tuple[int, int]] = field(default_factory=list)


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """[start, end) of the month in UTC."""
    start = datetime.combine(month_start(month), datetime.min.time(), UTC)
    return start, datetime.combine(next_month(month_start(month)), datetime.min.time(), UTC)


def plan_branches(
    con: duckdb.DuckDBPyConnection,
    files_by_month: dict[str, list[str]],
    entity: str,
    row_groups: bool = True,
    proofs: bool = True,
) -> list[Branch]:
    """The branches of a scan of every month given (checked: files exist, required columns present).

    row_groups=False (Spark): clean-row-group proofs apply to whole files only. proofs=False: no row group is
    taken as clean (every row checked; the benchmark's 'before'). Raises OrderFilesError."""
    branches: list[Branch] = []
    for month, files in sorted(files_by_month.items()):
        if not files:
            raise OrderFilesError(
                f"no Parquet files for month {month}: expected .../year=YYYY/month=MM/*.parquet"
            )
        try:
            columns = {
                row[0] for row in con.execute("describe select * from read_parquet(?)", [files]).fetchall()
            }
            missing = [c for c in REQUIRED_COLUMNS if c not in columns]
            if missing:
                raise OrderFilesError(
                    f"order files of {month} lack column(s) {', '.join(missing)}; found {sorted(columns)}"
                )
            constant = _constant_entities(con, files) if "entity" in columns else dict.fromkeys(files, entity)
            clean = _clean_row_groups(con, files, month) if proofs else {}
        except duckdb.Error as error:
            raise OrderFilesError(f"cannot read the order files of {month}: {error}") from error
        branches.extend(_month_branches(month, files, constant, clean, entity, row_groups))
    return branches


def _month_branches(month, files, constant, clean, entity, row_groups) -> list[Branch]:
    """Files grouped by (entity constant, all clean); files mixing clean and unclean row groups are split
    into two single-file branches by row-number ranges when row_groups is True."""
    grouped: dict[tuple, list[str]] = {}
    split: list[Branch] = []
    for path in files:
        value = constant.get(path)
        value = entity if value == "" else value
        groups = clean.get(path, [])
        if all(ok for ok, _, _ in groups) and groups:
            grouped.setdefault((value, True), []).append(path)
        elif row_groups and any(ok for ok, _, _ in groups):
            for ok in (True, False):
                ranges = _merge([(first, last) for flag, first, last in groups if flag == ok])
                split.append(Branch(month, [path], value, clean=ok, row_ranges=ranges))
        else:
            grouped.setdefault((value, False), []).append(path)
    return [Branch(month, paths, value, clean=ok) for (value, ok), paths in grouped.items()] + split


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and merged[-1][1] == first:
            merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged


def _constant_entities(con: duckdb.DuckDBPyConnection, files: list[str]) -> dict[str, str]:
    """file -> its one entity when the footer's statistics prove it ('' when every value is null).

    Parquet's min_value/max_value are bounds even when a writer truncates them (a truncated max is rounded
    up), so min = max with no nulls in every row group means every value is that string. Files without
    statistics, or with the legacy min/max fields only, are read."""
    rows = con.execute(
        """
        select file_name,
               case when sum(stats_null_count) = sum(row_group_num_rows) then ''
                    when bool_and(stats_null_count = 0 and stats_min_value = stats_max_value)
                         and count(distinct stats_min_value) = 1 then any_value(stats_min_value) end
        from parquet_metadata($files)
        where path_in_schema = 'entity'
        group by file_name
        """,
        {"files": files},
    ).fetchall()
    return {name: value for name, value in rows if value is not None}


def _clean_row_groups(
    con: duckdb.DuckDBPyConnection, files: list[str], month: str
) -> dict[str, list[tuple[bool, int, int]]]:
    """file -> [(proven clean, first row, end row)] per row group, in order. Clean: `ordered_at` has no
    nulls and its min/max (read as TIMESTAMPTZ in the UTC session, like the row-level check) lie in
    [start, end) of the month; `amount` has no nulls. Missing or unparsable statistics prove nothing."""
    start, end = month_bounds(month)
    rows = con.execute(
        """
        with stats as (
            select file_name, row_group_id, any_value(row_group_num_rows) as n,
                   bool_and(coalesce(case path_in_schema
                       when 'ordered_at' then stats_null_count = 0
                            and try_cast(stats_min as timestamptz) >= $start
                            and try_cast(stats_max as timestamptz) < $end
                       else stats_null_count = 0 end, false)) as clean
            from parquet_metadata($files)
            where path_in_schema in ('ordered_at', 'amount')
            group by all
        )
        select file_name, row_group_id, coalesce(clean, false), n,
               sum(n) over (partition by file_name order by row_group_id) - n as first_row
        from stats
        order by file_name, row_group_id
        """,
        {"files": files, "start": start, "end": end},
    ).fetchall()
    groups: dict[str, list[tuple[bool, int, int]]] = {}
    for name, _, clean, n, first in rows:
        groups.setdefault(name, []).append((bool(clean), int(first), int(first) + int(n)))
    return groups


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def branch_sql(branch: Branch, source: str, default_entity: str) -> str:
    """One branch's SELECT (DuckDB dialect) over `source`, a relation holding the branch's rows (with a
    `file_row_number` column when branch.row_ranges is set). Grouping by `inside` rather than filtering each
    aggregate keeps the scan at raw speed; it is null for a missing timestamp. Comparing as TIMESTAMPTZ in a
    UTC session makes naive (UTC by convention) and tz-aware columns behave the same; the month's bounds are
    constants, so the per-row test is two comparisons. A clean branch never reads `ordered_at`."""
    start, end = month_bounds(branch.month)
    if branch.entity is not None:
        entity_expr = _quote(branch.entity)
    else:
        entity_expr = f"coalesce(entity, {_quote(default_entity)})"
    if branch.clean:
        inside = "true"
    else:
        inside = (
            f"ordered_at::timestamptz >= timestamptz {_quote(start.isoformat())} "
            f"and ordered_at::timestamptz < timestamptz {_quote(end.isoformat())}"
        )
    where = ""
    if branch.row_ranges:
        ranges = " or ".join(
            f"(file_row_number >= {first} and file_row_number < {last})" for first, last in branch.row_ranges
        )
        where = f"\n        where {ranges}"
    return f"""
        select {_quote(branch.month)} as month, {entity_expr}::varchar as entity,
               country, currency, status,
               {inside} as inside,
               count(*)::bigint as n,
               count(amount) filter (where {FINITE_AMOUNT})::bigint as n_amount,
               count(amount) filter (where not ({FINITE_AMOUNT}))::bigint as n_invalid,
               sum(amount) filter (where {FINITE_AMOUNT})::double as amount
        from {source}{where}
        group by all"""


def scan_sql(branches: list[Branch], sources: list[str], default_entity: str) -> str:
    """The whole scan as one SELECT (DuckDB dialect): the branches' groups, summed per month/entity/
    country/currency/status into the counts described in the module docstring."""
    scanned = "\n        union all".join(
        branch_sql(branch, source, default_entity) for branch, source in zip(branches, sources, strict=True)
    )
    return f"""
        with scanned as ({scanned}
        )
        select month, entity, country, currency, status,
               sum(n)::bigint as rows_in,
               coalesce(sum(n) filter (where inside is not true), 0)::bigint as rows_outside,
               coalesce(sum(n_amount) filter (where inside), 0)::bigint as rows_valid,
               coalesce(sum(n_invalid) filter (where inside), 0)::bigint as rows_invalid_amount,
               sum(amount) filter (where inside) as amount
        from scanned
        group by all"""


def duckdb_source(branch: Branch) -> str:
    """read_parquet over the branch's files (with row numbers when the branch selects row groups)."""
    files = ", ".join(_quote(f) for f in branch.files)
    numbers = ", file_row_number = true" if branch.row_ranges else ""
    return f"read_parquet([{files}]{numbers})"


def scan_months(
    con: duckdb.DuckDBPyConnection,
    files_by_month: dict[str, list[str]],
    entity: str,
    proofs: bool = True,
    row_groups: bool = True,
) -> None:
    """The DuckDB engine: group the orders of every month given into the temp table `order_groups`, in ONE
    query: DuckDB plans the months' scans together and keeps both cores busy, where a query per month paid
    its planning, start-up and tail cost each time. proofs=False checks every row; row_groups=False proves
    whole files only (see plan_branches): splitting files doubles the scans running at once, which at 50M
    orders ran out of memory under memory_limit=128MB/256MB (fine at 512MB)."""
    branches = plan_branches(con, files_by_month, entity, row_groups=row_groups, proofs=proofs)
    sql = scan_sql(branches, [duckdb_source(b) for b in branches], entity)
    con.execute(f"create or replace temp table order_groups as {sql}")


def load_groups(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """The temp table `order_groups` from grouped-scan rows computed elsewhere (Spark), typed as DuckDB's own
    scan would type them; rows are tuples in GROUP_COLUMNS + COUNT_COLUMNS + (amount,) order."""
    names = (*GROUP_COLUMNS, *COUNT_COLUMNS, "amount")
    types = ("varchar",) * len(GROUP_COLUMNS) + ("bigint",) * len(COUNT_COLUMNS) + ("double",)
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    select = ", ".join(f"unnest(${n}::{t}[]) as {n}" for n, t in zip(names, types, strict=True))
    con.execute(
        f"create or replace temp table order_groups as select {select}",
        {n: list(c) for n, c in zip(names, columns, strict=True)},
    )
