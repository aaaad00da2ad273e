"""The order figures as the warehouse build makes them: every materialised month's grouped scan
(DATASET/order_groups-YYYY-MM.parquet, written by the `order_figures` partitions) classified with the
warehouse's own reference data (regions with every dataset's regions files, ECB rates overridden by the
user's fx files), rolled up by sql/orders/figures.sql, and handed to the load as typed rows: figures in
the `figures` columns, one `loads` row per month (input_kind 'orders') and the bad order rows counted in
`order_rejects` (joined to `loads` on `file`). No value passes through text on the way.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from pipelines.ingest.assemble import LOADS_SCHEMA, LoadResult
from pipelines.ingest.reference_tables import TABLE_SCHEMAS, Reference
from pipelines.ingest.schemas import table_schema
from pipelines.orders import layout
from pipelines.orders.aggregate import (
    MonthAggregate,
    classify_groups,
    connect,
    month_aggregates,
    order_figure_rows,
)
from pipelines.orders.build import GROUPS_PREFIX, figure_note

INPUT_KIND = "orders"  # loads.input_kind of an order month
REJECTS_SCHEMA = table_schema("order_rejects")  # sql/tables/order_rejects.sql


@dataclass
class OrderFacts:
    """What the order months add to the warehouse. figures: `figures` table rows; rejects: `order_rejects`
    rows; loads: `loads` rows (one per month file); months: per month counts (MonthAggregate)."""

    figures: pl.DataFrame
    rejects: pl.DataFrame
    loads: pl.DataFrame
    months: list[MonthAggregate] = field(default_factory=list)

    @property
    def rows_in(self) -> int:
        return sum(m.rows_in for m in self.months)

    @property
    def rows_aggregated(self) -> int:
        return sum(m.rows_aggregated for m in self.months)

    @property
    def rows_rejected(self) -> int:
        return sum(m.rows_rejected for m in self.months)


def group_files(data_dir: Path) -> list[Path]:
    """Every materialised month's grouped scan: DATA_DIR/datasets/*/order_groups-YYYY-MM.parquet, sorted."""
    return sorted(Path(data_dir).glob(f"datasets/*/{GROUPS_PREFIX}*.parquet"))


def order_facts(
    data_dir: Path,
    regions: pl.DataFrame,
    fx_rates: pl.DataFrame,
    scoped: Callable[[str], tuple[pl.DataFrame, pl.DataFrame]] | None = None,
) -> OrderFacts:
    """The figures, bad-row counts and loads rows of every month found by `group_files`.

    regions: region_code, level, path (the shared regions); fx_rates: currency, month (date), usd_per_unit
    (Reference.fx_rates, the shared rates); scoped: dataset -> (regions, fx_rates) that dataset's orders use
    (the shared ones with the dataset's own, never another dataset's: Reference.for_dataset). Months of one
    dataset are classified in one DuckDB query; an empty result when no month has been materialised."""
    data_dir = Path(data_dir)
    note = figure_note(layout.is_synthetic(layout.orders_dir(data_dir)))
    figures, rejects, loads, months = [], [], [], []
    by_dataset: dict[str, list[Path]] = {}
    for path in group_files(data_dir):
        by_dataset.setdefault(path.parent.name, []).append(path)
    for dataset, paths in by_dataset.items():
        started = time.perf_counter()
        prefix = f"datasets/{dataset}/{GROUPS_PREFIX}"
        con = connect()
        try:
            con.execute(
                "create temp table order_groups as select * from read_parquet($files)",
                {"files": [str(p) for p in paths]},
            )
            own_regions, own_rates = scoped(dataset) if scoped is not None else (regions, fx_rates)
            classify_groups(con, own_regions, own_rates)
            month_list = [p.name.removeprefix(GROUPS_PREFIX).removesuffix(".parquet") for p in paths]
            aggregates = month_aggregates(con, month_list)
            figures.append(order_figure_rows(con, dataset, note, prefix, ".parquet"))
        finally:
            con.close()
        seconds = (time.perf_counter() - started) * 1000 / max(len(paths), 1)
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        for path, agg in zip(paths, aggregates, strict=True):
            file = f"{prefix}{agg.month}.parquet"
            rejects.append(agg.rejects.with_columns(dataset=pl.lit(dataset), file=pl.lit(file)))
            loads.append(_load_row(path, file, dataset, agg, seconds, now))
        months += aggregates
    return OrderFacts(
        figures=pl.concat(figures).cast(TABLE_SCHEMAS["figures"] | {}) if figures else _empty_figures(),
        rejects=pl.concat(rejects).select(list(REJECTS_SCHEMA)).cast(REJECTS_SCHEMA)
        if rejects
        else pl.DataFrame(schema=REJECTS_SCHEMA),
        loads=pl.DataFrame(loads, schema=LOADS_SCHEMA),
        months=months,
    )


def _empty_figures() -> pl.DataFrame:
    return pl.DataFrame(schema=TABLE_SCHEMAS["figures"])


def _load_row(path: Path, file: str, dataset: str, agg: MonthAggregate, ms: float, now: datetime) -> dict:
    stat = path.stat()
    return {
        "file": file,
        "dataset": dataset,
        "input_kind": INPUT_KIND,
        "content_hash": hashlib.sha256(path.read_bytes()).hexdigest(),
        "modified_at": datetime.fromtimestamp(stat.st_mtime, UTC).replace(microsecond=0, tzinfo=None),
        "status": "loaded",
        "rows_in": agg.rows_in,
        "rows_loaded": agg.rows_aggregated,
        "rows_rejected": agg.rows_rejected,
        "rows_combined": 0,
        "error": None,
        "duration_ms": round(ms, 3),
        "loaded_at": now,
        "notes": None,
    }


def with_order_facts(result: LoadResult, facts: OrderFacts, ref: Reference) -> LoadResult:
    """The load with the order months added: their figures appended to `figures` (metrics and entities
    they use added as for any figure), their loads rows, and `order_rejects`."""
    if facts.figures.is_empty() and facts.loads.is_empty():
        return replace(result, tables={**result.tables, "order_rejects": facts.rejects})
    figures = pl.concat([result.tables["figures"], facts.figures.select(result.tables["figures"].columns)])
    metrics, entities = ref.with_new_metrics_and_entities(figures, result.tables["events"])
    tables = {**result.tables, "figures": figures, "metrics": metrics, "entities": entities}
    tables["order_rejects"] = facts.rejects
    return LoadResult(tables, result.rejected, pl.concat([result.loads, facts.loads]))
