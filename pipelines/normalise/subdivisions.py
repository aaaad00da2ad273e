"""ISO 3166-2 subdivisions (states, provinces, autonomous communities: pycountry) as regions under their countries.

Subdivisions are resolved by code ('US-CA') and by name ('California'; a name several subdivisions share, such
as 'Punjab', or one made only of generic words, such as 'North', only by code), after every region code,
country name and alias (so 'Georgia' stays the country): `pipelines.normalise.regions.RegionResolver`. They
enter the regions table only when a figure or an event names them (`with_subdivisions`): the tree keeps its
size, and the 5,000 subdivisions of the world do not crowd the pages' region lists.
"""

from __future__ import annotations

import re
from functools import cache

import polars as pl


def name_key(text: str) -> str:
    """The comparison key of a region's code or name: case-folded, '_' as a space, spaces collapsed."""
    return " ".join(text.replace("_", " ").strip().strip(".").casefold().split())


@cache
def subdivision_table() -> dict[str, dict[str, str | None]]:
    """ISO 3166-2 code -> name, level (its type, lower case: 'state', 'province', 'autonomous community'),
    country (ISO alpha-2) and parent (the enclosing subdivision's code, else the country's), from pycountry."""
    import pycountry

    return {
        s.code: {
            "name": s.name,
            "level": s.type.casefold(),
            "country": s.country_code,
            "parent": s.parent_code or s.country_code,
        }
        for s in pycountry.subdivisions
    }


# A subdivision named only by these words ('North', 'Coast', 'Upper East') is resolved by its code alone: the
# word names a sales territory as often as Cameroon's North region.
GENERIC_WORDS = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
        "centre",
        "center",
        "middle",
        "upper",
        "lower",
        "coast",
        "coastal",
        "lakes",
        "lake",
        "islands",
        "island",
        "capital",
        "region",
        "district",
        "province",
        "state",
        "city",
        "interior",
        "highlands",
        "lowlands",
        "mountain",
        "mountains",
        "river",
        "valley",
        "border",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "midwest",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
    ]
)


_BRACKET = re.compile(r"^(?P<first>[^\[]+)\[(?P<second>[^\]]+)\]\s*$")


@cache
def _subdivision_candidates() -> dict[str, tuple[str, ...]]:
    """Name key -> the subdivisions of that name (a name 'Illes Balears [Islas Baleares]' under both of its
    forms); names made only of generic words are left out."""
    names: dict[str, list[str]] = {}
    for code, row in subdivision_table().items():
        match = _BRACKET.match(row["name"])
        forms = [match["first"], match["second"], row["name"]] if match else [row["name"]]
        for form in forms:
            key = name_key(form)
            if key and not all(word in GENERIC_WORDS for word in key.split()):
                names.setdefault(key, []).append(code)
    return {key: tuple(dict.fromkeys(codes)) for key, codes in names.items()}


def _one_subdivision(codes: tuple[str, ...] | list[str]) -> str | None:
    """The subdivision meant by a name several share: the one, or the one enclosing all the others (Cantabria,
    the autonomous community, over Cantabria, its only province); else None."""
    table = subdivision_table()
    if len(codes) == 1:
        return codes[0]
    tops = [c for c in codes if all(c == o or c in _ancestors(o, table) for o in codes)]
    return tops[0] if len(tops) == 1 else None


@cache
def _subdivision_names() -> dict[str, str | None]:
    """Name key -> the one subdivision of that name (`_one_subdivision`), or None when several share it."""
    return {key: _one_subdivision(codes) for key, codes in _subdivision_candidates().items()}


def with_subdivisions(regions: pl.DataFrame, codes) -> pl.DataFrame:
    """`regions` with the ISO 3166-2 subdivisions among `codes` (and the subdivisions enclosing them) that it
    lacks, each under its parent (`subdivision_table`); codes that are not subdivisions are ignored."""
    table = subdivision_table()
    known = dict(regions.select("region_code", "path").iter_rows())
    wanted: list[str] = []
    for code in sorted({c for c in codes if c}):
        while code in table and code not in known and code not in wanted:
            wanted.append(code)
            code = table[code]["parent"]
    rows = []
    for code in sorted(wanted, key=lambda c: (len(_ancestors(c, table)), c)):
        row = table[code]
        parent_path = known.get(row["parent"])
        if parent_path is None:  # a country the tree does not hold (never for ISO countries)
            continue
        known[code] = f"{parent_path}/{code}"
        rows.append({"region_code": code, "name": row["name"], "parent_code": row["parent"],
                     "level": row["level"], "iso3": None, "depth": known[code].count("/"), "path": known[code]})  # fmt: skip
    if not rows:
        return regions
    return pl.concat([regions, pl.DataFrame(rows, schema=regions.schema)]).sort("path")


def _ancestors(code: str, table: dict) -> list[str]:
    out = []
    while code in table:
        out.append(code)
        code = table[code]["parent"]
    return out
