"""Trends shows the events that concern the selected business only: the operator demo's page must not draw
the case study's events (found by a fresh new-user trial: all 21 events were drawn for the demo)."""

from __future__ import annotations

import duckdb
import polars as pl

from dashboard.data import trends as data
from pipelines.devtools.operator_demo import ENTITY

PARENTS = {"ByteDance": None, "TikTok": "ByteDance", "TikTok Shop": "TikTok", "Other Co": None}
EVENTS = pl.DataFrame(
    {
        "event_id": ["E1", "E2", "E3", "E4", "E5"],
        "entity": ["TikTok", "ByteDance", None, "Other Co", "TikTok Shop"],
    }
)


def test_the_family_holds_ancestors_and_descendants():
    assert data.entity_family("TikTok", PARENTS) == {"ByteDance", "TikTok", "TikTok Shop"}
    assert data.entity_family("Other Co", PARENTS) == {"Other Co"}
    assert data.entity_family("Unknown", PARENTS) == {"Unknown"}


def test_events_of_another_business_are_left_out():
    kept = data.events_for_entity(EVENTS, "TikTok Shop", PARENTS)["event_id"].to_list()
    assert kept == ["E1", "E2", "E3", "E5"]
    assert data.events_for_entity(EVENTS, "Other Co", PARENTS)["event_id"].to_list() == ["E3", "E4"]


def test_the_demo_sees_only_its_own_events(demo_build):
    with duckdb.connect(str(demo_build["warehouse"]), read_only=True) as con:
        events = con.sql("select event_id, entity from events").pl()
        parents = dict(con.sql("select entity, parent from entities").fetchall())
    kept = data.events_for_entity(events, ENTITY, parents)
    assert kept.height >= 2 and set(kept["entity"].drop_nulls()) == {ENTITY}
    assert kept.height < events.height
