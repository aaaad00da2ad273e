"""A metric no metrics file declares is added with higher_is_better assumed: the warning check
`metrics_declared` names it, and the run summary says what the warning means."""

from __future__ import annotations

from datetime import date

from pipelines.defs.run import RunSummary, format_summary
from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build
from pipelines.warehouse.quality import CHECKS, inspect


def test_an_undeclared_metric_is_named_by_a_warning(tmp_path):
    d = tmp_path / "data" / "datasets" / "shop"
    d.mkdir(parents=True)
    (d / "sources.csv").write_text(
        "source_id,publisher,published_on,reliability\nplan,Shop,2024-01-01,internal\n"
    )
    (d / "figures.csv").write_text(
        "entity,metric,region,period,kind,value,unit,source_id\n"
        "Shop,courier_costs,GB,2024-Q1,budget,120,GBP m,plan\n"
        "Shop,courier_costs,GB,2024-Q1,actual,130,GBP m,plan\n"
        "Shop,revenue,GB,2024-Q1,actual,130,GBP m,plan\n"  # declared in reference/metrics.csv: not named
    )
    path = build(load_all(tmp_path / "data", date(2026, 11, 29)), tmp_path / "w.duckdb", tmp_path / "data")
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
