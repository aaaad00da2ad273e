"""Defaults that show the story (issue 23): every page opens on the expectation kind with the most comparisons
and, for that kind, on quarters when it has them (else its grain with the most), by one rule
(dashboard.widgets.default_view), and Evidence's loads and rates follow the entity."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import polars as pl

from dashboard.widgets import default_kind, default_view
from pipelines.devtools.operator_demo import ENTITY
from pipelines.warehouse.default_view import comparison_counts
from tests.sql.test_views import SHOP, Y2024, fig, month, seeded

COUNTS_SQL = Path(__file__).parents[2] / "sql" / "reads" / "catalog" / "comparison_counts.sql"


def counts(*rows: tuple[str, str, int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["kind", "grain", "comparisons"], orient="row")


def test_the_rule_takes_the_kind_with_most_comparisons_then_its_quarters():
    demo = counts(("projection", "month", 1008), ("projection", "quarter", 336), ("target", "year", 24))
    # months always outnumber the quarters they sum into: the old literal rule opened on 48 monthly columns
    assert default_view(demo) == ("projection", "quarter")
    assert default_view(demo.reverse()) == ("projection", "quarter")  # the row order does not matter
    # quarters whenever the kind has them, even where another of its grains has more
    assert default_view(counts(("target", "year", 40), ("target", "quarter", 4))) == ("target", "quarter")
    # no quarter: the kind's grain with the most comparisons, ties to the finer grain
    assert default_view(counts(("target", "year", 4), ("target", "half", 8))) == ("target", "half")
    assert default_view(counts(("target", "year", 4), ("target", "half", 4))) == ("target", "half")
    assert default_view(counts(("target", "year", 5))) == ("target", "year")  # the case study: per year
    # kinds tie on their totals: the expectation preference (target first), then the name
    assert default_view(counts(("target", "year", 4), ("guidance", "quarter", 4))) == ("target", "year")
    assert default_view(counts(("consensus", "year", 4), ("target", "year", 4))) == ("target", "year")
    assert default_view(counts(("zeta", "year", 4), ("alpha", "year", 4))) == ("alpha", "year")
    assert default_view(counts(("target", "year", 0))) == (None, None)
    assert default_view(counts()) == (None, None)
    # the kinds offered restrict the rule; a kind without comparisons only when none has any
    assert default_kind(["target"], demo) == "target"
    assert default_kind(["budget", "target"], counts()) == "target"
    assert default_kind([], demo) is None


def test_a_kind_with_more_comparisons_in_total_wins_over_one_grain_with_more():
    # guidance: 20 halves + 10 years = 30; target: 25 months, the single largest grain
    spread = counts(("guidance", "half", 20), ("guidance", "year", 10), ("target", "month", 25))
    assert default_view(spread) == ("guidance", "half")  # was ("target", "month")
    assert default_kind(["guidance", "target"], spread) == "guidance"
    # with quarters: the projection's 30 months and 10 quarters (40) over a target's 35 years
    quartered = counts(("projection", "month", 30), ("projection", "quarter", 10), ("target", "year", 35))
    assert default_view(quartered) == ("projection", "quarter")  # was ("target", "year")


def monthly_counts(tmp_path: Path, months: list[int]) -> pl.DataFrame:
    """comparison_counts (the read the pages give the rule) over a real warehouse holding a monthly actual and
    a monthly target of US GMV for these months of 2024."""
    figures = [
        row
        for m in months
        for row in (
            fig(f"a{m}", "gmv", "US", month(2024, m), "actual", 100.0 + m, "2025-02-01", "s_filing"),
            fig(f"t{m}", "gmv", "US", month(2024, m), "target", 100.0, "2023-12-01", "s_leak"),
        )
    ]
    con = seeded(tmp_path / "warehouse.duckdb", figures)
    try:
        rel = con.execute(COUNTS_SQL.read_text(), [SHOP, "gmv"] * 2)
        return pl.DataFrame(rel.fetchall(), schema=["kind", "grain", "comparisons"], orient="row")
    finally:
        con.close()


def test_monthly_data_whose_months_fill_quarters_opens_per_quarter(tmp_path):
    found = monthly_counts(tmp_path, list(range(1, 13)))
    assert sorted(found.iter_rows()) == [("target", "month", 12), ("target", "quarter", 4)]
    assert default_view(found) == ("target", "quarter")  # was ("target", "month")


def test_months_that_fill_no_quarter_open_per_month(tmp_path):
    # one month of each quarter: nothing sums into a quarter, so there is no quarter to open on
    found = monthly_counts(tmp_path, [1, 4, 7, 10])
    assert sorted(found.iter_rows()) == [("target", "month", 4)]
    assert default_view(found) == ("target", "month")


def heatmap(at) -> dict:
    """The Scorecard heatmap's trace: x (periods), y (row labels) and z (performance %, rows x periods)."""
    trace = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    z = trace["z"]
    if isinstance(z, dict):  # plotly's typed-array encoding of a numpy array: dtype, base64 bytes, shape
        shape = [int(n) for n in str(z["shape"]).split(",")]
        z = np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).reshape(shape).tolist()
    return trace | {"z": z}


def test_the_scorecard_opens_the_marketplace_per_quarter_with_the_thai_ban_red(demo_build, dashboard):
    at = dashboard(demo_build["warehouse"], None, entity=ENTITY)
    assert at.sidebar.selectbox(key="kind").value == "projection"  # was the annual target: 4 pale columns
    assert "per quarter" in " ".join(c.value for c in at.caption)  # was per month: 48 columns
    cells = heatmap(at)
    periods = cells["x"]
    assert len(periods) == 16 and periods[0] == "2022-Q1" and periods[-1] == "2025-Q4", periods
    thailand = next(i for i, label in enumerate(cells["y"]) if label.strip() == "Thailand")
    row = dict(zip(periods, cells["z"][thailand], strict=True))
    # the ban of June 2024: a red band (40 % and more below the projection) from 2024-Q3 on
    assert row["2024-Q3"] < -40 and row["2024-Q4"] < -40, row
    assert all(abs(row[q]) < 2 for q in periods if q < "2024-Q2"), row  # in line before it


def test_the_dashboard_still_opens_on_the_case_studys_annual_target(demo_build, dashboard):
    # as `make build` makes it: the case study first (the marketplace is illustrative), unchanged by the rule
    at = dashboard(demo_build["warehouse"], None)
    assert at.sidebar.selectbox(key="entity").value == "TikTok Shop"
    assert at.sidebar.selectbox(key="kind").value == "target"
    assert "per year" in " ".join(c.value for c in at.caption)
    assert all(p.isdigit() and len(p) == 4 for p in heatmap(at)["x"]), heatmap(at)["x"]  # years


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


def _report_view(con, entity: str, metric: str) -> tuple[str, str]:
    """(kind, grain) the PDF/HTML report opens on without a kind, region or period chosen."""
    from pipelines.settings import ReportSelection
    from report.content import _resolve

    chosen = _resolve(con, ReportSelection(entity=entity, metric=metric))
    return chosen["kind"], chosen["grain"]


def test_the_report_breaks_a_tie_of_kinds_as_the_scorecard_does(tmp_path):
    """The report had its own rule (most comparisons, ties by the kind's name: 'guidance' before 'target');
    the Scorecard breaks a tie by the expectation preference (target first). One rule now: target."""
    figures = [
        row
        for region in ("US", "ID")
        for row in (
            fig(f"a-{region}", "gmv", region, Y2024, "actual", 100.0, "2025-02-01", "s_filing"),
            fig(f"t-{region}", "gmv", region, Y2024, "target", 110.0, "2023-12-01", "s_leak"),
            fig(f"g-{region}", "gmv", region, Y2024, "guidance", 105.0, "2024-02-01", "s_leak"),
        )
    ]
    con = seeded(tmp_path / "warehouse.duckdb", figures)
    try:
        found = comparison_counts(con, SHOP, "gmv")
        assert sorted(found.iter_rows()) == [("guidance", "year", 2), ("target", "year", 2)]
        assert default_view(found) == ("target", "year")
        assert _report_view(con, SHOP, "gmv") == ("target", "year")  # was ('guidance', 'year')
    finally:
        con.close()


def test_the_report_opens_on_the_kind_and_grain_the_scorecard_opens_on(demo_build, dashboard):
    """On both demos as `make build` makes them: the report names the kind the Scorecard opens on, per the
    grain its heatmap shows (the marketplace: its projection per quarter, not per month; the case study:
    its annual target)."""
    import duckdb

    con = duckdb.connect(str(demo_build["warehouse"]), read_only=True)
    try:
        for entity, grain in ((ENTITY, "quarter"), (SHOP, "year")):
            at = dashboard(demo_build["warehouse"], None, entity=entity)
            kind = at.sidebar.selectbox(key="kind").value
            assert f"per {grain}" in " ".join(c.value for c in at.caption), entity
            assert _report_view(con, entity, "gmv") == (kind, grain), entity
    finally:
        con.close()
