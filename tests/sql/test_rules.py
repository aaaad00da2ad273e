"""The rules written once in sql/views/base/ (region_lineage, grain_order, expectation_preference) and read by
Python through pipelines/warehouse/rules.py."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

from pipelines.warehouse import rules

REPO = Path(__file__).resolve().parents[2]


def test_region_lineage_on_the_case_study(case_warehouse) -> None:
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        lineage = con.sql("select * from region_lineage").pl()
        regions = con.sql("select region_code, depth, path from regions").pl()
        related = rules.related_regions(con, "US")
    pairs = {(a, d): depth for a, d, _, depth in lineage.iter_rows()}
    assert ("WORLD", "US") in pairs and ("US", "US") in pairs and ("US", "WORLD") not in pairs
    assert all(("WORLD", code) in pairs for code in regions["region_code"])  # the world contains every region
    assert all((code, code) in pairs for code in regions["region_code"])  # and each region itself
    assert lineage.filter(pl.col("ancestor_code") == pl.col("descendant_code"))["distance"].to_list() == [
        0
    ] * (regions.height)
    depth = dict(zip(regions["region_code"], regions["depth"], strict=True))
    assert all(d == depth[a] for (a, _), d in pairs.items())
    # the same rule applied by Python to the regions frame gives the same pairs
    assert rules.lineage_pairs(regions) == pairs
    assert "WORLD" in related and "US" in related and "CA" not in related and "GB" not in related


def test_python_reads_the_value_tables() -> None:
    assert rules.GRAIN_ORDER == ("month", "quarter", "half", "year")
    assert rules.WINDOW_K == {"month": 6, "quarter": 4, "half": 2, "year": 2}
    assert rules.MONTHS_PER_PERIOD == {"month": 1, "quarter": 3, "half": 6, "year": 12}
    assert rules.EXPECTATION_PREFERENCE == ("target", "guidance", "budget", "consensus", "projection")


def test_event_windows_use_the_grains_table(case_warehouse) -> None:
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        k = dict(con.sql("select distinct grain, k from event_windows").fetchall())
    assert k and all(rules.WINDOW_K[grain] == size for grain, size in k.items())


def test_the_containment_rule_is_written_only_in_region_lineage() -> None:
    """No other SQL or pipeline code tests 'path starts with path/': they read region_lineage."""
    pattern = re.compile(r"starts_?with\([^)]*path|path\"?\]?\.startswith\(|\.path\s*\+\s*'/'")
    files = [*(REPO / "sql").rglob("*.sql"), *(REPO / "pipelines").rglob("*.py")]
    offenders = [
        str(p.relative_to(REPO))
        for p in files
        if p.name != "region_lineage.sql" and pattern.search(p.read_text())
    ]
    assert offenders == []
