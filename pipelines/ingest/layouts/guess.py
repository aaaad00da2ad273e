"""Propose a layout for a spreadsheet: where the header is, which columns are periods (month headers, Excel
dates, years over months), which are scenarios (Actual / Budget / Forecast), which are side-by-side values
(EPS Estimate / Reported EPS), and total and notes rows. The result is TOML text for a person to review.

A wide sheet's label columns are told apart by their values, not only by their headers: a column of
scenario words is the kind; a column whose values are regions (ISO countries, reference regions, or the
regions declared in a `regions*.csv` beside the file or in DATA_DIR/reference/) is the region, never the
metric; a metric named in the title ('Revenue budget ...', 'Umsatzplanung ...') is a constant. A total row
becomes the region declared as made of exactly the sheet's regions (`made_of` in a regions file), or is
skipped when none is. The kind is a scenario column ('Budget', 'Actual YTD'), else the one kind the title
or headers name ('Revenue budget 2026'). A metric column is written with a map listing each label found in
it (mapped to a metric id made of itself, for the user to edit). The entity (the file's name) and the source
(declared in the layout's [source], dated by the date the title states: 'as of 2026-03-31') are constants
that load as they are and are marked for review; what cannot be told at all (the source's date when the sheet
states none, a region without a region column) is left as a placeholder ('CHANGE ME',
pipelines/ingest/layouts/placeholders.py) that a run refuses, naming the layout file and key.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.ingest.layouts.grid import Sheet, read_sheets
from pipelines.ingest.layouts.guess_groups import footer_text, group_lines, is_grouped
from pipelines.ingest.layouts.guess_words import (
    KIND_OF,
    as_at_date,
    kind_field,
    kind_named,
    metric_table,
    source_table,
    stated_date,
)
from pipelines.ingest.layouts.headers import cell_text, period_label
from pipelines.ingest.layouts.placeholders import PLACEHOLDER
from pipelines.ingest.problems import Problem

_ACTUAL = re.compile(r"(?i)\b(actual|reported|result)")
_EXPECTED = re.compile(r"(?i)\b(estimate|consensus|expected|budget|forecast|target|plan|guidance|projection)")
_SCALES = {
    "thousand": "thousands",
    "tsd": "thousands",
    "tausend": "thousands",
    "teur": "thousands",
    "keur": "thousands",
    "k€": "thousands",
    "milliers": "thousands",
    "mio": "millions",
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


def guess_layout(path: Path, data_dir: Path | None = None, today: date | None = None) -> str:
    """TOML text of a proposed layout for the first sheet of `path`. Regions declared in `regions*.csv`
    files beside `path` or in `data_dir`/reference/ count as known regions; `today` (default: today) dates
    the declared source. Raises UnreadableFile."""
    path = Path(path)
    sheet = read_sheets(path, ())[0]
    top = min(len(sheet.rows), 30)
    periods = [_period_columns(sheet, r) for r in range(top)]
    best = max(range(top), key=lambda r: len(periods[r]), default=0)
    if top and is_grouped(sheet, best, periods[best]):
        return _grouped(sheet, best, path.name, today or date.today())
    if top and len(periods[best]) >= 3:
        folders = [path.parent] + ([Path(data_dir) / "reference"] if data_dir is not None else [])
        return _wide(sheet, best, periods[best], path.name, _Regions(folders), today or date.today())
    header = next((r for r in range(top) if _texts(sheet, r) >= 3), 0)
    return _by_columns(sheet, header, path.name)


_TOTAL = re.compile(r"(?i)^\s*(grand\s+)?(total|gesamt|summe|insgesamt|sum)\b")
_REGION_LABEL = re.compile(r"(?i)region|country|market|business unit|territory|land|pays|gebiet")
_METRIC_LABEL = re.compile(r"(?i)metric|account|line item|kpi|measure|konto|position|kennzahl")
_METRIC_WORDS = {  # words of a title that name a reference metric, beyond its own id and name
    "umsatz": "revenue",
    "umsatzplanung": "revenue",
    "erlöse": "revenue",
    "chiffre d'affaires": "revenue",
    "ventes": "revenue",
    "sales": "revenue",
    "turnover": "revenue",
}


class _Regions:
    """What counts as a region for the guess: the reference resolver plus the regions files found in
    `folders` (their code, name and aliases), with each declared region's `made_of` codes."""

    def __init__(self, folders: list[Path]) -> None:
        from pipelines.normalise.regions import load_reference_regions

        _, self.reference = load_reference_regions()
        self.custom: dict[str, str] = {}
        self.made_of: dict[str, set[str]] = {}
        for folder in folders:
            for f in sorted(folder.glob("regions*.csv")) if folder.is_dir() else []:
                try:
                    frame = pl.read_csv(f, infer_schema=False)
                except Exception:  # noqa: BLE001 - a broken regions file is the run's to report, not the guess's
                    continue
                for row in frame.iter_rows(named=True):
                    code = (row.get("code") or "").strip().upper()
                    if not code:
                        continue
                    names = [code, row.get("name") or "", *(row.get("aliases") or "").split(";")]
                    self.custom |= {n.strip().casefold(): code for n in names if n.strip()}
                    parts = [p.strip() for p in (row.get("made_of") or "").split(";") if p.strip()]
                    if parts:
                        self.made_of[code] = {self.resolve(p) or p.upper() for p in parts}

    def resolve(self, text: str) -> str | None:
        """The region code `text` names, or None."""
        return self.custom.get(text.strip().casefold()) or self.reference.resolve(text)

    def whole_of(self, codes: set[str]) -> str | None:
        """The declared region made of exactly `codes`, if one is."""
        return next((code for code, parts in sorted(self.made_of.items()) if parts == codes), None)


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


def _wide(sheet: Sheet, r: int, period_cols: list[int], name: str, regions: _Regions, today: date) -> str:
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
    title = _title(sheet, r)
    stated = stated_date(title)
    fields, ignore, total_region = _label_fields(sheet, header, labels, regions)
    as_of = _as_of(fields.pop("_kinds", None), stated, sheet, header, period_cols, today, as_at_date(title))
    metrics = fields.pop("_metrics", None)
    if as_of:
        fields["as_of"] = as_of
    stem = name[: -len(Path(name).suffix)] if Path(name).suffix else name
    source_id = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "upload"
    fields["entity"] = (
        f'{{ value = "{_entity(regions, stem)}" }}  # whose figures these are: the file\'s name until you write yours'
    )
    fields["unit"] = fields.get("unit") or f'{{ value = "{_currency(sheet, r) or PLACEHOLDER}" }}'
    fields["source_id"] = f'{{ value = "{source_id}" }}'
    if "metric" not in fields:
        metric = _metric_in(title)
        fields["metric"] = (
            f'{{ value = "{metric}" }}  # named in the title'
            if metric
            else f'{{ value = "{PLACEHOLDER}" }}  # the metric: revenue, cost_of_sales, ... (docs/data-formats.md)'
        )
    fields.setdefault("kind", kind_field(" ".join([title, *labels.values()])))
    fields.setdefault("region", f'{{ value = "{PLACEHOLDER}" }}  # a country or region code')
    lines = [
        f"# Proposed by 'impact layout guess' for {name}: review every line, then save it beside the file.",
        'shape = "wide"',
        f'sheet = "{sheet.name}"' if sheet.name else "# a CSV file has no sheets",
        f"skip_rows = {r}",
        f"header_rows = {header_rows}",
    ]
    lines += _rules(sheet, header, labels, keep_total=total_region is not None)
    if ignore:
        lines.insert(5, f"ignore_columns = [{', '.join(repr(i).replace(chr(39), chr(34)) for i in ignore)}]")
    if _decimal_comma(sheet, header, period_cols):
        lines += ["", "[numbers]  # the values are written 1.234,5", 'decimal = ","', 'thousands = "."']
    order = ("entity", "metric", "region", "kind", "unit", "source_id")
    if metrics:  # written as its own table below, one line per label
        del fields["metric"]
        order = tuple(k for k in order if k != "metric")
    text = _finish(lines, {k: fields[k] for k in order} | {k: v for k, v in fields.items() if k not in order})
    return text + (metric_table(*metrics) if metrics else "") + source_table(source_id, title or name, stated)


def _grouped(sheet: Sheet, r: int, name: str, today: date) -> str:
    """A column_groups layout (pipelines/ingest/layouts/guess_groups.py): periods in row `r` over groups of
    scenario columns in row `r + 1`. The source is dated by the title's date, else an export footer's report
    date ('Friday, Apr 15, 2011 ... Accrual Basis'), else left to fill in."""
    title, footer = _title(sheet, r), footer_text(sheet)
    stated = stated_date(title)
    lines, label, labels = group_lines(sheet, r, today, stated, as_at_date(title) or stated_date(footer))
    if scale := next((s for k, s in _SCALES.items() if k in title.lower()), None):
        lines.insert(4, f'scale = "{scale}"')
    stem = name[: -len(Path(name).suffix)] if Path(name).suffix else name
    source_id = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "upload"
    fields = {
        "entity": f'{{ value = "{_entity_name(stem)}" }}  # whose figures these are: the file\'s name until you write yours',
        "region": f'{{ value = "{PLACEHOLDER}" }}  # a country or region code',
        "unit": f'{{ value = "{_currency(sheet, r) or PLACEHOLDER}" }}',
        "source_id": f'{{ value = "{source_id}" }}',
    }
    head = [
        f"# Proposed by 'impact layout guess' for {name}: review every line, then save it beside the file."
    ]
    text = _finish(head + lines, fields) + metric_table(label, labels)
    dated = stated or stated_date(footer)
    return text + source_table(source_id, title or name, dated, "in the title" if stated else "in the footer")


_DECIMAL_COMMA = re.compile(r"^[(-]?\d{1,3}(\.\d{3})*,\d+\)?$|^[(-]?\d+,(\d{1,2}|\d{4,})\)?$")


def _decimal_comma(sheet: Sheet, header: int, period_cols: list[int]) -> bool:
    """True when the value cells are text showing a decimal comma ('1260,5', '1.234,56'); '120,000' alone
    shows nothing and leaves the layout's decimal point."""
    texts = [
        v.replace(" ", "")
        for r in range(header + 1, len(sheet.rows))
        for c in period_cols
        if isinstance(v := sheet.cell(r, c), str)
    ]
    return any(_DECIMAL_COMMA.match(t) for t in texts)


def _as_of(
    kinds: tuple[str, dict[str, str | None]] | None,
    written: date | None,
    sheet: Sheet,
    header: int,
    period_cols: list[int],
    today: date,
    as_at: date | None = None,
) -> str | None:
    """When each scenario was known: actuals on the title's 'as of' date (`as_at`), else `today` (the day of
    the guess, said so in the comment), expectations (budget, plan, forecast ...) on the date written in the
    title lines (`written`: 'Prepared 15 January 2026'), else the day before their first year: a budget set
    after its quarters ended would never count as 'expected at the time'."""
    if kinds is None:
        return None
    label, mapping = kinds
    years = [
        int(y)
        for c in period_cols
        for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", cell_text(sheet.cell(header, c)) or "")
    ]
    fallback = date(min(years) - 1, 12, 31) if years else None
    planned = written if written and (fallback is None or written.year <= fallback.year + 1) else fallback
    pairs = []
    for raw, kind in sorted(mapping.items()):
        when = (as_at or today) if kind in ("actual", "estimate") else planned
        if when is None:
            return None
        pairs.append(f'"{raw}" = "{when.isoformat()}"')
    why = "written in the title" if planned is written else "the day before the first year"
    actuals = (
        "the title's 'as of' date" if as_at else "the day of the guess (write the day they were reported)"
    )
    return f'{{ column = "{label}", map = {{ {", ".join(pairs)} }} }}  # actuals: {actuals}; plans: {why}'


def _title(sheet: Sheet, header: int) -> str:
    return " ".join(t for row in sheet.rows[:header] for v in row if (t := cell_text(v)))[:200]


def _metric_in(title: str) -> str | None:
    """The reference metric the title names (its id, its name, or a word of _METRIC_WORDS), longest first."""
    from pipelines.normalise.regions import REFERENCE_DIR

    metrics = pl.read_csv(REFERENCE_DIR / "metrics.csv", infer_schema=False)
    words = {m.replace("_", " "): m for m in metrics["metric"]} | {
        n.lower(): m for m, n in zip(metrics["metric"], metrics["name"], strict=True)
    }
    words |= _METRIC_WORDS
    low = title.lower()
    for word in sorted(words, key=len, reverse=True):
        if re.search(rf"(?<![a-zäöüß]){re.escape(word)}", low):
            return words[word]
    return None


def _entity(regions: _Regions, stem: str) -> str:
    return _entity_name(stem)


def _entity_name(stem: str) -> str:
    words = re.sub(r"[_-]+", " ", stem).strip()
    return (words[:1].upper() + words[1:]).replace('"', "'") or "My company"


def _label_fields(
    sheet: Sheet, header: int, labels: dict[int, str], regions: _Regions
) -> tuple[dict[str, str], list[str], str | None]:
    """Which label column is the kind, the region, the metric and the unit (by values first, headers
    second), the numeric label columns to ignore (a year's total), and the region a total row stands for."""
    fields: dict[str, str] = {}
    ignore, total_region = [], None
    text_cols = {}
    for c, label in labels.items():
        values = _column_values(sheet, header, c)
        if values and all(
            isinstance(sheet.cell(rr, c), int | float)
            for rr in range(header + 1, header + 4)
            if sheet.cell(rr, c) is not None
        ):
            ignore.append(label)
            continue
        text_cols[c] = (label, values)
    for c, (label, values) in text_cols.items():
        kinds = {v: kind_named(v) for v in set(values)}
        if values and all(kinds.values()):
            fields["kind"] = _mapped(label, kinds)
            fields["_kinds"] = (label, kinds)  # type: ignore[assignment]  # for as_of, removed below
            del text_cols[c]
            break
    best_share, region_col = 0.0, None
    for c, (label, values) in text_cols.items():
        named = sorted({v for v in values if not _TOTAL.match(v)})
        share = sum(regions.resolve(v) is not None for v in named) / len(named) if named else 0.0
        if share > best_share or (share == best_share and region_col is None and _REGION_LABEL.search(label)):
            best_share, region_col = share, c
    if region_col is not None and (best_share >= 0.6 or _REGION_LABEL.search(text_cols[region_col][0])):
        label, values = text_cols.pop(region_col)
        codes = {regions.resolve(v) for v in values if not _TOTAL.match(v)}
        totals = sorted({v for v in values if _TOTAL.match(v)})
        total_region = regions.whole_of(codes) if totals and None not in codes else None
        if total_region:
            pairs = ", ".join(f'"{t}" = "{total_region}"' for t in totals)
            fields["region"] = (
                f'{{ column = "{label}", map = {{ {pairs} }} }}  # the total row is {total_region}, '
                "declared as made of these regions"
            )
        else:
            fields["region"] = f'{{ column = "{label}" }}'
    for c, (label, _values) in list(text_cols.items()):
        if re.fullmatch(r"(?i)units?|currency|währung|waehrung", label):
            fields["unit"] = f'{{ column = "{label}" }}'
            del text_cols[c]
    metric_col = next((c for c, (label, _) in text_cols.items() if _METRIC_LABEL.search(label)), None)
    if metric_col is None and text_cols:
        metric_col = min(text_cols)
    if metric_col is not None:
        label, values = text_cols[metric_col]
        fields["metric"] = f'{{ column = "{label}" }}'
        fields["_metrics"] = (label, list(dict.fromkeys(v for v in values if not _TOTAL.match(v))))  # type: ignore[assignment]
    return fields, ignore, total_region


_MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}


def _rules(sheet: Sheet, header: int, labels: dict[int, str], keep_total: bool = False) -> list[str]:
    out = []
    first = [
        cell_text(next((v for v in row if v is not None), None)) or "" for row in sheet.rows[header + 1 :]
    ]
    first_label = labels.get(min(labels)) if labels else None
    if first_label and not keep_total and any(_TOTAL.match(t) for t in first):
        out.append(
            f'skip_when = {{ column = "{first_label}", matches = "(?i)^total" }}  # totals: the warehouse adds '
            "up itself (a region's total row loads instead when regions.csv declares it made_of the rows)"
        )
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
            kind = "actual" if n in actual else KIND_OF[_EXPECTED.search(n).group(1).lower()]
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
