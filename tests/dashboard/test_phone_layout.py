"""What makes the charts read at a phone's width (issue 16, fault 4), as pure functions: the title taken out of
the figure, long labels wrapped, the heatmap's region names kept narrow, dense heatmaps marked. The browser
test (tests/browser/test_phone_browser.py) measures the drawn result."""

from __future__ import annotations

import polars as pl
import pytest

from dashboard.charts import scorecard, style
from dashboard.figures import split_title


@pytest.mark.parametrize(
    ("title", "heading", "note"),
    [
        (
            "Actual and expected over time · shaded: periods below expectation",
            "Actual and expected over time",
            "shaded: periods below expectation",
        ),
        (
            "Where sources disagree (same thing, different numbers)",
            "Where sources disagree (same thing, different numbers)",
            "",
        ),
        (
            "GMV: treated and controls<br><sup>not shown: XX</sup>",
            "GMV: treated and controls",
            "not shown: XX",
        ),
        (None, "", ""),
    ],
)
def test_split_title(title, heading, note):
    assert split_title(title) == (heading, note)


def test_wrap_keeps_short_text_and_breaks_long_text_at_spaces():
    assert style.wrap("3 · Cumulative effect since the event") == "3 · Cumulative effect since the event"
    long = "1 · Actual against the counterfactual (what the model expects without the event)"
    lines = style.wrap(long, 46).split("<br>")
    assert len(lines) == 2 and all(len(line) <= 46 for line in lines) and " ".join(lines) == long


def test_axis_title_goes_on_two_lines_only_when_long():
    assert style.axis_title("GMV", "USD bn") == "GMV (USD bn)"
    assert style.axis_title("Gross merchandise value", "USD m") == "Gross merchandise value<br>(USD m)"


def test_region_labels_wrap_on_two_lines_with_their_indent():
    label = style.region_label("TikTok UK/Europe/LatAm entities (ex-US)", 1)
    lines = scorecard._wrapped_region(label).split("<br>")
    assert len(lines) == 2 and all(line.startswith("\u2003") for line in lines)
    assert all(len(line) <= scorecard.REGION_LABEL_CHARS + 1 for line in lines) and lines[1].endswith("…")
    assert scorecard._wrapped_region("\u2003Thailand") == "\u2003Thailand"


def test_heatmaps_wider_than_a_phone_are_marked_dense():
    frame = pl.DataFrame({"period": [f"2024-Q{q}" for q in range(1, 5)]})
    assert not scorecard.cell_text_too_dense_for_phone(frame)
    wide = pl.DataFrame({"period": [f"{y}-Q{q}" for y in (2024, 2025) for q in range(1, 5)]})
    assert scorecard.cell_text_too_dense_for_phone(wide)


def test_the_disagreement_chart_keeps_to_one_unit():
    """Orders and USD on one 'value (USD m)' axis (Evidence with entity '(all)', found by a new-user trial):
    the chart takes the unit most rows have; the others stay in the table."""
    import polars as pl

    from dashboard.charts.evidence import one_unit

    frame = pl.DataFrame({"unit": ["USD", "orders", "USD", None], "spread": [1, 2, 3, 4]})
    charted, others = one_unit(frame)
    assert charted["unit"].to_list() == ["USD", "USD"]
    assert sorted(others["spread"].to_list()) == [2, 4]
    same = pl.DataFrame({"unit": ["USD", "USD"], "spread": [1, 2]})
    assert one_unit(same)[0].height == 2 and one_unit(same)[1].is_empty()
