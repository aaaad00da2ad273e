"""Issue 23, the Impact page's defaults and window (found by a new-user trial): the page opened on the case
study's 2025 event with no figure after it, said "2025-2024 (0 years after)", and its flags ("window to
2027-12-31") and narrative ("window ... to 2026-12-31") named two windows. Now it opens on the event with the
most to show (`dashboard.widgets.default_event`), an empty side of a window is refused with its reason, and
the flags and the narrative name one window (`pipelines.effects.periods.event_span`, `window_words`)."""

from __future__ import annotations

import re
from datetime import date

import polars as pl
from streamlit.testing.v1 import AppTest

from pipelines.effects.windows import choose_window
from tests.helpers import open_app

PAGE = "app_pages/impact.py"
SPAN = re.compile(r"the window (\d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2})")


def shown(at: AppTest) -> str:
    return "\n".join(
        [*(m.value for m in at.markdown), *(c.value for c in at.caption), *(i.value for i in at.info)]
    )


def test_default_event_has_figures_on_both_sides_and_the_most_of_them():
    from dashboard.widgets import default_event

    events = pl.DataFrame(
        {
            "event_id": ["A", "B", "C", "D", "E"],
            "date": [
                date(2024, 1, 1),
                date(2024, 6, 1),
                date(2024, 7, 1),
                date(2025, 1, 1),
                date(2025, 2, 1),
            ],
            "status": ["effective", "effective", "effective", "effective", "expected"],
            "entity": ["Shop", "Shop", "Shop", "Shop", "Shop"],
        }
    )
    figures = pl.DataFrame(
        {
            "event_id": ["A", "B", "C", "C", "D", "E"],
            "entity": ["Shop", "Shop", "Shop", "Other", "Shop", "Shop"],
            "before": [12, 10, 8, 40, 30, 30],
            "after": [
                12,
                14,
                16,
                40,
                0,
                30,
            ],  # D: nothing after it; E: expected; C's 80 are another business's
        }
    )
    parents = {"Shop": None, "Other": None}
    assert default_event(events, figures, parents) == "C"  # 24 figures, as A and B: the latest of the three
    assert default_event(events.filter(pl.col("event_id") != "C"), figures, parents) == "B"
    nothing_after = figures.with_columns(pl.lit(0, pl.Int64).alias("after"))
    assert (
        default_event(events, nothing_after, parents) == "D"
    )  # none has both sides: the latest with figures
    assert default_event(events, figures.clear(), parents) == "E"  # no figures at all: the latest


def test_an_empty_post_window_is_refused_with_its_reason_never_counted_as_zero():
    window = choose_window(date(2025, 1, 18), "year", [2023, 2024])  # year indices are the years
    assert window.empty == "the series' last figure is 2024 and the event acts from 2025"
    assert "0 years" not in window.text and "2025-2024" not in window.text
    assert window.text.startswith("2023-2024 (2 years before), no period after")


def test_case_study_opens_on_an_event_with_figures_after_it(case_warehouse, monkeypatch):
    at = open_app(monkeypatch, case_warehouse, PAGE, from_scorecard=True)
    event = at.sidebar.selectbox(key="impact_event").value
    assert event != "EV13"  # the 2025 event: the yearly series ends in 2024
    text = shown(at)
    assert "(0 years after)" not in text and "no period after" not in text
    assert re.search(r"\*\*Window\*\*: 2023 \(1 year before\), 2024 \(1 year after\)", text), text[:2000]


def test_event_after_the_data_says_why_and_flags_and_narrative_name_one_window(case_warehouse, monkeypatch):
    at = open_app(monkeypatch, case_warehouse, PAGE, from_scorecard=True, event="EV13")
    text = shown(at)
    assert "0 years after" not in text and "2025-2024" not in text
    reason = "the series' last figure is 2024 and the event acts from 2025"
    assert f"no period after: {reason}" in text  # the Window line
    refusals = [i.value for i in at.info if i.value.startswith("**No ")]
    assert refusals and all(reason in r for r in refusals), refusals
    flags = [m.value for m in at.markdown if "-badge[" in m.value and "window" in m.value]
    events = [m.value for m in at.markdown if m.value.startswith("**The events.**")]
    assert flags and events
    windows = {w for t in flags + events for w in SPAN.findall(t)}
    assert windows == {"2023-01-01 to 2027-12-31"}, windows  # k = 2 years around the event's year 2025


def test_marketplace_demo_opens_on_an_event_with_an_estimate(demo_build, monkeypatch):
    at = open_app(monkeypatch, demo_build["warehouse"], PAGE, from_scorecard=True)
    assert at.sidebar.selectbox(key="impact_event").value == "ILL-BAN-TH"
    assert any(s.value.startswith("Synthetic control: the headline") for s in at.subheader)
