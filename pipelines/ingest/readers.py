"""Read an input file (CSV, Parquet, JSON Lines, Excel) into a frame of strings, one row per input row.

Every reader returns the same shape: all columns as nullable strings, header names normalised, and `_row`
(1 = first data row). Rows that cannot even be split into fields come back separately as `BadRow`s so the
caller can reject them one by one. A file that cannot be read at all raises `UnreadableFile`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from pipelines.ingest import limits
from pipelines.ingest.cell_formats import describe, shown

ACCEPTED_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
}
ROW = "_row"
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_COLUMNS = {"as_of", "published_on", "date", "date_end"}
_SHOWN_COLUMNS = {"value", "value_high", "period", *_DATE_COLUMNS}  # read as their number format shows them
_EXACT_FLOAT_INTS = 2.0**53  # every whole number below this is exact in a float64 (IEEE 754)


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class BadRow:
    row: int
    reason: str
    value: str | None = None
    column: str | None = None  # the column concerned, when known (layout reads: the canonical field)
    origin: str | None = None  # sheet and cell ('Budget!F12') for files read through a layout
    suggestion: str | None = None


@dataclass(frozen=True)
class RawTable:
    frame: pl.DataFrame  # all columns pl.String, plus `_row`
    bad_rows: list[BadRow]  # rows that could not be split into fields
    delimiter: str | None = None  # a text file's field delimiter; None for typed formats (numbers are typed)
    combine: str | None = (
        None  # a layout's `combine`: lines sharing a figure's key add up (ingest/combine.py)
    )
    notes: tuple[str, ...] = ()  # how the file was read where it matters (cells read as their format shows)
    export_values: pl.DataFrame | None = None  # an export's own variance cells, to check (layouts/groups.py)

    @property
    def rows_in(self) -> int:
        return self.frame.height + len(self.bad_rows)

    def origins(self) -> dict[int, str]:
        """Row number -> sheet and cell ('Budget!F12'); empty for files without an `origin` column."""
        found = {b.row: b.origin for b in self.bad_rows if b.origin}
        if "origin" in self.frame.columns:
            found |= dict(zip(self.frame[ROW].to_list(), self.frame["origin"].to_list(), strict=True))
        return found


def normalise_header(name: str) -> str:
    name = name.replace("\ufeff", "").strip().lower()
    return re.sub(r"[^0-9a-z]+", "_", name).strip("_")


def read_table(path: Path) -> RawTable:
    """Read one input file into a RawTable (all columns strings, plus `_row`).

    Every bound in pipelines/ingest/limits.py is checked before the work it bounds (the file's size before
    it is read, a zip's sizes and a sheet's last cell before a sheet is parsed, a header's width before it
    is compared). Raises UnreadableFile, the reason naming the limit when the file is over one."""
    suffix = path.suffix.lower()
    file_type = ACCEPTED_SUFFIXES.get(suffix)
    if file_type is None:
        accepted = ", ".join(sorted(ACCEPTED_SUFFIXES))
        raise UnreadableFile(f"unsupported file type '{suffix}'; accepted: {accepted}")
    data = read_bounded(path)
    if not data.strip():
        raise UnreadableFile("the file is empty")
    reader = {"csv": _read_csv, "jsonl": _read_jsonl, "parquet": _read_parquet, "xlsx": _read_xlsx}[file_type]
    try:
        table = reader(data)
    except limits.LimitExceeded as exc:
        raise UnreadableFile(str(exc)) from None
    if not [c for c in table.frame.columns if c != ROW]:
        raise UnreadableFile("no columns found (no header row?)")
    return table


def read_bounded(path: Path) -> bytes:
    """The bytes of `path`, after checking its size (limits.MAX_FILE_BYTES). Raises UnreadableFile, OSError."""
    try:
        limits.check_file_size(path.stat().st_size)
    except limits.LimitExceeded as exc:
        raise UnreadableFile(str(exc)) from None
    return path.read_bytes()


def check_workbook(data: bytes) -> None:
    """Check a .xlsx's zip and sheets against the limits before any reader parses it
    (limits.check_xlsx). Raises UnreadableFile naming the limit, or saying the zip is damaged."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            limits.check_xlsx(archive)
    except limits.LimitExceeded as exc:
        raise UnreadableFile(str(exc)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise UnreadableFile(f"not a readable Excel .xlsx file: {first}") from None


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _decode_text(data: bytes) -> str:
    """The text of a text file: UTF-8 (a BOM accepted), else the legacy encoding charset-normalizer finds
    (decode_text). Raises UnreadableFile for binary content or text in no recognisable encoding."""
    return decode_text(data)[0]


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file's bytes: UTF-8 (a BOM accepted), or Windows-1252, what Excel's "CSV"
    export writes on Western-European Windows, when charset-normalizer finds that reading as plausible as
    any (for short German text it may rank cp850 first, which reads 'Ö' as 'Í': the same bytes, so the
    Windows reading is taken). Raises UnreadableFile for NUL bytes, or text in any other encoding (named as
    charset-normalizer reads it), to be re-saved as UTF-8 rather than guessed at."""
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary content (NUL bytes): not a text file; export it as UTF-8 CSV")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    from charset_normalizer import from_bytes

    found = from_bytes(data)
    best = found.best()
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if (
        best is not None
        and western is not None
        and any(str(m) == western for m in found if m.chaos <= best.chaos)
    ):
        return western, "cp1252"
    looks = f"; it reads best as {best.encoding}" if best is not None else ""
    raise UnreadableFile(
        f"not valid UTF-8 (byte 0x{data[bad]:02x} at offset {bad}) nor Windows-1252 text{looks}; "
        "re-save the file as CSV UTF-8"
    )


def sniff_delimiter(text: str) -> str:
    """The field delimiter of CSV text: `,`, `;`, tab or `|`. Each is tried with the csv module over the
    first 50 lines (at most 64 KB); the one that splits the most lines into the same number (two or more)
    of fields wins (then the one giving more fields, then the earlier in that order), `,` when none splits anything. A title line
    above the header and decimal commas (`1260,5` in a `;` file) do not mislead it; csv.Sniffer picks `,`
    for such a file. Quoted fields are honoured."""
    sample = "\n".join(_NEWLINE.split(text[:65536], maxsplit=50)[:50])  # CR/LF only, never U+2028
    best, best_score = ",", (0, 0)
    for delimiter in (",", ";", "\t", "|"):
        if delimiter not in sample:
            continue
        try:
            widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if row]
        except csv.Error:
            continue
        counts = Counter(w for w in widths if w >= 2)
        score = max(((n, w) for w, n in counts.items()), default=(0, 0))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(data: bytes) -> RawTable:
    text = _decode_text(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise UnreadableFile(f"cannot read the header row: {exc}") from None
    limits.check_header_width(len(header))
    columns = [normalise_header(h) for h in header]
    _check_header(columns)
    rows: list[list[str | None]] = []
    numbers: list[int] = []
    bad: list[BadRow] = []
    row_number = 0
    while True:
        row_number += 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            bad.append(BadRow(row_number, f"cannot split the row into fields: {exc} (stray quote?)"))
            continue
        if not fields or all(not f.strip() for f in fields):
            row_number -= 1  # blank lines are not rows
            continue
        if row_number > limits.MAX_ROWS:
            raise limits.over("MAX_ROWS", f"the file has more than {limits.MAX_ROWS:,} rows", "split it")
        if len(fields) != len(columns):
            bad.append(
                BadRow(
                    row_number,
                    f"the row has {len(fields)} fields but the header has {len(columns)}",
                    delimiter.join(fields)[:200],
                )
            )
            continue
        rows.append([f if f.strip() else None for f in fields])
        numbers.append(row_number)
    frame = pl.DataFrame(rows, schema=dict.fromkeys(columns, pl.String), orient="row")
    return RawTable(frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int32)), bad, delimiter)


def _check_header(columns: list[str], original: list[str] | None = None) -> None:
    """`columns` normalised; `original` the file's own spellings, named in the message when they differ."""
    limits.check_header_width(len(columns))
    counts = Counter(columns)
    if len(counts) != len(columns):
        dupes = sorted(c for c, n in counts.items() if n > 1)
        if original is not None:
            spelled = {d: [o for o, c in zip(original, columns, strict=True) if c == d] for d in dupes}
            dupes = [f"{d} ({', '.join(repr(o) for o in spelled[d])})" for d in dupes]
        raise UnreadableFile(f"duplicate column names in the header: {', '.join(dupes)}")
    if any(not c for c in columns):
        raise UnreadableFile("the header has an empty column name")


def _read_jsonl(data: bytes) -> RawTable:
    text = _decode_text(data)
    records: list[dict] = []
    numbers: list[int] = []
    bad: list[BadRow] = []
    row_number = 0
    columns: dict[str, None] = {}
    # Lines end at LF, CR or CRLF only: JSON text cannot hold a raw CR or LF, but it can hold U+2028, U+2029
    # and U+0085, at which str.splitlines would cut a valid row in two.
    for line in _NEWLINE.split(text):
        if not line.strip():
            continue
        row_number += 1
        if row_number > limits.MAX_ROWS:
            raise limits.over("MAX_ROWS", f"the file has more than {limits.MAX_ROWS:,} rows", "split it")
        if len(line) > limits.MAX_LINE_CHARS:
            too_long = limits.over("MAX_LINE_CHARS", f"the line is {len(line):,} characters", "shorten it")
            bad.append(BadRow(row_number, str(too_long), line[:200]))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(BadRow(row_number, f"not valid JSON: {exc.msg} at column {exc.colno}", line[:200]))
            continue
        except RecursionError:
            bad.append(
                BadRow(row_number, "not valid JSON: nested deeper than the JSON reader follows", line[:200])
            )
            continue
        if not isinstance(record, dict):
            bad.append(BadRow(row_number, "each line must be a JSON object", line[:200]))
            continue
        row = {normalise_header(k): cell_text(v) for k, v in record.items()}
        columns.update(dict.fromkeys(row))
        if len(columns) > limits.MAX_COLUMNS:
            raise limits.over(
                "MAX_COLUMNS",
                f"the rows have more than {limits.MAX_COLUMNS:,} different keys",
                "keep only the columns of the format",
            )
        records.append(row)
        numbers.append(row_number)
    frame = pl.DataFrame(
        [[r.get(c) for c in columns] for r in records], schema=dict.fromkeys(columns, pl.String), orient="row"
    )
    return RawTable(frame.with_columns(pl.Series(ROW, numbers, dtype=pl.Int32)), bad)


def cell_text(value: object, bools_upper: bool = False) -> str | None:
    """A typed cell (JSON, Parquet, a spreadsheet) as text: None and blank text as None, whole floats without
    '.0', date-times at midnight as dates, other dates ISO; booleans 'True'/'False' (`bools_upper`: 'TRUE',
    'FALSE', as a spreadsheet shows them)."""
    if value is None:
        return None
    if bools_upper and isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date().isoformat()
    if isinstance(value, date | datetime):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _stringify(frame: pl.DataFrame) -> pl.DataFrame:
    # Checked before the rename: two headers that normalise alike ('PERIOD' and 'period') would otherwise
    # crash the rename instead of refusing the file with the reason (found by the property test).
    _check_header([normalise_header(c) for c in frame.columns], original=frame.columns)
    frame = frame.rename({c: normalise_header(c) for c in frame.columns})
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Datetime or dtype == pl.Date:
            expr = col.dt.strftime("%Y-%m-%d")
        elif dtype.is_float():
            # Whole numbers print without '.0' only where a float holds them exactly (below 2^53); NaN, inf
            # and huge values stay as text ('NaN', 'inf', '1e+20') for the validators to reject with a reason.
            whole = col.is_finite() & (col == col.round(0)) & (col.abs() < _EXACT_FLOAT_INTS)
            expr = (
                pl.when(whole)
                .then(col.cast(pl.Int64, strict=False).cast(pl.String))
                .otherwise(col.cast(pl.String))
            )
        else:
            expr = col.cast(pl.String).str.strip_chars()
        out.append(pl.when(expr == "").then(None).otherwise(expr).alias(name))
    return frame.select(out)


def _check_parquet(data: bytes) -> None:
    """Rows, columns and inflated size from the Parquet footer, before any column is read."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - a damaged footer: the reader below names the error
        del exc
        return
    limits.check_header_width(meta.num_columns)
    if meta.num_rows > limits.MAX_ROWS:
        raise limits.over("MAX_ROWS", f"the file has {meta.num_rows:,} rows", "split it")
    inflated = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if inflated > limits.MAX_INFLATED_BYTES:
        raise limits.over(
            "MAX_INFLATED_BYTES", f"the file's columns inflate to {inflated:,} bytes", "split it"
        )


def _read_parquet(data: bytes) -> RawTable:
    _check_parquet(data)
    try:
        frame = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise UnreadableFile(f"not a readable Parquet file: {str(exc).splitlines()[0]}") from None
    frame = _stringify(frame)
    return RawTable(frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int32)), [])


def _read_xlsx(data: bytes) -> RawTable:
    check_workbook(data)
    try:
        frame = pl.read_excel(io.BytesIO(data), engine="calamine")
    except Exception as exc:
        raise UnreadableFile(f"not a readable Excel .xlsx file: {str(exc).splitlines()[0]}") from None
    frame = _stringify(frame)
    # A date typed into a text column arrives as its Excel serial number.
    fixes = [
        pl.col(c).map_elements(_excel_serial_to_iso, return_dtype=pl.String)
        for c in frame.columns
        if c in _DATE_COLUMNS
    ]
    frame = frame.with_columns(fixes) if fixes else frame
    uncached = _formulas_without_value(data)
    frame, shown_notes = _as_shown(frame.with_row_index("_sheet_index"), data)
    frame = frame.filter(~pl.all_horizontal(pl.exclude("_sheet_index").is_null()))
    frame = frame.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int32))
    bad = []
    if uncached:
        header_row = _header_row(data)
        marks: dict[int, list[UncachedFormula]] = {}
        for found in uncached:
            marks.setdefault(found.row - header_row - 1, []).append(found)
        hit = frame.filter(pl.col("_sheet_index").is_in(list(marks)))
        for index, number in zip(hit["_sheet_index"], hit[ROW], strict=True):
            first = marks[index][0]  # the row's first such cell is its origin; every one is named
            cells = ", ".join(f"{f.sheet}!{f.cell} ({f.formula})" for f in marks[index])
            bad.append(
                BadRow(
                    number,
                    f"{FORMULA_WITHOUT_VALUE}: {cells}; the file was written by a program that does not "
                    "calculate formulas, so the cell has no value to load",
                    first.formula,
                    first.column,
                    f"{first.sheet}!{first.cell}",
                    "open and save the file in Excel (or LibreOffice), or type the value",
                )
            )
        frame = frame.filter(~pl.col("_sheet_index").is_in(list(marks)))
    return RawTable(frame.drop("_sheet_index"), bad, notes=shown_notes)


def _as_shown(frame: pl.DataFrame, data: bytes) -> tuple[pl.DataFrame, tuple[str, ...]]:
    """Value and date cells of the first sheet as their number format shows them (pipelines/ingest/cell_formats.py):
    a fraction under '0.0%' is the percent it shows, a date under 'mmm-yy' its month. `frame` has
    `_sheet_index` (0 = the row under the header); returns the frame and a note naming the formats read."""
    from openpyxl import load_workbook  # only for .xlsx files

    wanted = [c for c in frame.columns if c in _SHOWN_COLUMNS]
    if not wanted:
        return frame, ()
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        header, index = None, {}
        texts: dict[str, dict[int, str]] = {c: {} for c in wanted}
        formats: dict[str, int] = {}
        for cells in sheet.iter_rows():
            row = next((c.row for c in cells if getattr(c, "row", None)), None)
            if header is None:
                names = [normalise_header(str(c.value)) if c.value not in (None, "") else None for c in cells]
                if any(names) and row is not None:
                    header = row
                    index = {i: n for i, n in enumerate(names) if n in texts}
                continue
            for i, column in index.items():
                cell = cells[i] if i < len(cells) else None
                value, fmt = getattr(cell, "value", None), getattr(cell, "number_format", None)
                if value is None or not fmt or row is None:
                    continue
                seen = shown(value, fmt)
                if seen.value is not value or seen.prefix or seen.suffix:
                    texts[column][row - header - 1] = seen.written()
                    formats[fmt] = formats.get(fmt, 0) + 1
    finally:
        book.close()
    fixes = [
        pl.col("_sheet_index").replace_strict(t, default=pl.col(c), return_dtype=pl.String).alias(c)
        for c, t in texts.items()
        if t
    ]
    if not fixes:
        return frame, ()
    read = ", ".join(f"{n} under '{fmt}' ({describe(fmt)})" for fmt, n in sorted(formats.items()))
    return frame.with_columns(fixes), (f"cells read as their number format shows them: {read}",)


FORMULA_WITHOUT_VALUE = "formula without a cached value (open and save in Excel)"


@dataclass(frozen=True)
class UncachedFormula:
    """A cell holding a formula but no saved result: sheet, cell ('F3'), sheet row, formula, header above."""

    sheet: str
    cell: str
    row: int
    formula: str
    column: str | None


def _formulas_without_value(data: bytes) -> list[UncachedFormula]:
    """Cells of the first sheet holding a formula but no cached result. Such a cell reads as empty (or as 0
    in some readers), so its row is rejected, naming sheet, cell and formula, instead of being counted empty or
    loading a value nobody computed."""
    from openpyxl import load_workbook  # only for .xlsx files

    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False).worksheets[0]
    formulas.reset_dimensions()  # iterate the cells there are, not the <dimension> the file claims
    header: dict[int, str] = {}
    found: dict[str, tuple[int, int, str]] = {}
    for row in formulas.iter_rows():
        for c in row:
            if not hasattr(c, "coordinate"):
                continue
            if not header and not found and c.value not in (None, "") and c.data_type != "f":
                header = {x.column: str(x.value) for x in row if getattr(x, "value", None) not in (None, "")}
            if getattr(c, "data_type", None) == "f":
                found[c.coordinate] = (c.row, c.column, str(c.value)[:200])
    if not found:
        return []
    values = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    values.reset_dimensions()
    cached = {
        c.coordinate: c.value
        for row in values.iter_rows()
        for c in row
        if getattr(c, "coordinate", None) in found
    }
    return [
        UncachedFormula(
            formulas.title, cell, row, formula, normalise_header(header[col]) if col in header else None
        )
        for cell, (row, col, formula) in found.items()
        if cached.get(cell) in (None, "")
    ]


def _header_row(data: bytes) -> int:
    """The sheet row number of the first row with any value (the header, as the frame reader takes it)."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    sheet.reset_dimensions()
    for row in sheet.iter_rows():
        if any(c.value not in (None, "") for c in row):
            return row[0].row
    return 1


def _excel_serial_to_iso(text: str) -> str:
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return (_EXCEL_EPOCH + timedelta(days=int(float(text)))).isoformat()
    return text
