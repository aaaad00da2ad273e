"""Read a spreadsheet through its layout into canonical figure rows (long, wide, side_by_side and column_groups
shapes; column_groups' header plan is pipelines/ingest/layouts/groups.py).

`read_with_layout(path, layout)` -> LayoutRead: one canonical row per value cell (wide, side_by_side) or per
data row (long), each with its origin cell; one CellProblem per cell that cannot become a row (a column the
layout names but the header lacks, a header that is no period, an empty or merged header above values).
Values, units, kinds and the rest are then validated exactly like a canonical figures file.
Raises UnreadableFile when the file or a named sheet cannot be read.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path

from pipelines.ingest.layouts import groups
from pipelines.ingest.layouts.cells import (
    CanonicalRow,
    CellProblem,
    ExportValue,
    LayoutRead,
    format_number,
    number_text,
)
from pipelines.ingest.layouts.grid import Sheet, address, read_sheets
from pipelines.ingest.layouts.headers import Header, cell_text, period_label, read_header
from pipelines.ingest.layouts.phasing import phase_rows
from pipelines.ingest.layouts.spec import FieldRule, Layout
from pipelines.ingest.problems import Problem

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00)?)?$")  # a date, at most a midnight time


def read_with_layout(path: Path, layout: Layout, name: str | None = None) -> LayoutRead:
    """`name` (default: the file's name) prefixes derived figure ids: '<name>:<origin>'; give the path
    within the data dir so copies of one workbook in two datasets keep distinct ids."""
    out = LayoutRead(combine=layout.combine)
    for sheet in read_sheets(Path(path), layout.sheets):
        out.sheets.append(sheet.name)
        _read_sheet(sheet, layout, name or Path(path).name, out)
    if layout.phase is not None:
        phase_rows(out, layout)
    return out


class _Table:
    """One sheet's table: header, column lookup and the data rows the layout keeps."""

    def __init__(self, sheet: Sheet, layout: Layout, out: LayoutRead) -> None:
        self.sheet, self.layout = sheet, layout
        self.header: Header = read_header(sheet, layout)
        self.index = {n.casefold(): c for c, n in reversed(list(enumerate(self.header.names))) if n}
        self.data_rows = list(self._rows(out))

    def header_range(self) -> str:
        return f"{address(self.sheet.name, self.header.row, 0)}:{address('', self.header.row, self.sheet.width - 1)}"

    def _rows(self, out: LayoutRead):
        for r in range(self.header.row + 1, len(self.sheet.rows)):
            cells = self.sheet.rows[r]
            first = next((cell_text(v) for v in cells if v is not None), None)
            if first is None:
                continue
            if self.layout.stop_at is not None and self.layout.stop_at.search(first):
                out.skipped.append(
                    f"{address(self.sheet.name, r, 0)} and below: stop_at '{self.layout.stop_at.pattern}'"
                )
                return
            skip = next((c for c, rx in self.layout.skip_when if rx.search(self.text(r, c) or "")), None)
            if skip is not None:
                out.skipped.append(f"{address(self.sheet.name, r, 0)}: skip_when {skip}")
                continue
            yield r

    def text(self, r: int, column: str) -> str | None:
        c = self.index.get(column.casefold())
        return cell_text(self.sheet.cell(r, c)) if c is not None else None

    def field(self, rule: FieldRule, r: int) -> str | None:
        raw = (
            rule.value
            if rule.value is not None
            else self.sheet.name
            if rule.sheet
            else self.text(r, rule.column)
        )
        return rule.mapped(at_grain(raw, rule.grain) if rule.grain else raw)


def _read_sheet(sheet: Sheet, layout: Layout, file_name: str, out: LayoutRead) -> None:
    table = _Table(sheet, layout, out)
    missing = sorted({c for c in _named_columns(layout) if c.casefold() not in table.index})
    if missing:
        found = [n for n in table.header.names if n]
        for column in missing:
            close = difflib.get_close_matches(column, found, n=1)
            out.items.append(
                CellProblem(
                    table.header_range(),
                    None,
                    column,
                    f"column '{column}' not found in the header row {table.header_range()} of {file_name}; "
                    "nothing is read from this sheet",
                    (f"did you mean '{close[0]}'? " if close else "")
                    + f"the header holds: {', '.join(found) or 'nothing'}; check skip_rows and header_rows",
                )
            )
        return
    reader = {"wide": _wide, "long": _long, "side_by_side": _side_by_side, "column_groups": _column_groups}
    reader[layout.shape](table, file_name, out)


def _named_columns(layout: Layout) -> list[str]:
    named = [r.column for r in layout.fields.values() if r.column]
    named += [c for c, _ in layout.skip_when] + [v.column for v in layout.values]
    named += [v.as_of.column for v in layout.values if v.as_of and v.as_of.column]
    return named + ([layout.sign[0]] if layout.sign else [])


def _row_fields(table: _Table, r: int) -> dict[str, str | None]:
    return {name: table.field(rule, r) for name, rule in table.layout.fields.items()}


def at_grain(text: str | None, grain: str) -> str | None:
    """A date ('2024-01-15', an Excel date cell as cell_text writes it, with or without a midnight time) as the
    calendar month ('2024-01'), quarter ('2024-Q1') or year ('2024') it falls in, for `period = { column =
    "Posting Date", grain = "month" }` (a ledger's lines by posting date, added per month under combine = "sum").
    Anything else is returned as written: the period check refuses it with its reason (a '01/02/2024' is never
    guessed as January or February)."""
    if text is None or not _ISO_DAY.match(text.strip()):
        return text
    day = date.fromisoformat(text.strip()[:10])
    if grain == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if grain == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


def _emit(
    table: _Table, out: LayoutRead, fields: dict, r: int, c: int, file_name: str, negate: bool = False
) -> None:
    """Finish one canonical row: number conventions, sign flip, scale, a figure id from the origin.

    A metric label that a metric map does not cover is rejected (naming its cell), not passed through: the map
    is the layout's list of accounts, and a label it misses would become a new metric whose direction
    (higher is better) is assumed: '6100 Commissions' over budget read as favourable."""
    layout, origin = table.layout, address(table.sheet.name, r, c)
    metric = layout.fields.get("metric")
    if metric is not None and metric.column and not metric.covers(label := table.text(r, metric.column)):
        where = table.index.get(metric.column.casefold(), c)
        out.items.append(
            CellProblem(
                address(table.sheet.name, r, where),
                "metric",
                label,
                f"'{label.strip()}' in column '{metric.column}' is not in the layout's metric map "
                f"({len(metric.map)} labels mapped), so its metric and whether more is better are unknown "
                f"(value cell {origin})",
                f'add "{label.strip()}" = "<metric>" to the metric map, or leave the row out with skip_when',
            )
        )
        return
    number, text = number_text(table.sheet.cell(r, c), layout.decimal, layout.thousands)
    flipped = bool(layout.sign) and (table.text(r, layout.sign[0]) or "").casefold() in layout.sign[1]
    if flipped != negate:  # the sign rule and a negated value column (a Debit beside a Credit) cancel out
        if number is not None:
            number = -number
        elif text:
            text = f"-{text}"  # read by validation: '-~45' is -45 approximately, '-(12)' is 12
    cell = table.sheet.cell(r, c)
    written = format_number(number) if number is not None else None
    if written is not None and isinstance(cell, str) and cell.strip(" ()").endswith("%"):
        written += "%"  # a text '15%': the percent is checked against the unit, as in a canonical file
    fields["value"] = table.sheet.affixed(r, c, written) if written is not None else text
    if (fmt := table.sheet.formats.get((r, c))) is not None:
        out.formats_read[fmt] = out.formats_read.get(fmt, 0) + 1
    if layout.scale and fields.get("unit"):
        fields["unit"] = f"{fields['unit']} {layout.scale}"
    fields.setdefault("figure_id", None)
    fields["figure_id"] = fields["figure_id"] or f"{file_name}:{origin}"
    out.items.append(CanonicalRow(fields, origin))


def _wide(table: _Table, file_name: str, out: LayoutRead) -> None:
    layout, sheet = table.layout, table.sheet
    labels = layout.label_columns()
    year = None
    if layout.period_year is not None:
        year = layout.period_year.mapped(
            layout.period_year.value or (sheet.name if layout.period_year.sheet else None)
        )
    periods: dict[int, str | CellProblem] = {}
    for c in range(sheet.width):
        name = table.header.names[c]
        if name is not None and name.casefold() in labels:
            continue
        head = address(sheet.name, table.header.row, c)
        if name is None:
            merged = sheet.merged.get((table.header.row, c))
            why = f"part of merged cells {merged}" if merged else "empty"
            periods[c] = CellProblem(
                "",
                "period",
                None,
                f"the header cell {head} above this value is {why}: it names no period",
                "give every month column its own header cell (unmerge it)",
            )
            continue
        try:
            periods[c] = period_label(table.header.cells[c], layout.fiscal_year_start_month, year)
        except Problem as exc:
            periods[c] = CellProblem("", "period", name, f"{exc.reason} (header cell {head})", exc.suggestion)
    for r in table.data_rows:
        base = _row_fields(table, r)
        for c, period in periods.items():
            if sheet.cell(r, c) is None:
                _empty(sheet, r, c, out)
            elif isinstance(period, CellProblem):
                out.items.append(
                    CellProblem(
                        address(sheet.name, r, c),
                        period.column,
                        period.value,
                        period.reason,
                        period.suggestion,
                    )
                )
            else:
                _emit(table, out, {**base, "period": period}, r, c, file_name)


def _empty(sheet, r: int, c: int, out: LayoutRead) -> None:
    """An empty value cell: counted, unless it holds a formula with no saved result, which is rejected
    naming the cell and its formula (issue 23: such cells were counted as empty)."""
    formula = sheet.uncached.get((r, c))
    if formula is None:
        out.empty_cells += 1
        return
    out.items.append(
        CellProblem(
            address(sheet.name, r, c),
            "value",
            formula,
            f"the cell holds the formula {formula} but no saved result (the file was written by a program "
            "that does not calculate formulas)",
            "open and save it in Excel or LibreOffice, or type the value",
        )
    )


def _long(table: _Table, file_name: str, out: LayoutRead) -> None:
    value_rule = table.layout.fields["value"]
    c = table.index.get(value_rule.column.casefold()) if value_rule.column else None
    for r in table.data_rows:
        fields = _row_fields(table, r)
        if c is None:  # a constant value: the row itself is the origin
            fields["figure_id"] = fields.get("figure_id") or f"{file_name}:{address(table.sheet.name, r, 0)}"
            out.items.append(CanonicalRow(fields, address(table.sheet.name, r, 0)))
        elif (r, c) in table.sheet.uncached:
            _empty(table.sheet, r, c, out)
        elif table.sheet.cell(r, c) is None:
            fields["value"] = None  # a qualitative claim (direction) or a missing value: validation decides
            fields["figure_id"] = fields.get("figure_id") or f"{file_name}:{address(table.sheet.name, r, c)}"
            out.items.append(CanonicalRow(fields, address(table.sheet.name, r, c)))
        else:
            _emit(table, out, fields, r, c, file_name)


def _side_by_side(table: _Table, file_name: str, out: LayoutRead) -> None:
    for r in table.data_rows:
        base = _row_fields(table, r)
        for vc in table.layout.values:
            c = table.index[vc.column.casefold()]
            if table.sheet.cell(r, c) is None:
                _empty(table.sheet, r, c, out)
                continue
            fields = {**base, "kind": vc.kind}
            if vc.as_of is not None:
                fields["as_of"] = table.field(vc.as_of, r)
            _emit(table, out, fields, r, c, file_name, negate=vc.negate)


def _column_groups(table: _Table, file_name: str, out: LayoutRead) -> None:
    sheet, layout = table.sheet, table.layout
    plan = groups.plan_columns(sheet, table.header, layout, layout.label_columns())
    metric = layout.fields["metric"].column
    for r in table.data_rows:
        base = _row_fields(table, r)
        line = table.text(r, metric) if metric else None
        for c, col in plan.items():
            if sheet.cell(r, c) is None:
                _empty(sheet, r, c, out)
            elif isinstance(col.period, CellProblem) or isinstance(col.holds, CellProblem):
                bad = col.period if isinstance(col.period, CellProblem) else col.holds
                out.items.append(
                    CellProblem(address(sheet.name, r, c), bad.column, bad.value, bad.reason, bad.suggestion)
                )
            elif col.holds.reconcile:
                _export_value(table, out, plan, col, r, c, line)
            else:
                fields = {**base, "period": col.period, "kind": col.holds.kind}
                if col.holds.as_of is not None:
                    fields["as_of"] = table.field(col.holds.as_of, r)
                _emit(table, out, fields, r, c, file_name)


def _export_value(table: _Table, out: LayoutRead, plan: dict, col, r: int, c: int, line: str | None) -> None:
    """A reconciled cell (the export's own variance): kept with the cells of the two figures it compares."""
    sheet = table.sheet
    number, text = number_text(sheet.cell(r, c), table.layout.decimal, table.layout.thousands)
    if number is None:
        out.items.append(
            CellProblem(address(sheet.name, r, c), "value", text, f"'{text}' is not a number ({col.holds.label})",
                        "the export's own comparison columns are checked against the warehouse: a number or empty")
        )  # fmt: skip
        return
    if (fmt := sheet.formats.get((r, c))) is not None:  # '% of Budget' as 1.0526 under '0.00%': 105.26
        out.formats_read[fmt] = out.formats_read.get(fmt, 0) + 1
    actual, expected = groups.group_cells(plan, col.group)
    cells = [
        address(sheet.name, r, x) if x is not None and sheet.cell(r, x) is not None else None
        for x in (actual, expected)
    ]
    out.export_values.append(
        ExportValue(address(sheet.name, r, c), line, col.period, col.holds.reconcile, number, *cells)
    )
