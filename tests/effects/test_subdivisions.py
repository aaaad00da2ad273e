"""US states without a regions file: a figures file names them by name ('California') and by ISO 3166-2 code
('US-NY'); `impact run` puts them under the US as states (pycountry), and the donor pool of a state's event is
the other states, not the countries (issue 27 item 5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

from tests.effects.synthetic import impact_run

IMPACT = str(Path(sys.executable).with_name("impact"))
# (how the figures file names the state, its code); half by name, half by code
STATES = [("California", "US-CA"), ("Texas", "US-TX"), ("US-NY", "US-NY"), ("Florida", "US-FL"),
          ("US-IL", "US-IL"), ("Ohio", "US-OH"), ("us-ga", "US-GA"), ("Michigan", "US-MI"),
          ("US-WA", "US-WA"), ("Oregon", "US-OR"), ("US-NV", "US-NV"), ("Utah", "US-UT")]  # fmt: skip
YEARS = range(1990, 2010)


def write_states(root: Path) -> None:
    folder = root / "datasets" / "states"
    folder.mkdir(parents=True)
    (folder / "metrics.csv").write_text(
        "metric,name,unit_kind,additive,higher_is_better,can_be_negative,description\n"
        "sales,Sales,count,true,true,false,Yearly sales\n"
    )
    (folder / "sources.csv").write_text(
        "source_id,publisher,title,url,published_on,originally_reported_by,reliability,note\n"
        "stat,Statistics office,State sales,,2010-06,,official,\n"
    )
    (folder / "events.csv").write_text(
        "event_id,date,date_end,status,jurisdiction,category,title,entity,source_id,note\n"
        "CALAW,2000-01-01,,effective,California,law,California sales law,,stat,\n"
    )
    rng = np.random.default_rng(4)
    common = 100 + np.cumsum(rng.normal(0, 2, len(YEARS)))
    rows = []
    for i, (named, _) in enumerate(STATES):
        values = common * (0.6 + 0.07 * ((i + 6) % 12)) + rng.normal(0, 1, len(YEARS))
        rows += [
            f"{named}-{y},Shops,sales,{named},{y},actual,{v:.2f},count,stat"
            for y, v in zip(YEARS, values, strict=True)
        ]
    rows.append("bad-1,Shops,sales,Punjab,1990,actual,5,count,stat")  # two subdivisions share the name
    (folder / "figures.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,unit,source_id\n" + "\n".join(rows) + "\n"
    )


@pytest.fixture(scope="module")
def states(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("states")
    write_states(root / "data")
    warehouse = impact_run(root / "data", root / "states.duckdb")
    return warehouse


def test_states_named_by_name_or_code_sit_under_the_us(states):
    with duckdb.connect(str(states), read_only=True) as con:
        regions = con.sql(
            "select region_code, name, parent_code, level, path from regions where parent_code = 'US' order by 1"
        ).fetchall()
        loaded = con.sql("select count(*), count(distinct region_code) from figures").fetchall()[0]
        jurisdiction = con.sql("select jurisdiction from events where event_id = 'CALAW'").fetchall()[0][0]
        rejected = con.sql(
            "select row_number, column_name, value, reason, suggestion from rejected_rows"
        ).fetchall()
    assert [r[0] for r in regions] == sorted(code for _, code in STATES)
    assert ("US-CA", "California", "US", "state", "WORLD/NAM/US/US-CA") in regions
    assert loaded == (len(STATES) * len(YEARS), len(STATES)) and jurisdiction == "US-CA"
    # every row loaded or rejected with its reason: Punjab is India's and Pakistan's
    assert rejected == [(len(STATES) * len(YEARS) + 1, "region", "Punjab", "unknown region 'Punjab'",
                         "several subdivisions are named 'Punjab': write the code (IN-PB, PK-PB)")]  # fmt: skip


def test_the_donor_pool_of_a_state_is_the_other_states(states):
    run = subprocess.run([IMPACT, "effect", "--event", "CALAW", "--metric", "sales", "--region", "US-CA", "--json",
                          "--warehouse", str(states)], capture_output=True, text=True, timeout=300)  # fmt: skip
    doc = json.loads(run.stdout)
    pool = doc["donor_pool"]
    assert sorted(d["region_code"] for d in pool["donors"]) == sorted(c for _, c in STATES if c != "US-CA")
    assert "(state)" in pool["rule"] and pool["left_out"] == []
    assert doc["synthetic_control"]["status"] == "estimated"
