"""Issue 13, faults 1, 2, 3, 5, 9, 10 and the fault-injection suite: no input stops, corrupts or hijacks a run.

Each test names the fault it guards. Every one failed on main before the fix (before/after in
docs/reliability.md, section 7).
"""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest

from pipelines.ingest import assemble as load
from pipelines.ingest import readers, scope_ids
from pipelines.ingest.validate_files import validate_paths
from pipelines.warehouse import build as warehouse

from .helpers import CASE_STUDY, REPO

TODAY = date(2026, 11, 29)
CASES = REPO / "tests" / "data" / "cases"
SOURCES = "source_id,publisher,published_on\nbooks,Shop accounting,2024-10-15\n"
FIGURES_HEAD = "entity,metric,region,period,kind,value,unit,source_id\n"
GOOD_ROW = "Shop,revenue,GB,2024-Q1,actual,110,GBP m,books\n"


def _dataset(root: Path, name: str, files: dict[str, str | bytes]) -> Path:
    folder = root / "datasets" / name
    folder.mkdir(parents=True, exist_ok=True)
    for file, content in files.items():
        (folder / file).write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder


def _invariants(result: load.LoadResult) -> None:
    """Every row is loaded or rejected with a reason; failed files are row 0 of their own."""
    for r in result.loads.iter_rows(named=True):
        assert r["rows_in"] == r["rows_loaded"] + r["rows_rejected"], r
        if r["status"] != "loaded":
            zero = result.rejected.filter((pl.col("file") == r["file"]) & (pl.col("row_number") == 0))
            assert zero.height == 1 and zero["reason"][0], r
    assert result.rejected["reason"].null_count() == 0


def _publish(result: load.LoadResult, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """Build and publish for real (the step that used to hit the primary key), then open read-only."""
    target = tmp_path / "wh" / "warehouse.duckdb"
    warehouse.publish(warehouse.build(result, target), target)
    return duckdb.connect(str(target), read_only=True)


# fault 1: two identical rows without figure_id collided on the derived id and stopped every run
def test_duplicate_rows_case_publishes_with_the_repeat_rejected(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(CASES / "duplicate-rows", data)
    result = load.load_all(data, today=TODAY)
    _invariants(result)
    (figures,) = result.loads.filter(pl.col("input_kind") == "figures").iter_rows(named=True)
    assert (figures["rows_loaded"], figures["rows_rejected"]) == (4, 1)
    (reason,) = result.rejected["reason"].to_list()
    assert reason.startswith("duplicate figure") and "row 2" in reason
    with _publish(result, tmp_path) as con:
        pairs = con.execute(
            "select period, actual / expectation, actual_kind from actual_vs_expectation "
            "where policy = 'at_period_end' and actual_vintage = 'latest' order by period"
        ).fetchall()
        raw = con.execute("select period, kind, value_raw from figures order by period, kind").fetchall()
    assert [(p, round(r, 6)) for p, r, _ in pairs] == [
        ("2024-Q1", round(110 / 120, 6)),
        ("2024-Q2", round(118 / 125, 6)),
    ]
    assert raw == [
        ("2024-Q1", "actual", 110),
        ("2024-Q1", "target", 120),
        ("2024-Q2", "actual", 118),
        ("2024-Q2", "target", 125),
    ]
    # `impact validate` now agrees: the same rule, the same code path
    loads, rejected = validate_paths([data / "datasets" / "shop"], data)
    assert rejected["reason"].to_list() == [reason]


# fault 1, the kind: every collision is a rejected row (within a file, across files of a dataset)
def test_collisions_across_files_of_a_dataset_are_rejected_rows(tmp_path: Path) -> None:
    _dataset(
        tmp_path,
        "shop",
        {
            "sources.csv": SOURCES,
            "sources-copy.csv": SOURCES + "plan,Shop finance,2024-01-10\n",
            "figures-a.csv": FIGURES_HEAD + GOOD_ROW,
            "figures-b.csv": FIGURES_HEAD + GOOD_ROW + GOOD_ROW.replace("110", "111"),
        },
    )
    result = load.load_all(tmp_path, today=TODAY)
    _invariants(result)
    reasons = result.rejected["reason"].to_list()
    assert any(r.startswith("duplicate source_id 'books'") for r in reasons)
    # figures-b's two lines share one key (110 and 111): neither is kept silently (no `combine` setting), so both
    # are rejected rows naming each other; figures-a's line loads
    shared = [r for r in reasons if "shares its figure's key" in r and "never reduced to one" in r]
    assert len(shared) == 2
    assert result.tables["figures"].height == 1 and result.tables["sources"].height == 2
    with _publish(result, tmp_path) as con:
        assert con.execute("select count(*) from figures").fetchone()[0] == 1


# fault 2: NaN, inf and whole numbers beyond 2^63 in a Parquet float column escaped read_files
def test_odd_floats_in_parquet_are_rejected_rows(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, "shop", {"sources.csv": SOURCES})
    values = [110.0, float("nan"), float("inf"), -float("inf"), 2.0**70, 1e300, 9.5]
    pl.DataFrame(
        {
            "entity": ["Shop"] * 7,
            "metric": ["revenue"] * 7,
            "region": ["GB"] * 7,
            "period": [f"2024-{m:02d}" for m in range(1, 8)],
            "kind": ["actual"] * 7,
            "value": values,
            "unit": ["GBP m"] * 7,
            "source_id": ["books"] * 7,
        }
    ).write_parquet(folder / "figures.parquet")
    result = load.load_all(tmp_path, today=TODAY)
    _invariants(result)
    loaded = sorted(result.tables["figures"]["value_raw"].to_list())
    assert loaded == [9.5, 110.0]
    rejected = result.rejected.filter(pl.col("file").str.ends_with("figures.parquet"))
    assert set(rejected["row_number"]) == {2, 3, 4, 5, 6}
    with _publish(result, tmp_path) as con:
        assert con.execute("select count(*) from figures").fetchone()[0] == 2


# fault 3: a file or dataset folder whose name has a non-UTF-8 byte crashed normalised_facts
def test_non_utf8_names_are_shown_safely(tmp_path: Path) -> None:
    root = os.fsencode(tmp_path)
    folder = os.path.join(root, b"datasets", b"shop-\xfe")
    os.makedirs(folder)
    for name, content in ((b"sources.csv", SOURCES), (b"figures-\xff.csv", FIGURES_HEAD + GOOD_ROW)):
        with open(os.path.join(folder, name), "w") as fh:
            fh.write(content)
    result = load.load_all(tmp_path, today=TODAY)
    _invariants(result)
    assert sorted(result.loads["file"]) == [
        "datasets/shop-\ufffd/figures-\ufffd.csv",
        "datasets/shop-\ufffd/sources.csv",
    ]
    assert result.tables["figures"].height == 1
    with _publish(result, tmp_path) as con:
        assert con.execute("select dataset from figures").fetchone()[0] == "shop-\ufffd"


# fault 5: ids are scoped to their dataset; another dataset cannot re-attribute or reject them
def test_a_dataset_cannot_change_another_datasets_sources_or_figures(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(CASE_STUDY, data / "datasets" / "tiktok-2024")
    alone = load.load_all(data, today=TODAY)
    case_sources = pl.read_csv(CASE_STUDY / "sources.csv")
    case_figures = pl.read_csv(CASE_STUDY / "figures.csv", infer_schema=False)
    hijack_source = case_sources["source_id"][0]
    hijack_figure = case_figures["figure_id"][0]
    # 'inbox' sorts before 'tiktok-2024': on main the first dataset in folder order won
    _dataset(
        data,
        "inbox",
        {
            "sources-evil.csv": f"source_id,publisher,url,published_on,reliability\n"
            f"{hijack_source},Evil Corp,https://evil.example,2024-01-01,leak\n",
            "figures-evil.csv": "figure_id,entity,metric,region,period,kind,value,unit,source_id\n"
            f"{hijack_figure},Evil,gmv,US,2024,actual,1,USD bn,{hijack_source}\n",
        },
    )
    both = load.load_all(data, today=TODAY)
    _invariants(both)
    for table in ("sources", "figures", "events"):
        case_rows = both.tables[table].filter(pl.col("dataset") == "tiktok-2024").drop("file")
        assert case_rows.equals(alone.tables[table].drop("file")), table
    assert both.rejected.filter(pl.col("dataset") == "tiktok-2024").equals(alone.rejected)
    assert both.rejected.filter(pl.col("dataset") == "inbox").height == 0  # its own ids: no collision
    with _publish(both, tmp_path) as con:
        publishers = con.execute(
            "select distinct publisher from figure_evidence where dataset = 'tiktok-2024' and source_id = ?",
            [hijack_source],
        ).fetchall()
        assert publishers == [(case_sources["publisher"][0],)]
    # `impact validate` of the inbox folder agrees with the run, file for file
    loads, rejected = validate_paths([data / "datasets" / "inbox"], data)
    run_loads = both.loads.filter(pl.col("dataset") == "inbox")
    assert sorted(loads.select("rows_in", "rows_loaded", "rows_rejected").rows()) == sorted(
        run_loads.select("rows_in", "rows_loaded", "rows_rejected").rows()
    )


def test_a_shared_reference_source_is_citable_from_every_dataset(tmp_path: Path) -> None:
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "sources.csv").write_text(SOURCES)
    _dataset(tmp_path, "a", {"figures.csv": FIGURES_HEAD + GOOD_ROW})
    _dataset(tmp_path, "b", {"figures.csv": FIGURES_HEAD + GOOD_ROW.replace("110", "99")})
    result = load.load_all(tmp_path, today=TODAY)
    _invariants(result)
    figures = result.tables["figures"]
    assert figures.height == 2 and set(figures["dataset"]) == {"a", "b"}
    # a dataset cannot redefine a shared source's id (a citation must mean one source)
    _dataset(tmp_path, "c", {"sources.csv": SOURCES, "figures.csv": FIGURES_HEAD + GOOD_ROW})
    again = load.load_all(tmp_path, today=TODAY)
    _invariants(again)
    (reason,) = again.rejected["reason"].to_list()
    assert reason == "duplicate source_id 'books' (already loaded from reference/sources.csv)"
    assert again.tables["figures"].height == 3
    with _publish(again, tmp_path) as con:
        rows = con.execute("select dataset, publisher from figure_evidence order by dataset").fetchall()
    assert rows == [("a", "Shop accounting"), ("b", "Shop accounting"), ("c", "Shop accounting")]


# fault 9: symbolic links in a dataset folder (or a linked dataset folder) were followed
def test_symlinks_in_dataset_folders_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    folder = _dataset(tmp_path, "shop", {"sources.csv": SOURCES, "figures.csv": FIGURES_HEAD + GOOD_ROW})
    (folder / "figures-passwd.csv").symlink_to(secret)
    (folder / "events-passwd.csv").symlink_to("/etc/passwd")
    (tmp_path / "datasets" / "linked").symlink_to(folder)
    result = load.load_all(tmp_path, today=TODAY)
    _invariants(result)
    assert sorted(result.loads["file"]) == ["datasets/shop/figures.csv", "datasets/shop/sources.csv"]
    assert not result.rejected.filter(pl.col("value").fill_null("").str.contains("root")).height


# fault 10: an xlsx formula cell without a cached value loaded as a value nobody computed
def test_xlsx_formula_without_saved_result_is_a_rejected_row(tmp_path: Path) -> None:
    folder = _dataset(tmp_path, "shop", {"sources.csv": SOURCES})
    book = openpyxl.Workbook()  # openpyxl writes formulas without a cached result, as many tools do
    sheet = book.active
    sheet.append(["entity", "metric", "region", "period", "kind", "value", "unit", "source_id", "direction"])
    sheet.append(["Shop", "revenue", "GB", "2024-Q1", "actual", 110, "GBP m", "books", None])
    sheet.append(["Shop", "revenue", "GB", "2024-Q2", "actual", "=F2*2", "GBP m", "books", "above"])
    sheet.append(["Shop", "revenue", "GB", "2024-Q3", "actual", 120, "GBP m", "books", None])
    book.save(folder / "figures.xlsx")
    result = load.load_all(tmp_path, today=TODAY)
    _invariants(result)
    assert sorted(result.tables["figures"]["period"]) == ["2024-Q1", "2024-Q3"]
    (row,) = result.rejected.iter_rows(named=True)
    assert row["row_number"] == 2 and "Sheet!F3 (=F2*2)" in row["reason"]


# the fault-injection suite: whatever a reader or a validation stage raises costs that file only
@pytest.mark.parametrize(
    ("reader", "error"),
    [
        ("_read_csv", RuntimeError),
        ("_read_jsonl", MemoryError),
        ("_read_parquet", OverflowError),
        ("_read_xlsx", KeyError),
    ],
)
def test_a_reader_raising_makes_only_its_file_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reader: str, error: type[Exception]
) -> None:
    folder = _dataset(tmp_path, "shop", {})
    sources = pl.read_csv(SOURCES.encode(), infer_schema=False)
    if reader == "_read_csv":
        sources.write_ndjson(folder / "sources.jsonl")
    else:
        sources.write_csv(folder / "sources.csv")
    rows = pl.read_csv((FIGURES_HEAD + GOOD_ROW).encode(), infer_schema=False)
    rows.write_csv(folder / "figures-a.csv")
    rows.with_columns(pl.lit("2024-Q2").alias("period")).write_ndjson(folder / "figures-b.jsonl")
    rows.with_columns(pl.lit("2024-Q3").alias("period")).write_parquet(folder / "figures-c.parquet")
    rows.with_columns(pl.lit("2024-Q4").alias("period")).write_excel(folder / "figures-d.xlsx")

    def broken(data: bytes):
        raise error("injected fault")

    monkeypatch.setattr(readers, reader, broken)
    result = load.load_all(tmp_path, today=TODAY)
    _invariants(result)
    unreadable = result.loads.filter(pl.col("status") == "unreadable")
    assert unreadable.height == 1 and unreadable["input_kind"][0] == "figures"
    assert "injected fault" in unreadable["error"][0]
    assert result.tables["figures"].height == 3 and result.tables["sources"].height == 1
    with _publish(result, tmp_path) as con:
        assert con.execute("select count(*) from figures").fetchone()[0] == 3


def test_a_validation_stage_raising_rejects_only_that_files_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dataset(
        tmp_path,
        "shop",
        {
            "sources.csv": SOURCES,
            "figures-a.csv": FIGURES_HEAD + GOOD_ROW,
            "figures-b.csv": FIGURES_HEAD + GOOD_ROW.replace("2024-Q1", "2024-Q2").replace("GB", "Boom"),
        },
    )
    original = scope_ids.VALIDATORS["figures"]

    def fragile(frame: pl.DataFrame, ctx):
        if "Boom" in frame["region"].to_list():
            raise ZeroDivisionError("injected fault")
        return original(frame, ctx)

    monkeypatch.setitem(scope_ids.VALIDATORS, "figures", fragile)
    result = load.load_all(tmp_path, today=TODAY)
    _invariants(result)
    assert result.tables["figures"]["period"].to_list() == ["2024-Q1"]
    (reason,) = result.rejected["reason"].to_list()
    assert "could not be validated" in reason and "injected fault" in reason
    with _publish(result, tmp_path) as con:
        assert con.execute("select count(*) from figures").fetchone()[0] == 1
