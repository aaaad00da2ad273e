"""A snapshot of the whole Dagster definitions (as dagster-open-platform's test_defs): every asset with its
upstream assets, group, partitioning and checks, every job, schedule, sensor and resource. A change to the
graph then shows in review as a change to tests/data/definitions_snapshot.json; regenerate it with
`UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/pipeline/test_definitions_snapshot.py`."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipelines.defs.definitions import defs

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "definitions_snapshot.json"


def describe() -> dict:
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        assets[key.to_user_string()] = {
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "group": node.group_name,
            "partitioned": node.partitions_def is not None,
            "checks": sorted(c.name for c in node.check_keys),
        }
    return {
        "assets": assets,
        "jobs": sorted(j.name for j in repo.get_all_jobs()),
        "schedules": sorted(s.name for s in repo.schedule_defs),
        "sensors": sorted(s.name for s in repo.sensor_defs),
        "resources": sorted(defs.resources or {}),
    }


def test_definitions_match_the_snapshot():
    got = describe()
    if os.environ.get("UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(got, indent=2) + "\n")
    assert got == json.loads(SNAPSHOT.read_text()), (
        "the Dagster graph changed: review, then UPDATE_SNAPSHOT=1"
    )
