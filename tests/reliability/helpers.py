"""Shared pieces of the reliability proofs: input sets, snapshot queries, stray-file scans.

Kept free of pytest so the helper scripts started as subprocesses (reader.py, warm_run.py) can import it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.warehouse.sqlfiles import defines_macros
from tests.case_study import CASE_STUDY, TODAY  # noqa: F401  (TODAY: used by the reliability tests)

REPO = Path(__file__).resolve().parents[2]
PYTHON = REPO / ".venv" / "bin" / "python"
IMPACT = REPO / ".venv" / "bin" / "impact"
DUCKDB_CLI = REPO / ".venv" / "bin" / "duckdb"
VIEWS = sorted(
    p for p in (REPO / "sql" / "views").rglob("*.sql") if not defines_macros(p)
)  # the macro files hold no view
EXAMPLES = sorted((REPO / "sql" / "examples").glob("*.sql"))

# Input set B = the case study plus this file: a new entity with an actual and a target for the same
# series, so the two input sets differ in figures, entities, comparable pairs and build_info.inputs_hash.
PROBE_FILE = "figures-probe.csv"
PROBE_ENTITY = "Probe Shop"
PROBE_FIGURES = (
    "figure_id,entity,metric,region,period,kind,value,value_high,bound,unit,direction,as_of,source_id,note\n"
    "PROBE1,Probe Shop,gmv,US,FY2024,actual,1.5,,,USD bn,,2025-03-01,pymnts-2024-01-03,reliability probe\n"
    "PROBE2,Probe Shop,gmv,US,FY2024,target,2,,,USD bn,,2024-01-03,pymnts-2024-01-03,reliability probe\n"
    "PROBE3,Probe Shop,gmv,GB,FY2024,target,0.5,,,USD bn,,2024-01-03,pymnts-2024-01-03,reliability probe\n"
)

# One query = one snapshot: the identity of the build and the counts that must agree within it.
SNAPSHOT_SQL = """
select
    (select inputs_hash from build_info)                                              as inputs_hash,
    (select count(*) from build_info)::bigint                                         as build_rows,
    (select count(*) from figures)::bigint                                            as figures,
    (select coalesce(sum(rows_loaded), 0) from loads where input_kind = 'figures')::bigint as loads_figures,
    (select rows_loaded from build_info)::bigint                                      as build_rows_loaded,
    (select coalesce(sum(rows_loaded), 0) from loads)::bigint                         as loads_rows_loaded,
    (select count(*) from entities where entity = 'Probe Shop')::bigint               as probe_entities,
    (select count(*) from actual_vs_expectation)::bigint                              as comparisons
"""
SNAPSHOT_COLUMNS = [
    "inputs_hash",
    "build_rows",
    "figures",
    "loads_figures",
    "build_rows_loaded",
    "loads_rows_loaded",
    "probe_entities",
    "comparisons",
]


def snapshot(con) -> dict:
    """Read one snapshot (one statement, so one transaction) from an open DuckDB connection."""
    return dict(zip(SNAPSHOT_COLUMNS, con.execute(SNAPSHOT_SQL).fetchone(), strict=True))


def consistent(snap: dict) -> bool:
    """Internal agreement of one snapshot: the tables and the bookkeeping rows describe the same build."""
    return (
        snap["build_rows"] == 1
        and snap["figures"] == snap["loads_figures"]
        and snap["build_rows_loaded"] == snap["loads_rows_loaded"]
    )


def make_data_dir(root: Path) -> Path:
    """A data dir holding a copy of the bundled case study (input set A)."""
    data_dir = root / "data"
    shutil.copytree(CASE_STUDY, data_dir / "datasets" / "tiktok-2024")
    return data_dir


def set_inputs(data_dir: Path, variant: str) -> None:
    """Switch the data dir to input set 'A' (case study) or 'B' (case study + probe figures)."""
    probe = data_dir / "datasets" / "tiktok-2024" / PROBE_FILE
    if variant == "B":
        probe.write_text(PROBE_FIGURES)
    else:
        probe.unlink(missing_ok=True)


def stray_files(warehouse: Path) -> list[str]:
    """Files beside the warehouse that a clean state should not have: half builds, WALs, locks, temp files."""
    out = []
    for path in warehouse.parent.iterdir():
        name = path.name
        if name == warehouse.name or path.is_dir():
            continue
        if (
            ".building-" in name
            or name.endswith((".wal", ".lock", ".tmp"))
            or name.startswith(warehouse.name)
        ):
            out.append(name)
    return sorted(out)
