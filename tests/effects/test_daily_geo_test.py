"""A daily geo test (a campaign in one city, 20 cities without it): daily series are estimated, not refused,
through `impact run` and `impact effect` (issue 27: fifteen days of a geo test ended in "no actual figures")."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from tests.effects.synthetic import impact_run

IMPACT = str(Path(sys.executable).with_name("impact"))
START, DAYS, LAUNCH = date(2024, 1, 1), 105, date(2024, 3, 31)  # 90 days before, 15 after


def write_geo_test(root: Path) -> None:
    folder = root / "datasets" / "geo"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(3)
    cities = [f"C{i:02d}" for i in range(21)]
    common = 1000 + np.cumsum(rng.normal(0, 5, DAYS)) + 60 * np.sin(2 * np.pi * np.arange(DAYS) / 7)
    (folder / "regions.csv").write_text(
        "code,name,parent,aliases\n" + "".join(f"{c},City {c},US,\n" for c in cities)
    )
    (folder / "metrics.csv").write_text(
        "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description\n"
        "orders,Orders,count,true,true,false,Daily orders\n"
    )
    (folder / "sources.csv").write_text(
        "source_id,publisher,title,url,published_on,originally_reported_by,reliability,note\n"
        "geo,Operator,Geo test export,,2024-05,,internal,\n"
    )
    (folder / "events.csv").write_text(
        "event_id,date,date_end,status,jurisdiction,category,title,entity,source_id,note\n"
        f"GEO,{LAUNCH},,effective,C00,other,Campaign launch in C00,,geo,\n"
    )
    rows = []
    for i, city in enumerate(cities):
        scale = 1.0 if i == 0 else 0.5 + 0.05 * i  # C00 in the middle of the others
        values = common * scale + rng.normal(0, 8, DAYS)
        if i == 0:
            values[90:] *= 0.9
        rows += [
            f"{city}-{d},Shop,orders,{city},{START + timedelta(d)},actual,{values[d]:.1f},count,geo"
            for d in range(DAYS)
        ]
    (folder / "figures.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,unit,source_id\n" + "\n".join(rows) + "\n"
    )


@pytest.fixture(scope="module")
def geo_warehouse(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("geo")
    write_geo_test(root / "data")
    warehouse = impact_run(root / "data", root / "geo.duckdb")
    return warehouse


def test_a_daily_geo_test_gets_a_synthetic_control(geo_warehouse):
    run = subprocess.run([IMPACT, "effect", "--event", "GEO", "--metric", "orders", "--region", "C00", "--json",
                          "--warehouse", str(geo_warehouse)], capture_output=True, text=True, timeout=120)  # fmt: skip
    doc = json.loads(run.stdout)
    sc = doc["synthetic_control"]
    assert run.returncode == 0 and doc["grain"] == "day" and sc["status"] == "estimated"
    assert (
        sc["window"]["pre"] == "2024-01-01..2024-03-30" and sc["window"]["post"] == "2024-03-31..2024-04-14"
    )
    assert sc["window"]["text"].endswith("(15 days after)")
    assert sc["relative_effect"]["estimate"] == pytest.approx(-0.10, abs=0.03)
    assert sc["rank"] == 1 and sc["units_in_placebo_test"] == 21 and sc["p_value"] == pytest.approx(1 / 21)
