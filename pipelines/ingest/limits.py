"""The bounds on every input file a reader parses, in one place (issue 28: bounded parsing).

Every reader in `pipelines/ingest` (CSV, JSON Lines, Parquet, Excel .xlsx, TOML layouts and `dataset.toml`)
checks these before the work they bound is done: a file's size before it is read into memory, a zip's
declared and actual inflated sizes before a sheet is parsed, a sheet's last cell before a reader sizes a grid
from it, a header's width before any column is compared, a TOML file's nesting before it is parsed. A file
over a limit is refused as a whole, as that file's row 0 ("unreadable", the reason naming the limit, its value
and what to do); a line over a limit is that line's rejection. The run goes on with the other files.

The numbers are chosen far above any real input of this product (reported figures and expectations: a
dataset's largest file so far is 1,200 rows by 14 columns) and far below what would exhaust the machine
(a reader holds a few times a file's inflated size in memory; 2 cores are shared by everything).
"""

from __future__ import annotations

import re
import tomllib
import zipfile
from dataclasses import dataclass
from typing import IO, Any

MAX_FILE_BYTES = 256 * 2**20
"""Bytes of one input file on disk (256 MiB). Each reader holds the whole file in memory, and more than once
(bytes, text, rows), so a file past this would take gigabytes; a real file here is well under 10 MB."""

MAX_ROWS = 1_000_000
"""Data rows of one file (any format). A million figures is the scale the dashboard is benchmarked at
(benchmarks/dashboard_bench.py); past it a file is an export of something else, or an attack."""

MAX_COLUMNS = 1_000
"""Columns of one header (any format), and the last column a sheet may use (column ALL). The formats have
8 to 14 columns and unknown columns are ignored; 1,000 leaves room for wide exports while keeping the header
checks (duplicates, required columns) and per-row work small."""

MAX_LINE_CHARS = 1_000_000
"""Characters of one line of a JSON Lines file (one row). A figure row is about 200 characters; a longer
line is refused as that row, before it is parsed. (CSV fields are bounded by the csv module's own limit,
131,072 characters a field, and rejected as that row.)"""

MAX_SHEET_CELLS = 5_000_000
"""Cells of a sheet's used range, from A1 to its last row and last column. Spreadsheet readers size a grid
from the last cell: one stray cell at XFD1048576 (the last cell Excel has) made a 2 KB file ask for 17
billion cells. 5 million is 100,000 rows of 50 columns, a few hundred MB in the readers."""

MAX_INFLATED_BYTES = 256 * 2**20
"""Bytes a .xlsx (a zip) may inflate to, all its parts together (256 MiB), checked against the sizes the zip
declares and again while a sheet is read. A 9.8 MB file inflating to a 3 GB sheet kept the dashboard at
100 % CPU for 24 minutes."""

MAX_ZIP_RATIO = 100
"""Inflated over compressed size of one part of a .xlsx, for parts above RATIO_FLOOR_BYTES. Real sheets
deflate 5 to 20 times; 100 is Apache POI's default (ZipSecureFile's minimum inflate ratio, 0.01); a
zip bomb is 300 to 1,000."""

RATIO_FLOOR_BYTES = 2**20
"""Parts inflating to less than this (1 MiB) are not ratio-checked: small XML parts compress very well."""

MAX_ZIP_PARTS = 10_000
"""Parts (members) of one .xlsx zip. A workbook has a dozen plus one per sheet; the central directory of
millions of empty members is itself an attack on memory."""

MAX_TOML_BYTES = 2**20
"""Bytes of one TOML file (a layout or dataset.toml), 1 MiB; real ones are under 10 KB."""

MAX_TOML_DEPTH = 32
"""Nesting of arrays and inline tables in a TOML file. A layout nests at most 3 deep. Python's tomllib
recurses once a level, so 100,000 levels (200 KB) raised RecursionError, which no reader caught, and stopped
every run."""


class LimitExceeded(ValueError):
    """A file is over one of the limits above; the message names the limit, the value found and the fix."""


def over(limit: str, found: str, fix: str) -> LimitExceeded:
    """The one wording of a refusal: '<found>; the limit is <limit value> (<NAME>): <fix>'.

    `limit` is the constant's name in this module; `found` says what the file holds."""
    value = globals()[limit]
    return LimitExceeded(f"{found}; the limit is {value:,} ({limit}): {fix}")


def check_file_size(size: int) -> None:
    """`size` in bytes. Raises LimitExceeded above MAX_FILE_BYTES."""
    if size > MAX_FILE_BYTES:
        raise over("MAX_FILE_BYTES", f"the file is {size:,} bytes", "split it into smaller files")


def check_header_width(width: int) -> None:
    """`width` = the header's number of columns. Raises LimitExceeded above MAX_COLUMNS."""
    if width > MAX_COLUMNS:
        raise over("MAX_COLUMNS", f"the header has {width:,} columns", "keep only the columns of the format")


# ---------------------------------------------------------------------------------------------- .xlsx


@dataclass(frozen=True)
class SheetExtent:
    """What a scan of one sheet's XML found, without parsing it: cells with a reference, the last row and
    column used (1-based; 0 when none), and the last cell's reference ('XFD1048576')."""

    cells: int
    last_row: int
    last_column: int

    @property
    def used_cells(self) -> int:
        return self.last_row * self.last_column


_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,7})"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CHUNK = 4 * 2**20


def column_number(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(number: int) -> str:
    """1 -> 'A', 16384 -> 'XFD'."""
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


def check_xlsx(archive: zipfile.ZipFile) -> None:
    """Check a .xlsx before any reader parses it: the number of parts, each part's declared inflated size
    and ratio, their total; then stream every worksheet (counting the bytes that really inflate, so a zip
    that lies about its sizes is caught too) for its cells and its last row and column.

    Raises LimitExceeded (MAX_ZIP_PARTS, MAX_INFLATED_BYTES, MAX_ZIP_RATIO, MAX_SHEET_CELLS, MAX_COLUMNS,
    MAX_ROWS) naming the part or the last cell. A damaged zip raises zipfile.BadZipFile."""
    parts = archive.infolist()
    if len(parts) > MAX_ZIP_PARTS:
        raise over("MAX_ZIP_PARTS", f"the workbook's zip has {len(parts):,} parts", "save it again in Excel")
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > RATIO_FLOOR_BYTES and part.file_size > MAX_ZIP_RATIO * max(part.compress_size, 1):
            ratio = part.file_size / max(part.compress_size, 1)
            raise over(
                "MAX_ZIP_RATIO",
                f"part {part.filename} inflates {ratio:,.0f} times ({part.compress_size:,} bytes to "
                f"{part.file_size:,}), as zip bombs do",
                "save the workbook again in Excel, or export the sheet as CSV",
            )
    if total > MAX_INFLATED_BYTES:
        raise over(
            "MAX_INFLATED_BYTES",
            f"the workbook inflates to {total:,} bytes",
            "export the sheet as CSV, or split the workbook",
        )
    inflated = 0
    for part in parts:
        if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
            with archive.open(part) as stream:
                extent, read = _scan_sheet(stream, MAX_INFLATED_BYTES - inflated, part.filename)
            inflated += read
            _check_extent(extent, part.filename)


def _scan_sheet(stream: IO[bytes], budget: int, name: str) -> tuple[SheetExtent, int]:
    """Stream one sheet's XML in 4 MiB chunks; no more than `budget` bytes are inflated."""
    cells = last_row = last_column = rows = read = 0
    carry = b""
    while chunk := stream.read(_CHUNK):
        read += len(chunk)
        if read > budget:
            raise over(
                "MAX_INFLATED_BYTES",
                f"sheet {name} inflates past {MAX_INFLATED_BYTES:,} bytes (more than its zip declares)",
                "save the workbook again in Excel, or export the sheet as CSV",
            )
        data = carry + chunk
        cut = data.rfind(b"<")  # a tag cut by the chunk's end is scanned with the next chunk
        data, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        for letters, number in _CELL_REF.findall(data):
            last_column = max(last_column, column_number(letters.decode()))
            last_row = max(last_row, int(number))
        for number in _ROW_REF.findall(data):
            last_row = max(last_row, int(number))
        cells += len(_CELL_TAG.findall(data))
        rows += len(_ROW_TAG.findall(data))
    # rows and cells written without references (the format allows it) count by position
    return SheetExtent(cells, max(last_row, rows), last_column), read


def _check_extent(extent: SheetExtent, name: str) -> None:
    sheet = name.removeprefix("xl/worksheets/").removesuffix(".xml")
    last = f"{column_letters(extent.last_column)}{extent.last_row}"
    fix = f"delete the rows and columns past the data (Ctrl+End in Excel goes to {last}) and save again"
    if extent.last_column > MAX_COLUMNS:
        raise over(
            "MAX_COLUMNS", f"{sheet} uses column {column_letters(extent.last_column)} (cell {last})", fix
        )
    if extent.last_row > MAX_ROWS + 1:  # + the header
        raise over("MAX_ROWS", f"{sheet} uses row {extent.last_row:,} (cell {last})", fix)
    if max(extent.used_cells, extent.cells) > MAX_SHEET_CELLS:
        raise over(
            "MAX_SHEET_CELLS",
            f"{sheet} spans A1:{last}, {max(extent.used_cells, extent.cells):,} cells",
            fix,
        )


# ----------------------------------------------------------------------------------------------- TOML

_TOML_OPEN = {"[": "]", "{": "}"}


def toml_depth(text: str) -> int:
    """The deepest nesting of arrays and inline tables in TOML `text`, outside strings and comments
    (a table header `[a.b]` or `[[a]]` counts as the brackets it has). Linear in the text's length."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in "\"'":
            triple = text.startswith(ch * 3, i)
            quote = ch * 3 if triple else ch
            j = i + len(quote)
            while True:
                k = text.find(quote, j)
                if k < 0:
                    return deepest  # an unclosed string: tomllib reports it
                if ch == '"':  # a basic string: a quote after an odd run of backslashes is escaped
                    slashes = len(text[j:k]) - len(text[j:k].rstrip("\\"))
                    if slashes % 2:
                        j = k + 1
                        continue
                if not triple and "\n" in text[i:k]:
                    return deepest
                i = k + len(quote)
                while triple and i < n and text[i] == ch:  # '''a'''' ends with the last three quotes
                    i += 1
                break
            continue
        if ch in _TOML_OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return deepest


def load_toml(text: str, name: str) -> dict[str, Any]:
    """Parse TOML `text` (from the file `name`, for messages) with tomllib after checking its size
    (MAX_TOML_BYTES, in UTF-8 bytes) and nesting (MAX_TOML_DEPTH).

    Raises LimitExceeded over a limit; tomllib.TOMLDecodeError for a syntax error."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_TOML_BYTES:
        raise over("MAX_TOML_BYTES", f"{name} is {size:,} bytes", "a layout or dataset.toml is a few KB")
    depth = toml_depth(text)
    if depth > MAX_TOML_DEPTH:
        raise over("MAX_TOML_DEPTH", f"{name} nests arrays or tables {depth:,} deep", "flatten it")
    try:
        return tomllib.loads(text)
    except RecursionError:  # the depth scan above should make this unreachable; a file must not stop a run
        raise over(
            "MAX_TOML_DEPTH", f"{name} nests deeper than the TOML reader can follow", "flatten it"
        ) from None


# ------------------------------------------------------------------------------ the reader's child process

READER_MEMORY_BYTES = 3 * 2**30
"""Address space of the child process that parses the inputs of a run (3 GiB; IMPACT_READER_MEMORY_MB).
The bounds above keep a parse to a few hundred MB; this catches what they do not foresee (a parser's own
blow-up) before it reaches the machine's memory, which the dashboard and Dagster share."""

READER_CPU_SECONDS = 120
"""CPU seconds one file's parse may use in that child (all its threads; IMPACT_READER_CPU_SECONDS). The
largest file the bounds allow parses in about 30 s on this 2-core machine; a quadratic step in a parser
would otherwise run for minutes or hours."""

READER_WALL_SECONDS = 300
"""Wall-clock seconds one file's parse may take (IMPACT_READER_WALL_SECONDS): the CPU limit's backstop on a
machine too busy to give the child its CPU, after which the child is killed."""
