"""The ingest row rules (pipelines/ingest/problems.py RowChecks), as pure functions on small frames: every
rule records one issue per failing row with the column, the value, a reason and (where one exists) a
suggestion; rules never drop rows; split() separates loaded rows from rejected ones."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.problems import Problem, RowChecks, problem_of
from pipelines.ingest.readers import ROW
from pipelines.normalise.periods import PeriodError, parse_period


def checks(**columns) -> RowChecks:
    n = len(next(iter(columns.values())))
    return RowChecks(pl.DataFrame({ROW: list(range(2, n + 2)), **columns}, schema_overrides={ROW: pl.Int32}))


def issues(c: RowChecks) -> list[tuple]:
    return [tuple(r) for r in c.split()[1].select(ROW, "column_name", "value", "reason").iter_rows()]


def test_require_flags_empty_values() -> None:
    c = checks(metric=["gmv", None, "revenue"])
    c.require(["metric"])
    assert issues(c) == [(3, "metric", None, "metric is required but empty")]


def test_numbers_accepts_thousands_separators_and_a_unicode_minus() -> None:
    c = checks(value=["1,234.5", "\u22123", " 17 ", "1.2.3", "inf", None, "ten"])
    c.numbers("value")
    good, found = c.split()
    assert {r: v for r, v in good.select(ROW, "value").iter_rows()} == {2: 1234.5, 3: -3.0, 4: 17.0, 7: None}
    assert [(r, v) for r, _, v, _ in issues(c)] == [(5, "1.2.3"), (6, "inf"), (8, "ten")]
    assert set(found["suggestion"]) == {
        "write a plain number such as 17.5; put the currency and scale in unit"
    }


def test_vocabulary_maps_free_text_and_names_the_accepted_words() -> None:
    c = checks(bound=["Exact", "at least", None, "roughly"])
    c.vocabulary("bound", {"exact": "exact", "atleast": "at_least", "at_least": "at_least"}, default="exact")
    good, found = c.split()
    assert good["bound"].to_list() == ["exact", "at_least", "exact"]
    assert found.row(0, named=True) == {
        ROW: 5,
        "column_name": "bound",
        "value": "roughly",
        "reason": "unknown bound 'roughly'",
        "suggestion": "use one of: at_least, exact",
    }


def test_duplicates_name_the_first_row() -> None:
    c = checks(figure_id=["A", "B", "A", None, None, "A"])
    c.duplicates("figure_id", "figure_id")
    assert [(r, reason) for r, _, _, reason in issues(c)] == [
        (4, "duplicate figure_id 'A' (first at row 2)"),
        (7, "duplicate figure_id 'A' (first at row 2)"),
    ]


def test_map_values_computes_once_per_value_and_keeps_the_suggestion() -> None:
    calls: list[str] = []

    def parse(text: str) -> str:
        calls.append(text)
        return parse_period(text).label

    c = checks(period=["2024-Q1", "2024-Q1", "Q5 2024", "2024"])
    c.map_values("period", "label", parse, pl.String)
    good, found = c.split()
    assert sorted(calls) == ["2024", "2024-Q1", "Q5 2024"]  # once per distinct value
    assert good["label"].to_list() == ["2024-Q1", "2024-Q1", "2024"]
    assert found[ROW].to_list() == [4] and found["value"].to_list() == ["Q5 2024"]
    assert found["suggestion"][0]  # PeriodError's own advice on how to write a period


def test_a_row_with_several_issues_is_rejected_once_with_each_reason() -> None:
    c = checks(metric=[None, "gmv"], value=["x", "1"])
    c.require(["metric"])
    c.numbers("value")
    good, found = c.split()
    assert good[ROW].to_list() == [3]
    assert found[ROW].to_list() == [2, 2] and set(found["column_name"]) == {"metric", "value"}


def test_problem_of_keeps_a_normalise_errors_suggestion() -> None:
    error = PeriodError("bad period", "write 2024-Q1")
    problem = problem_of(error)
    assert isinstance(problem, Problem) and problem.suggestion == "write 2024-Q1"
    # one problem, one message: the reason alone (the suggestion has its own column, never repeated in it)
    assert problem.reason == "bad period" and str(Problem("r", "s")) == "r"
