"""SQL view tests: a temporary warehouse seeded by hand, every expected number computed by hand."""

from __future__ import annotations

import calendar
from datetime import date

import duckdb
import pytest

from tests.helpers import METRIC_COLUMNS, REGION_COLUMNS, SOURCE_COLUMNS, named, seeded_warehouse

BN = 1e9
M = 1e6
SHOP = "TikTok Shop"

REGIONS = [
    ("WORLD", "Global", None, "world", None, 0, "WORLD"),
    ("NAM", "North America", "WORLD", "region", None, 1, "WORLD/NAM"),
    ("US", "United States", "NAM", "country", "USA", 2, "WORLD/NAM/US"),
    ("ID", "Indonesia", "WORLD", "country", "IDN", 1, "WORLD/ID"),
]
METRICS = [
    ("gmv", "GMV", "money", True, True, False),
    ("revenue", "Revenue", "money", True, True, False),
    ("refund_rate", "Refund rate", "ratio", False, False, False),
]
SOURCES = [
    ("s_filing", "SEC", "10-K", "https://sec.example/10k", "2025-02-01", "filing"),
    ("s_press", "The Information", "Shop misses", "https://press.example/a", "2025-09-28", "press"),
    ("s_leak", "Internal memo", "2024 plan", None, "2024-01-03", "leak"),
    (
        "s_analyst",
        "Analyst house",
        "Estimates",
        "https://analyst.example",
        "2025-10-01",
        "third_party_estimate",
    ),
]

Y2024 = ("2024", "year", "2024-01-01", "2024-12-31")


def month(year: int, m: int) -> tuple[str, str, str, str]:
    last_day = calendar.monthrange(year, m)[1]
    return (f"{year}-{m:02d}", "month", f"{year}-{m:02d}-01", f"{year}-{m:02d}-{last_day}")


def fig(
    figure_id,
    metric,
    region,
    period,
    kind,
    value,
    as_of,
    source,
    *,
    bound="exact",
    high=None,
    unit="USD",
    direction=None,
    entity=SHOP,
):
    """One row of table figures, by column name (the columns not named here are null)."""
    label, grain, start, end = period
    return {
        "figure_id": figure_id,
        "dataset": "test",
        "entity": entity,
        "metric": metric,
        "region_code": region,
        "period": label,
        "grain": grain,
        "period_start": start,
        "period_end": end,
        "kind": kind,
        "is_expectation": kind not in ("actual", "estimate"),
        "value": value,
        "value_high": high,
        "bound": bound,
        "unit": unit,
        "direction": direction,
        "as_of": as_of,
        "as_of_precision": "day",
        "source_id": source,
        "value_raw": value,
        "value_high_raw": high,
        "unit_raw": unit,
        "file": "figures.csv",
        "row_number": 1,
    }


# fmt: off
FIGURES = [
    # US GMV 2024: a target revised after the year, an actual and a third-party estimate
    fig("f01", "gmv", "US", Y2024, "target", 17.5 * BN, "2024-01-03", "s_leak"),
    fig("f02", "gmv", "US", Y2024, "target", 15.5 * BN, "2025-09-28", "s_press"),
    fig("f03", "gmv", "US", Y2024, "actual", 8.5 * BN, "2025-09-28", "s_press"),
    fig("f04", "gmv", "US", Y2024, "estimate", 9 * BN, "2025-10-01", "s_analyst"),
    # US GMV 2024 guidance: four vintages, two on the same day (tie broken by figure_id)
    fig("g1", "gmv", "US", Y2024, "guidance", 16 * BN, "2024-02-01", "s_leak"),
    fig("g2", "gmv", "US", Y2024, "guidance", 16.5 * BN, "2024-02-01", "s_leak"),
    fig("g3", "gmv", "US", Y2024, "guidance", 14 * BN, "2024-11-15", "s_leak"),
    fig("g4", "gmv", "US", Y2024, "guidance", 15 * BN, "2025-02-01", "s_press"),
    # US GMV 2024 to date: Jan-May reported as "under $2bn", and months Jan, Feb, Apr (March missing)
    fig("p01", "gmv", "US", ("2024-01..2024-05", "span", "2024-01-01", "2024-05-31"), "actual", 2 * BN,
        "2024-06-10", "s_press", bound="at_most"),
    fig("p02", "gmv", "US", month(2024, 1), "actual", 0.3 * BN, "2024-02-05", "s_filing"),
    fig("p03", "gmv", "US", month(2024, 2), "actual", 0.4 * BN, "2024-03-05", "s_press"),
    fig("p04", "gmv", "US", month(2024, 4), "actual", 0.5 * BN, "2024-05-05", "s_filing"),
    # Indonesia GMV 2024 against a range target; Q3 reported by two sources that agree
    fig("r01", "gmv", "ID", Y2024, "target", 12 * BN, "2024-01-10", "s_leak", high=13 * BN),
    fig("r02", "gmv", "ID", Y2024, "actual", 12.2 * BN, "2025-02-01", "s_filing"),
    fig("r03", "gmv", "ID", ("2024-Q3", "quarter", "2024-07-01", "2024-09-30"), "actual", 3 * BN,
        "2024-10-15", "s_press"),
    fig("r04", "gmv", "ID", ("2024-Q3", "quarter", "2024-07-01", "2024-09-30"), "actual", 3 * BN,
        "2024-10-20", "s_filing"),
    fig("r05", "gmv", "ID", ("2024-Q3", "quarter", "2024-07-01", "2024-09-30"), "projection", 3.5 * BN,
        "2024-06-01", "s_leak"),
    # bounds: "at least 5bn" vs 7bn could still be above; "at most 2bn" vs 7bn is certainly below
    fig("b01", "revenue", "US", ("2023", "year", "2023-01-01", "2023-12-31"), "actual", 5 * BN, "2024-02-01",
        "s_press", bound="at_least"),
    fig("b02", "revenue", "US", ("2023", "year", "2023-01-01", "2023-12-31"), "target", 7 * BN, "2023-01-05",
        "s_leak"),
    fig("b03", "revenue", "US", ("2022", "year", "2022-01-01", "2022-12-31"), "actual", 2 * BN, "2023-02-01",
        "s_press", bound="at_most"),
    fig("b04", "revenue", "US", ("2022", "year", "2022-01-01", "2022-12-31"), "target", 7 * BN, "2022-01-05",
        "s_leak", bound="approx"),
    # a consensus in another unit is never compared
    fig("b05", "revenue", "US", ("2022", "year", "2022-01-01", "2022-12-31"), "consensus", 3.0, "2022-01-05",
        "s_analyst", unit="count"),
    # lower is better: a refund rate above target is a shortfall
    fig("x01", "refund_rate", "US", Y2024, "actual", 0.05, "2025-01-15", "s_filing", unit="ratio"),
    fig("x02", "refund_rate", "US", Y2024, "target", 0.04, "2024-01-03", "s_leak", unit="ratio"),
    # qualitative claims: one about a compared period, one about a period without numbers
    fig("q01", "gmv", "US", Y2024, "actual", None, "2025-09-28", "s_press", direction="below"),
    fig("q02", "revenue", "US", ("2021", "year", "2021-01-01", "2021-12-31"), "actual", None, "2022-03-01",
        "s_press", direction="above"),
]
# US GMV monthly 2025 against 100m projections: miss, miss, miss, hit, miss, miss
US_2025_ACTUALS = [90, 80, 95, 110, 70, 60]
for _m, _actual in enumerate(US_2025_ACTUALS, start=1):
    FIGURES.append(fig(f"m{_m:02d}a", "gmv", "US", month(2025, _m), "actual", _actual * M, "2025-08-01", "s_filing"))
    FIGURES.append(fig(f"m{_m:02d}p", "gmv", "US", month(2025, _m), "projection", 100 * M, "2024-12-01", "s_leak"))
# ...and a reported 2025-Q2 projection, which wins over the sum of the months
FIGURES.append(fig("q2p", "gmv", "US", ("2025-Q2", "quarter", "2025-04-01", "2025-06-30"), "projection", 290 * M,
                   "2024-12-01", "s_leak"))
FIGURES.append(fig("q2a", "gmv", "US", ("2025-Q2", "quarter", "2025-04-01", "2025-06-30"), "actual", 240 * M,
                   "2025-08-01", "s_filing"))
# Indonesia 2025: July and August only, so no 2025-Q3 rollup
for _m in (7, 8):
    FIGURES.append(fig(f"i{_m:02d}a", "gmv", "ID", month(2025, _m), "actual", 50 * M, "2025-09-05", "s_filing"))
    FIGURES.append(fig(f"i{_m:02d}p", "gmv", "ID", month(2025, _m), "projection", 60 * M, "2025-06-01", "s_leak"))
# fmt: on


def source_rows(sources: list[tuple] = SOURCES) -> list[dict]:
    """SOURCES (or other rows in its column order) as rows of table sources of dataset 'test'."""
    return [
        {**row, "dataset": "test", "file": "sources.csv", "row_number": 1}
        for row in named(SOURCE_COLUMNS, sources)
    ]


def seeded(path, figures: list[dict], metrics: list[tuple] = METRICS) -> duckdb.DuckDBPyConnection:
    """A warehouse file with the reference rows, the sources and these figures, and the views."""
    return seeded_warehouse(
        path,
        regions=named(REGION_COLUMNS, REGIONS),
        metrics=named(METRIC_COLUMNS, metrics),
        sources=source_rows(),
        figures=figures,
    )


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    con = seeded(tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb", FIGURES)
    yield con
    con.close()


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    rel = con.execute(sql, params or [])
    names = [d[0] for d in rel.description]
    return [dict(zip(names, row, strict=True)) for row in rel.fetchall()]


def one(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> dict:
    found = rows(con, sql, params)
    assert len(found) == 1, found
    return found[0]


def comparison(con, region: str, metric: str, period: str, kind: str, policy: str) -> dict:
    return one(
        con,
        "select * from actual_vs_expectation where region_code = ? and metric = ? and period = ?"
        " and expectation_kind = ? and policy = ? and actual_vintage = 'latest'",
        [region, metric, period, kind, policy],
    )


def test_actual_figures_prefers_actual_over_estimate(con):
    row = one(
        con, "select * from actual_figures where region_code = 'US' and metric = 'gmv' and period = '2024'"
    )
    assert (row["value"], row["kind"], row["figure_id"], row["candidates"]) == (8.5 * BN, "actual", "f03", 2)
    # direction-only claims are not candidates, and every period has exactly one chosen actual
    dupes = one(
        con,
        "select count(*) - count(distinct (entity, metric, region_code, period)) as n from actual_figures",
    )
    assert dupes["n"] == 0


def test_target_policies(con):
    at_end = comparison(con, "US", "gmv", "2024", "target", "at_period_end")
    assert at_end["expectation"] == 17.5 * BN
    assert at_end["attainment"] == pytest.approx(8.5 / 17.5)
    assert at_end["variance"] == pytest.approx(-9 * BN)
    assert at_end["variance_pct"] == pytest.approx(-9 / 17.5)
    assert at_end["vintages"] == 2
    assert at_end["expectation_published_after_period"] is False
    assert (at_end["direction"], at_end["is_shortfall"], at_end["direction_certain"]) == ("below", True, True)
    assert at_end["in_range"] is None

    latest = comparison(con, "US", "gmv", "2024", "target", "latest")
    assert latest["expectation"] == 15.5 * BN
    assert latest["variance_pct"] == pytest.approx(-7 / 15.5)  # -0.4516...
    assert latest["expectation_published_after_period"] is True
    assert comparison(con, "US", "gmv", "2024", "target", "original")["expectation_figure_id"] == "f01"


def test_guidance_policies_and_tie_break(con):
    chosen = {
        p: comparison(con, "US", "gmv", "2024", "guidance", p)["expectation_figure_id"]
        for p in ("at_period_end", "original", "latest")
    }
    # g1 and g2 share an as_of: the original is the lower figure_id
    assert chosen == {"at_period_end": "g3", "original": "g1", "latest": "g4"}


def test_range_compares_with_midpoint(con):
    row = comparison(con, "ID", "gmv", "2024", "target", "at_period_end")
    assert (row["expectation"], row["expectation_low"], row["expectation_high"]) == (
        12.5 * BN,
        12 * BN,
        13 * BN,
    )
    assert row["variance"] == pytest.approx(-0.3 * BN)
    assert row["attainment"] == pytest.approx(12.2 / 12.5)
    assert (row["in_range"], row["direction"], row["is_shortfall"], row["direction_certain"]) == (
        True,
        "in_line",
        False,
        True,
    )


def test_at_period_end_needs_a_vintage_before_the_end(con):
    # the ID range target has one vintage, published before the year ended: all three policies
    found = rows(
        con,
        "select policy from actual_vs_expectation where region_code = 'ID' and period = '2024'"
        " and actual_vintage = 'latest'",
    )
    assert sorted(r["policy"] for r in found) == ["at_period_end", "latest", "original", "when_reported"]
    # a target first published after the period has no at_period_end row
    con.execute(
        "create or replace temp table late as select * from actual_vs_expectation"
        " where expectation_as_of > period_end and policy = 'at_period_end'"
    )
    assert one(con, "select count(*) as n from late")["n"] == 0


def test_bounds_make_direction_uncertain(con):
    at_least = comparison(con, "US", "revenue", "2023", "target", "latest")
    assert (at_least["direction"], at_least["direction_certain"], at_least["is_bound"]) == (
        "below",
        False,
        True,
    )
    at_most = comparison(con, "US", "revenue", "2022", "target", "latest")
    assert (at_most["direction"], at_most["direction_certain"]) == ("below", True)
    assert (at_most["is_bound"], at_most["is_approximate"]) == (True, True)


def test_units_must_match(con):
    kinds = rows(con, "select distinct expectation_kind from actual_vs_expectation where period = '2022'")
    assert [r["expectation_kind"] for r in kinds] == ["target"]


def test_an_actual_never_restated_is_its_own_first_release(con):
    # one actual per period here: no first-release row of its own (a policy still gives one row per comparison),
    # and the latest row says it is the first release too
    found = rows(
        con,
        "select actual_vintage, is_first_release from actual_vs_expectation"
        " where region_code = 'ID' and period = '2024' and policy = 'latest'",
    )
    assert found == [{"actual_vintage": "latest", "is_first_release": True}]


def test_lower_is_better(con):
    row = comparison(con, "US", "refund_rate", "2024", "target", "latest")
    assert (row["direction"], row["is_shortfall"]) == ("above", True)
    # a ratio of 0.05 against 0.04: one point (100 bp) worse, not "25 % over"
    assert row["variance_pct"] is None and row["attainment"] is None
    assert row["variance_bps"] == pytest.approx(100.0)
    assert row["performance_pct"] == pytest.approx(-0.01)


def test_shortfall_streaks(con):
    found = rows(
        con,
        "select * from shortfall_streaks where region_code = 'US' and grain = 'month'"
        " and expectation_kind = 'projection' and policy = 'at_period_end' order by streak_start",
    )
    assert [(r["first_period"], r["last_period"], r["length"]) for r in found] == [
        ("2025-01", "2025-03", 3),
        ("2025-05", "2025-06", 2),
    ]
    assert [r["cumulative_shortfall"] for r in found] == pytest.approx([35 * M, 70 * M])
    assert [r["is_current"] for r in found] == [False, True]
    assert (found[1]["streak_start"], found[1]["streak_end"]) == (date(2025, 5, 1), date(2025, 6, 30))


def test_quarter_rollup(con):
    found = rows(
        con,
        "select * from variance_by_region_quarter where expectation_kind = 'projection'"
        " and policy = 'latest' order by region_code, quarter",
    )
    got = {(r["region_code"], r["quarter"]): r for r in found}
    # ID 2025-Q3 has only July and August: no rollup
    assert sorted(got) == [("ID", "2024-Q3"), ("US", "2025-Q1"), ("US", "2025-Q2")]
    q1 = got[("US", "2025-Q1")]
    assert (q1["actual"], q1["expectation"], q1["basis"]) == (
        pytest.approx(265 * M),
        300 * M,
        "sum of 3 months",
    )
    assert q1["variance_pct"] == pytest.approx(-35 / 300)
    assert (q1["direction"], q1["is_shortfall"]) == ("below", True)
    assert (q1["period_start"], q1["period_end"]) == (date(2025, 1, 1), date(2025, 3, 31))
    assert (q1["actual_source_ids"], q1["expectation_source_ids"]) == ("s_filing", "s_leak")
    assert (q1["region_name"], q1["region_level"], q1["region_parent"]) == ("United States", "country", "NAM")
    # a reported quarter wins over the sum of its months
    q2 = got[("US", "2025-Q2")]
    assert (q2["actual"], q2["expectation"], q2["basis"]) == (240 * M, 290 * M, "reported")
    id_q3 = got[("ID", "2024-Q3")]
    assert id_q3["attainment"] == pytest.approx(3 / 3.5)


def test_pacing(con):
    found = rows(
        con,
        "select * from pacing where region_code = 'US' and expectation_kind = 'target'"
        " and policy = 'at_period_end' order by to_date_end, basis",
    )
    assert [(r["to_date_end"], r["basis"]) for r in found] == [
        (date(2024, 1, 31), "reported"),
        (date(2024, 2, 29), "sum of 2 months"),  # April is not summed: March is missing
        (date(2024, 5, 31), "reported"),
    ]
    jan_may = found[2]
    share = 5 / 12  # January to May of a year: whole months (DESIGN.md: 42% of the year)
    assert jan_may["expectation"] == 17.5 * BN
    assert (jan_may["actual_to_date"], jan_may["actual_bound"]) == (2 * BN, "at_most")
    assert jan_may["elapsed_share"] == pytest.approx(share)
    assert jan_may["share_achieved"] == pytest.approx(2 / 17.5)
    assert jan_may["expected_to_date"] == pytest.approx(17.5 * BN * share)
    assert jan_may["pace_attainment"] == pytest.approx(2 / (17.5 * share))
    assert jan_may["run_rate_projection"] == pytest.approx(2 * BN / share)
    jan_feb = found[1]
    assert jan_feb["actual_to_date"] == pytest.approx(0.7 * BN)
    assert jan_feb["elapsed_share"] == pytest.approx(2 / 12)
    assert jan_feb["source_ids"] == "s_filing,s_press"
    assert jan_feb["actual_bound"] == "exact"
    latest = one(
        con,
        "select * from pacing where expectation_kind = 'target' and policy = 'latest' and basis = 'reported'"
        " and region_code = 'US' and to_date_end = '2024-05-31'",
    )
    assert latest["share_achieved"] == pytest.approx(2 / 15.5)


def test_expectation_revisions(con):
    found = rows(
        con,
        "select * from expectation_revisions where region_code = 'US' and metric = 'gmv' and kind = 'target'"
        " order by vintage",
    )
    assert [(r["vintage"], r["vintages"], r["value"]) for r in found] == [
        (1, 2, 17.5 * BN),
        (2, 2, 15.5 * BN),
    ]
    assert found[0]["previous_value"] is None
    assert found[1]["change"] == pytest.approx(-2 * BN)
    assert found[1]["change_pct"] == pytest.approx(-2 / 17.5)
    assert found[1]["previous_as_of"] == date(2024, 1, 3)
    assert [(r["is_original"], r["is_latest"]) for r in found] == [(True, False), (False, True)]
    ranged = one(con, "select * from expectation_revisions where figure_id = 'r01'")
    assert (ranged["value"], ranged["value_low"], ranged["value_high"]) == (12.5 * BN, 12 * BN, 13 * BN)


def test_source_disagreement(con):
    found = rows(con, "select * from source_disagreement order by region_code, period, kind_group")
    keys = [(r["region_code"], r["period"], r["kind_group"]) for r in found]
    # ID 2024-Q3 actuals come from two sources but agree: not a disagreement
    assert keys == [("US", "2024", "actual"), ("US", "2024", "guidance"), ("US", "2024", "target")]
    actual = found[0]
    assert (actual["figures"], actual["sources"]) == (2, 2)
    assert (actual["min_value"], actual["max_value"], actual["spread"]) == (8.5 * BN, 9 * BN, 0.5 * BN)
    assert actual["spread_pct"] == pytest.approx(0.5 / 8.5)
    assert (actual["source_ids"], actual["figure_ids"]) == ("s_press,s_analyst", "f03,f04")
    assert [(v["figure_id"], v["kind"]) for v in actual["values"]] == [("f03", "actual"), ("f04", "estimate")]
    guidance = found[1]
    # s_leak gave three vintages (g1, g2, g3): only its latest, g3 (14bn), is compared with s_press's g4 (15bn)
    assert (guidance["figures"], guidance["sources"]) == (2, 2)
    assert (guidance["source_ids"], guidance["figure_ids"]) == ("s_leak,s_press", "g3,g4")
    assert (guidance["min_value"], guidance["max_value"]) == (14 * BN, 15 * BN)
    # one vintage each, at different dates (2024-01-03 and 2025-09-28): still two sources' latest words
    target = found[2]
    assert (target["figure_ids"], target["spread"]) == ("f02,f01", 2 * BN)


# Per source, only the latest vintage (max as_of, then highest figure_id) of a group is compared.
# fmt: off
VINTAGE_FIGURES = [
    # a target revised by s_leak (10bn -> 8bn) that s_press quotes at 8bn: the sources agree today
    fig("v01", "gmv", "US", month(2024, 1), "target", 10 * BN, "2023-12-01", "s_leak"),
    fig("v02", "gmv", "US", month(2024, 1), "target", 8 * BN, "2024-01-20", "s_leak"),
    fig("v03", "gmv", "US", month(2024, 1), "target", 8 * BN, "2024-01-25", "s_press"),
    # an actual restated by s_filing (5bn -> 5.5bn, one as an estimate first) that s_press reports as 5.5bn
    fig("v11", "gmv", "US", month(2024, 2), "estimate", 5 * BN, "2024-03-05", "s_filing"),
    fig("v12", "gmv", "US", month(2024, 2), "actual", 5.5 * BN, "2024-04-30", "s_filing"),
    fig("v13", "gmv", "US", month(2024, 2), "actual", 5.5 * BN, "2024-05-02", "s_press"),
    # s_leak cut its guidance to 11bn; s_press still quotes 12bn, which s_leak once said: a disagreement
    fig("v21", "gmv", "US", month(2024, 3), "guidance", 12 * BN, "2024-01-10", "s_leak"),
    fig("v22", "gmv", "US", month(2024, 3), "guidance", 11 * BN, "2024-02-10", "s_leak"),
    fig("v23", "gmv", "US", month(2024, 3), "guidance", 12 * BN, "2024-02-01", "s_press"),
    # two vintages of s_leak on the same day: the higher figure_id is the latest (v32 agrees with s_press)
    fig("v31", "gmv", "US", month(2024, 4), "projection", 20 * BN, "2024-01-10", "s_leak"),
    fig("v32", "gmv", "US", month(2024, 4), "projection", 21 * BN, "2024-01-10", "s_leak"),
    fig("v33", "gmv", "US", month(2024, 4), "projection", 21 * BN, "2024-01-12", "s_press"),
    # ...and mirrored: the same-day tie goes to v42 (20bn), which s_press's 21bn disagrees with
    fig("v41", "gmv", "US", month(2024, 5), "projection", 21 * BN, "2024-01-10", "s_leak"),
    fig("v42", "gmv", "US", month(2024, 5), "projection", 20 * BN, "2024-01-10", "s_leak"),
    fig("v43", "gmv", "US", month(2024, 5), "projection", 21 * BN, "2024-01-12", "s_press"),
    # one source restating its own actual is a revision, not a disagreement between sources
    fig("v51", "gmv", "US", month(2024, 6), "actual", 6 * BN, "2024-07-05", "s_filing"),
    fig("v52", "gmv", "US", month(2024, 6), "actual", 6.5 * BN, "2024-09-05", "s_filing"),
]
# fmt: on


@pytest.fixture(scope="module")
def vintage_con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    con = seeded(tmp_path_factory.mktemp("vintages") / "warehouse.duckdb", VINTAGE_FIGURES)
    yield con
    con.close()


def test_source_disagreement_compares_each_sources_latest_vintage(vintage_con):
    found = rows(vintage_con, "select * from source_disagreement order by period")
    # 2024-01, -02, -04 and -06 differ only through older vintages (or one source's restatement): absent
    assert [(r["period"], r["kind_group"]) for r in found] == [
        ("2024-03", "guidance"),
        ("2024-05", "projection"),
    ]
    guidance, projection = found
    assert (guidance["figures"], guidance["sources"], guidance["spread"]) == (2, 2, 1 * BN)
    assert (guidance["source_ids"], guidance["figure_ids"]) == ("s_leak,s_press", "v22,v23")
    # `values` lists the compared figures only: s_leak's superseded 12bn (v21) is not among them
    assert [(v["figure_id"], v["value"], v["source_id"], v["as_of"]) for v in guidance["values"]] == [
        ("v22", 11 * BN, "s_leak", date(2024, 2, 10)),
        ("v23", 12 * BN, "s_press", date(2024, 2, 1)),
    ]
    assert (projection["figure_ids"], projection["min_value"], projection["max_value"]) == (
        "v42,v43",
        20 * BN,
        21 * BN,
    )


def test_qualitative_claims(con):
    found = rows(con, "select * from qualitative_claims order by figure_id")
    assert [(r["figure_id"], r["direction"], r["has_numeric_comparison"]) for r in found] == [
        ("q01", "below", True),
        ("q02", "above", False),
    ]
    assert (found[0]["publisher"], found[0]["region_name"]) == ("The Information", "United States")


def test_figure_evidence_keeps_every_figure(con):
    assert one(con, "select count(*) as n from figure_evidence")["n"] == len(FIGURES)
    row = one(con, "select * from figure_evidence where figure_id = 'p01'")
    assert (row["publisher"], row["reliability"], row["region_name"], row["bound"]) == (
        "The Information",
        "press",
        "United States",
        "at_most",
    )


def test_examples_run(con):
    from pipelines.warehouse.sqlfiles import sql_files

    examples = sql_files("examples")
    assert examples, "sql/examples is empty"
    for path in examples:
        con.sql(path.read_text()).fetchall()


def test_pacing_carries_the_expectations_unit_and_the_chart_labels_with_it(tmp_path):
    """A yearly target in orders paced by monthly actuals: `pacing.unit` is 'orders', and the Trends page's
    pacing chart and expectation picker say orders (they said USD whatever the unit, issue 12)."""

    from dashboard.charts.pacing import pacing_chart
    from dashboard.sections.pacing import expectation_labels

    figures = [
        fig("o1", "orders", "US", Y2024, "target", 1_200_000, "2024-01-03", "s_leak", unit="orders"),
        *(
            fig(
                f"o{m + 1}",
                "orders",
                "US",
                month(2024, m),
                "actual",
                100_000,
                "2025-02-01",
                "s_filing",
                unit="orders",
            )  # fmt: skip
            for m in (1, 2, 3)
        ),
    ]
    con = seeded(
        tmp_path / "warehouse.duckdb", figures, [*METRICS, ("orders", "Orders", "count", True, True, False)]
    )
    paces = con.sql(
        "select * from pacing where metric = 'orders' and policy = 'at_period_end' order by to_date_end"
    ).pl()
    con.close()
    assert paces["basis"].to_list() == ["reported", "sum of 2 months", "sum of 3 months"]
    assert set(paces["unit"].to_list()) == {"orders"}
    title = pacing_chart(paces.tail(1), "Orders").layout.yaxis.title.text
    assert "orders" in title and "USD" not in title, title
    _, labels = expectation_labels(paces, {"US": "United States"})
    assert labels == ["United States · target for 2024 (1.2 orders m)"], labels
