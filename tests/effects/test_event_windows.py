"""The event_windows view on a seeded temporary warehouse."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.helpers import event_rows, seed


def windows(path, event_id, extra=None):
    """event_windows of `event_id`, after `extra`: an event row to add (add_event) or a (sql, params) to run."""
    with duckdb.connect(str(path)) as con:
        if isinstance(extra, dict):
            seed(con, "events", [extra])
        elif extra:
            con.execute(*extra)
        return con.sql("select * from event_windows where event_id = ?", params=[event_id]).pl()


def add_event(event_id, day, jurisdiction, status="announced") -> dict:
    """A row of table events (no entity) for windows(..., extra=...)."""
    event = (event_id, day, "day", status, jurisdiction, "other", event_id, "S-WSJ")
    return event_rows([event], first_row=99, entity=None, file="e.csv")[0]


def test_positions_values_and_change(warehouse):
    w = windows(warehouse, "CA-WINDUP")
    assert w["region_code"].unique().to_list() == ["CA"]
    assert w["position"].to_list() == list(range(-6, 2))  # data ends 2024-12: only one period after
    event_row = w.filter(w["position"] == 0).row(0, named=True)
    assert event_row["period"] == "2024-11"
    assert event_row["actual"] == 31.0
    assert event_row["expectation"] == 25.0 and event_row["expectation_kind"] == "target"
    assert event_row["attainment"] == pytest.approx(31 / 25)
    assert event_row["change_vs_pre"] == pytest.approx(1.0)  # 2024-11 (31) vs 2024-10 (30)
    assert event_row["change_vs_pre_pct"] == pytest.approx(1 / 30)
    assert (w["window_start"] == date(2024, 5, 1)).all() and (w["window_end"] == date(2025, 5, 31)).all()


def test_days_apart_in_unrelated_jurisdictions_do_not_overlap(warehouse):
    # Canada 2024-11-06 and Australia 2024-11-07: one day apart, but neither region contains the other
    for event_id in ("CA-WINDUP", "AU-U16"):
        w = windows(warehouse, event_id)
        assert not w["is_overlapping"].any(), event_id


def test_days_apart_in_related_jurisdictions_overlap(warehouse):
    # a North America event the day after Canada's order: NAM is Canada's parent, so it counts
    w = windows(warehouse, "CA-WINDUP", add_event("NAM-NEXT-DAY", date(2024, 11, 7), "NAM"))
    assert w["is_overlapping"].all()
    assert w["overlapping_event_ids"][0].to_list() == ["NAM-NEXT-DAY"]


def test_overlap_counts_ancestors_and_same_region_but_not_siblings(warehouse):
    w = windows(warehouse, "NAM-PACT")  # NAM 2024-03-01; the US lawsuit 2024-05-07 is in its window
    us, ca = w.filter(w["region_code"] == "US"), w.filter(w["region_code"] == "CA")
    assert us["is_overlapping"].all() and us["overlapping_event_ids"][0].to_list() == ["US-SUIT"]
    assert not ca["is_overlapping"].any()  # the US is Canada's sibling, not related
    suit = windows(warehouse, "US-SUIT")
    assert suit["overlapping_event_ids"][0].to_list() == ["NAM-PACT"]  # an ancestor's event


def test_expected_event_and_window_past_data_end(warehouse):
    w = windows(warehouse, "US-RULING")
    assert w["is_expected"].all()
    assert w["after_data_end"].all()
    assert not windows(warehouse, "NAM-PACT")["after_data_end"].any()
    assert not windows(warehouse, "US-SUIT")["is_expected"].any()


def test_missing_period_is_a_missing_row_not_a_zero(warehouse):
    w = windows(warehouse, "AU-U16", ("delete from figures where figure_id = ?", ["A-AU-2024-09"]))
    assert "2024-09" not in w["period"].to_list()
    assert w["position"].to_list() == [-6, -5, -4, -3, -1, 0, 1]
    assert w["actual"].min() > 0
