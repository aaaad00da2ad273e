"""Spreadsheets as grids of cells with their real addresses, for the layout engine.

Reads .xlsx with openpyxl in read-only mode (cell values as Excel stores them: numbers, text, date-times; formulas as their
cached results), each read as its number format shows it (pipelines/ingest/cell_formats.py: 0.734 under `0.0%`
is 73.4 %, a date under `mmm-yy` a month), and CSV with the standard library. Row and column indexes are the sheet's own, so
`address(sheet, r, c)` names the cell a person sees in Excel (`Budget!F12`). Merged cells are kept as
ranges: every cell covered by a merge but its top-left one is empty in Excel, and a rejection can say so.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from pipelines.ingest import limits
from pipelines.ingest.cell_formats import Shown, shown
from pipelines.ingest.readers import (
    UnreadableFile,
    check_workbook,
    decode_text,
    read_bounded,
    sniff_delimiter,
)

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass(frozen=True)
class Sheet:
    name: str  # '' for a CSV file
    rows: list[list[object]]  # rows[r][c]: r = 0 is the sheet's row 1, c = 0 its column A; None = empty
    merged: dict[tuple[int, int], str] = field(default_factory=dict)  # covered (r, c) -> 'F4:G4'
    # (r, c) -> what the cell's format writes around its number: ('', '%') for a percent, ('€', '') ...
    affixes: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    formats: dict[tuple[int, int], str] = field(default_factory=dict)  # (r, c) -> format that changed it
    # (r, c) -> the formula of a cell that holds one but no saved result (reads as empty otherwise)
    uncached: dict[tuple[int, int], str] = field(default_factory=dict)

    def affixed(self, r: int, c: int, number_text: str) -> str:
        """A number of cell (r, c) written as its format shows it: '73.4297%' for a percent cell."""
        prefix, suffix = self.affixes.get((r, c), ("", ""))
        return f"{prefix}{number_text}{suffix}"

    def cell(self, r: int, c: int) -> object:
        row = self.rows[r] if r < len(self.rows) else []
        return row[c] if c < len(row) else None

    @cached_property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def address(sheet: str, r: int, c: int) -> str:
    """Excel's A1 address of 0-based (r, c), prefixed with the sheet: `Budget!F12`, `'P&L 2024'!B3`."""
    cell = f"{get_column_letter(c + 1)}{r + 1}"
    if not sheet:
        return cell
    quoted = (
        sheet if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) else "'" + sheet.replace("'", "''") + "'"
    )
    return f"{quoted}!{cell}"


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook in their order; [''] for a CSV file."""
    if path.suffix.lower() in TEXT_SUFFIXES:
        return [""]
    book = _workbook(read_bounded(path))
    try:
        return book.sheetnames
    finally:
        book.close()


def read_sheets(path: Path, wanted: tuple[str, ...] | None) -> list[Sheet]:
    """The sheets named in `wanted` (None = all, () = the first). Raises UnreadableFile, naming a sheet that
    is not there and the sheets that are."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return [_read_csv(path)]
    if suffix not in SPREADSHEET_SUFFIXES:
        raise UnreadableFile(f"a layout reads .xlsx or .csv files, not '{suffix}'")
    data = read_bounded(path)
    book = _workbook(data)
    try:
        names = book.sheetnames if wanted is None else (list(wanted) or book.sheetnames[:1])
        lookup = {n.casefold(): n for n in book.sheetnames}
        missing = [n for n in names if n.casefold() not in lookup]
        if missing:
            raise UnreadableFile(
                f"sheet(s) {', '.join(repr(m) for m in missing)} not found; the workbook has "
                + ", ".join(repr(n) for n in book.sheetnames)
            )
        return [_sheet(book[lookup[n.casefold()]], data) for n in names]
    finally:
        book.close()


def _workbook(data: bytes):
    # read_only streams the cells (measured 1.7x faster than the full load, and far less memory); merged
    # ranges, which read_only does not load, are read from the sheet's XML below. The zip and every sheet's
    # last cell are checked against pipelines/ingest/limits.py first.
    check_workbook(data)
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(f"not a readable Excel .xlsx file: {str(exc).splitlines()[0]}") from None


def _sheet(ws, data: bytes) -> Sheet:
    ws.reset_dimensions()  # a wrong <dimension> written by some tools would otherwise cut rows short
    rows: list[list[object]] = []
    affixes: dict[tuple[int, int], tuple[str, str]] = {}
    formats: dict[tuple[int, int], str] = {}
    for r, cells in enumerate(ws.iter_rows()):
        row = []
        for c, cell in enumerate(cells):
            value = getattr(cell, "value", None)
            fmt = getattr(cell, "number_format", None) if value is not None else None
            seen = shown(value, fmt) if fmt else Shown(value)
            if seen.prefix or seen.suffix:
                affixes[(r, c)] = (seen.prefix, seen.suffix)
            if seen.value is not value or seen.prefix or seen.suffix:
                formats[(r, c)] = fmt
            row.append(_clean(seen.value))
        rows.append(row)
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    merged: dict[tuple[int, int], str] = {}
    width = max((len(r) for r in rows), default=0)
    for ref in _merged_refs(data, getattr(ws, "_worksheet_path", None)):
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        # clipped to the cells read: a merge out to XFD1048576 would otherwise be 17 billion entries
        for r in range(min_row - 1, min(max_row, len(rows))):
            for c in range(min_col - 1, min(max_col, width)):
                if (r, c) != (min_row - 1, min_col - 1):
                    merged[(r, c)] = ref
    uncached = _formulas_without_result(data, ws, rows)
    return Sheet(ws.title, rows, merged, affixes, formats, uncached)


def _formulas_without_result(data: bytes, ws, rows: list[list[object]]) -> dict[tuple[int, int], str]:
    """Cells of `ws` that hold a formula but no saved result (a file written by a program that does not
    calculate, such as openpyxl or pandas): (r, c) -> '=SUM(C5:C8)'. Read with openpyxl's formula view, and
    only when the sheet's XML holds a formula at all (`<f`); cells whose result is saved are not listed."""
    path = getattr(ws, "_worksheet_path", None)
    if not path:
        return {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            if b"<f" not in archive.read(path.lstrip("/")):
                return {}
        except KeyError:
            return {}
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        sheet = book[ws.title]
        sheet.reset_dimensions()
        found = {}
        for r, cells in enumerate(sheet.iter_rows(max_row=len(rows))):
            for c, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f" and (
                    r >= len(rows) or c >= len(rows[r]) or rows[r][c] is None
                ):
                    found[(r, c)] = str(cell.value)[:200]
        return found
    finally:
        book.close()


def _merged_refs(data: bytes, sheet_path: str | None) -> list[str]:
    """`<mergeCell ref="F4:G4"/>` of one sheet (openpyxl 3.1's read_only sheets know their XML part)."""
    if not sheet_path:
        return []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            xml = archive.read(sheet_path.lstrip("/"))
        except KeyError:
            return []
    return [
        m.decode() for m in re.findall(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+:[A-Z]+[0-9]+)\"", xml)
    ]


def _clean(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_csv(path: Path) -> Sheet:
    data = read_bounded(path)
    if not data.strip():
        raise UnreadableFile("the file is empty")
    text, _encoding = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    rows = []
    try:
        for row in reader:
            if len(row) > limits.MAX_COLUMNS:
                found = f"line {reader.line_num} has {len(row):,} fields"
                raise UnreadableFile(
                    str(limits.over("MAX_COLUMNS", found, "keep only the columns of the data"))
                )
            if len(rows) > limits.MAX_ROWS:
                found = f"the file has more than {limits.MAX_ROWS:,} rows"
                raise UnreadableFile(str(limits.over("MAX_ROWS", found, "split it")))
            rows.append([_clean(v) for v in row])
    except csv.Error as exc:
        raise UnreadableFile(f"cannot split the file into fields: {exc} (stray quote?)") from None
    return Sheet("", rows)
