"""Propose a layout for a spreadsheet: where the header is, which columns are periods (month headers, Excel
dates, years over months), which are scenarios (Actual / Budget / Forecast), which are side-by-side values
(EPS Estimate / Reported EPS), and total and notes rows. The result is TOML text for a person to review:
what cannot be known from the sheet (entity, region, source) is left as a placeholder that validation rejects.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipelines.ingest.layouts.grid import Sheet, read_sheets
from pipelines.ingest.layouts.headers import cell_text, period_label
from pipelines.ingest.problems import Problem
from pipelines.ingest.vocabulary import KINDS

PLACEHOLDER = "CHANGE ME"
_ACTUAL = re.compile(r"(?i)\b(actual|reported|result)")
_EXPECTED = re.compile(r"(?i)\b(estimate|consensus|expected|budget|forecast|target|plan|guidance|projection)")
_KIND_OF = {
    "estimate": "consensus",
    "consensus": "consensus",
    "expected": "consensus",
    "budget": "budget",
    "plan": "budget",
    "forecast": "projection",
    "projection": "projection",
    "target": "target",
    "guidance": "guidance",
}
_SCALES = {
    "thousand": "thousands",
    "'000": "thousands",
    "000s": "thousands",
    "million": "millions",
    "billion": "billions",
}
_CURRENCIES = {
    "GBP": "GBP",
    "£": "GBP",
    "USD": "USD",
    "$": "USD",
    "EUR": "EUR",
    "€": "EUR",
    "JPY": "JPY",
    "CNY": "CNY",
}


def guess_layout(path: Path) -> str:
    """TOML text of a proposed layout for the first sheet of `path`. Raises UnreadableFile."""
    sheet = read_sheets(Path(path), ())[0]
    top = min(len(sheet.rows), 30)
    periods = [_period_columns(sheet, r) for r in range(top)]
    best = max(range(top), key=lambda r: len(periods[r]), default=0)
    if top and len(periods[best]) >= 3:
        return _wide(sheet, best, periods[best], Path(path).name)
    header = next((r for r in range(top) if _texts(sheet, r) >= 3), 0)
    return _by_columns(sheet, header, Path(path).name)


def _texts(sheet: Sheet, r: int) -> int:
    return sum(isinstance(v, str) for v in sheet.rows[r]) if r < len(sheet.rows) else 0


def _period_columns(sheet: Sheet, r: int) -> list[int]:
    found = []
    for c, v in enumerate(sheet.rows[r]):
        if v is None or (isinstance(v, int | float) and not 1900 <= v <= 2100):
            continue
        try:
            period_label(v)
            found.append(c)
        except (Problem, ValueError):
            continue
    return found


def _column_values(sheet: Sheet, r0: int, c: int) -> list[str]:
    return [t for r in range(r0 + 1, len(sheet.rows)) if (t := cell_text(sheet.cell(r, c)))]


def _wide(sheet: Sheet, r: int, period_cols: list[int], name: str) -> str:
    # A month row under a year row: 'Jan' alone is no period, so the periods found are in the row below a
    # year row only when the row above holds years over them.
    header_rows, header = 1, r
    below = _period_columns(sheet, r + 1) if r + 1 < len(sheet.rows) else []
    above_years = r + 1 < len(sheet.rows) and all(
        re.fullmatch(r"(FY)?\d{4}", cell_text(sheet.cell(r, c)) or "") for c in period_cols
    )
    if (
        above_years
        and not below
        and any(isinstance(v, str) and v[:3].title() in _MONTHS for v in sheet.rows[r + 1])
    ):
        header_rows, header = 2, r + 1
        period_cols, year = [], None
        for c in range(sheet.width):
            year = cell_text(sheet.cell(r, c)) or year
            try:
                period_label(" ".join(t for t in (year, cell_text(sheet.cell(header, c))) if t))
                period_cols.append(c)
            except (Problem, ValueError):
                continue
    labels = {
        c: cell_text(sheet.cell(header, c)) or cell_text(sheet.cell(r, c))
        for c in range(sheet.width)
        if c not in period_cols and (cell_text(sheet.cell(header, c)) or cell_text(sheet.cell(r, c)))
    }
    lines = [
        f"# Proposed by 'impact layout guess' for {name}: review every line, then save it beside the file.",
        'shape = "wide"',
        f'sheet = "{sheet.name}"' if sheet.name else "# a CSV file has no sheets",
        f"skip_rows = {r}",
        f"header_rows = {header_rows}",
    ]
    lines += _rules(sheet, header, labels)
    fields = {
        "entity": f'{{ value = "{PLACEHOLDER}" }}',
        "region": f'{{ value = "{PLACEHOLDER}" }}',
        "unit": f'{{ value = "{_currency(sheet, r) or PLACEHOLDER}" }}',
        "source_id": f'{{ value = "{PLACEHOLDER}" }}',
    }
    ignore = []
    for c, label in labels.items():
        values = _column_values(sheet, header, c)
        kinds = {v: KINDS.get(v.strip().lower()) or _KIND_OF.get(v.strip().lower()) for v in set(values)}
        if values and all(kinds.values()) and "kind" not in fields:
            fields["kind"] = _mapped(label, kinds)
        elif values and all(
            isinstance(sheet.cell(rr, c), int | float)
            for rr in range(header + 1, header + 4)
            if sheet.cell(rr, c) is not None
        ):
            ignore.append(label)
        elif "metric" not in fields:
            fields["metric"] = f'{{ column = "{label}" }}'
        elif re.search(r"(?i)region|country|market|business unit|territory", label) and fields[
            "region"
        ].startswith("{ value"):
            fields["region"] = f'{{ column = "{label}" }}'
        elif re.fullmatch(r"(?i)units?|currency", label):
            fields["unit"] = f'{{ column = "{label}" }}'
    fields.setdefault("kind", f'{{ value = "{PLACEHOLDER}" }}  # actual, budget, target, projection ...')
    fields.setdefault("metric", f'{{ value = "{PLACEHOLDER}" }}')
    if ignore:
        lines.insert(5, f"ignore_columns = [{', '.join(repr(i).replace(chr(39), chr(34)) for i in ignore)}]")
    return _finish(lines, fields)


_MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}


def _rules(sheet: Sheet, header: int, labels: dict[int, str]) -> list[str]:
    out = []
    first = [
        cell_text(next((v for v in row if v is not None), None)) or "" for row in sheet.rows[header + 1 :]
    ]
    first_label = labels.get(min(labels)) if labels else None
    if first_label and any(re.match(r"(?i)total", t) for t in first):
        out.append(f'skip_when = {{ column = "{first_label}", matches = "(?i)^total" }}')
    if any(re.match(r"(?i)notes?\b|source:", t) for t in first):
        out.append('stop_at = "(?i)^(notes?|source:)"')
    title = " ".join(cell_text(v) or "" for row in sheet.rows[:header] for v in row).lower()
    if scale := next((s for k, s in _SCALES.items() if k in title), None):
        out.append(f'scale = "{scale}"')
    for c, label in labels.items():
        values = {v.lower() for v in _column_values(sheet, header, c)}
        if values & {"expense", "expenses", "cost", "costs"}:
            flip = sorted(v.title() for v in values & {"expense", "expenses", "cost", "costs"})
            out.append(
                f'sign = {{ column = "{label}", flip = [{", ".join(chr(34) + f + chr(34) for f in flip)}] }}  # if costs are written negative'
            )
    return out


def _currency(sheet: Sheet, header: int) -> str | None:
    title = " ".join(cell_text(v) or "" for row in sheet.rows[: header + 1] for v in row)
    return next((code for sign, code in _CURRENCIES.items() if sign in title), None)


def _mapped(column: str, kinds: dict[str, str | None]) -> str:
    pairs = ", ".join(f'"{k}" = "{v}"' for k, v in sorted(kinds.items()))
    return f'{{ column = "{column}", map = {{ {pairs} }} }}'


def _by_columns(sheet: Sheet, header: int, name: str) -> str:
    names = [cell_text(v) for v in sheet.rows[header]] if sheet.rows else []
    actual = [n for n in names if n and _ACTUAL.search(n)]
    expected = [n for n in names if n and _EXPECTED.search(n) and not _ACTUAL.search(n)]
    fields = {
        "entity": f'{{ value = "{PLACEHOLDER}" }}',
        "metric": f'{{ value = "{PLACEHOLDER}" }}',
        "region": f'{{ value = "{PLACEHOLDER}" }}',
        "unit": f'{{ value = "{PLACEHOLDER}" }}',
        "source_id": f'{{ value = "{PLACEHOLDER}" }}',
    }
    for n in names:
        if n and re.search(r"(?i)quarter|period|fiscal|month", n):
            fields["period"] = f'{{ column = "{n}" }}'
        elif (
            n
            and re.search(r"(?i)company|entity|ticker|symbol|name", n)
            and fields["entity"].startswith("{ value")
        ):
            fields["entity"] = f'{{ column = "{n}" }}'
    fields.setdefault("period", f'{{ value = "{PLACEHOLDER}" }}')
    date_col = next((n for n in names if n and re.search(r"(?i)date|reported on|as of", n)), None)
    lines = [
        f"# Proposed by 'impact layout guess' for {name}: review every line, then save it beside the file."
    ]
    if actual and expected:
        lines += ['shape = "side_by_side"', f"skip_rows = {header}"] + (
            [f'sheet = "{sheet.name}"'] if sheet.name else []
        )
        text = _finish(lines, fields)
        for n in [*expected, *actual]:
            kind = "actual" if n in actual else _KIND_OF[_EXPECTED.search(n).group(1).lower()]
            text += f'\n[[values]]\ncolumn = "{n}"\nkind = "{kind}"\n'
            text += f'as_of = {{ column = "{date_col}" }}\n' if date_col else ""
        return text
    lines += ['shape = "long"', f"skip_rows = {header}"]
    fields["kind"] = f'{{ value = "{PLACEHOLDER}" }}'
    fields["value"] = (
        f'{{ column = "{next((n for n in names if n and re.search("(?i)value|amount", n)), PLACEHOLDER)}" }}'
    )
    return _finish(lines, fields)


def _finish(lines: list[str], fields: dict[str, str]) -> str:
    body = "\n".join(lines) + "\n\n[fields]\n"
    body += "".join(f"{k} = {v}\n" for k, v in fields.items())
    return body
