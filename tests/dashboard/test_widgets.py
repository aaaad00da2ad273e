"""The widget groups' choices as pure functions (no Streamlit session): what each picker offers, in order."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard import widgets
from dashboard.sections.impact_choices import ranked_series
from dashboard.sections.tiles import headline_rows, streak_words

PAIRS = pl.DataFrame(
    {
        "entity": ["Shop", "Shop", "Ads"],
        "metric": ["gmv", "orders", "revenue"],
        "actual_figures": [10, 4, 3],
        "expectation_figures": [8, 2, 1],
        "expectation_kinds": [["projection", "target"], ["target"], ["consensus"]],
    }
)


def test_series_choices_follow_the_pairs():
    assert widgets.entity_choices(PAIRS) == ["Shop", "Ads"]
    # generated demo entities come last, whatever their number of figures: the dashboard opens on real ones
    assert widgets.entity_choices(PAIRS, {"Shop"}) == ["Ads", "Shop"]
    assert widgets.metric_choices(PAIRS, "Shop") == ["gmv", "orders"]
    assert widgets.metric_choices(PAIRS, "Nobody") == []
    assert widgets.kind_choices(PAIRS, "Shop", "gmv") == ["projection", "target"]
    assert widgets.kind_choices(PAIRS, "Ads", "gmv") == []


def test_grain_choices_order_and_auto():
    assert widgets.grain_choices({"year", "month"}) == (["month", "year"], "month")
    assert widgets.grain_choices({"year", "month", "quarter"}, preferred="quarter") == (
        ["month", "quarter", "year"],
        "quarter",
    )
    assert widgets.grain_choices({"year"}, preferred="quarter") == (["year"], "year")
    assert widgets.grain_choices({"week"}) == ([], None)


def test_region_choices_top_levels_first_then_most_figures():
    counts = pl.DataFrame(
        {"region_code": ["US", "WORLD", "CA", "XX"], "depth": [2, 0, 2, 1], "figures": [5, 1, 9, 3]}
    )
    assert widgets.region_choices(counts, {"US", "WORLD", "CA"}) == ["WORLD", "CA", "US"]


def test_furthest_below_keeps_the_top_level_and_the_worst():
    frame = pl.DataFrame(
        {
            "region_path": ["W", "W/A", "W/B", "W/C", "W/A"],
            "region_depth": [0, 1, 1, 1, 1],
            "variance": [-1.0, -5.0, 2.0, -3.0, -1.0],
        }
    )
    assert widgets.furthest_below(frame, n=2) == ["W", "W/A", "W/C"]


def test_furthest_below_reads_the_metric_sense():
    """Costs (lower is better): the largest overruns are the worst, not the largest savings."""
    frame = pl.DataFrame(
        {
            "region_path": ["W", "W/A", "W/B", "W/C"],
            "region_depth": [0, 1, 1, 1],
            "variance": [1.0, 5.0, -2.0, 3.0],
            "performance_pct": [-0.01, -0.05, 0.02, -0.03],
        }
    )
    assert widgets.furthest_below(frame, n=2) == ["W", "W/A", "W/C"]


def test_ranked_series_puts_the_events_entity_and_long_runs_first():
    affected = pl.DataFrame(
        {
            "region_code": ["US"] * 3,
            "entity": ["Other", "Shop", "Shop"],
            "metric": ["gmv"] * 3,
            "grain": ["month", "year", "month"],
            "figures_before": [30, 3, 30],
            "figures": [40, 4, 40],
        }
    )
    ranked = ranked_series(affected, "US", "Shop")
    assert list(zip(ranked["entity"], ranked["grain"], strict=True)) == [
        ("Shop", "month"),
        ("Shop", "year"),
        ("Other", "month"),
    ]


def test_tiles_headline_and_streak_words():
    frame = pl.DataFrame(
        {
            "region_path": ["W", "W", "W/A"],
            "region_depth": [0, 0, 1],
            "period_start": [dt.date(2024, 1, 1), dt.date(2023, 1, 1), dt.date(2024, 1, 1)],
        }
    )
    assert headline_rows(frame)["period_start"].to_list() == [dt.date(2023, 1, 1), dt.date(2024, 1, 1)]
    streaks = pl.DataFrame(
        {"region_name": ["US"], "first_period": ["2024-Q2"], "last_period": ["2024-Q4"], "length": [3]}
    )
    assert streak_words(streaks, "quarter") == ("3 quarters", "US, 2024-Q2→2024-Q4")
    assert streak_words(streaks.clear(), "quarter") == ("none", "no region below now")


def test_url_values_name_an_option_by_id_or_label():
    labels = {"original": "original expectation", "latest": "latest revision"}
    assert widgets.from_url("original", list(labels), labels.get) == "original"
    assert widgets.from_url("latest revision", list(labels), labels.get) == "latest"
    assert widgets.from_url("no_such_policy", list(labels), labels.get) is None


def test_csv_downloads_carry_their_selection():
    """Issue 16 fault 6: the comparisons file had no entity, metric, kind or policy and was comparisons.csv."""
    from dashboard.tables import csv_file_name, with_selection

    chosen = {"entity": "TikTok Shop", "metric": "gmv", "expectation_kind": "target", "policy": "original"}
    assert csv_file_name("comparisons", chosen) == "comparisons_TikTok-Shop_gmv_target_original.csv"
    frame = with_selection(pl.DataFrame({"period": ["2024"], "actual": [1.0]}), chosen)
    assert frame.columns == ["entity", "metric", "expectation_kind", "policy", "period", "actual"]
    assert frame.row(0) == ("TikTok Shop", "gmv", "target", "original", "2024", 1.0)
    again = with_selection(b"metric,period\ngmv,2024\n", chosen)  # a full CSV read on click
    assert again.columns == ["entity", "expectation_kind", "policy", "metric", "period"]
