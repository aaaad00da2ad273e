"""Layout files: a TOML description of how to read an analyst's spreadsheet into canonical figure rows.

A layout lives beside its data file (`budget.layout.toml` for `budget.xlsx`) or names its files
(`files = ["budget-*.xlsx"]`). `load_layout` reads and checks it with `tomllib`; every mistake raises
`LayoutError` naming the layout file and the key. The keys are documented in docs/data-formats.md
("Spreadsheet layouts"); this module is their single definition.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import column_index_from_string

from pipelines.ingest.dataset_settings import COMBINE_RULES
from pipelines.ingest.layouts.placeholders import refusal, unfilled
from pipelines.ingest.limits import LimitExceeded, load_toml

SHAPES = ("long", "wide", "side_by_side", "column_groups")
# column_groups: what an export's own comparison columns hold, checked against the warehouse (export_values)
RECONCILE_MEASURES = ("variance", "variance_pct", "attainment", "attainment_pct")
CANONICAL_FIELDS = (
    "figure_id",
    "entity",
    "metric",
    "region",
    "period",
    "kind",
    "value",
    "value_high",
    "bound",
    "unit",
    "direction",
    "as_of",
    "source_id",
    "note",
)
# Scale words -> the unit suffix the canonical unit grammar reads (docs/data-formats.md section 8).
SCALES = {"units": "", "thousands": "k", "millions": "m", "billions": "bn", "1000": "k", "1000000": "m"}
PROFILES = ("even", "last_year")
SOURCE_COLUMNS = ("source_id", "publisher", "title", "url", "published_on", "reliability", "note")
_TOP_KEYS = {
    "files",
    "shape",
    "sheet",
    "header_rows",
    "skip_rows",
    "stop_at",
    "skip_when",
    "ignore_columns",
    "scale",
    "sign",
    "numbers",
    "periods",
    "fields",
    "values",
    "phase",
    "source",
    "description",
    "combine",
    "header_names",
    "groups",
    "ignore_groups",
}


class LayoutError(ValueError):
    """A layout file that cannot be used; the message names the file and the key."""


PERIOD_GRAINS = ("month", "quarter", "year")  # fields.period's grain: calendar periods a date falls in


@dataclass(frozen=True)
class FieldRule:
    """Where one canonical field comes from: a column, a constant or the sheet's name, then an optional map."""

    column: str | None = None
    value: str | None = None
    sheet: bool = False
    map: dict[str, str] = field(default_factory=dict)
    grain: str | None = None  # period only: a date read as its month, quarter or year (PERIOD_GRAINS)

    def mapped(self, raw: str | None) -> str | None:
        """`raw` through the map (keys compared trimmed and case-insensitively); unmapped values pass through."""
        if raw is None or not self.map:
            return raw
        key = raw.strip().casefold()
        return next((v for k, v in self.map.items() if k.strip().casefold() == key), raw)

    def covers(self, raw: str | None) -> bool:
        """Whether the map has `raw` (as written, or already one of its canonical values); True without a map
        or a value."""
        if raw is None or not self.map:
            return True
        key = raw.strip().casefold()
        return any(k.strip().casefold() == key or v.casefold() == key for k, v in self.map.items())


@dataclass(frozen=True)
class ValueColumn:
    """side_by_side: one value column, the kind of figure it holds and where its as_of comes from."""

    column: str
    kind: str
    as_of: FieldRule | None = None
    negate: bool = False  # the column's amounts count negatively (a ledger's Debit beside its Credit)


@dataclass(frozen=True)
class GroupColumn:
    """column_groups: one column of every period's group, named by the lower header row ('Actual'): a kind of
    figure (with its as_of), a measure the export computed itself (`reconcile`: checked, not loaded), or
    nothing to read (`ignore`)."""

    label: str
    kind: str | None = None
    as_of: FieldRule | None = None
    reconcile: str | None = None
    ignore: bool = False


@dataclass(frozen=True)
class Phase:
    """Split annual expectations into months: evenly, or by last year's monthly actuals (`last_year`)."""

    kinds: tuple[str, ...]
    profile: str = "even"
    keep_annual: bool = True


@dataclass(frozen=True)
class Layout:
    path: Path
    files: tuple[str, ...]
    shape: str
    sheets: tuple[str, ...] | None  # None = every sheet; () = the first sheet
    header_rows: int = 1
    skip_rows: int = 0
    stop_at: re.Pattern | None = None
    skip_when: tuple[tuple[str, re.Pattern], ...] = ()
    ignore_columns: tuple[str, ...] = ()
    scale: str = ""
    sign: tuple[str, tuple[str, ...]] | None = None  # (column, values whose sign is flipped)
    decimal: str = "."
    thousands: str = ","
    fiscal_year_start_month: int = 1
    period_year: FieldRule | None = None  # wide: the year of bare month headers ('Apr')
    fields: dict[str, FieldRule] = field(default_factory=dict)
    values: tuple[ValueColumn, ...] = ()
    phase: Phase | None = None
    source: dict[str, str] | None = None
    combine: str | None = None  # 'sum': lines sharing a figure's key are parts to add (ingest/combine.py)
    header_names: dict[int, str] = field(
        default_factory=dict
    )  # column index -> its name (empty header cells)
    groups: tuple[GroupColumn, ...] = ()  # column_groups: the columns of each period's group
    ignore_groups: tuple[str, ...] = ()  # column_groups: group headers not read ('Total')

    def label_columns(self) -> set[str]:
        """Columns the layout reads as labels (not periods, not values)."""
        cols = {r.column for r in self.fields.values() if r.column}
        cols |= {c for c, _ in self.skip_when} | set(self.ignore_columns)
        cols |= {v.as_of.column for v in self.values if v.as_of and v.as_of.column}
        if self.sign:
            cols.add(self.sign[0])
        return {c.casefold() for c in cols}


def load_layout(path: Path) -> Layout:
    """Read and check a layout file. Raises LayoutError (bad TOML, unknown key, wrong type or value)."""
    try:
        doc = load_toml(Path(path).read_text(encoding="utf-8"), Path(path).name)
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{path.name}: cannot read the layout file: {exc}") from None
    except LimitExceeded as exc:
        raise LayoutError(str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise LayoutError(f"{path.name}: not valid TOML: {exc}") from None
    return parse_layout(doc, Path(path))


def parse_layout(doc: dict, path: Path) -> Layout:
    """The Layout of a parsed layout file `doc` (read from `path`). Raises LayoutError naming the file and key:
    an unknown key, a wrong type or value, or a placeholder ('CHANGE ME') the guess left to fill in."""
    where = path.name
    if keys := unfilled(doc):
        raise LayoutError(refusal(where, keys))
    if unknown := sorted(set(doc) - _TOP_KEYS):
        raise LayoutError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_TOP_KEYS))}"
        )
    shape = _text(doc.get("shape", "long"), where, "shape")
    if shape not in SHAPES:
        raise LayoutError(f"{where}: shape = '{shape}' is not one of {', '.join(SHAPES)}")
    fields = {
        name: _field_rule(rule, where, f"fields.{name}") for name, rule in doc.get("fields", {}).items()
    }
    if unknown := sorted(set(fields) - set(CANONICAL_FIELDS)):
        raise LayoutError(f"{where}: [fields] has unknown field(s) {', '.join(unknown)}")
    values = tuple(_value_column(v, where, i) for i, v in enumerate(doc.get("values", [])))
    periods = doc.get("periods", {})
    numbers = doc.get("numbers", {})
    scale = str(doc.get("scale", "units")).strip().lower().removeprefix("in ")
    if scale not in SCALES:
        raise LayoutError(f"{where}: scale = '{scale}' is not one of {', '.join(SCALES)}")
    fiscal = int(periods.get("fiscal_year_start_month", 1))
    if not 1 <= fiscal <= 12:
        raise LayoutError(f"{where}: periods.fiscal_year_start_month must be 1-12")
    layout = Layout(
        path=path,
        files=tuple(_texts(doc.get("files", []), where, "files")),
        shape=shape,
        sheets=_sheets(doc.get("sheet"), where),
        header_rows=_count(doc.get("header_rows", 1), where, "header_rows", minimum=1),
        skip_rows=_count(doc.get("skip_rows", 0), where, "skip_rows", minimum=0),
        stop_at=_regex(doc["stop_at"], where, "stop_at") if "stop_at" in doc else None,
        skip_when=_skip_when(doc.get("skip_when", []), where),
        ignore_columns=tuple(_texts(doc.get("ignore_columns", []), where, "ignore_columns")),
        scale=SCALES[scale],
        sign=_sign(doc["sign"], where) if "sign" in doc else None,
        decimal=str(numbers.get("decimal", ".")),
        thousands=str(numbers.get("thousands", ",")),
        fiscal_year_start_month=fiscal,
        period_year=_field_rule(periods["year"], where, "periods.year") if "year" in periods else None,
        fields=fields,
        values=values,
        phase=_phase(doc["phase"], where) if "phase" in doc else None,
        source=_source(doc["source"], where) if "source" in doc else None,
        combine=_combine(doc.get("combine"), where),
        header_names=_header_names(doc.get("header_names", {}), where),
        groups=_groups(doc.get("groups", {}), where),
        ignore_groups=tuple(_texts(doc.get("ignore_groups", []), where, "ignore_groups")),
    )
    _check_shape(shape, fields, values, where)
    _check_groups(layout, where)
    return layout


def _check_shape(shape: str, fields: dict, values: tuple, where: str) -> None:
    required = {"entity", "metric", "region", "source_id"}
    required |= {"period"} if shape not in ("wide", "column_groups") else set()
    required |= {"kind"} if shape not in ("side_by_side", "column_groups") else set()
    required |= {"value"} if shape == "long" else set()
    if missing := sorted(required - set(fields)):
        raise LayoutError(
            f"{where}: [fields] must say where {', '.join(missing)} come(s) from (shape {shape})"
        )
    if shape == "side_by_side" and not values:
        raise LayoutError(f"{where}: shape side_by_side needs [[values]] tables (column and kind)")
    if shape != "side_by_side" and values:
        raise LayoutError(f"{where}: [[values]] is only for shape side_by_side")
    if shape in ("wide", "column_groups") and "value" in fields:
        raise LayoutError(f"{where}: shape {shape} takes values from the period columns; remove fields.value")


def _check_groups(layout: Layout, where: str) -> None:
    if layout.shape != "column_groups":
        if layout.groups or layout.ignore_groups:
            raise LayoutError(f"{where}: [groups] and ignore_groups are only for shape column_groups")
        return
    if "period" in layout.fields or "kind" in layout.fields:
        raise LayoutError(
            f"{where}: shape column_groups takes the period from the group header and the kind from [groups]; "
            "remove fields.period and fields.kind"
        )
    kinds = [g.kind for g in layout.groups if g.kind]
    if not kinds:
        raise LayoutError(
            f"{where}: shape column_groups needs [groups] naming the columns of a group, at least one with a "
            'kind: "Actual" = { kind = "actual" }'
        )
    if any(g.reconcile for g in layout.groups) and len(kinds) != 2:
        raise LayoutError(
            f"{where}: a reconciled column (reconcile = ...) compares two figures of its group: give exactly "
            f"two columns a kind (an actual and an expectation), not {len(kinds)}"
        )


def _header_names(value: object, where: str) -> dict[int, str]:
    """{ A = "Account" }: column letters -> names, for header cells an export leaves empty."""
    if not isinstance(value, dict):
        raise LayoutError(f'{where}: header_names must be a table of column letters: {{ A = "Account" }}')
    names = {}
    for letter, name in value.items():
        if not re.fullmatch(r"[A-Za-z]{1,3}", str(letter)):
            raise LayoutError(f"{where}: header_names key '{letter}' is not a column letter (A, B, ..., AA)")
        names[column_index_from_string(str(letter).upper()) - 1] = _text(
            name, where, f"header_names.{letter}"
        )
    return names


def _groups(value: object, where: str) -> tuple[GroupColumn, ...]:
    if not isinstance(value, dict):
        raise LayoutError(f'{where}: [groups] must be a table: "Actual" = {{ kind = "actual" }}, ...')
    out = []
    for label, rule in value.items():
        key = f"groups.{label}"
        if not isinstance(rule, dict) or not rule.keys() <= {"kind", "as_of", "reconcile", "ignore"}:
            raise LayoutError(
                f"{where}: {key} must be {{ kind = ..., as_of = ... }}, {{ reconcile = ... }} or {{ ignore = true }}"
            )
        what = [k for k in ("kind", "reconcile", "ignore") if k in rule]
        if len(what) != 1:
            raise LayoutError(f"{where}: {key} needs exactly one of kind, reconcile, ignore")
        measure = rule.get("reconcile")
        if measure is not None and measure not in RECONCILE_MEASURES:
            raise LayoutError(
                f"{where}: {key}.reconcile = '{measure}' is not one of {', '.join(RECONCILE_MEASURES)}"
            )
        if "as_of" in rule and "kind" not in rule:
            raise LayoutError(f"{where}: {key}.as_of is only for a column with a kind")
        out.append(
            GroupColumn(
                _text(label, where, key),
                str(rule["kind"]) if "kind" in rule else None,
                _field_rule(rule["as_of"], where, f"{key}.as_of") if "as_of" in rule else None,
                measure,
                bool(rule.get("ignore", False)),
            )
        )
    return tuple(out)


def _field_rule(rule: object, where: str, key: str) -> FieldRule:
    if isinstance(rule, str):
        return FieldRule(column=rule)
    if not isinstance(rule, dict) or not rule.keys() <= {"column", "value", "sheet", "map", "grain"}:
        raise LayoutError(
            f"{where}: {key} must be a column name, {{ column = ... }}, {{ value = ... }} or {{ sheet = true }}, "
            "each with an optional map = { ... }"
        )
    sources = [k for k in ("column", "value", "sheet") if k in rule]
    if len(sources) != 1:
        raise LayoutError(f"{where}: {key} needs exactly one of column, value, sheet")
    mapping = rule.get("map", {})
    if not isinstance(mapping, dict):
        raise LayoutError(f"{where}: {key}.map must be a table of 'as written' = 'canonical'")
    grain = rule.get("grain")
    if grain is not None and (key != "fields.period" or grain not in PERIOD_GRAINS):
        raise LayoutError(
            f"{where}: {key}.grain {grain!r}: only fields.period takes a grain, one of {', '.join(PERIOD_GRAINS)} "
            "(a date column read as the month, quarter or year it falls in)"
        )
    return FieldRule(
        column=_text(rule["column"], where, key) if "column" in rule else None,
        value=str(rule["value"]) if "value" in rule else None,
        sheet=bool(rule.get("sheet", False)),
        map={str(k): str(v) for k, v in mapping.items()},
        grain=grain,
    )


def _value_column(doc: object, where: str, i: int) -> ValueColumn:
    if not isinstance(doc, dict) or "column" not in doc or "kind" not in doc:
        raise LayoutError(f"{where}: values[{i}] needs column and kind")
    if unknown := sorted(set(doc) - {"column", "kind", "as_of", "negate"}):
        raise LayoutError(
            f"{where}: values[{i}] has unknown key(s) {', '.join(unknown)}; known: as_of, column, kind, negate"
        )
    if not isinstance(doc.get("negate", False), bool):
        raise LayoutError(f"{where}: values[{i}].negate must be true or false")
    as_of = _field_rule(doc["as_of"], where, f"values[{i}].as_of") if "as_of" in doc else None
    return ValueColumn(
        _text(doc["column"], where, f"values[{i}].column"),
        str(doc["kind"]),
        as_of,
        bool(doc.get("negate", False)),
    )


def _sheets(value: object, where: str) -> tuple[str, ...] | None:
    if value is None:
        return ()
    if value in ("*", "all"):
        return None
    if isinstance(value, str):
        return (value,)
    return tuple(_texts(value, where, "sheet"))


def _skip_when(value: object, where: str) -> tuple[tuple[str, re.Pattern], ...]:
    rules = [value] if isinstance(value, dict) else value
    if not isinstance(rules, list) or not all(
        isinstance(r, dict) and r.keys() == {"column", "matches"} for r in rules
    ):
        raise LayoutError(
            f"{where}: skip_when must be {{ column = ..., matches = 'regex' }} or a list of them"
        )
    return tuple((str(r["column"]), _regex(r["matches"], where, "skip_when.matches")) for r in rules)


def _sign(value: object, where: str) -> tuple[str, tuple[str, ...]]:
    if not isinstance(value, dict) or value.keys() != {"column", "flip"}:
        raise LayoutError(f"{where}: sign must be {{ column = ..., flip = [values whose sign is flipped] }}")
    return str(value["column"]), tuple(s.casefold() for s in _texts(value["flip"], where, "sign.flip"))


def _phase(value: object, where: str) -> Phase:
    if not isinstance(value, dict) or "kinds" not in value:
        raise LayoutError(f"{where}: phase needs kinds = [...] (the expectation kinds to phase to months)")
    profile = str(value.get("profile", "even"))
    if profile not in PROFILES:
        raise LayoutError(f"{where}: phase.profile = '{profile}' is not one of {', '.join(PROFILES)}")
    return Phase(
        tuple(_texts(value["kinds"], where, "phase.kinds")), profile, bool(value.get("keep_annual", True))
    )


def _combine(value: object, where: str) -> str | None:
    if value is None:
        return None
    if value not in COMBINE_RULES:
        raise LayoutError(
            f"{where}: combine = {value!r} is not one of {', '.join(repr(r) for r in COMBINE_RULES)} "
            "(add the lines that share a figure's key)"
        )
    return str(value)


def _source(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not {"source_id", "publisher"} <= value.keys():
        raise LayoutError(f"{where}: [source] needs at least source_id and publisher")
    if unknown := sorted(set(value) - set(SOURCE_COLUMNS)):
        raise LayoutError(f"{where}: [source] has unknown key(s) {', '.join(unknown)}")
    return {k: str(v) for k, v in value.items()}


def _regex(value: object, where: str, key: str) -> re.Pattern:
    try:
        return re.compile(_text(value, where, key))
    except re.error as exc:
        raise LayoutError(f"{where}: {key} is not a valid regular expression: {exc}") from None


def _count(value: object, where: str, key: str, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise LayoutError(f"{where}: {key} must be a whole number >= {minimum}")
    return value


def _text(value: object, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise LayoutError(f"{where}: {key} must be a non-empty text")
    return value.strip()


def _texts(value: object, where: str, key: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise LayoutError(f"{where}: {key} must be a list of texts")
    return [_text(v, where, key) for v in value]
