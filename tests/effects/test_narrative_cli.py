"""The cited narrative and the `impact effect` / `impact explain` commands on seeded warehouses."""

from __future__ import annotations

import json
import re
from datetime import date

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli.main import main as impact_commands
from pipelines.effects.assess import explain_period
from pipelines.warehouse.rules import WINDOW_K
from pipelines.warehouse.sqlfiles import create_tables, create_views
from tests.helpers import event_rows, seed

from .conftest import REGION_COLUMNS, REGIONS, SOURCES, figure_row, source_rows
from .synthetic import synthetic

# a number (amount, percentage, date), possibly followed by more numbers in brackets, then citation markers
CITED_NUMBER = re.compile(
    r"[-+]?\d[\d.,\-]*(?:tn|bn|m|k)?%?\)?(?:\s*\(?[-+]?\d[\d.,\-]*(?:tn|bn|m|k)?%?\)?)*\s*(?:\[\d+\])+"
)


def uncited_numbers(text: str) -> list[str]:
    exempt = [
        r"(?m)^The (miss|streak|events|estimate): ",  # the parts' headings
        r"^[^:]*:",  # the subject ('... in Canada, 2024-03:') names the period, not a figure
        # counts of the window's events: the named ones are cited, the others listed by id
        r"\d+ events in related jurisdictions",
        r"and \d+ more \([^)]*\)",
        r"in the window \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}",  # the window's own bounds
        r"from [\dQH-]+ to [\dQH-]+",  # a streak's first and last period labels
        # a refusal states the method's thresholds and counts periods of the series it cites at its end
        r"can be estimated: .*\(figures: (\[\d+\])+\)",
    ]
    for pattern in exempt:
        text = re.sub(pattern, "", text)
    return re.findall(r"\d[\d.,\-]*", CITED_NUMBER.sub("", text))


def test_narrative_cites_every_number(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        narrative = explain_period(con, "TikTok", "gmv", "CA", "2024-03")
    text = narrative.text
    assert "USD 23.00 [1], which is USD 2.00 (8.0%) [1][2] below the target of USD 25.00 [2]" in text
    assert (
        "current run" not in text
        and "run of 4 [1][2] months short of target, from 2024-01 to 2024-04, USD 10.00 [1][2] short in total"
        in text
    )
    assert "North American pact (NAM, 2024-03-01)" in text
    assert "No effect of North American pact can be estimated" in text  # ten months of history only
    assert uncited_numbers(text) == [], text
    cited = {c.source_id: c for c in narrative.citations}
    assert set(cited) == {"S-ORDERS", "S-PLAN", "S-WSJ"}
    assert cited["S-WSJ"].publisher == "Wall Street Journal" and cited["S-WSJ"].published_on == "2024-11-20"


def test_narrative_is_deterministic(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        first = explain_period(con, "TikTok", "gmv", "CA", "2024-03")
        second = explain_period(con, "TikTok", "gmv", "CA", "2024-03")
    assert first == second


def test_window_sizes_match_the_view(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        k = dict(con.sql("select distinct grain, k from event_windows").fetchall())
    assert k == {"month": WINDOW_K["month"]}


def test_cli_refusal_exits_3_with_the_reason(warehouse):
    result = CliRunner().invoke(
        impact_commands,
        [
            "effect",
            "--event",
            "CA-WINDUP",
            "--metric",
            "gmv",
            "--region",
            "CA",
            "--warehouse",
            str(warehouse),
        ],
    )
    assert result.exit_code == 3, result.output
    assert "Counterfactual: refused." in result.output and "at least 24" in result.output


def test_cli_unknown_event_is_an_error(warehouse):
    result = CliRunner().invoke(
        impact_commands,
        ["effect", "--event", "NOPE", "--metric", "gmv", "--region", "CA", "--warehouse", str(warehouse)],
    )
    assert result.exit_code == 1 and "unknown event 'NOPE'" in result.output


@pytest.fixture
def synthetic_warehouse(tmp_path):
    """48 months of US GMV with a -20% step from 2024-01 (event US-LAW), Canada and Mexico untouched."""
    path = tmp_path / "synthetic.duckdb"
    con = duckdb.connect(str(path))
    create_tables(con)
    seed(con, "regions", REGIONS, columns=REGION_COLUMNS)
    seed(con, "sources", source_rows(SOURCES, with_date=False))
    us_law = ("US-LAW", date(2024, 1, 15), "day", "effective", "US", "law", "US law", "S-WSJ")
    seed(con, "events", event_rows([us_law], file="e.csv"))
    series, controls, _ = synthetic(0)
    rows = [("US", r["period_start"], r["value"]) for r in series.iter_rows(named=True)]
    rows += [
        (r["region_code"], r["period_start"], r["value"])
        for r in controls.iter_rows(named=True)
        if r["region_code"] in ("CA", "MX")
    ]
    figures = []
    for i, (region, start, value) in enumerate(rows):
        period = start.strftime("%Y-%m")
        figures.append(
            figure_row(f"A-{region}-{period}", region, period, start, "actual", value, "S-ORDERS", i)
        )
    seed(con, "figures", figures)
    create_views(con)
    con.close()
    return path


def test_cli_estimate_as_json(synthetic_warehouse):
    result = CliRunner().invoke(
        impact_commands,
        [
            "effect",
            "--event",
            "US-LAW",
            "--metric",
            "gmv",
            "--region",
            "US",
            "--json",
            "--warehouse",
            str(synthetic_warehouse),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    cf = report["counterfactual"]
    assert cf["status"] == "estimated" and cf["controls"] == ["CA", "MX"]
    assert abs(cf["relative_effect"]["estimate"] + 0.2) <= 0.05
    assert report["difference_in_differences"]["status"] == "estimated"
