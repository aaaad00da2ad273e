"""Which events concern a business: the rule the Trends chart, the Events and Impact pages and the effect
estimators share (an event about another company, such as the operator demo's, never shapes this one's
windows, controls or narrative).

An event concerns an entity when it names no entity, names the entity itself, or names one of its family: its
ancestors (ByteDance above TikTok above TikTok Shop) and its descendants, from the `entities` table's `parent`.
"""

from __future__ import annotations

import duckdb
import polars as pl


def entity_parents(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    """Entity -> its parent entity (None for a top-level one), from the `entities` table."""
    return dict(con.sql("select entity, parent from entities").fetchall())


def entity_family(entity: str, parents: dict[str, str | None]) -> set[str]:
    """The entity, its ancestors and its descendants (an unknown entity is its own family)."""
    family, up = {entity}, parents.get(entity)
    while up and up not in family:
        family.add(up)
        up = parents.get(up)
    grew = True
    while grew:
        below = {child for child, parent in parents.items() if parent in family and child not in family}
        family |= below
        grew = bool(below)
    return family


def events_for_entity(
    frame: pl.DataFrame, entity: str | None, parents: dict[str, str | None]
) -> pl.DataFrame:
    """The rows of `frame` (with an `entity` column) that concern `entity`: no entity named, or one of its
    family (`entity_family`). `entity` None keeps every row."""
    if entity is None:
        return frame
    family = sorted(entity_family(entity, parents))
    return frame.filter(pl.col("entity").is_null() | pl.col("entity").is_in(family))


def series_of_event(
    frame: pl.DataFrame, event_entity: str | None, parents: dict[str, str | None]
) -> pl.DataFrame:
    """The rows of `frame` (series, with an `entity` column) an event may be measured on: every series for an
    event that names no entity, else only its entity's family (`entity_family`). A real company's event is
    never scored on another business's figures (a TikTok order measured on the illustrative marketplace's
    GMV read as a confident -3% effect: found by a new-user trial)."""
    if event_entity is None:
        return frame
    return frame.filter(pl.col("entity").is_in(sorted(entity_family(event_entity, parents))))
