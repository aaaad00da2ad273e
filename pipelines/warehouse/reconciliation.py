"""The run's line about exports that carry their own comparisons (column_groups layouts' reconciled cells):
how many cells were checked against the warehouse and which disagree (sql/views/analysis/export_reconciliation.sql)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipelines.words import counted

SHOWN = 5  # offending cells named in the run's summary; the view has them all


@dataclass(frozen=True)
class Reconciliation:
    checked: int
    offending: int
    first: list[dict] = field(default_factory=list)


def read(con: duckdb.DuckDBPyConnection) -> Reconciliation | None:
    """None when no file reported comparisons of its own (or the warehouse predates the table)."""
    try:
        checked = con.sql("select count(*) from export_values").fetchall()[0][0]
    except duckdb.CatalogException:
        return None
    if not checked:
        return None
    rel = con.sql(
        "select file, cell, line, period, measure, export_value, our_value from export_reconciliation"
    )
    rows = [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]
    return Reconciliation(checked, len(rows), rows[:SHOWN])


def summary_lines(found: Reconciliation | None) -> list[str]:
    if found is None:
        return []
    lines = [
        f"export reconciliation: {found.offending} of {counted(found.checked, 'exported comparison')} differ from "
        "the warehouse's (export_reconciliation)"
    ]
    for r in found.first:
        ours = "nothing" if r["our_value"] is None else f"{r['our_value']:.6g}"
        lines.append(
            f"  {r['file']} {r['cell']}: {r['line']} {r['period']} {r['measure']} {r['export_value']:.6g} "
            f"in the export, {ours} in the warehouse"
        )
    if found.offending > len(found.first):
        lines.append(f"  ... {found.offending - len(found.first)} more in export_reconciliation")
    return lines
