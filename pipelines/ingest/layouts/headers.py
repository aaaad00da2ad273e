"""Table headers of a laid-out sheet, and period headers ('Apr-24', 'FY2025 Apr', Excel date-times) as labels.

Rules (docs/data-formats.md, "Spreadsheet layouts"):
- the header is `header_rows` rows after `skip_rows`; the rows above the last one are forward-filled to the
  right (a year written once over its months, merged or not) and the rows' texts are joined with a space;
  `header_names` (`{ A = "Account" }`) names a column whatever its header cells hold (an export's label
  column often has none);
- a date-time header cell names its month (`2024-04-01 00:00` -> `2024-04`), and so does a number header
  between 36526 and 73050 (an Excel date serial without a date format: 45383 -> `2024-04`);
- month names take their year from the header ('Apr 2024', 'Apr-24', '2024 Apr'), from a fiscal-year header
  ('FY2025 Apr' with the layout's fiscal_year_start_month) or from `periods.year` (a value or the sheet name);
- anything else goes through the canonical period parser (`2024-Q3`, `Q1 2024`, `FY2025`, `2024`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pipelines.ingest import readers
from pipelines.ingest.layouts.grid import Sheet
from pipelines.ingest.layouts.spec import Layout
from pipelines.ingest.problems import Problem
from pipelines.normalise.dates import MONTHS
from pipelines.normalise.periods import PeriodError, parse_period

_MONTH_YEAR = re.compile(r"(?P<m>[A-Za-z]{3,9})\.?\s*[-'’/ ]\s*(?P<y>\d{2}|\d{4})")
_YEAR_MONTH = re.compile(r"(?P<y>\d{4})\s*[-/ ]?\s*(?P<m>[A-Za-z]{3,9})")
_FISCAL_MONTH = re.compile(
    r"(?:FY\s*(?P<fy>\d{4}|\d{2})\s+(?P<m>[A-Za-z]{3,9})|(?P<m2>[A-Za-z]{3,9})\s+FY\s*(?P<fy2>\d{4}|\d{2}))",
    re.I,
)
EXCEL_EPOCH = date(
    1899, 12, 30
)  # Excel's day 0 (it counts 1900 as a leap year; serials after Feb 1900 agree)
EXCEL_SERIALS = (36526, 73050)  # 2000-01-01 .. 2099-12-31: a number header in this range is a date serial
_ISO_DATETIME = re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?")


@dataclass(frozen=True)
class Header:
    row: int  # 0-based sheet row of the last header row; data starts below it
    names: list[str | None]  # joined header text per column (None = empty)
    cells: list[object]  # per column, the period-bearing value (a date-time cell is kept as such)
    layers: tuple[list[object], ...] = ()  # the header rows as read, upper ones forward-filled


def cell_text(value: object) -> str | None:
    """A spreadsheet cell as text (readers.cell_text, booleans as the sheet shows them: 'TRUE')."""
    return readers.cell_text(value, bools_upper=True)


def read_header(sheet: Sheet, layout: Layout) -> Header:
    top = layout.skip_rows
    width = sheet.width
    layers: list[list[object]] = []
    for i in range(layout.header_rows):
        row = [sheet.cell(top + i, c) for c in range(width)]
        if i < layout.header_rows - 1:  # upper rows: a label written once spans the columns to its right
            last = None
            for c in range(width):
                last = row[c] = row[c] if row[c] is not None else last
        layers.append(row)
    names, cells = [], []
    for c in range(width):
        parts = [layer[c] for layer in layers if layer[c] is not None]
        dated = [p for p in parts if isinstance(p, date | datetime)]
        if dated or len(parts) == 1:  # a lone cell keeps its type: a date, or a date serial (a number)
            cells.append(dated[-1] if dated else parts[0])
        else:
            cells.append(" ".join(cell_text(p) or "" for p in parts).strip() or None)
        names.append(" ".join(cell_text(p) or "" for p in parts).strip() or None)
    for c, name in layout.header_names.items():  # header_names: columns an export leaves unnamed
        if c < width:
            names[c] = name
    return Header(top + layout.header_rows - 1, names, cells, tuple(layers))


def period_label(cell: object, fiscal_start: int = 1, year: str | None = None) -> str:
    """The canonical period label of a period header. Raises Problem with the accepted spellings."""
    if isinstance(cell, date | datetime):
        return f"{cell.year:04d}-{cell.month:02d}"
    if isinstance(cell, int | float) and EXCEL_SERIALS[0] <= cell <= EXCEL_SERIALS[1]:
        # a date header without a date format shows as its serial number (45383 = 2024-04-01)
        return period_label(EXCEL_EPOCH + timedelta(days=int(cell)))
    text = str(cell).strip()
    if m := _ISO_DATETIME.fullmatch(text):
        return f"{m['y']}-{m['m']}"
    if (m := _FISCAL_MONTH.fullmatch(text)) and (m["m"] or m["m2"]).upper() in MONTHS:
        return _fiscal_month(m["fy"] or m["fy2"], m["m"] or m["m2"], fiscal_start, text)
    for pattern in (_MONTH_YEAR, _YEAR_MONTH):
        m = pattern.fullmatch(text)
        if m and m["m"].upper() in MONTHS:
            y = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
            return f"{y:04d}-{MONTHS[m['m'].upper()]:02d}"
    if text.upper() in MONTHS and year:
        y = str(year).strip()
        if y.upper().startswith("FY"):
            return _fiscal_month(y[2:].strip(), text, fiscal_start, text)
        return period_label(f"{text} {y}", fiscal_start)
    try:
        return parse_period(text, fiscal_start).label
    except (PeriodError, ValueError) as exc:
        hint = (
            "; a bare month name needs periods.year (a value or { sheet = true })"
            if text.upper() in MONTHS
            else ""
        )
        raise Problem(
            f"header '{text}' is not a period",
            "month headers like 'Apr 2024', 'Apr-24', '2024-04', 'FY2025 Apr' or Excel dates; "
            f"quarters 'Q1 2024'; years '2024' or 'FY2025'; list other columns in ignore_columns{hint}",
        ) from exc


def _fiscal_month(fy: str, month: str, fiscal_start: int, text: str) -> str:
    if month.upper() not in MONTHS:
        raise Problem(f"header '{text}': '{month}' is not a month name")
    fiscal_year = int(fy) + (2000 if len(fy) == 2 else 0)
    m = MONTHS[month.upper()]
    # FY2025 with a fiscal year starting in April runs 2024-04..2025-03 (named by the year it ends in).
    calendar_year = fiscal_year - 1 if fiscal_start > 1 and m >= fiscal_start else fiscal_year
    return f"{calendar_year:04d}-{m:02d}"
