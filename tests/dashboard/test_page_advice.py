"""Issue 23: a dashboard page gave CLI advice (an estimator's reason naming `--controls`, `--pre, --post`)
where it should name the page's own control. Every text the Impact page shows (the refusals, the donor pool's
rule and reasons, the narrative's estimate sentence) names the sidebar's fields, never a command-line flag."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.text import page_words
from tests.helpers import open_app

FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def every_text(at: AppTest) -> str:
    parts = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(i.value for i in at.info),
        *(w.value for w in at.warning),
        *(e.value for e in at.error),
    ]
    for grid in at.dataframe:
        parts += [str(v) for v in grid.value.astype(str).to_numpy().ravel()]
    return "\n".join(parts).replace("\\", "")  # Markdown escapes (\\-\\-pre) read as shown


@pytest.mark.parametrize("event", ["EV05", "EV11", "EV13"])
def test_impact_page_names_its_controls_not_cli_flags(case_warehouse, monkeypatch, event):
    at = open_app(monkeypatch, case_warehouse, "app_pages/impact.py", from_scorecard=True, event=event)
    text = every_text(at)
    assert not FLAG.findall(text), [text[max(0, m.start() - 80) : m.end() + 20] for m in FLAG.finditer(text)]


def test_chosen_windows_and_controls_are_named_by_their_fields(case_warehouse, monkeypatch):
    at = open_app(
        monkeypatch, case_warehouse, "app_pages/impact.py", from_scorecard=True, event="EV05", pre="soon"
    )
    text = every_text(at)
    assert "Pre-event window" in text and not FLAG.findall(text), text[-1500:]


def test_page_words_maps_every_estimator_option():
    for reason in (
        "Name controls explicitly (--controls, --include) if you know comparable regions",
        "the regions you named (--controls)",
        "Choose a window that stops short of them (--pre, --post)",
        "left out by you (--exclude)",
        "--pre '1970..1988': not a period",
        "several entities have gmv in US: A, B; pass --entity",
    ):
        assert not FLAG.findall(page_words(reason)), page_words(reason)
