"""What the layout engine produces: canonical rows with their origin, cell problems, and the RawTable they become.

Each canonical row and each problem gets its own row number (1, 2, ... in sheet order, phased months last),
so a loaded file still satisfies rows read = rows loaded + rows rejected, and `origin` (`Budget!F12`) says
which cell of which sheet a row or a rejection came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from pipelines.ingest.cell_formats import describe
from pipelines.ingest.layouts.spec import CANONICAL_FIELDS
from pipelines.ingest.readers import ROW, BadRow, RawTable

ORIGIN = "origin"
_SYMBOLS = re.compile(r"[£$€¥₹\s\u00a0%]")


@dataclass
class CanonicalRow:
    fields: dict[str, str | None]
    origin: str


@dataclass(frozen=True)
class CellProblem:
    origin: str  # 'Budget!F12', or a header range 'Budget!A4:P4' for a sheet-wide problem
    column: str | None  # the canonical field concerned (value, period, metric, ...)
    value: str | None
    reason: str
    suggestion: str | None = None


@dataclass(frozen=True)
class ExportValue:
    """A value an export computed itself from two of its figures (column_groups' `reconcile`): kept in
    `export_values` and checked against the warehouse's comparison of the same two cells, never a figure."""

    origin: str  # the cell: "'Budget vs. Actuals'!H18"
    line: str | None  # the row's label as written ('6000 Salaries')
    period: str  # the group's period label ('2011-02')
    measure: str  # variance | variance_pct | attainment | attainment_pct
    value: float
    actual_origin: (
        str | None
    )  # the cells of the two figures it compares (None when the export left one empty)
    expectation_origin: str | None


EXPORT_FIELDS = ("origin", "line", "period", "measure", "value", "actual_origin", "expectation_origin")


@dataclass
class LayoutRead:
    """A file read through its layout: canonical rows and problems in sheet order, plus what was skipped."""

    items: list[CanonicalRow | CellProblem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # 'P&L!A20: skip_when Account ~ ^Total'
    empty_cells: int = 0
    sheets: list[str] = field(default_factory=list)
    combine: str | None = None  # the layout's combine rule, passed on to validation
    formats_read: dict[str, int] = field(default_factory=dict)  # number format -> cells read as it shows them
    export_values: list[ExportValue] = field(default_factory=list)  # column_groups' reconciled cells

    def notes(self) -> tuple[str, ...]:
        if not self.formats_read:
            return ()
        shown = ", ".join(
            f"{n} under '{fmt}' ({describe(fmt)})" for fmt, n in sorted(self.formats_read.items())
        )
        return (f"cells read as their number format shows them: {shown}",)

    @property
    def rows(self) -> list[CanonicalRow]:
        return [i for i in self.items if isinstance(i, CanonicalRow)]

    @property
    def problems(self) -> list[CellProblem]:
        return [i for i in self.items if isinstance(i, CellProblem)]

    def raw_table(self) -> RawTable:
        """Canonical figures as a RawTable of strings (the shape every reader returns) with `origin`."""
        records, numbers, bad = [], [], []
        for n, item in enumerate(self.items, start=1):
            if isinstance(item, CanonicalRow):
                records.append([item.fields.get(f) for f in CANONICAL_FIELDS] + [item.origin])
                numbers.append(n)
            else:
                bad.append(BadRow(n, item.reason, item.value, item.column, item.origin, item.suggestion))
        schema = dict.fromkeys([*CANONICAL_FIELDS, ORIGIN], pl.String)
        frame = pl.DataFrame(records, schema=schema, orient="row")
        frame = frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int32))
        exported = None
        if self.export_values:
            exported = pl.DataFrame(
                [[getattr(v, f) for f in EXPORT_FIELDS] for v in self.export_values],
                schema={**dict.fromkeys(EXPORT_FIELDS, pl.String), "value": pl.Float64},
                orient="row",
            )
        return RawTable(frame, bad, combine=self.combine, notes=self.notes(), export_values=exported)


def number_text(value: object, decimal: str = ".", thousands: str = ",") -> tuple[float | None, str | None]:
    """A value cell as (number, text). Numeric cells are exact; text is read with the layout's conventions
    ('1.234,5' with decimal ',', '(12)' negative, currency symbols dropped). Text that is no number comes back
    as (None, text) so validation rejects it with the reason."""
    if isinstance(value, bool):
        return None, str(value)
    if isinstance(value, int | float):
        return float(value), None
    text = str(value).strip()
    core, negative = text, False
    if core.startswith("(") and core.endswith(")"):
        core, negative = core[1:-1], True
    core = _SYMBOLS.sub("", core)
    if thousands:
        core = core.replace(thousands, "")
    if decimal != ".":
        core = core.replace(decimal, ".")
    if core.endswith("-") and core[:-1].replace(".", "", 1).isdigit():
        core, negative = core[:-1], not negative
    try:
        number = float(core)
    except ValueError:
        return None, text
    return (-number if negative else number), None


def format_number(number: float) -> str:
    """Shortest text that reads back as the same float ('1234', '0.1', '-12.5')."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)
