"""Citations are resolved by (dataset, source_id): two datasets in one warehouse each have a source `report`, from
two publishers at two addresses. The effect's cited figures, the narrative's and the report's source lists and the
Impact page's Sources each name the dataset's own publisher, never the other's."""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import Path

import duckdb
import pytest

from pipelines.effects.assess import assess_effect, explain_period
from pipelines.ingest.assemble import load_all
from pipelines.settings import ReportSelection
from pipelines.warehouse.build import build
from report.content import gather

SOURCES = (
    "source_id,publisher,title,url,published_on,originally_reported_by,reliability,note\n"
    "report,{pub},{pub} quarterly,https://{host}/report,2024-05,,company,\n"
)
FIGURES = "figure_id,entity,metric,region,period,kind,value,unit,as_of,source_id\n"
EVENTS = "event_id,date,date_end,status,jurisdiction,category,title,entity,source_id,note\n"
QUARTERS = [f"{y}-Q{q}" for y in (2022, 2023, 2024) for q in (1, 2, 3, 4)]
# dataset -> (entity, publisher, host, event, event date, level)
DATASETS = {
    "alpha": ("Acme", "Alpha Research", "alpha.example", "EA", "2024-04-01", 100.0),
    "beta": ("Bolt", "Beta Internal", "beta.example", "EB", "2024-05-01", 300.0),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cited")
    for name, (entity, pub, host, event, day, level) in DATASETS.items():
        folder = root / "datasets" / name
        folder.mkdir(parents=True)
        (folder / "sources.csv").write_text(SOURCES.format(pub=pub, host=host))
        rows = [f"F{i},{entity},revenue,US,{q},actual,{level + 3 * i + (i % 3):.1f},USD m,2025-02-01,report"
                for i, q in enumerate(QUARTERS)]  # fmt: skip
        rows.append(f"T1,{entity},revenue,US,2024-Q4,target,{level + 50:.1f},USD m,2024-01-15,report")
        (folder / "figures.csv").write_text(FIGURES + "\n".join(rows) + "\n")
        (folder / "events.csv").write_text(
            EVENTS + f"{event},{day},,effective,US,law,Revenue law for {entity},{entity},report,\n"
        )
    return build(load_all(root, date(2026, 11, 29)), root / "w.duckdb", root)


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_the_effect_and_its_narrative_cite_their_own_datasets_publisher(warehouse, dataset):
    entity, pub, host, event, _, _ = DATASETS[dataset]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        report = assess_effect(con, event, "revenue", "US", entity=entity)
        story = explain_period(con, entity, "revenue", "US", "2024-Q4", event_id=event)
    cited = report.to_dict()["series_sources"]
    assert cited == [{"dataset": dataset, "source_id": "report", "publisher": pub, "title": f"{pub} quarterly",
                      "url": f"https://{host}/report", "published_on": "2024-05"}]  # fmt: skip
    assert story.citations and {(c.dataset, c.source_id, c.publisher, c.url) for c in story.citations} == {
        (dataset, "report", pub, f"https://{host}/report")
    }
    assert f"report: {pub}, 2024-05" in str(story)


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_the_report_lists_its_own_datasets_publisher(warehouse, dataset):
    entity, pub, host, *_ = DATASETS[dataset]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        made = gather(con, ReportSelection(entity, "revenue"), dt.datetime(2026, 11, 29, tzinfo=dt.UTC))
    assert made.sources and {
        (s["dataset"], s["source_id"], s["publisher"], s["url"]) for s in made.sources
    } == {(dataset, "report", pub, f"https://{host}/report")}


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_the_impact_pages_sources_name_the_datasets_publisher(warehouse, dataset, monkeypatch):
    from tests.effects.test_impact_page_cases import open_impact

    entity, pub, host, event, *_ = DATASETS[dataset]
    other = next(p for d, (_, p, *_) in DATASETS.items() if d != dataset)
    at = open_impact(warehouse, monkeypatch, event=event, region="US", metric="revenue")
    sources = [m.value for m in at.markdown if m.value.startswith("**Sources**")]
    assert sources, [m.value[:80] for m in at.markdown]
    assert f"[{pub}, *{pub} quarterly*](https://{host}/report)" in sources[0]
    assert other not in sources[0]
