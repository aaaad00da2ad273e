"""Which event the narrative's effect sentence is about: the one asked for, else a documented default."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner

from pipelines.cli.main import main as impact_commands
from pipelines.effects.assess import default_event, explain_period
from pipelines.warehouse.sqlfiles import create_views
from tests.helpers import event_rows
from tests.helpers import seed as seed_rows

from .conftest import REGIONS, seed
from .test_narrative_cli import uncited_numbers

# event_id, date, status, jurisdiction, title: added to the seeded events (CA-WINDUP, NAM-PACT, AU-U16, ...)
EXTRA_EVENTS = [
    ("CA-EARLY", date(2024, 2, 1), "effective", "CA", "Canadian consultation"),
    ("WORLD-LATE", date(2024, 5, 15), "effective", "WORLD", "Global rule"),
    ("CA-DUE", date(2024, 6, 1), "expected", "CA", "Canadian decision due"),
    ("CA-AFTER", date(2024, 8, 1), "effective", "CA", "Canadian follow-up"),
]


@pytest.fixture
def crowded_warehouse(tmp_path):
    """The seeded warehouse plus events around Canada's 2024-06 at several levels of the region tree."""
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    seed(con)
    extra = [
        (eid, d, "day", status, juris, "other", title, "S-WSJ")
        for eid, d, status, juris, title in EXTRA_EVENTS
    ]
    seed_rows(con, "events", event_rows(extra, first_row=100))
    create_views(con)
    con.close()
    return path


def explain(path, region, period, event_id=None) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return explain_period(con, "TikTok", "gmv", region, period, event_id=event_id).text


# --- the default: the region's own event, then the most specific enclosing region, then the latest ----------

REGION_FRAME = pl.DataFrame(
    REGIONS, schema=["region_code", "name", "parent_code", "level", "depth", "path"], orient="row"
)


def events_frame(*rows) -> pl.DataFrame:
    return pl.DataFrame(
        [(eid, d, status, juris) for eid, d, status, juris in rows],
        schema=["event_id", "date", "status", "jurisdiction"],
        orient="row",
    )


@pytest.mark.parametrize(
    ("region", "events", "chosen"),
    [
        # the region's own event beats a later one decided for a region that encloses it
        (
            "CA",
            [("A", date(2024, 2, 1), "effective", "CA"), ("B", date(2024, 5, 1), "effective", "NAM")],
            "A",
        ),
        # among enclosing regions the most specific wins, even when the wider one is later
        (
            "CA",
            [("A", date(2024, 2, 1), "effective", "NAM"), ("B", date(2024, 5, 1), "effective", "WORLD")],
            "A",
        ),
        # same jurisdiction: the latest date; same date: the highest event id
        ("CA", [("A", date(2024, 2, 1), "effective", "CA"), ("B", date(2024, 5, 1), "effective", "CA")], "B"),
        ("CA", [("B", date(2024, 5, 1), "effective", "CA"), ("A", date(2024, 5, 1), "effective", "CA")], "B"),
        # an event in a part of the region (a descendant) ranks after any event covering all of it
        (
            "NAM",
            [("A", date(2024, 5, 1), "effective", "US"), ("B", date(2024, 2, 1), "effective", "WORLD")],
            "B",
        ),
        (
            "NAM",
            [("A", date(2024, 5, 1), "effective", "US"), ("B", date(2024, 2, 1), "effective", "CA")],
            "A",
        ),
        # expected events and events after the period's end are never the default
        ("CA", [("A", date(2024, 2, 1), "effective", "NAM"), ("B", date(2024, 3, 1), "expected", "CA")], "A"),
        (
            "CA",
            [("A", date(2024, 2, 1), "effective", "NAM"), ("B", date(2024, 7, 1), "effective", "CA")],
            "A",
        ),
        ("CA", [("B", date(2024, 3, 1), "expected", "CA")], None),
        ("CA", [], None),
    ],
)
def test_default_event(region, events, chosen):
    assert default_event(events_frame(*events), REGION_FRAME, region, date(2024, 6, 30)) == chosen


def test_default_effect_is_about_the_regions_own_event(crowded_warehouse):
    # in the window and before 2024-06-30: CA-EARLY (CA), NAM-PACT (NAM), WORLD-LATE (WORLD, the latest)
    text = explain(crowded_warehouse, "CA", "2024-06")
    assert "No effect of Canadian consultation can be estimated" in text
    # the window's events ranked (pipelines/effects/ranking.py): Canada's own first, the closest in time first
    # (the expected decision inside the period, then the follow-up a month after it, then the consultation);
    # the rest counted with their ids, the world's rule among them
    assert (
        "the closest to Canada first: Canadian decision due (CA, 2024-06-01, expected) [3]; Canadian follow-up "
        "(CA, 2024-08-01) [3]; Canadian consultation (CA, 2024-02-01) [3]; and 3 more (CA-WINDUP, NAM-PACT, "
        "WORLD-LATE)." in text
    )
    assert "Global rule" not in text


def test_chosen_event_in_the_window(crowded_warehouse):
    text = explain(crowded_warehouse, "CA", "2024-06", event_id="NAM-PACT")
    assert "No effect of North American pact can be estimated" in text
    assert "outside the window" not in text and "not related" not in text


def test_chosen_event_after_the_period_but_in_the_window(crowded_warehouse):
    text = explain(crowded_warehouse, "CA", "2024-06", event_id="CA-AFTER")
    assert "Canadian follow-up (CA, 2024-08-01) [" in text  # listed in the window
    assert "No effect of Canadian follow-up can be estimated" in text


def test_chosen_event_outside_the_window_is_not_claimed_to_be_in_it(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        narrative = explain_period(con, "TikTok", "gmv", "CA", "2024-03", event_id="CA-WINDUP")
    text = narrative.text
    # the window 2023-09-01 to 2024-09-30 lists the pact only; the wind-up (2024-11-06) is named as outside it
    assert "in the window 2023-09-01 to 2024-09-30: North American pact (NAM, 2024-03-01) [" in text
    assert "Canada orders wind-up (" not in text.split("No effect of")[0]
    assert "No effect of Canada orders wind-up (CA, 2024-11-06 [" in text
    assert "; outside the events window) can be estimated" in text
    assert uncited_numbers(text) == [], text
    cited = {c.source_id: c for c in narrative.citations}
    assert cited["S-CTV"].publisher == "CTV News"  # the wind-up's source, though not a window event


def test_chosen_event_in_an_unrelated_jurisdiction_says_so(warehouse):
    # Australia's ban falls in Canada's 2024-11 window by date, but Australia is not related to Canada
    text = explain(warehouse, "CA", "2024-11", event_id="AU-U16")
    assert "Australia under-16 ban (AU, 2024-11-07 [" in text
    assert "; in a jurisdiction not related to Canada)" in text
    assert "outside the window" not in text
    assert uncited_numbers(text.replace("under-16", "under-sixteen")) == [], text  # a title, not a figure


def test_chosen_expected_event_is_refused(warehouse):
    text = explain(warehouse, "CA", "2024-11", event_id="US-RULING")
    assert "No effect of Appeals ruling due (US, 2024-12-01 [" in text
    assert "the event has not happened yet" in text


def test_unknown_event_is_a_lookup_error(warehouse):
    with pytest.raises(LookupError, match="unknown event 'NOPE'"):
        explain(warehouse, "CA", "2024-03", event_id="NOPE")


# --- the CLI -------------------------------------------------------------------------------------------------


def run_explain(warehouse, *extra):
    args = ["explain", "--entity", "TikTok", "--metric", "gmv", "--region", "CA", "--period", "2024-03"]
    return CliRunner().invoke(impact_commands, [*args, *extra, "--warehouse", str(warehouse)])


def test_cli_explain_with_event(warehouse):
    result = run_explain(warehouse, "--event", "CA-WINDUP")
    assert result.exit_code == 0, result.output
    assert "No effect of Canada orders wind-up (CA, 2024-11-06 [" in result.output
    assert "CTV News" in result.output


def test_cli_explain_unknown_event_is_an_error(warehouse):
    result = run_explain(warehouse, "--event", "NOPE")
    assert result.exit_code == 1 and "unknown event 'NOPE'" in result.output
