"""The same event from two sources is one event (sql/views/chosen/event_groups.sql): the rule on hand-made
reports, and the case study's four real duplicates (issue 16, fault 7). Before the view, every report was an
event of its own: the Events page drew 19 dots for 15 events and EV05's window counted its own news-brief copy
BRE05 as "another event"."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from pipelines.warehouse.sqlfiles import SQL_DIR, create_tables


def grouped(*reports) -> dict[str, str]:
    """event_id -> group_id for reports (event_id, date, precision, status, jurisdiction, category, title,
    entity) in a fresh warehouse with Canada and Australia."""
    con = duckdb.connect()
    create_tables(con)
    con.execute(
        "insert into regions (region_code, name, level, depth, path) values "
        "('CA', 'Canada', 'country', 1, 'WORLD/CA'), ('AU', 'Australia', 'country', 1, 'WORLD/AU')"
    )
    for i, (eid, d, precision, status, juris, category, title, entity) in enumerate(reports):
        con.execute(
            "insert into events (event_id, dataset, date, date_precision, status, jurisdiction, category, title,"
            " entity, source_id, file, row_number) values (?, 'd', ?, ?, ?, ?, ?, ?, ?, ?, 'events.csv', ?)",
            [eid, d, precision, status, juris, category, title, entity, f"S{i}", i],
        )
    con.execute((SQL_DIR / "views" / "chosen" / "event_groups.sql").read_text())
    rows = con.sql("select event_id, group_id from event_groups").fetchall()
    assert len(rows) == len(reports)  # every report stays a row
    return dict(rows)


ORDER = (
    "A",
    date(2024, 11, 6),
    "day",
    "effective",
    "CA",
    "order",
    "Canada orders the wind-up of X Canada Inc.",
    "X",
)


@pytest.mark.parametrize(
    ("other", "same"),
    [
        # another source's words for the same order on the same day: 'orders' = 'order'
        (
            (
                "B",
                date(2024, 11, 6),
                "day",
                "effective",
                "CA",
                "order",
                "Canada order to dissolve X's unit",
                "X",
            ),
            True,
        ),
        # a month-precise report covers the day
        (("B", date(2024, 11, 1), "month", "effective", "CA", "order", "Canada orders X out", "X"), True),
        # a day apart (time zones, next-day reports) still the same; two days apart not
        (("B", date(2024, 11, 7), "day", "effective", "CA", "order", "Canada orders wind-up", "X"), True),
        (("B", date(2024, 11, 8), "day", "effective", "CA", "order", "Canada orders wind-up", "X"), False),
        # another category, jurisdiction, entity or expected-ness: another event
        (("B", date(2024, 11, 6), "day", "effective", "CA", "law", "Canada orders wind-up", "X"), False),
        (("B", date(2024, 11, 6), "day", "effective", "AU", "order", "Australia orders wind-up", "X"), False),
        (("B", date(2024, 11, 6), "day", "effective", "CA", "order", "Canada orders wind-up", "Y"), False),
        (("B", date(2024, 11, 1), "month", "expected", "CA", "order", "Canada orders wind-up", "X"), False),
        # titles sharing only the jurisdiction's and the entity's names and small words: another event
        (("B", date(2024, 11, 6), "day", "effective", "CA", "order", "Canada and X: the tariff", "X"), False),
    ],
)
def test_the_same_event_rule(other, same):
    groups = grouped(ORDER, other)
    assert (groups["A"] == groups["B"]) is same


def test_the_representative_is_the_most_precise_then_earliest_report():
    month = ("B", date(2024, 11, 1), "month", "effective", "CA", "order", "Canada orders X out", "X")
    later = ("C", date(2024, 11, 7), "day", "effective", "CA", "order", "Canada orders X to wind up", "X")
    assert set(grouped(month, later, ORDER).values()) == {"A"}


def test_the_case_study_duplicates_are_one_event_each(case_warehouse):
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        reports = con.sql("select count(*) from events").fetchall()[0][0]
        rows = con.sql(
            "select group_id, group_event_ids, group_source_ids from event_groups where is_representative"
            " and group_size > 1 order by group_id"
        ).fetchall()
        shown = con.sql("select count(*) from event_groups where is_representative").fetchall()[0][0]
        overlapping = con.sql(
            "select distinct unnest(overlapping_event_ids) from event_windows where event_id in ('EV05', 'BRE05')"
        ).fetchall()
    assert reports == 19 and shown == 15  # 19 reports of 15 events
    assert [(g, ids) for g, ids, _ in rows] == [
        ("EV05", ["EV05", "BRE05"]),
        ("EV06", ["EV06", "BRE06"]),
        ("EV07", ["EV07", "BRE03"]),
        ("EV08", ["EV08", "BRE04"]),
    ]
    assert all(len(sources) == 2 and "brief-2024-11-tw-wsj" in sources for _, _, sources in rows)
    # BRE02 (the ruling expected) is not EV09 (the ruling): a forecast is not the occurrence
    others = {o for (o,) in overlapping}
    assert "BRE05" not in others and "EV05" not in others and "BRE03" not in others
    assert {"EV03", "EV04", "EV06"} <= others  # the other US events still overlap, each once
