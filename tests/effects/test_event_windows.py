"""The event_windows view on a seeded temporary warehouse."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

from pipelines.effects.periods import period_index
from pipelines.effects.windows import choose_window
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


def test_an_event_that_lasted_is_measured_while_it_lasted():
    """A ban from 2000 lifted at the end of 2002: the default post window stops with it (three years), so the
    average is the effect during the ban, not diluted by the eight years after it; --post reaches beyond."""
    data = list(range(period_index(date(1990, 1, 1), "year"), period_index(date(2010, 1, 1), "year") + 1))
    window = choose_window(date(2000, 1, 1), "year", data, event_end=date(2002, 12, 31))
    assert (window.span("pre"), window.span("post")) == ("1990-1999", "2000-2002")
    assert (
        window.text
        == "1990-1999 (10 years before), 2000-2002 (3 years after, while the event lasted, to 2002-12-31)"
    )
    assert window.to_dict()["lasted_until"] == "2002-12-31"
    longer = choose_window(date(2000, 1, 1), "year", data, post="2000..2010", event_end=date(2002, 12, 31))
    assert longer.span("post") == "2000-2010" and longer.lasted_until is None
    # a ban of 14 hours on monthly data acts on its month only
    months = list(range(period_index(date(2024, 1, 1), "month"), period_index(date(2025, 6, 1), "month") + 1))
    short = choose_window(date(2025, 1, 18), "month", months, event_end=date(2025, 1, 19))
    assert short.span("post") == "2025-01"


def test_the_pre_window_starts_after_an_earlier_event_that_lasted():
    data = list(range(period_index(date(1990, 1, 1), "year"), period_index(date(2010, 1, 1), "year") + 1))
    earlier = pl.DataFrame({"date": [date(1992, 3, 1)], "date_end": [date(1994, 6, 30)]})
    window = choose_window(date(2000, 1, 1), "year", data, earlier)
    assert window.span("pre") == "1995-1999"  # 1994 was still touched by the earlier event
