"""Issue 13, faults 4, 6, 8, 9 (inbox) and 17 (processed/): what a user drops or runs twice.

Real processes throughout: `impact run` and `impact sql` as subprocesses, a real DuckDB client holding the
file read-write, the inbox's own filing function on real files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import duckdb

from pipelines.ingest.inbox import file_inbox
from tests.helpers import wait_until

from .helpers import IMPACT, PYTHON, REPO

CASES = REPO / "tests" / "data" / "cases"
HERE = Path(__file__).resolve().parent
TODAY = "2026-11-29"
HEAD = "figure_id,entity,metric,region,period,kind,value,unit,source_id\n"


def _age(path: Path, seconds: float = 60) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


# fault 4: a file still being written was filed (and unlinked) half-way: rows 1,001-2,000 were lost
def test_inbox_leaves_a_file_that_is_still_being_written(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    upload = inbox / "figures-upload.csv"
    rows = [f"F{i},Shop,revenue,GB,2024-01-{1 + i % 28:02d},actual,{i},GBP,books\n" for i in range(2000)]
    with open(upload, "w") as fh:
        fh.write(HEAD + "".join(rows[:1000]))
        fh.flush()
        assert file_inbox(tmp_path) == []  # paused after row 1,000: not taken
        assert upload.exists()
        fh.write("".join(rows[1000:]))
    _age(upload)
    (filed,) = file_inbox(tmp_path)
    assert filed.status == "filed"
    assert filed.target.read_text().count("\n") == 2001  # every row, header included
    assert (inbox / "processed" / "figures-upload.csv").read_text() == filed.target.read_text()  # kept


def test_inbox_ignores_part_and_dot_files_until_renamed(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("figures-a.csv.part", ".figures-b.csv", "~$figures-c.xlsx"):
        (inbox / name).write_text(HEAD + "F1,Shop,revenue,GB,2024,actual,1,GBP,books\n")
        _age(inbox / name)
    assert file_inbox(tmp_path) == []
    (inbox / "figures-a.csv.part").rename(inbox / "figures-a.csv")  # write-then-rename keeps the mtime
    assert [f.status for f in file_inbox(tmp_path)] == ["filed"]


# fault 9 (inbox): a symbolic link dropped into the inbox was followed and its target filed
def test_inbox_never_follows_a_symlink(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text(HEAD + "S1,Secret,revenue,GB,2024,actual,1,GBP,books\n")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "figures-link.csv").symlink_to(secret)
    _age(inbox / "figures-link.csv")
    (result,) = file_inbox(tmp_path)
    assert result.status == "refused" and "symbolic link" in result.detail
    assert not (tmp_path / "datasets" / "inbox").exists()
    assert secret.exists() and (inbox / "processed" / "symlink-figures-link.csv").is_symlink()


# fault 17b: a second unrecognised file with the same name replaced the first in processed/
def test_same_name_files_never_replace_each_other_in_processed(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    contents = ["a,b\n1,2\n", "a,b\n3,4\n", "a,b\n5,6\n"]
    for content in contents:
        (inbox / "notes.csv").write_text(content)
        _age(inbox / "notes.csv")
        (result,) = file_inbox(tmp_path)
        assert result.status == "unrecognised"
    kept = sorted((inbox / "processed").iterdir())
    assert [p.name for p in kept] == ["notes-2.csv", "notes-3.csv", "notes.csv"]
    assert sorted(p.read_text() for p in kept) == contents


def test_inbox_names_are_safe(tmp_path: Path) -> None:
    inbox = os.path.join(os.fsencode(tmp_path), b"inbox")
    os.makedirs(inbox)
    name = os.path.join(inbox, b"figures \xff$(rm -rf).csv")
    with open(name, "w") as fh:
        fh.write(HEAD + "F1,Shop,revenue,GB,2024,actual,1,GBP,books\n")
    os.utime(name, (time.time() - 60, time.time() - 60))
    (filed,) = file_inbox(tmp_path)
    assert filed.status == "filed" and filed.source == "figures ___rm -rf_.csv"
    assert filed.target.name.startswith("figures ___rm -rf_-") and filed.target.name.isascii()


def _run(data: Path, warehouse: Path, *, slow_publish_s: float = 0) -> subprocess.Popen:
    env = {**os.environ, "SLOW_PUBLISH_S": str(slow_publish_s)}
    return subprocess.Popen(
        [
            str(PYTHON),
            str(HERE / "slow_publish_run.py"),
            "--data-dir",
            str(data),
            "--warehouse",
            str(warehouse),
        ]
        + ["--today", TODAY],
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _figure_count(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select count(*) from figures").fetchone()[0]


# fault 6: two overlapping runs: the one that read the older inputs swapped last and won
def test_overlapping_runs_publish_the_newest_inputs(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(CASES / "readwrite-client" / "data", data)
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    extra = data / "datasets" / "gm" / "figures-more.csv"
    older = _run(data, warehouse, slow_publish_s=25)  # reads 14 figures, then a slow swap
    wait_until(
        lambda: list(warehouse.parent.glob("*.building-*")), 120, "the first run's build", alive=[older]
    )
    # the first run has read its inputs and is building: now the inputs change and a second run starts
    extra.write_text(HEAD + "A08,Charity,cash_giving,GB,2015-08,actual,70,GBP k,results\n")
    newer = _run(data, warehouse)
    out_newer, _ = newer.communicate(timeout=300)
    out_older, _ = older.communicate(timeout=300)
    assert older.returncode == 0 and newer.returncode == 0, out_older + out_newer
    assert _figure_count(warehouse) == 15, "the published build must hold the newest inputs"
    assert "waited" in out_newer and "for another run to publish first" in out_newer
    print(f"\noverlap: the second run's report:\n{out_newer}")


DASHBOARD_PROBE = """
import os, sys
from streamlit.testing.v1 import AppTest
os.environ["IMPACT_WAREHOUSE"] = sys.argv[1]
at = AppTest.from_file("dashboard/app.py", default_timeout=180).run()
assert not at.exception, [e.value for e in at.exception]
print("\\n".join(w.value for w in at.warning))
"""


def _holder(warehouse: Path) -> subprocess.Popen:
    """A DuckDB client holding the file read-write, as SQL tools and notebooks open it by default."""
    holder = subprocess.Popen(
        [
            str(PYTHON),
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(warehouse)!r}); print('open', flush=True); time.sleep(300)",  # pacing: the holder's own script
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "open"
    return holder


# fault 8: a read-write client on the published file made every run fail; `impact sql` printed a traceback
def test_a_read_write_client_blocks_neither_the_run_nor_gets_a_traceback(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(CASES / "readwrite-client" / "data", data)
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    args = ["--data-dir", str(data), "--warehouse", str(warehouse), "--today", TODAY]
    first = subprocess.run([str(IMPACT), "run", *args], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    holder = _holder(warehouse)
    try:
        # a reader that cannot open the file: one plain line naming the holder and the fix
        sql = subprocess.run(
            [str(IMPACT), "sql", "--warehouse", str(warehouse), "select count(*) from figures"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert sql.returncode != 0 and "Traceback" not in sql.stderr
        lines = [line for line in sql.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and f"process {holder.pid}" in lines[0] and "-readonly" in lines[0], sql.stderr
        # the dashboard says the same in one line, no traceback
        dashboard = subprocess.run(
            [str(PYTHON), "-c", DASHBOARD_PROBE, str(warehouse)],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=REPO,
        )
        assert dashboard.returncode == 0, dashboard.stderr[-2000:]
        assert (
            f"held open for writing by process {holder.pid}" in dashboard.stdout
            and "-readonly" in dashboard.stdout
        )
        # the run publishes anyway (the holder keeps its old snapshot)
        again = subprocess.run(
            [str(IMPACT), "run", *args], capture_output=True, text=True, cwd=REPO, timeout=300
        )
        assert again.returncode == 0 and "published:" in again.stdout, again.stdout + again.stderr
    finally:
        holder.kill()
        holder.wait()
    assert _figure_count(warehouse) == 14
    assert sorted(p.name for p in warehouse.parent.iterdir()) == ["warehouse.duckdb"]
