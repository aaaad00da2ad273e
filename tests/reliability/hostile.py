"""Hostile input files for the bounded-parsing tests (issue 28, faults 1, 3, 5, 8, 9), generated small.

Each writer returns the path it wrote. The files are built with openpyxl, zipfile and plain writes so that a
test needs no stored fixture; each stays well under 1 MB on disk while standing for the attack it names.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

FIGURES_HEADER = ["entity", "metric", "region", "period", "kind", "value", "unit", "source_id"]
FIGURES_ROW = ["Shop", "revenue", "GB", "2024-Q1", "actual", 110, "GBP m", "books"]


def far_cell_xlsx(path: Path, cell: str = "XFD1048576") -> Path:
    """Fault 1: a valid figures sheet (header and one row) plus one stray cell at `cell`, about 5 KB.

    Readers that size the sheet from its last cell allocate 16,384 x 1,048,576 cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(FIGURES_HEADER)
    sheet.append(FIGURES_ROW)
    sheet[cell] = "x"
    book.save(path)
    return path


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _inline(value: object) -> str:
    if isinstance(value, int | float):
        return f"<c><v>{value}</v></c>"
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def bomb_xlsx(path: Path, sheet_bytes: int) -> Path:
    """Fault 3: a figures sheet whose XML inflates to about `sheet_bytes` bytes (one row repeated, no cell
    references, as the format allows), deflated at level 9: about 1/1000 of that on disk.

    The original attack was 9.8 MB inflating to 3 GB (306 times); 100 MB (440 KB on disk) stands for it."""
    head = "".join(_inline(v) for v in FIGURES_HEADER)
    row = ("<row>" + "".join(_inline(v) for v in FIGURES_ROW) + "</row>").encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                + f"<row>{head}</row>".encode()
            )
            block = row * 4096
            for _ in range(max(1, sheet_bytes // len(block))):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


def deep_toml(path: Path, depth: int = 100_000) -> Path:
    """Fault 5: `a = [[[...]]]` nested `depth` levels (2 bytes a level: 200 KB at 100,000)."""
    path.write_text("a = " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    return path


def wide_header_csv(path: Path, width: int = 200_000) -> Path:
    """Fault 8: a CSV whose header repeats one name `width` times (2 bytes a column: 400 KB at 200,000)."""
    path.write_text(",".join(["a"] * width) + "\n" + ",".join(["1"] * width) + "\n", encoding="utf-8")
    return path


def long_xlsx(path: Path, rows: int) -> Path:
    """A valid figures sheet of `rows` rows (10,000: about 300 KB, about 2 s of CPU to read): a file that is
    slow only against a lowered IMPACT_READER_CPU_SECONDS, standing for a parse that runs away."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(FIGURES_HEADER)
    for i in range(rows):
        sheet.append([*FIGURES_ROW[:5], i, *FIGURES_ROW[6:]])
    book.save(path)
    return path
