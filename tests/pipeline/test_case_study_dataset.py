"""The bundled TikTok 2024 case study is a faithful conversion of the raw collection.

Reads the verbatim raw copy in data/raw/tiktok-2024-reports/ and the canonical dataset in
data/datasets/tiktok-2024/ with the csv module only, so it runs from a clean clone without the loader.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pycountry
import pytest

from tests.helpers import CASE_STUDY

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw" / "tiktok-2024-reports"
DATASET = CASE_STUDY
REFERENCE = ROOT / "pipelines" / "reference"

BRIEF_SOURCE = "brief-2024-11-tw-wsj"
KINDS = {"actual", "estimate", "target", "guidance", "consensus", "projection", "budget"}
BOUNDS = {"", "exact", "approx", "at_least", "at_most"}
DIRECTIONS = {"", "below", "in_line", "above"}
RELIABILITY = {"filing", "company", "press", "leak", "third_party_estimate", "analyst_consensus", "internal"}
STATUSES = {"announced", "effective", "expected", "overturned"}
CATEGORIES = {"law", "litigation", "ruling", "regulation", "order", "ban", "market_exit", "other"}
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PERIOD = re.compile(
    r"^(FY)?\d{4}(-(H[12]|Q[1-4]|\d{2}(-\d{2})?))?"
    r"(\.\.\d{4}(-(H[12]|Q[1-4]|\d{2}(-\d{2})?))?)?$"
)
UNIT = re.compile(r"^([A-Z]{3} (bn|m|k)?|%|count( (bn|m|k))?)$")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def raw_figures() -> list[dict[str, str]]:
    return _read(RAW / "reported_figures_raw.csv")


@pytest.fixture(scope="module")
def raw_events() -> list[dict[str, str]]:
    return _read(RAW / "events_raw.csv")


@pytest.fixture(scope="module")
def sources() -> list[dict[str, str]]:
    return _read(DATASET / "sources.csv")


@pytest.fixture(scope="module")
def figures() -> list[dict[str, str]]:
    return _read(DATASET / "figures.csv")


@pytest.fixture(scope="module")
def events() -> list[dict[str, str]]:
    return _read(DATASET / "events.csv")


@pytest.fixture(scope="module")
def regions() -> list[dict[str, str]]:
    return _read(DATASET / "regions.csv")


def _raw_id(figure_id: str) -> str:
    """'E10a' -> 'E10'; 'G13' -> 'G13'."""
    return re.sub(r"[a-z]$", "", figure_id)


def _num(text: str) -> float | None:
    return float(text) if text.strip() else None


def _find(figures, **match) -> list[dict[str, str]]:
    return [f for f in figures if all(f[k] == v for k, v in match.items())]


def _values(rows) -> set[float]:
    return {float(r["value"]) for r in rows if r["value"]}


def test_raw_copy_has_the_documented_row_counts(raw_figures, raw_events):
    assert len(raw_figures) == 88
    assert len(raw_events) == 13
    assert len({r["id"] for r in raw_figures}) == 88


def test_ids_are_unique(sources, figures, events, regions):
    for rows, column in (
        (sources, "source_id"),
        (figures, "figure_id"),
        (events, "event_id"),
        (regions, "code"),
    ):
        counts = Counter(r[column] for r in rows)
        assert [k for k, n in counts.items() if n > 1] == [], column
        assert all(r[column].strip() for r in rows), f"empty {column}"


def test_every_raw_figure_has_a_home(raw_figures, figures):
    canonical = Counter(_raw_id(f["figure_id"]) for f in figures)
    missing = [r["id"] for r in raw_figures if canonical[r["id"]] == 0]
    assert missing == []


def test_nothing_invented(raw_figures, figures):
    """Every canonical figure comes from a raw row (same id or a suffixed split) or from the news brief."""
    raw_ids = {r["id"] for r in raw_figures}
    for f in figures:
        if f["figure_id"].startswith("BRF"):
            assert f["source_id"] == BRIEF_SOURCE
            assert f["value"] == "" and f["direction"] == "below", "the brief reports no numbers"
        else:
            assert re.fullmatch(r"[A-Z]\d{2}[a-z]?", f["figure_id"]), f["figure_id"]
            assert _raw_id(f["figure_id"]) in raw_ids, f["figure_id"]


def test_split_rows_are_suffixed_and_explained(figures):
    by_raw: dict[str, list[dict[str, str]]] = {}
    for f in figures:
        by_raw.setdefault(_raw_id(f["figure_id"]), []).append(f)
    for raw_id, rows in by_raw.items():
        if len(rows) > 1:
            assert all(r["figure_id"] != raw_id for r in rows), f"{raw_id}: split rows all carry a suffix"
            assert all(f"raw row {raw_id}" in r["note"] for r in rows), f"{raw_id}: note explains the split"
    for raw_id in ("A06", "A07", "E10", "G02", "G20", "G37"):
        assert len(by_raw[raw_id]) == 2, raw_id


def test_unsplit_numbers_are_copied_unchanged(raw_figures, figures):
    by_id = {f["figure_id"]: f for f in figures}
    for r in raw_figures:
        f = by_id.get(r["id"])
        if f is None or not r["value"]:
            continue
        assert _num(f["value"]) == pytest.approx(float(r["value"])), r["id"]
        assert _num(f["value_high"]) == _num(r["value_high"]), r["id"]
        if r["currency"] == "CNY":
            assert f["unit"] == "CNY bn", r["id"]
        elif r["unit"].startswith("billion"):
            assert f["unit"] == "USD bn", r["id"]
        elif r["unit"].startswith("percent"):
            assert f["unit"] == "%", r["id"]


def test_qualitative_rows_are_direction_only_actuals(raw_figures, figures):
    qualitative = {r["id"] for r in raw_figures if r["kind"].startswith("qualitative")}
    claims = [f for f in figures if f["direction"]]
    assert {_raw_id(f["figure_id"]) for f in claims} - {"BRF01", "BRF02"} == qualitative
    for f in claims:
        assert f["value"] == "" and f["value_high"] == "", f["figure_id"]
        assert f["kind"] == "actual", f["figure_id"]


def test_figure_columns_use_the_vocabularies(figures, regions):
    metrics = {m["metric"] for m in _read(REFERENCE / "metrics.csv")}
    extra_metrics = DATASET / "metrics.csv"
    if extra_metrics.exists():
        metrics |= {m["metric"] for m in _read(extra_metrics)}
    entities = {e["entity"] for e in _read(REFERENCE / "entities.csv")}
    known_regions = {g["region_code"] for g in _read(REFERENCE / "region_groups.csv")}
    known_regions |= {r["code"] for r in regions}
    for f in figures:
        fid = f["figure_id"]
        assert f["metric"] in metrics, fid
        assert f["entity"] in entities, fid
        assert f["kind"] in KINDS, fid
        assert f["bound"] in BOUNDS, fid
        assert f["direction"] in DIRECTIONS, fid
        assert PERIOD.fullmatch(f["period"]), (fid, f["period"])
        is_country = pycountry.countries.get(alpha_2=f["region"]) is not None
        assert f["region"] in known_regions or is_country, (fid, f["region"])
        if f["value"]:
            assert UNIT.fullmatch(f["unit"]), (fid, f["unit"])
        if f["value_high"]:
            assert float(f["value_high"]) >= float(f["value"]), fid
        assert f["as_of"] == "" or PARTIAL_DATE.fullmatch(f["as_of"]), fid


def test_dataset_region_for_the_ex_us_entities(regions, figures):
    (region,) = [r for r in regions if "UK/Europe/LatAm" in r["name"]]
    assert region["parent"] == "WORLD"
    assert {f["figure_id"] for f in figures if f["region"] == region["code"]} == {"T07", "T08"}


def test_sources_are_complete_and_referenced(sources, figures, events):
    ids = {s["source_id"] for s in sources}
    for row in figures + events:
        assert row["source_id"] in ids, row
    used = {r["source_id"] for r in figures + events}
    assert ids - used == set(), "every source is used"
    for s in sources:
        assert s["publisher"].strip(), s["source_id"]
        assert s["reliability"] in RELIABILITY, s["source_id"]
        assert s["published_on"] == "" or PARTIAL_DATE.fullmatch(s["published_on"]), s["source_id"]


def test_every_raw_source_has_a_source_row(raw_figures, raw_events, sources):
    urls = {s["url"] for s in sources}
    for r in raw_figures + raw_events:
        assert r["url"] == "" or r["url"] in urls, r["url"]


def test_reliability_follows_the_raw_wording(raw_figures, figures, sources):
    by_source = {s["source_id"]: s for s in sources}
    figure_by_id = {f["figure_id"]: f for f in figures}
    for r in raw_figures:
        f = figure_by_id.get(r["id"])
        if f is None:
            continue
        reliability = by_source[f["source_id"]]["reliability"]
        if "Companies House" in r["originally_reported_by"]:
            assert reliability == "filing", r["id"]
        if "leaked/sourced" in r["kind"]:
            assert reliability == "leak", r["id"]
        if "tracker" in r["kind"]:
            assert reliability == "third_party_estimate", r["id"]


def test_the_brief_is_a_source(sources):
    (brief,) = [s for s in sources if s["source_id"] == BRIEF_SOURCE]
    assert brief["publisher"] == "Taiwanese business daily (citing WSJ)"
    assert brief["published_on"] == "2024-11"
    assert brief["originally_reported_by"] == "Wall Street Journal"
    assert "not recorded" in brief["note"]


def test_every_raw_event_has_a_canonical_event(raw_events, events):
    for i, r in enumerate(raw_events, start=1):
        jurisdiction = pycountry.countries.lookup(r["jurisdiction"]).alpha_2
        matches = [e for e in events if f"events_raw.csv row {i}:" in e["note"]]
        assert len(matches) == 1, i
        (e,) = matches
        assert (e["date"], e["jurisdiction"]) == (r["event_date"], jurisdiction), i
        assert e["status"] in STATUSES and e["category"] in CATEGORIES, i


def test_raw_event_types_map_to_categories(raw_events, events):
    expected = {
        "legislation": "law",
        "litigation": "litigation",
        "litigation (ruling)": "ruling",
        "regulation (announced)": "regulation",
        "market exit / compliance": "market_exit",
        "market disruption": "other",
    }
    for i, r in enumerate(raw_events, start=1):
        (e,) = [e for e in events if f"events_raw.csv row {i}:" in e["note"]]
        if r["event_type"] in expected:
            assert e["category"] == expected[r["event_type"]], i
        if r["event_type"] == "regulation (announced)":
            assert e["status"] == "announced", i


def test_brief_events(events):
    brief = {e["event_id"]: e for e in events if e["source_id"] == BRIEF_SOURCE}
    got = {(e["date"], e["jurisdiction"], e["status"]) for e in brief.values()}
    assert ("2025-01-19", "US", "expected") in got  # sell-or-divest deadline
    assert ("2024-12", "US", "expected") in got  # D.C. Circuit decision anticipated
    assert ("2024-11-06", "CA", "effective") in got
    assert ("2024-11-08", "AU", "announced") in got
    australia = [e for e in brief.values() if e["jurisdiction"] == "AU"]
    assert "2024-11-07" in australia[0]["note"]
    for e in events:
        assert PARTIAL_DATE.fullmatch(e["date"]), e["event_id"]
        assert e["date_end"] == "" or e["date_end"] >= e["date"], e["event_id"]


def test_brief_qualitative_figures(figures):
    revenue = _find(figures, source_id=BRIEF_SOURCE, entity="TikTok", metric="revenue")
    assert [(f["period"], f["direction"]) for f in revenue] == [("2024-01..2024-09", "below")]
    gmv = _find(figures, source_id=BRIEF_SOURCE, entity="TikTok Shop", metric="gmv")
    assert [f["direction"] for f in gmv] == ["below"]


def test_us_tiktok_shop_2024_targets_and_actuals(figures):
    us = _find(figures, entity="TikTok Shop", metric="gmv", region="US")
    year = [f for f in us if f["period"] in ("2024", "FY2024")]
    assert {17.5, 15.5} <= _values(f for f in year if f["kind"] == "target")
    assert 8.5 in _values(f for f in year if f["kind"] == "actual")
    (jan_may,) = [f for f in us if f["period"] == "2024-01..2024-05"]
    assert (float(jan_may["value"]), jan_may["bound"]) == (2.0, "at_most")
    (h2,) = [f for f in us if f["period"] == "2024-H2"]
    assert (float(h2["value"]), float(h2["value_high"]), h2["kind"]) == (12.0, 13.0, "target")


def test_2025_targets_were_cut(figures):
    for region, original, revised in (("WORLD", 95.0, 87.0), ("US", 25.0, 18.0)):
        targets = _find(figures, entity="TikTok Shop", metric="gmv", region=region, kind="target")
        values = _values(f for f in targets if f["period"] in ("2025", "FY2025"))
        assert {original, revised} <= values, region
        (cut,) = [f for f in targets if f["value"] and float(f["value"]) == revised]
        assert "revised down" in cut["note"].lower()


def test_2024_global_gmv_disagreement(figures):
    rows = _find(figures, entity="TikTok Shop", metric="gmv", region="WORLD")
    values = _values(
        f for f in rows if f["period"] in ("2024", "FY2024") and f["kind"] in ("actual", "estimate")
    )
    assert {33.2, 40.0, 42.0, 45.0} <= values
