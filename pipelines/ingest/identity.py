"""One identity per thing: entity names that differ only in case, spacing or punctuation are one entity.

`name_key('TikTok-Shop ')` = `name_key('tiktok shop')` = 'tiktokshop'. `entity_names` maps every key to one
spelling: the declared entity's (package or dataset entities files), an entities file's `aliases` (';'
separated, like regions), else the first spelling met in the files (file order, then row order). Metrics get
the same treatment from `vocabulary.metric_id` ('Ad revenue' = 'ad_revenue'). A figure or event written with
another spelling is loaded under the chosen one and the file's `loads.notes` says so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import polars as pl


def name_key(text: str) -> str:
    """The name without case, accents' compatibility forms, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def entity_names(declared: Iterable[str], aliases: dict[str, str], used: Iterable[str]) -> dict[str, str]:
    """key -> the one spelling: declared entities first, then aliases, then the first spelling used."""
    names: dict[str, str] = {}
    for name in declared:
        names.setdefault(name_key(name), name)
    for alias, entity in aliases.items():
        names.setdefault(name_key(alias), entity)
    for name in used:
        if name and name.strip():
            names.setdefault(name_key(name), name.strip())
    return names


def canonical_entities(frame: pl.DataFrame, names: dict[str, str]) -> tuple[pl.DataFrame, list[str]]:
    """`frame` with its entity column spelled the one way, and a note per spelling that changed."""
    if "entity" not in frame.columns or not names:
        return frame, []
    written = frame["entity"].drop_nulls().unique().sort().to_list()
    mapping = {w: names.get(name_key(w), w.strip()) for w in written}
    changed = {w: c for w, c in mapping.items() if w != c}
    notes = [
        f"entity '{w}' read as '{c}' (the same name up to case, spacing and punctuation, or an alias)"
        for w, c in changed.items()
    ]
    if not changed:
        return frame, []
    return frame.with_columns(pl.col("entity").replace(changed)), notes
