"""Datasets cannot touch each other (issue 28, faults 4 and 16; docs/reliability.md, "Datasets cannot touch
each other").

Everything a dataset brings (ids, sources, rates, regions, entities, metrics, settings) applies to that dataset
only, unless it is in the shared `reference/` folder. Fault 4: a rates file in the inbox changed another
dataset's USD figures. Fault 16: two rates files that disagree for one currency and period were averaged
silently; both rows are now rejected, each naming the other.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.defs.run import run_pipeline
from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build
from tests.case_study import REPO

from .conftest import settings_for
from .helpers import TODAY

CASES = REPO / "tests" / "data" / "cases"

# the target dataset: Ukrainian budget lines in UAH (its own rate) and one line in EUR (the ECB's rate)
ALPHA_FX = (
    'currency,period,units_per_usd,source\nUAH,2014,"11,8867",National Bank of Ukraine (2014 average)\n'
)
ALPHA_EXTRA_FIGURES = (
    "figure_id,entity,metric,region,period,kind,value,unit,source_id\n"
    "U5,Ukraine state budget,rev_10000000,Ukraine,2014-Q2,budget,12.5,EUR m,ua-law-2014-03-27\n"
    "U6,Ukraine state budget,rev_10000000,UA,FY2014-Q2,budget,-3,USD m,ua-law-2014-03-27\n"
)
ALPHA_EVENTS = (
    "event_id,date,status,jurisdiction,category,title,entity,source_id\n"
    "E1,2014-03-27,effective,Ukraine,law,State budget law 2014,Ukraine state budget,ua-law-2014-03-27\n"
)

# what another dataset (or the inbox) may bring, every kind with values that would change the target's rows
# if they applied to it
INTRUDER_FILES: dict[str, list[tuple[str, str]]] = {
    "fx": [
        ("fx-rates.csv", "currency,period,units_per_usd,source\nUAH,2014,24,someone else\n"),
        ("fx-eur.csv", "currency,period,usd_per_unit,source\nEUR,2014,5,someone else\nEUR,2014-05,7,x\n"),
        ("fx_uah.jsonl", '{"currency": "UAH", "date": "2014-03-27", "usd_per_unit": "1", "source": "x"}\n'),
    ],
    "regions": [
        ("regions.csv", "code,name,aliases\nXU,Greater Ukraine,Ukraine;Україна\n"),
        ("regions-b.csv", "code,name,parent\nUA2,Ukraine,WORLD\n"),
        ("regions.csv", "code,name,parent\nUS,United States,WORLD\nUA,Ukraine,NAM\n"),  # shared ones
    ],
    "entities": [
        ("entities.csv", "entity,fiscal_year_start_month\nUkraine state budget,4\n"),
        (
            "entities.csv",
            "entity,fiscal_year_start_month,aliases\nukraine-state budget,7,Ukraine state budget\n",
        ),
        ("entities.csv", "entity,fiscal_year_start_month,parent\nTikTok,4,Ukraine state budget\n"),  # shared
    ],
    "metrics": [
        (
            "metrics.csv",
            "metric,name,unit_kind,additive,higher_is_better,can_be_negative,max_abs_value\n"
            "rev_10000000,Tax,money,true,false,false,1000\n",
        ),
        ("metrics.csv", "metric,name,unit_kind\nrev_total_ex_transfers,Share,percent\n"),
        (
            "metrics.csv",
            "metric,unit_kind,higher_is_better,aggregation\nrevenue,money,false,last\n",
        ),  # shared
    ],
    "sources": [
        (
            "sources.csv",
            "source_id,publisher,title,url,published_on,reliability\n"
            "ua-law-2014-03-27,Impostor,Other,https://example.com,2020-01-01,leak\n",
        ),
    ],
    "figures": [
        (
            "figures.csv",
            "figure_id,entity,metric,region,period,kind,value,unit,source_id\n"
            "U1,Ukraine state budget,rev_40000000,UA,2014,budget,1,UAH k,ua-law-2014-03-27\n"
            "U3,Ukraine State Budget!,rev_total_ex_transfers,Ukraine,2014,actual,2,USD m,nope\n",
        ),
    ],
    "events": [
        (
            "events.csv",
            "event_id,date,status,jurisdiction,category,title,entity,source_id\n"
            "E1,2014-01-01,announced,UA,law,Other,Ukraine State Budget!,ua-law-2014-03-27\n",
        ),
    ],
    "layout": [  # a spreadsheet read through a layout, citing alpha's source id in a [source] of its own
        (
            "budget-2014.layout.toml",
            'shape = "side_by_side"\n[fields]\nentity = { column = "Company" }\nmetric = { value = "rev_10000000" }\n'
            'region = { value = "UA" }\nperiod = { column = "Period" }\nunit = { value = "UAH m" }\n'
            'source_id = { value = "ua-law-2014-03-27" }\n'
            '[[values]]\ncolumn = "Budget"\nkind = "budget"\n'
            '[source]\nsource_id = "ua-law-2014-03-27"\npublisher = "Impostor"\npublished_on = "2013-01-01"\n'
            'reliability = "leak"\n',
        ),
    ],
    "settings": [
        ("dataset.toml", '[numbers]\ndecimal_mark = "."\n[entities]\nfiscal_year_start_month = 10\n'),
        ("dataset.toml", '[periods]\nbare_quarter_labels = "calendar"\n'),
    ],
}

ALPHA_IDS = ["rev_10000000", "rev_40000000", "rev_total_ex_transfers", "Ukraine state budget"]
VOLATILE = {"loaded_at", "duration_ms", "modified_at"}


def alpha_data_dir(root: Path) -> Path:
    """A data dir holding the target dataset `alpha`, from the currency-without-ecb-rate case."""
    data = root / "data"
    shutil.copytree(CASES / "currency-without-ecb-rate" / "datasets" / "ua", data / "datasets" / "alpha")
    alpha = data / "datasets" / "alpha"
    (alpha / "fx-uah.csv").write_text(ALPHA_FX)
    (alpha / "figures-extra.csv").write_text(ALPHA_EXTRA_FIGURES)
    (alpha / "events.csv").write_text(ALPHA_EVENTS)
    return data


def alpha_rows(data: Path) -> dict:
    """Every row the load gives dataset `alpha`, per table (time stamps left out), sorted; and the shared
    metrics, entities and regions (id -> row) that alpha's views read."""
    result = load_all(data, date.fromisoformat(TODAY))
    frames = {
        **{k: result.tables[k] for k in ("sources", "figures", "events", "fx_rates")},
        "rejected_rows": result.rejected,
        "loads": result.loads,
    }
    shared = {  # the shared definitions every dataset's views read (ids alpha does not declare itself)
        kind: {
            r[0]: r
            for r in result.tables[kind]
            .filter(~pl.col(key).is_in(ALPHA_IDS))
            .select(key, pl.all().exclude(key))
            .rows()
        }
        for kind, key in (("metrics", "metric"), ("entities", "entity"), ("regions", "region_code"))
    }
    return shared | {
        name: sorted(
            frame.filter(pl.col("dataset") == "alpha" if "dataset" in frame.columns else pl.lit(True))
            .drop([c for c in frame.columns if c in VOLATILE])
            .rows(),
            key=repr,
        )
        for name, frame in frames.items()
    }


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> tuple[Path, dict]:
    data = alpha_data_dir(tmp_path_factory.mktemp("alpha"))
    return data, alpha_rows(data)


def test_the_target_dataset_loads_with_its_own_rate(baseline):
    _data, rows = baseline
    assert {r[0] for r in rows["figures"]} == {"U1", "U3", "U4", "U5", "U6"}
    own = [r for r in rows["fx_rates"] if r[1] == "UAH"]
    assert len(own) == 12 and all(r[3] == pytest.approx(1 / 11.8867) for r in own)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    intruder=st.sampled_from(["inbox", "aaa-first", "zz-last"]),
    kinds=st.lists(st.sampled_from(sorted(INTRUDER_FILES)), min_size=1, unique=True),
    pick=st.integers(0, 10),
)
def test_no_file_in_another_dataset_changes_this_datasets_rows(
    baseline, tmp_path_factory, intruder, kinds, pick
):
    """Property: whatever kinds of file land in another dataset (the inbox, a dataset before or after this
    one in name order), every row of this dataset's sources, figures, events, rates, rejections and loads
    stays the same."""
    data, before = baseline
    work = tmp_path_factory.mktemp("drop") / "data"
    shutil.copytree(data, work)
    folder = work / "datasets" / intruder
    folder.mkdir()
    for kind in kinds:
        name, text = INTRUDER_FILES[kind][pick % len(INTRUDER_FILES[kind])]
        (folder / name).write_text(text)
        if kind == "layout":
            (folder / "budget-2014.csv").write_text("Company,Period,Budget\nUkraine state budget,2014,5\n")
    after = alpha_rows(work)
    for kind in ("metrics", "entities", "regions"):  # ids another dataset adds are its own to add
        after[kind] = {k: v for k, v in after[kind].items() if k in before[kind]}
    assert after == before


def test_inbox_rates_do_not_change_another_datasets_figures(tmp_path):
    """Fault 4, through the real Dagster run and warehouse: a rates file in the inbox changed another dataset's
    USD values (before: U5 converted at the inbox's EUR rate of 5 USD; after: at the ECB's, as without it)."""
    data = alpha_data_dir(tmp_path)
    warehouse = tmp_path / "w.duckdb"
    assert run_pipeline(settings_for(data, warehouse)).published
    with duckdb.connect(str(warehouse), read_only=True) as con:
        before = con.execute("select figure_id, value from figures order by figure_id").fetchall()
        used = con.execute("select currency, source from fx_rates_used order by all").fetchall()
    inbox = data / "datasets" / "inbox"
    inbox.mkdir()
    (inbox / "fx-rates.csv").write_text(INTRUDER_FILES["fx"][1][1] + "UAH,2014,1,someone else\n")
    assert run_pipeline(settings_for(data, warehouse)).published
    with duckdb.connect(str(warehouse), read_only=True) as con:
        after = con.execute("select figure_id, value from figures order by figure_id").fetchall()
        used_after = con.execute("select currency, source from fx_rates_used order by all").fetchall()
    assert after == before
    assert used_after == used and ("EUR", "someone else") not in used_after
    with duckdb.connect(str(warehouse), read_only=True) as con:
        inbox_rates = con.execute("select count(*) from fx_rates where dataset = 'inbox'").fetchone()[0]
    assert inbox_rates == 24  # the inbox's rates are kept, for the inbox's own figures


CONFLICT_A = 'currency,period,units_per_usd,source\nUAH,2014,"11,8867",NBU\nUAH,2014-03,12,NBU monthly\n'
CONFLICT_B = "currency,period,units_per_usd,source\nUAH,2014,15,Other bank\nUAH,2014-03,12,NBU copy\n"


def test_rates_that_disagree_are_rejected_not_averaged(tmp_path):
    """Fault 16: two rates files giving UAH 2014 different rates (11.8867 and 15 per USD) were averaged into
    13.4 silently; now both rows are rejected, each naming the other file, row, column and value, and the
    UAH budget lines are rejected for want of a rate (no number is made up). Rows that agree (2014-03 at 12
    in both files) are one rate given twice and still apply."""
    data = alpha_data_dir(tmp_path)
    alpha = data / "datasets" / "alpha"
    (alpha / "fx-uah.csv").write_text(CONFLICT_A)
    (alpha / "fx-uah-other.csv").write_text(CONFLICT_B)
    result = load_all(data, date.fromisoformat(TODAY))
    rejected = result.rejected.filter(pl.col("input_kind") == "fx")
    got = {
        (r["file"], r["row_number"], r["column_name"], r["value"]): r["reason"] for r in rejected.to_dicts()
    }
    assert set(got) == {
        ("datasets/alpha/fx-uah.csv", 1, "units_per_usd", "11,8867"),
        ("datasets/alpha/fx-uah-other.csv", 1, "units_per_usd", "15"),
    }
    assert (
        "disagrees with datasets/alpha/fx-uah-other.csv row 1 (15)"
        in got[next(k for k in got if "other" not in k[0])]
    )
    assert all("both rows are rejected" in reason for reason in got.values())
    loads = result.loads.filter(pl.col("input_kind") == "fx")
    assert loads["rows_in"].to_list() == [2, 2]
    assert loads["rows_rejected"].to_list() == [1, 1]
    assert (loads["rows_in"] == loads["rows_loaded"] + loads["rows_rejected"]).all()
    rates = result.tables["fx_rates"].filter((pl.col("dataset") == "alpha") & (pl.col("currency") == "UAH"))
    assert rates["month"].dt.month().to_list() == [3]  # only the month both files agree on
    assert rates["usd_per_unit"].to_list() == [pytest.approx(1 / 12)]
    figures = result.tables["figures"]
    assert figures.filter(pl.col("unit").str.contains("UAH", literal=True)).is_empty()
    no_rate = result.rejected.filter(pl.col("input_kind") == "figures")["reason"].to_list()
    assert any("UAH" in r for r in no_rate)


def test_rates_given_twice_alike_are_one_rate(tmp_path):
    data = alpha_data_dir(tmp_path)
    alpha = data / "datasets" / "alpha"
    (alpha / "fx-uah-copy.csv").write_text(
        ALPHA_FX.replace("11,8867", "11.8867")
    )  # same rate, other spelling
    result = load_all(data, date.fromisoformat(TODAY))
    assert result.rejected.filter(pl.col("input_kind") == "fx").is_empty()
    warehouse = build(result, tmp_path / "w.duckdb", data)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (value,) = con.execute("select value from figures where figure_id = 'U3'").fetchone()
    assert value == pytest.approx(370928609.90e3 / 11.8867)


def test_a_dataset_cannot_change_a_shared_definition_for_the_others(tmp_path):
    """The views read one definition per metric, entity and region: the inbox's metrics file making `revenue`
    lower-is-better flipped every dataset's colours. Now that row is rejected (file, row, column, reason);
    an identical copy of a shared definition, and a new id, still load."""
    data = alpha_data_dir(tmp_path)
    inbox = data / "datasets" / "inbox"
    inbox.mkdir()
    (inbox / "metrics.csv").write_text(
        "metric,unit_kind,higher_is_better,can_be_negative\n"
        "revenue,money,false,false\n"  # changes the shared revenue
        "gmv,money,true,false\n"  # the shared gmv as it is
        "take_rate_x,percent,true,true\n"  # a new metric of the inbox's own
    )
    (inbox / "regions.csv").write_text("code,name,parent\nUS,United States,WORLD\n")
    result = load_all(data, date.fromisoformat(TODAY))
    got = result.rejected.filter(pl.col("dataset") == "inbox").select(
        "file", "row_number", "column_name", "value", "reason"
    )
    assert got.select("file", "row_number", "column_name", "value").rows() == [
        ("datasets/inbox/metrics.csv", 1, "metric", "revenue"),
        ("datasets/inbox/regions.csv", 1, "code", "US"),
    ]
    assert all("defined for every dataset" in r for r in got["reason"])
    metrics = {r["metric"]: r for r in result.tables["metrics"].to_dicts()}
    assert metrics["revenue"]["higher_is_better"] is True
    assert "take_rate_x" in metrics
    us = result.tables["regions"].filter(pl.col("region_code") == "US")
    assert us["path"].to_list() == ["WORLD/NAM/US"]
    loads = result.loads.filter(pl.col("dataset") == "inbox").sort("file")
    assert loads.select("rows_in", "rows_loaded", "rows_rejected").rows() == [(3, 2, 1), (1, 0, 1)]


def test_impact_validate_reads_a_file_with_what_its_dataset_brings(tmp_path):
    """`impact validate figures.csv` left out the dataset's rates and dataset.toml: it rejected every UAH line
    ("add a rates file", which was there) and every decimal-comma value the run loads. Now the check and the
    run agree row for row."""
    from pipelines.ingest.validate_files import validate_paths

    data = alpha_data_dir(tmp_path)
    alpha = data / "datasets" / "alpha"
    (alpha / "figures-comma.csv").write_text(
        "figure_id,entity,metric,region,period,kind,value,unit,source_id\n"
        'C1,Ukraine state budget,rev_10000000,UA,2015,budget,"120,000",USD m,ua-law-2014-03-27\n'
    )
    (alpha / "dataset.toml").write_text('[numbers]\ndecimal_mark = ","\n')
    run = load_all(data, date.fromisoformat(TODAY))
    for name in ("figures.csv", "figures-comma.csv"):
        loads, rejected = validate_paths([alpha / name], data)
        in_run = run.loads.filter(pl.col("file") == f"datasets/alpha/{name}")
        assert loads["rows_rejected"].to_list() == in_run["rows_rejected"].to_list() == [0], rejected.rows()
        assert loads["rows_loaded"].to_list() == in_run["rows_loaded"].to_list()
