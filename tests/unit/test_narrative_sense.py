"""The narrative's comparison sentence reads the metric's sense (favourable) and says when a side is a rollup."""

from __future__ import annotations

from pipelines.effects.narrative import _Citer, _miss_sentence


def comparison(**over) -> dict:
    row = {
        "actual": -50e6,
        "expectation": -100e6,
        "variance": 50e6,
        "variance_pct": 0.5,
        "direction": "above",
        "favourable": True,
        "expectation_kind": "budget",
        "actual_source_id": "books",
        "expectation_source_id": "plan",
        "basis": "reported",
        "actual_components": 1,
        "actual_approximate_components": 0,
        "expectation_components": 1,
        "expectation_approximate_components": 0,
    }
    return row | over


def sentence(row: dict) -> str:
    return _miss_sentence("Acme", "Net profit", "US", "2024-Q1", {"unit": "USD"}, row, _Citer({}))


def test_a_smaller_loss_than_planned_reads_better_than_expected():
    text = sentence(comparison())
    assert "above the budget" in text and text.endswith("better than expected.")


def test_costs_over_budget_read_worse_than_expected():
    text = sentence(
        comparison(actual=410.0, expectation=400.0, variance=10.0, variance_pct=0.025, favourable=False)
    )
    assert text.endswith("worse than expected.")


def test_a_rolled_up_actual_says_what_it_sums_and_cites_every_source():
    citer = _Citer({})
    row = comparison(
        basis="actual: sum of 12 months",
        actual_components=12,
        actual_approximate_components=3,
        actual_source_id="s_filing,s_press",
    )
    text = _miss_sentence("Acme", "Net profit", "US", "2024", {"unit": "USD"}, row, citer)
    assert "(sum of 12 months, 3 approximate)" in text
    assert [c.source_id for c in citer.citations()] == ["s_filing", "s_press", "plan"]
