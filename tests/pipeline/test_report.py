"""`impact report` on the built case study: one self-contained HTML file, every `[n]` resolving to a listed
source, stamped with the warehouse's build; bad selections refused with what exists."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli.main import main

CITE = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def us_report(case_warehouse: Path, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("report") / "us.html"
    result = CliRunner().invoke(
        main,
        ["report", "--entity", "TikTok Shop", "--metric", "gmv", "--region", "US", "--period", "2024",
         "--warehouse", str(case_warehouse), "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def _body_and_sources(html: str) -> tuple[str, dict[int, str]]:
    body, _, listed = html.partition('<section class="sources">')
    sources = {
        int(n): sid
        for n, sid in re.findall(r'<li id="source-(\d+)" value="\d+"><code>([^<]+)</code>', listed)
    }
    body = re.sub(r"<script>.*?</script>", "", body, flags=re.S)  # Plotly's bundle and the figures' JSON
    return body, sources


def test_every_citation_resolves_and_every_source_is_cited(us_report: str) -> None:
    body, sources = _body_and_sources(us_report)
    cited = {int(n) for n in CITE.findall(body)}
    assert sources and cited == set(sources), cited ^ set(sources)
    assert sorted(sources) == list(range(1, len(sources) + 1))  # numbered 1..n, none skipped


def test_headline_figures_are_cited_from_their_own_sources(us_report: str, case_warehouse: Path) -> None:
    body, sources = _body_and_sources(us_report)
    by_id = {sid: n for n, sid in sources.items()}
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        actual_src, expected_src = con.execute(
            "select actual_source_id, expectation_source_id from actual_vs_expectation where entity = 'TikTok Shop'"
            " and metric = 'gmv' and region_code = 'US' and period = '2024' and actual_vintage = 'latest'"
            " and policy = 'at_period_end' and expectation_kind = 'target'"
        ).fetchone()
    # the tiles: the actual and the target, each followed by its own source's marker
    assert re.search(rf"USD 8\.5bn <span class=\"cite\">\[{by_id[actual_src]}\]</span>", body)
    assert re.search(rf"USD 17\.5bn <span class=\"cite\">\[{by_id[expected_src]}\]</span>", body)
    assert (
        f"USD 9.0bn (51.4%) [{by_id[actual_src]}][{by_id[expected_src]}]" in body
    )  # the narrative, renumbered


def test_the_file_is_self_contained_and_stamped(us_report: str, case_warehouse: Path) -> None:
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        inputs_hash, fingerprint = con.execute(
            "select inputs_hash, schema_fingerprint from build_info"
        ).fetchone()
    assert inputs_hash in us_report and fingerprint in us_report
    assert not re.search(
        r"<(script|link|img|iframe)[^>]+(src|href)=", us_report
    )  # nothing loaded from anywhere
    assert "default-src 'none'" in us_report
    assert us_report.count('<figure class="chart"') >= 3  # heatmap, trend, pacing (US 2024 is paced)
    for section in (
        "Current shortfall streaks",
        "Pacing",
        "Events and their impact",
        "From the first expectation to the actual",
        "Expectations that could not be compared",
    ):
        assert f"<h2>{section}</h2>" in us_report  # fmt: skip
    assert "actuals inside 2024-H2" in us_report  # an unmatched expectation, with its reason


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--region", "XX"], "in 'XX' (have: SEA, US, WORLD)"),
        (["--region", "US", "--period", "1999"], "no comparison for US in '1999' (have: 2024)"),
        (["--kind", "budget"], "against 'budget' (have: target)"),
    ],
)
def test_a_selection_with_nothing_to_report_says_what_exists(case_warehouse, tmp_path, args, said) -> None:
    result = CliRunner().invoke(
        main, ["report", "--entity", "TikTok Shop", "--metric", "gmv", *args,
               "--warehouse", str(case_warehouse), "--out", str(tmp_path / "x.html")],
    )  # fmt: skip
    assert result.exit_code == 1 and said in result.output, result.output
    assert not (tmp_path / "x.html").exists()
