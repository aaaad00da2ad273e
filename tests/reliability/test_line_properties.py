"""Proof: every line of a file is counted or refused, never reduced to one silently (issue 26, item 1).

Hypothesis writes figures files whose rows fall on few keys (entity, metric, region, period, kind, as_of,
source), so lines that share a figure's key are common: department lines of a ledger, repeated rows, rows with
their own figure_id, damaged rows, with `combine = "sum"` in dataset.toml (for the dataset or the file) or
without. `load_all` runs on each. Invariants, per file: rows in = loaded + rejected + combined (loads); every
row is a figure, a rejection with a reason, or a line named in the note of the figure it was added into; and
no two rows of one key leave a single figure without a reason: with combine the key's figure is the sum of
its lines, without it each line sharing the key is refused naming the other lines and `combine`.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest.assemble import load_all

TODAY = date(2026, 11, 24)
SOURCES = "source_id,publisher,published_on\ns1,Ledger,2025-04-30\ns2,Other ledger,2025-04-30\n"
HEADER = "figure_id,entity,metric,region,period,kind,value,unit,as_of,source_id,note"
AS_OF = {"actual": "2024-06-30", "budget": "2023-12-01"}
SOAK = int(os.environ.get("IMPACT_SOAK_EXAMPLES", "0"))


@st.composite
def line(draw, i: int) -> dict:
    kind = draw(st.sampled_from(["actual", "budget"]))
    return {
        "figure_id": f"own{i}" if draw(st.integers(0, 5)) == 0 else "",
        "metric": draw(st.sampled_from(["revenue", "cost"])),
        "region": draw(st.sampled_from(["US", "GB"])),
        "period": draw(st.sampled_from(["2024-01", "2024-02"])),
        "kind": kind,
        "value": draw(st.integers(0, 50)),  # small: identical lines (two departments posting 20) are common
        "source_id": draw(st.sampled_from(["s1", "s1", "s1", "s2"])),
        "note": draw(st.sampled_from(["", "Sales dept", "Ops dept"])),
        "damaged": draw(st.integers(0, 9)) == 0,  # an unknown region: rejected for its own reason
        "as_of": AS_OF[kind],
    }


@st.composite
def ledger(draw) -> tuple[list[dict], str | None]:
    n = draw(st.integers(1, 14))
    lines = [draw(line(i)) for i in range(n)]
    combine = draw(st.sampled_from([None, "dataset", "file"]))
    toml = {None: None, "dataset": 'combine = "sum"\n', "file": '[files."figures-gl.csv"]\ncombine = "sum"\n'}
    return lines, toml[combine]


def _csv(lines: list[dict]) -> str:
    out = [HEADER]
    for x in lines:
        region = "Atlantis" if x["damaged"] else x["region"]
        out.append(
            f"{x['figure_id']},Acme,{x['metric']},{region},{x['period']},{x['kind']},{x['value']},USD,"
            f"{x['as_of']},{x['source_id']},{x['note']}"
        )
    return "\n".join(out) + "\n"


def _key(x: dict) -> tuple:
    return (x["metric"], x["region"], x["period"], x["kind"], x["source_id"])


def _expected(lines: list[dict], combine: bool) -> tuple[dict[tuple, list[int]], set[int], set[int]]:
    """(key -> the values of the figures it should have, rows rejected, rows added into another's figure)."""
    rejected = {i + 1 for i, x in enumerate(lines) if x["damaged"]}
    valid = [(i + 1, x) for i, x in enumerate(lines) if not x["damaged"]]
    figures: dict[tuple, list[int]] = defaultdict(list)
    added: set[int] = set()
    if combine:
        groups: dict[tuple, list[tuple[int, dict]]] = defaultdict(list)
        for row, x in valid:
            groups[_key(x)].append((row, x))
        for key, members in groups.items():
            figures[key].append(sum(x["value"] for _, x in members))
            added |= {row for row, _ in members[1:]}
        return figures, rejected, added
    seen: set[tuple] = set()  # a row without id repeating another's content is a duplicate figure
    survivors = []
    for row, x in valid:
        content = (*_key(x), x["value"])
        if not x["figure_id"] and content in seen:
            rejected.add(row)
            continue
        if not x["figure_id"]:
            seen.add(content)
        survivors.append((row, x))
    sharing: dict[tuple, list[int]] = defaultdict(list)
    for row, x in survivors:
        if not x["figure_id"]:
            sharing[_key(x)].append(row)
    for row, x in survivors:
        if not x["figure_id"] and len(sharing[_key(x)]) > 1:
            rejected.add(row)
        else:
            figures[_key(x)].append(x["value"])
    return figures, rejected, added


@settings(max_examples=SOAK or 150, derandomize=not SOAK, deadline=None, database=None)
@given(case=ledger())
def test_every_line_is_counted_or_refused(case) -> None:
    lines, toml = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "datasets" / "gl"
        folder.mkdir(parents=True)
        (folder / "sources.csv").write_text(SOURCES)
        (folder / "figures-gl.csv").write_text(_csv(lines))
        if toml:
            (folder / "dataset.toml").write_text(toml)
        result = load_all(Path(tmp), today=TODAY)
    name = "datasets/gl/figures-gl.csv"
    (load,) = result.loads.filter(pl.col("file") == name).iter_rows(named=True)
    figures = result.tables["figures"].filter(pl.col("file") == name)
    rejected = result.rejected.filter(pl.col("file") == name)

    # rows in = loaded + rejected + combined, and each count is what the tables hold
    assert (
        load["rows_in"] == len(lines) == load["rows_loaded"] + load["rows_rejected"] + load["rows_combined"]
    )
    assert (
        figures.height == load["rows_loaded"] and rejected["row_number"].n_unique() == load["rows_rejected"]
    )
    assert rejected["reason"].str.len_chars().min() or rejected.is_empty()

    # every row is a figure, a rejection, or a line named in the note of the figure it was added into
    added = set()
    for note in figures["note"].drop_nulls():
        if m := re.match(r"sum of (\d+) lines: rows ([\d, ]+)", note):
            rows = [int(r) for r in m[2].split(", ")]
            assert len(rows) == int(m[1])
            added |= set(rows[1:])
    own = set(figures["row_number"])
    refused = set(rejected["row_number"])
    assert own | refused | added == set(range(1, len(lines) + 1))
    assert not (own & refused) and not (own & added) and not (refused & added)
    assert len(added) == load["rows_combined"]

    # no two rows of one key leave a single figure without a reason: the model says which figures each key has
    want, want_rejected, want_added = _expected(lines, toml is not None)
    got: dict[tuple, list[int]] = defaultdict(list)
    for f in figures.iter_rows(named=True):
        got[(f["metric"], f["region_code"], f["period"], f["kind"], f["source_id"])].append(
            int(f["value_raw"])
        )
    assert {k: sorted(v) for k, v in got.items()} == {k: sorted(v) for k, v in want.items()}
    assert refused == want_rejected and added == want_added
    for r in rejected.filter(pl.col("reason").str.contains("shares its figure's key")).iter_rows(named=True):
        assert re.search(r"with row\(s\) \d", r["reason"]) and 'combine = "sum"' in r["suggestion"], r
