"""Defaults that show the story (issue 23): every page opens on the expectation kind and grain with the most
comparisons, by one rule (dashboard.widgets.default_view), and Evidence's loads and rates follow the entity."""

from __future__ import annotations

import polars as pl

from dashboard.widgets import default_kind, default_view
from pipelines.devtools.operator_demo import ENTITY


def counts(*rows: tuple[str, str, int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["kind", "grain", "comparisons"], orient="row")


def test_the_rule_takes_the_most_comparisons_with_stated_ties():
    demo = counts(("projection", "month", 1008), ("projection", "quarter", 336), ("target", "year", 24))
    assert default_view(demo) == ("projection", "month")
    # a tie: the finer grain, then the expectation preference (target first), then the name
    assert default_view(counts(("target", "year", 4), ("guidance", "quarter", 4))) == ("guidance", "quarter")
    assert default_view(counts(("consensus", "year", 4), ("target", "year", 4))) == ("target", "year")
    assert default_view(counts(("zeta", "year", 4), ("alpha", "year", 4))) == ("alpha", "year")
    assert default_view(counts()) == (None, None)
    # the kinds offered restrict the rule; a kind without comparisons only when none has any
    assert default_kind(["target"], demo) == "target"
    assert default_kind(["budget", "target"], counts()) == "target"
    assert default_kind([], demo) is None


def test_the_scorecard_opens_the_marketplace_on_its_monthly_projection(demo_build, dashboard):
    at = dashboard(demo_build["warehouse"], None, entity=ENTITY)
    assert at.sidebar.selectbox(key="kind").value == "projection"  # was the annual target: 4 pale columns
    grain = at.sidebar.get("button_group")[0] if at.sidebar.get("button_group") else None
    assert grain is None or "month" in str(grain.proto), grain
    assert "per month" in " ".join(c.value for c in at.caption)


def test_trends_and_the_scorecard_share_the_default(demo_build, dashboard):
    at = dashboard(demo_build["warehouse"], "app_pages/trends.py", entity=ENTITY)
    assert at.sidebar.selectbox(key="kind").value == "projection"


def test_evidence_loads_and_rates_follow_the_entity(demo_build, dashboard):
    at = dashboard(demo_build["warehouse"], "app_pages/evidence.py", entity=ENTITY)
    loads = next(d.value for d in at.dataframe if "input_kind" in d.value.columns)
    assert len(loads) and all("illustrative-marketplace" in f for f in loads["file"]), list(loads["file"])
    everyone = dashboard(demo_build["warehouse"], "app_pages/evidence.py")
    all_loads = next(d.value for d in everyone.dataframe if "input_kind" in d.value.columns)
    assert any("tiktok" in f for f in all_loads["file"])  # without an entity: every file


def test_a_revised_plan_is_a_revision_not_a_disagreement(demo_build, dashboard):
    import duckdb

    with duckdb.connect(str(demo_build["warehouse"]), read_only=True) as con:
        # the demo's 2024 plan and its midyear revision: two source ids, one publisher
        listed = con.execute(
            "select count(*) from source_disagreement where entity = ?", [ENTITY]
        ).fetchone()[0]
        revised = con.execute(
            "select count(*) from expectation_revisions where entity = ? and vintage > 1", [ENTITY]
        ).fetchone()[0]
    assert listed == 0  # was 142 'disagreements' between the plan and its own revision
    assert revised > 0
    at = dashboard(demo_build["warehouse"], "app_pages/evidence.py", entity=ENTITY)
    assert "Revisions of expectations" in [h.value for h in at.subheader]
    assert any("not a disagreement" in c.value for c in at.caption)


def test_a_trivial_miss_is_neutral_and_a_real_one_red():
    from dashboard.charts.scorecard import actual_vs_expectation_bars, cell_colour_value
    from dashboard.charts.style import IN_LINE, NEUTRAL_BAND, WORSE, sense_words

    assert NEUTRAL_BAND == 0.005
    assert cell_colour_value(False, -0.002) == 0.0  # a 0.2 % miss: the white middle of the scale
    assert cell_colour_value(False, -0.2) == -20.0
    assert sense_words(False, -0.002).startswith("in line (0.2% worse, within ±0.5%")
    frame = pl.DataFrame(
        {
            "region_path": ["a", "b"],
            "region_name": ["A", "B"],
            "unit": ["USD", "USD"],
            "actual": [99.8, 80.0],
            "expectation": [100.0, 100.0],
            "actual_bound": [None, None],
            "expectation_bound": [None, None],
            "expectation_low": [None, None],
            "expectation_high": [None, None],
            "favourable": [False, False],
            "performance_pct": [-0.002, -0.2],
            "attainment": [0.998, 0.8],
            "actual_source_id": ["s", "s"],
            "actual_publisher": ["p", "p"],
            "expectation_source_id": ["s", "s"],
            "expectation_publisher": ["p", "p"],
        }
    )
    bars = {t.name: (list(t.x), t.marker.color) for t in actual_vs_expectation_bars(frame).data[1:]}
    assert bars == {
        "actual, in line (within ±0.5% of expected)": (["A"], IN_LINE),
        "actual, worse than expected": (["B"], WORSE),
    }
