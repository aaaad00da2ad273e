"""Propose a `column_groups` layout: a "Budget vs. Actuals" sheet whose period headers each span a group of
scenario columns (QuickBooks, Xero, Sage exports; a hand-made budget sheet with Budget / Actual under each
month), as pipelines/ingest/layouts/groups.py reads it.

```
Budget vs. Actuals FY2026                                 <- title lines (a date here, or in a footer, dates it)
            | Jan 2026                        | Feb 2026 ...  | Total
            | Actual | Budget | over Budget   | Actual ...    | ...
Revenue     | 1,000  | 1,100  | -100          | ...
```

The upper row's periods name the groups; the lower row's words say what each column holds: a kind
(`kind_named`: Actual, Budget, Forecast, Plan ...), one of the export's own comparisons (over Budget,
% of Budget, Variance: reconciled, never loaded), or something else (ignored, said so in a comment). A total
group is ignored; total and subtotal rows are skipped; the label column's labels (rows with numbers) are
listed in the metric map.
"""

from __future__ import annotations

import re
from datetime import date

from openpyxl.utils import get_column_letter

from pipelines.ingest.layouts.grid import Sheet
from pipelines.ingest.layouts.guess_words import kind_named
from pipelines.ingest.layouts.headers import cell_text, period_label
from pipelines.ingest.problems import Problem

_TOTAL = re.compile(r"(?i)^\s*(grand\s+)?(total|gesamt|summe|insgesamt|sum)\b")
_SUMS = "(?i)^(total|gross profit|net |ebit)"  # rows an export adds up itself: the warehouse adds up
_FOOTER = re.compile(r"(?i)(accrual|cash) basis")  # no \b: the pattern is written into a TOML basic string
_RECONCILE = (  # the export's own comparisons, by their header words
    (re.compile(r"(?i)^%\s*of\b"), "attainment_pct"),
    (
        re.compile(r"(?i)(%|percent|pct).*(over|under|var|diff)|(over|under|var|diff).*(%|percent|pct)"),
        "variance_pct",
    ),
    (re.compile(r"(?i)^(\$\s*)?(over|under)\b|\bvariance\b|^var\b|\bdiff"), "variance"),
)


def is_grouped(sheet: Sheet, r: int, period_cols: list[int]) -> bool:
    """Whether the periods in row `r` head groups: each period spans several columns (written once over
    empty cells, as merged cells read, or repeated over each column) and the row below names at least one kind
    of figure under them ('Actual', 'Budget')."""
    if r + 1 >= len(sheet.rows) or len(period_cols) < 2:
        return False
    text = [cell_text(sheet.cell(r, c)) for c in range(sheet.width)]
    starts = [c for c in period_cols if c == 0 or text[c] != text[c - 1]]  # a repeated header: one group
    spans = (
        [b - a for a, b in zip(starts, [*starts[1:], sheet.width], strict=False)] if len(starts) > 1 else [0]
    )
    below = [cell_text(sheet.cell(r + 1, c)) for c in range(period_cols[0], sheet.width)]
    return min(spans) >= 2 and any(t and kind_named(t) for t in below)


def group_lines(
    sheet: Sheet, r: int, today: date, stated: date | None, as_at: date | None
) -> tuple[list[str], str, list[str]]:
    """(the layout's top lines and [groups] table, the label column's name, its labels with numbers) for a
    grouped header in rows `r` (periods) and `r + 1` (what each column holds). `stated` dates the plans when
    the sheet writes a date; `as_at` (an 'as of' date, or the report date of an export's footer) the actuals,
    else `today` (the day of the guess, said so)."""
    upper, lower = sheet.rows[r], sheet.rows[r + 1]
    label_col = next((c for c in range(sheet.width) if not _is_group_column(upper, lower, c)), 0)
    label = cell_text(sheet.cell(r + 1, label_col)) or cell_text(sheet.cell(r, label_col))
    lines = [
        'shape = "column_groups"',
        f'sheet = "{sheet.name}"' if sheet.name else "# a CSV file has no sheets",
        f"skip_rows = {r}",
        "header_rows = 2  # the periods over their groups, then what each column of a group holds",
    ]
    if not label:
        label = "Account"
        lines.append(
            f'header_names = {{ {get_column_letter(label_col + 1)} = "Account" }}  # its header is empty'
        )
    footer = _footer(sheet)
    if footer and _FOOTER.search(footer):
        lines.append(f'stop_at = "{_FOOTER.pattern}"  # the footer')
    lines.append(
        f'skip_when = {{ column = "{label}", matches = "{_SUMS}" }}  # totals: the warehouse adds up itself'
    )
    heads = [t for c in range(sheet.width) if (t := cell_text(sheet.cell(r, c)))]
    if totals := [t for t in heads if _TOTAL.match(t)]:
        lines.append(f"ignore_groups = [{', '.join(_quoted(t) for t in totals)}]  # the range's total")
    years = [int(y) for t in heads if _is_period(t) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", t)]
    before = date(min(years) - 1, 12, 31) if years else None
    written = stated if stated and (before is None or stated.year <= before.year + 1) else None
    planned = (
        (written, "the date written in the title") if written else (before, "the day before the first year")
    )
    actual = (
        (as_at, "the sheet's own date")
        if as_at
        else (today, "the day of the guess: write the day they were reported")
    )
    lines += ["", "[groups]  # the lower header row: what each column of a group holds"]
    for sub in dict.fromkeys(t for c in range(sheet.width) if c != label_col and (t := cell_text(lower[c]))):
        lines.append(f"{_quoted(sub)} = {_holds(sub, kind_named(sub), actual, planned)}")
    return lines, label, _labels(sheet, r + 1, label_col)


def _holds(sub: str, kind: str | None, actual: tuple[date, str], planned: tuple[date | None, str]) -> str:
    """The [groups] rule of lower header `sub`: a comparison the export computed, a kind of figure with its
    as_of ((date, why) for actuals and for plans), or ignored."""
    measure = next((m for pattern, m in _RECONCILE if pattern.search(sub)), None)
    if measure:  # 'over Budget', '% of Budget' name a kind but hold the export's comparison
        return f'{{ reconcile = "{measure}" }}  # the export\'s own comparison: checked, not loaded'
    if kind is None:
        return "{ ignore = true }  # not a kind of figure: left out (write a kind to load it)"
    when, why = actual if kind in ("actual", "estimate") else planned
    as_of = f', as_of = {{ value = "{when.isoformat()}" }}' if when else ""
    return f'{{ kind = "{kind}"{as_of} }}' + (f"  # as_of: {why}" if when else "")


def _is_group_column(upper: list, lower: list, c: int) -> bool:
    return (
        c < len(lower)
        and cell_text(lower[c]) is not None
        and c > 0
        and any(v is not None for v in upper[: c + 1])
    )


def _is_period(text: str) -> bool:
    try:
        period_label(text)
        return True
    except (Problem, ValueError):
        return False


def _labels(sheet: Sheet, header: int, c: int) -> list[str]:
    """The labels of the rows below `header` in column `c` that hold a number (section rows hold none), not
    the sums the layout skips."""
    sums = re.compile(_SUMS)
    out = []
    for r in range(header + 1, len(sheet.rows)):
        text = cell_text(sheet.cell(r, c))
        row = sheet.rows[r]
        if text and not sums.search(text) and any(isinstance(v, int | float) for v in row[c + 1 :]):
            out.append(text)
    return list(dict.fromkeys(out))


def _footer(sheet: Sheet) -> str | None:
    """The text of the sheet's last non-empty row when it is one cell (an export's 'run on ... Accrual Basis')."""
    for row in reversed(sheet.rows):
        texts = [t for v in row if (t := cell_text(v))]
        if texts:
            return texts[0] if len(texts) == 1 else None
    return None


def footer_text(sheet: Sheet) -> str:
    """The footer's text for dates ('' when there is none)."""
    return _footer(sheet) or ""


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
