"""Every choice a page makes for the user is deterministic: the same data, in any row order, gives the same
choice (issue 23: the Scorecard's headline tile changed on reload when regions tied)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.sections.tiles import headline_rows


def _tied_regions() -> pl.DataFrame:
    """Five top-level regions (no world row), each with the same two periods: a tie in depth and count."""
    regions = ["/FR", "/DE", "/IT", "/ES", "/NL"]
    return pl.DataFrame(
        {
            "region_path": [r for r in regions for _ in range(2)],
            "region_depth": [1] * 10,
            "period_start": [dt.date(2025, 1, 1), dt.date(2025, 4, 1)] * 5,
            "variance": [float(i) for i in range(10)],
        }
    )


def test_headline_region_is_the_same_in_any_row_order():
    frame = _tied_regions()
    chosen = {
        headline_rows(frame.sample(fraction=1.0, shuffle=True, seed=s))["region_path"][0] for s in range(40)
    }
    assert chosen == {"/DE"}, chosen  # the stated rule: the first path in alphabetical order


def test_headline_region_prefers_shallow_then_most_periods():
    frame = pl.concat(
        [
            _tied_regions(),
            pl.DataFrame(
                {
                    "region_path": ["/ZZ"] * 3,
                    "region_depth": [1] * 3,
                    "period_start": [dt.date(2024, 10, 1), dt.date(2025, 1, 1), dt.date(2025, 4, 1)],
                    "variance": [1.0, 2.0, 3.0],
                }
            ),
        ]
    )
    assert headline_rows(frame)["region_path"].unique().to_list() == ["/ZZ"]
    assert headline_rows(frame)["period_start"].is_sorted()


def test_streak_tile_text_fits_the_tile():
    """The streak tile's text was cut off at 1440 px ('Asia-Pacific, 2025-Q2→202…'): it now fits in 24 chars."""
    from dashboard.sections.tiles import STREAK_DELTA_CHARS, streak_words

    def words(region):
        one = {
            "region_name": [region],
            "first_period": ["2025-Q2"],
            "last_period": ["2025-Q4"],
            "length": [3],
        }
        return streak_words(pl.DataFrame(one), "quarter")

    assert words("US") == ("3 quarters", "US, 2025-Q2→2025-Q4")
    assert words("United States") == ("3 quarters", "United States, 2025-Q2→")
    assert words("Asia-Pacific") == (
        "3 quarters",
        "Asia-Pacific, 2025-Q2→",
    )  # was 'Asia-Pacific, 2025-Q2→202…'
    assert words("Democratic Republic of Congo")[1] == "Democratic Republic of Congo"
    assert all(len(words(r)[1]) <= STREAK_DELTA_CHARS for r in ("US", "Asia-Pacific", "Southeast Asia"))


def test_evidence_build_counts_have_thousands_separators(demo_build, dashboard):
    """The Evidence page's build line read '3004740 loaded' (the demos' 3M order rows): counts carry a separator."""
    import re

    at = dashboard(demo_build["warehouse"], "app_pages/evidence.py")
    line = next(c.value for c in at.caption if c.value.startswith("Warehouse built"))
    assert re.search(r"\d{1,3}(,\d{3})+ loaded, \d[\d,]* rejected", line), line
    assert not re.search(r"\d{4,} (in|loaded|rejected)", line), line


def test_expectation_bars_are_hatched_when_approximate():
    """The chart says 'hatched = bound or approximate', but an approximate expectation ('~ 803.6', the
    marketplace's plan) was drawn solid: only the actual bars had a pattern."""
    from dashboard.charts import scorecard

    row = {
        "region_code": "US",
        "region_name": "US",
        "region_path": "WORLD/US",
        "region_depth": 1,
        "period": "2024",
        "actual": 90.0,
        "expectation": 100.0,
        "variance": -10.0,
        "favourable": False,
        "performance_pct": -0.1,
        "attainment": 0.9,
        "unit": "USD",
        "actual_bound": "exact",
        "expectation_bound": "approx",
    }
    fig = scorecard.actual_vs_expectation_bars(
        pl.DataFrame(
            [
                row,
                {
                    **row,
                    "region_code": "MX",
                    "region_name": "MX",
                    "region_path": "WORLD/MX",
                    "expectation_bound": "exact",
                },
            ]
        )
    )
    expectation = next(t for t in fig.data if t.name.startswith("expectation"))
    assert list(expectation.marker.pattern.shape) == ["", "/"]  # sorted by path: MX exact, US approximate
    assert "hatched = bound or approximate" in fig.layout.title.text


def test_no_page_gives_command_line_advice():
    """The Impact page said 'Name controls explicitly (--controls, --include)': CLI advice on a dashboard page.
    Every CLI option an estimator's reason names is said as the page's field."""
    import re

    from dashboard.text import page_words
    from pipelines.effects.did import estimate_did

    refusal = estimate_did(pl.DataFrame(), "US", [], dt.date(2024, 6, 1), "quarter")
    assert "--controls" in refusal.reason  # the CLI keeps its words
    shown = page_words(refusal.reason)
    assert "'Control regions'" in shown and not re.search(r"--[a-z]", shown), shown
    for reason in (
        "window that covers it (--pre, --post).",
        "left out by you (--exclude)",
        "x; pass --entity",
    ):
        assert not re.search(r"--[a-z]", page_words(reason)), reason
