"""Warnings that name a figure compared as written although it is probably not what was meant: a metric no
metrics file declares (higher_is_better assumed; `metrics_declared`) and a percentage written as a fraction
(`percent_scale_consistent`). The run summary says what each warning means."""

from __future__ import annotations

from datetime import date

from pipelines.defs.run import RunSummary, format_summary
from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build
from pipelines.warehouse.quality import CHECKS, inspect


def _built(tmp_path, source_id: str, figures: str):
    """A one-dataset warehouse of `figures` (a figures.csv's text) with one source `source_id`."""
    d = tmp_path / "data" / "datasets" / "shop"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(
        f"source_id,publisher,published_on,reliability\n{source_id},Shop,2024-01-01,internal\n"
    )
    (d / "figures.csv").write_text(figures)
    return build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")


def test_an_undeclared_metric_is_named_by_a_warning(tmp_path):
    path = _built(
        tmp_path,
        "plan",
        "entity,metric,region,period,kind,value,unit,source_id\n"
        "Shop,courier_costs,GB,2024-Q1,budget,120,GBP m,plan\n"
        "Shop,courier_costs,GB,2024-Q1,actual,130,GBP m,plan\n"
        "Shop,revenue,GB,2024-Q1,actual,130,GBP m,plan\n",  # declared in reference/metrics.csv: not named
    )
    check = next(c for c in CHECKS if c.name == "metrics_declared")
    assert not check.blocking
    n, first = inspect(path, check)
    assert n == 1 and first[0]["metric"] == "courier_costs"
    assert str(first[0]["higher_is_better"]).lower() == "true"
    summary = RunSummary(
        published=True, warehouse=path, seconds=1.0, checks=[("metrics_declared", False, 1, False)]
    )
    text = format_summary(summary)
    assert "warning metrics_declared: 1 row (every metric a figure uses is declared" in text


def test_a_fraction_typed_in_a_percent_column_is_named(tmp_path):
    path = _built(
        tmp_path,
        "s",
        "figure_id;entity;metric;region;period;kind;value;unit;as_of;source_id\n"
        "A1;Shop;conversion_rate;DE;2024-01;actual;3,4 %;%;2024-02-01;s\n"
        "A2;Shop;conversion_rate;DE;2024-02;actual;2,9%;%;2024-03-01;s\n"
        "T1;Shop;conversion_rate;DE;2024-01;target;3,5;%;2023-12-01;s\n"
        "T2;Shop;conversion_rate;DE;2024-02;target;0,035;%;2023-12-01;s\n"  # 3.5 % typed as a fraction
        "T3;Shop;conversion_rate;DE;2024-03;target;0,8 %;%;2023-12-01;s\n",  # a low plan, not a fraction
    )
    check = next(c for c in CHECKS if c.name == "percent_scale_consistent")
    assert not check.blocking
    n, first = inspect(path, check)
    assert n == 1 and first[0]["figure_id"] == "T2" and first[0]["row_number"] == "4"
