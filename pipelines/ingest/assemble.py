"""Assemble: the stages' rows into warehouse-shaped tables, every rejected row with its file and reason, and
one `loads` row per file. The load runs in stages that the Dagster assets mirror one to one: discover.py,
read.py, scope_ids.py (which checks rows with check_rows/), then `assemble()`. Each stage returns new values
and mutates nothing. Nothing is lost: each input row ends up in exactly one output table, in `rejected`, or
added into another line's figure (pipelines/ingest/combine.py), and each file gets one `loads` row whose
counts satisfy rows_in = rows_loaded + rows_rejected + rows_combined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from pipelines.ingest import reference_tables as reference
from pipelines.ingest.export_values import export_values
from pipelines.ingest.files import FileLoad
from pipelines.ingest.problems import ISSUE_SCHEMA
from pipelines.ingest.read import dataset_settings, read_inputs
from pipelines.ingest.readers import ROW
from pipelines.ingest.schemas import table_schema
from pipelines.ingest.scope_ids import Stage, build_reference, context, validate_kind
from pipelines.normalise.regions import with_subdivisions

REJECTED_SCHEMA = table_schema("rejected_rows")  # sql/tables/rejected_rows.sql
LOADS_SCHEMA = table_schema("loads")  # sql/tables/loads.sql
POLICIES_SCHEMA = table_schema("expectation_policies")  # sql/tables/expectation_policies.sql
PARTS_SCHEMA = table_schema("compositions")  # sql/tables/compositions.sql


@dataclass
class LoadResult:
    """What a load gives the warehouse: `tables` (name -> frame shaped as sql/tables/<name>.sql), `rejected`
    (REJECTED_SCHEMA) and `loads` (LOADS_SCHEMA, one row per file)."""

    tables: dict[str, pl.DataFrame]
    rejected: pl.DataFrame
    loads: pl.DataFrame

    def summary(self) -> dict[str, int]:
        """Counts over `loads`: files, unreadable files, rows in, loaded, rejected and combined."""
        return {
            "files": self.loads.height,
            "unreadable_files": self.loads.filter(pl.col("status") == "unreadable").height,
            "rows_in": int(self.loads["rows_in"].sum()),
            "rows_loaded": int(self.loads["rows_loaded"].sum()),
            "rows_rejected": int(self.loads["rows_rejected"].sum()),
            "rows_combined": int(self.loads["rows_combined"].sum()),
        }


def _codes(frame: pl.DataFrame, column: str) -> list[str]:
    return frame[column].drop_nulls().unique().to_list() if column in frame.columns else []


def _tables(
    files: list[FileLoad], ref: reference.Reference, sources: Stage, figures: Stage, events: Stage
) -> dict[str, pl.DataFrame]:
    """The warehouse tables of a load (name -> frame): the reference tables with the metrics and entities
    the figures and events add, the dataset policies, and the stages' rows."""
    metrics, entities = ref.with_new_metrics_and_entities(figures.rows, events.rows)
    policies = [
        {"dataset": dataset, "policy": f"days_before_end_{days}", "cutoff_days": days}
        for dataset, declared in sorted(dataset_settings(files).items())
        for days in declared.cutoff_days
    ]
    return {
        "expectation_policies": pl.DataFrame(policies, schema=POLICIES_SCHEMA),
        "compositions": ref.compositions
        if ref.compositions is not None
        else pl.DataFrame(schema=PARTS_SCHEMA),
        # ISO 3166-2 subdivisions join the tree when a figure or an event names one (pipelines.normalise.regions)
        "regions": with_subdivisions(
            ref.regions, [*_codes(figures.rows, "region_code"), *_codes(events.rows, "jurisdiction")]
        ),
        "metrics": metrics,
        "entities": entities,
        "fx_rates": ref.fx_table if ref.fx_table is not None else ref.fx_rates,
        "sources": sources.rows,
        "figures": figures.rows,
        "events": events.rows,
        "export_values": export_values(files),
    }


def assemble(
    files: list[FileLoad], ref: reference.Reference, sources: Stage, figures: Stage, events: Stage
) -> LoadResult:
    """The LoadResult of the stages' rows: reference tables with the metrics and entities the figures add,
    then per file its rejected rows (read and stage issues) and its `loads` row."""
    tables = _tables(files, ref, sources, figures, events)
    stage_issues = ref.issues | sources.issues | figures.issues | events.issues
    stage_ms = sources.ms | figures.ms | events.ms
    stage_notes = figures.notes | events.notes
    rejected, loads = [], []
    now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    for f in files:
        meta = {"file": f.file.name, "dataset": f.file.dataset, "input_kind": f.file.kind}
        found = pl.concat(
            [f.read_issues, stage_issues.get(f.file.name, pl.DataFrame(schema=ISSUE_SCHEMA))],
            how="diagonal_relaxed",
        )
        if f.status != "loaded":
            rejected.append(pl.DataFrame([{**meta, "row_number": 0, "reason": f.error}]))
        origins = f.raw.origins() if f.raw is not None else {}
        rejected.append(
            found.rename({ROW: "row_number"}).with_columns(
                pl.col("row_number")
                .replace_strict(origins, default=None, return_dtype=pl.String)
                .alias("origin"),
                **{k: pl.lit(v) for k, v in meta.items()},
            )
        )
        rows_in = f.raw.rows_in if f.raw is not None else 0
        bad = found[ROW].n_unique() if f.usable else rows_in
        added = figures.combined.get(f.file.name, 0) if f.usable else 0
        loads.append(
            {
                **meta,
                "content_hash": f.file.content_hash,
                "modified_at": _modified_at(f.file.path),
                "status": f.status,
                "rows_in": rows_in,
                "rows_loaded": rows_in - bad - added,
                "rows_rejected": bad,
                "rows_combined": added,
                "error": f.error,
                "duration_ms": round(f.read_ms + stage_ms.get(f.file.name, 0.0), 3),
                "loaded_at": now,
                "notes": "; ".join(stage_notes.get(f.file.name, [])) or None,
            }
        )
    rejected.append(pl.DataFrame(schema=REJECTED_SCHEMA))
    rejected_frame = pl.concat(
        [
            r.select([pl.col(c) if c in r.columns else pl.lit(None).alias(c) for c in REJECTED_SCHEMA]).cast(
                REJECTED_SCHEMA
            )
            for r in rejected
        ]
    )
    return LoadResult(
        tables,
        rejected_frame.sort("file", "row_number", maintain_order=True),
        pl.DataFrame(loads, schema=LOADS_SCHEMA),
    )


def _modified_at(path: Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(path.lstat().st_mtime, UTC).replace(microsecond=0, tzinfo=None)
    except OSError:  # removed since it was read
        return None


def load_all(data_dir: Path, today: date | None = None) -> LoadResult:
    """All stages in one call (what the Dagster assets do step by step)."""
    return load_files(read_inputs(data_dir), today)


def load_files(files: list[FileLoad], today: date | None = None) -> LoadResult:
    """The stages after reading: reference, sources, figures and events, assembled."""
    ref = build_reference(files)
    sources = validate_kind(files, "sources", context(ref, today=today))
    ctx = context(ref, sources.rows, today)
    return assemble(
        files, ref, sources, validate_kind(files, "figures", ctx), validate_kind(files, "events", ctx)
    )
