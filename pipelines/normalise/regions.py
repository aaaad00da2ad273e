"""Regions: ISO countries from country_converter placed under the macro regions of region_groups.csv, and the
ISO 3166-2 subdivisions (`pipelines.normalise.subdivisions`) resolved by code and by name."""

from __future__ import annotations

import difflib
import importlib.util
import re
from functools import cache
from pathlib import Path

import polars as pl

from pipelines.normalise.errors import InputError
from pipelines.normalise.subdivisions import (  # noqa: F401  (re-exported)
    _one_subdivision,
    _subdivision_candidates,
    _subdivision_names,
    subdivision_table,
    with_subdivisions,
)
from pipelines.normalise.subdivisions import name_key as _key

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
REGION_COLUMNS = {
    "region_code": pl.String,
    "name": pl.String,
    "parent_code": pl.String,
    "level": pl.String,
    "iso3": pl.String,
    "depth": pl.Int32,
    "path": pl.String,
}
# 'World excluding China' is not China: text like this must never fall through to a country regex.
_EXCLUSION = re.compile(
    r"\b(ex|excl|excluding|except|non|outside|without|rest of|other than)\b", re.IGNORECASE
)


class RegionError(InputError):
    """An unknown or inconsistent region; `suggestion` says what to write instead."""


@cache
def country_table() -> tuple[dict[str, str], ...]:
    """country_converter's country rows (ISO2, ISO3, short and official name, UN subregion, regex)."""
    # The library's own data file, read without the library's pandas import (seconds at every start).
    package = importlib.util.find_spec("country_converter")
    assert package is not None and package.submodule_search_locations, "country_converter is not installed"
    data_file = Path(next(iter(package.submodule_search_locations))) / "country_data.tsv"
    columns = ["ISO2", "ISO3", "name_short", "name_official", "UNregion", "regex"]
    data = (
        pl.read_csv(data_file, separator="\t", infer_schema=False, quote_char=None)
        .filter(pl.col("obsolete").is_null())  # as CountryConverter() does by default
        .select(columns)
    )
    countries = []
    for row in data.iter_rows(named=True):
        country = {key: (None if value in (None, "") else str(value)) for key, value in row.items()}
        # Two ISO2 cells are regexes ('^GB$|^UK$', '^GR$|^EL$'): the first code is ISO, the rest aliases.
        codes = ["".join(ch for ch in part if ch.isalnum()).upper() for part in country["ISO2"].split("|")]
        country["ISO2"], country["other_codes"] = codes[0], "|".join(codes[1:]) or None
        countries.append(country)
    return tuple(countries)


def build_regions(groups: pl.DataFrame, extra: pl.DataFrame | None = None) -> pl.DataFrame:
    """The region tree (columns of sql/tables/regions.sql): every ISO country under its macro region.

    `groups` has region_code, name, parent_code, level, un_subregions (';'-separated UN subregions).
    `extra` (code, name, parent as a code or a name, optional level) adds a dataset's own regions or
    overrides existing ones.
    """
    rows: dict[str, dict[str, str | None]] = {}
    subregion_home: dict[str, str] = {}
    for group in groups.iter_rows(named=True):
        code = group["region_code"].strip().upper()
        rows[code] = {
            "region_code": code,
            "name": group["name"],
            "parent_code": (group["parent_code"] or "").strip().upper() or None,
            "level": group["level"],
            "iso3": None,
        }
        for subregion in (group.get("un_subregions") or "").split(";"):
            if subregion.strip():
                subregion_home[subregion.strip()] = code
    root = next((code for code, row in rows.items() if row["parent_code"] is None), "WORLD")
    for country in country_table():
        rows[country["ISO2"]] = {
            "region_code": country["ISO2"],
            "name": country["name_short"],
            "parent_code": subregion_home.get(country["UNregion"] or "", root),
            "level": "country",
            "iso3": country["ISO3"],
        }
    if extra is not None:
        _apply_extra(rows, extra)
    return _with_paths(rows)


def _apply_extra(rows: dict[str, dict[str, str | None]], extra: pl.DataFrame) -> None:
    records = list(extra.iter_rows(named=True))
    new_codes = {str(record["code"]).strip().upper() for record in records}
    by_name = {(row["name"] or "").casefold(): code for code, row in rows.items()}
    by_name.update({str(r["name"]).strip().casefold(): str(r["code"]).strip().upper() for r in records})
    for record in records:
        code = str(record["code"]).strip().upper()
        parent_text = (record.get("parent") or "").strip()
        parent = (
            parent_text.upper() if parent_text.upper() in rows or parent_text.upper() in new_codes else None
        )
        parent = parent or by_name.get(parent_text.casefold())
        if parent is None:
            known = list(rows) + [row["name"] for row in rows.values() if row["name"]]
            close = difflib.get_close_matches(parent_text, known, n=1, cutoff=0.6)
            raise RegionError(
                f"region {code!r} ({record['name']}) has unknown parent {parent_text!r}",
                f"did you mean {close[0]!r}?"
                if close
                else "use a region code such as 'WORLD', 'APAC' or 'US'",
            )
        old = rows.get(code, {})
        rows[code] = {
            "region_code": code,
            "name": record["name"] or old.get("name") or code,
            "parent_code": parent,
            "level": record.get("level") or old.get("level") or "custom",
            "iso3": old.get("iso3"),
        }


def _with_paths(rows: dict[str, dict[str, str | None]]) -> pl.DataFrame:
    paths: dict[str, list[str]] = {}

    def path_of(code: str, seen: tuple[str, ...] = ()) -> list[str]:
        if code in paths:
            return paths[code]
        if code in seen:
            raise RegionError(f"regions {' -> '.join(seen + (code,))} form a cycle", "fix the parent columns")
        parent = rows[code]["parent_code"]
        if parent is not None and parent not in rows:
            raise RegionError(f"region {code!r} has unknown parent {parent!r}")
        paths[code] = ([] if parent is None else path_of(parent, seen + (code,))) + [code]
        return paths[code]

    records = [
        {**row, "depth": len(path_of(code)) - 1, "path": "/".join(path_of(code))}
        for code, row in rows.items()
    ]
    return pl.DataFrame(records, schema=REGION_COLUMNS).sort("path")


class RegionResolver:
    """Turns the many spellings of a region ('Viet Nam', 'VNM', 'UK', 'Global') into its region_code."""

    def __init__(self, regions: pl.DataFrame, aliases: pl.DataFrame | None = None) -> None:
        self._names = dict(regions.select("region_code", "name").iter_rows())
        # Earlier keys win: region codes, then ISO3 ('NAM' is North America, not Namibia), then names.
        self._exact: dict[str, str] = {}
        rows = list(regions.select("region_code", "name", "iso3").iter_rows())
        for column in range(3):
            for row in rows:
                if row[column]:
                    self._exact.setdefault(_key(row[column]), row[0])
        for country in country_table():
            if country["ISO2"] in self._names:
                other_codes = (country["other_codes"] or "").split("|")
                for key in (country["name_short"], country["name_official"], *other_codes):
                    if key:
                        self._exact.setdefault(_key(key), country["ISO2"])
        self._regexes = [
            (re.compile(country["regex"], re.IGNORECASE), country["ISO2"])
            for country in country_table()
            if country["regex"] and country["ISO2"] in self._names
        ]
        if aliases is not None:
            for alias, code in aliases.select("alias", "region_code").iter_rows():
                code = code.strip().upper()
                if code not in self._names:
                    raise RegionError(f"alias {alias!r} points to unknown region {code!r}")
                self._exact[_key(alias)] = code
        self._cache: dict[str, str | None] = {}

    def resolve(self, text: str, prefer: frozenset[str] = frozenset()) -> str | None:
        """The region_code for `text`, or None when it is unknown or matches several countries. prefer:
        countries (ISO alpha-2) whose subdivision a name several subdivisions share means ('Florida' in a file
        of US states: `preferred_countries`)."""
        if text not in self._cache:
            self._cache[text] = self._resolve(text)
        found = self._cache[text]
        if found is None and prefer and isinstance(text, str):
            table = subdivision_table()
            codes = [
                c for c in _subdivision_candidates().get(_key(text), ()) if table[c]["country"] in prefer
            ]
            found = _one_subdivision(codes) if codes else None
        return found

    def preferred_countries(self, texts) -> frozenset[str]:
        """The countries a column of region texts names, directly or through a subdivision resolved without
        doubt: the context in which an ambiguous subdivision name is read."""
        table = subdivision_table()
        found = set()
        for text in texts:
            code = self.resolve(text)
            if code in table:
                found.add(table[code]["country"])
        return frozenset(found)

    def _resolve(self, text: str) -> str | None:
        if not isinstance(text, str) or not text.strip():
            return None
        key = _key(text)
        if key in self._exact:
            return self._exact[key]
        if _EXCLUSION.search(key):
            return None
        subdivision = self._subdivision(key)
        if subdivision is not None:
            return subdivision
        matches = {code for regex, code in self._regexes if regex.search(key)}
        return matches.pop() if len(matches) == 1 else None

    def _subdivision(self, key: str) -> str | None:
        """An ISO 3166-2 subdivision of a country of the tree, by code ('us-ca') or by its unique name."""
        table = subdivision_table()
        code = key.upper().replace(" ", "-") if "-" in key or len(key) <= 6 else None
        if code not in table:
            code = _subdivision_names().get(key)
        if code is None or table[code]["country"] not in self._names:
            return None
        return code

    def name_of(self, code: str) -> str:
        """The region's name, a subdivision's from ISO 3166-2."""
        return self._names.get(code) or subdivision_table().get(code, {}).get("name") or code

    def suggest(self, text: str) -> str | None:
        """A human suggestion for a region that did not resolve, such as "did you mean 'VN' (Vietnam)?"."""
        if not isinstance(text, str) or not text.strip():
            return None
        resolved = self.resolve(text)
        if resolved is not None:
            return f"did you mean {resolved!r} ({self.name_of(resolved)})?"
        shared = [c for c, row in subdivision_table().items() if _key(row["name"]) == _key(text)]
        if len(shared) > 1:  # 'Punjab': India's and Pakistan's
            return (
                f"several subdivisions are named {text.strip()!r}: write the code ({', '.join(shared[:6])})"
            )
        close = difflib.get_close_matches(_key(text), self._exact, n=6, cutoff=0.6)
        codes = list(dict.fromkeys(self._exact[key] for key in close))[:3]
        if not codes:  # a misspelt subdivision ('Californa')
            names = _subdivision_names()
            close = difflib.get_close_matches(_key(text), [k for k, c in names.items() if c], n=3, cutoff=0.8)
            codes = [names[key] for key in close]
        if not codes:
            return None
        return "did you mean " + " or ".join(f"{code!r} ({self.name_of(code)})" for code in codes) + "?"


def load_reference_regions(extra: pl.DataFrame | None = None) -> tuple[pl.DataFrame, RegionResolver]:
    """The region tree and a resolver built from pipelines/reference (region_groups.csv, region_aliases.csv)."""
    groups = pl.read_csv(REFERENCE_DIR / "region_groups.csv", infer_schema=False)
    aliases = pl.read_csv(REFERENCE_DIR / "region_aliases.csv", infer_schema=False)
    regions = build_regions(groups, extra)
    return regions, RegionResolver(regions, aliases)
