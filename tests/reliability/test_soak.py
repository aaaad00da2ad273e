"""The operations soak (issue 13): random files dropped into the inbox while runs overlap and a console
process runs hostile queries, all at once, for IMPACT_SOAK_SECONDS (45 s in the ordinary suite; `make soak`
runs 600).

Invariants checked at the end:
- nothing lost: every file dropped is still somewhere (kept in inbox/processed/, or waiting in the inbox as an
  unfinished `.part`), byte for byte, and every finished figures file is filed into datasets/inbox/;
- no crash: every `impact run` exits 0 and prints "published"; the console process has no error other than a
  refusal, and its peak memory stays under 2 GB;
- the newest complete inputs are published: after the last run, build_info.inputs_hash is the hash of the
  inputs as they are on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.ingest.discover import discover
from pipelines.ingest.inbox import file_inbox
from pipelines.warehouse.build import inputs_hash

from .helpers import IMPACT, PYTHON, REPO

SECONDS = float(os.environ.get("IMPACT_SOAK_SECONDS", "45"))
HERE = Path(__file__).resolve().parent
HEAD = "entity,metric,region,period,kind,value,unit,source_id\n"


def _drop(inbox: Path, rng: random.Random, n: int, dropped: dict[str, bytes], pending: list[Path]) -> None:
    """One random drop: a figures file, garbage, a same-name unrecognised file, an odd name, a symlink, or a
    `.part` upload that is renamed later (write-then-rename)."""
    kind = rng.choice(["figures", "figures", "garbage", "notes", "odd-name", "part", "symlink"])
    month = 1 + n % 12
    figures = HEAD + f"Charity,cash_giving,GB,2016-{month:02d},actual,{rng.randint(1, 500)},GBP k,results\n"
    if kind == "figures":
        name, data = f"figures-soak-{n}.csv", figures.encode()
    elif kind == "garbage":
        name, data = f"figures-garbage-{n}.csv", bytes(rng.randrange(256) for _ in range(rng.randint(1, 400)))
    elif kind == "notes" and not (inbox / "notes.csv").exists():
        name, data = "notes.csv", f"a,b\n{n},{n}\n".encode()  # the same name again and again
    elif kind in ("odd-name", "notes"):
        name, data = f"figures \udcff$(x) {n}.csv", figures.encode()
    elif kind == "part":
        name = f"figures-upload-{n}.csv.part"
        (inbox / name).write_bytes(figures.encode()[:20])  # half an upload, finished later
        pending.append(inbox / name)
        dropped[f"pending:{n}"] = figures.encode()
        return
    else:
        (inbox / f"figures-link-{n}.csv").symlink_to("/etc/hostname")
        return
    path = Path(os.fsdecode(os.path.join(os.fsencode(inbox), os.fsencode(name))))
    path.write_bytes(data)
    dropped[name] = data


def _finish_uploads(pending: list[Path], dropped: dict[str, bytes]) -> None:
    for part in list(pending):
        n = part.name.split("-")[2].split(".")[0]
        data = dropped.pop(f"pending:{n}")
        part.write_bytes(data)
        part.rename(part.with_name(part.name[: -len(".part")]))
        dropped[part.name[: -len(".part")]] = data
        pending.remove(part)


@pytest.mark.slow
def test_soak_inbox_overlapping_runs_and_hostile_console(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "tests" / "data" / "cases" / "readwrite-client" / "data", data)
    inbox = data / "inbox"
    inbox.mkdir()
    warehouse = tmp_path / "wh" / "warehouse.duckdb"
    args = ["--data-dir", str(data), "--warehouse", str(warehouse), "--today", "2026-11-29"]
    first = subprocess.run([str(IMPACT), "run", *args], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    console = subprocess.Popen(
        [str(PYTHON), str(HERE / "soak_console.py"), str(warehouse), str(SECONDS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    rng = random.Random(int(os.environ.get("RELIABILITY_SEED", "13")))
    dropped: dict[str, bytes] = {}
    pending: list[Path] = []
    runs: list[subprocess.Popen] = []
    outcomes: list[tuple[int, str]] = []
    stop = threading.Event()

    def sensor() -> None:  # what the inbox sensor does every 15 s, here every second
        while not stop.is_set():
            file_inbox(data, settle_s=1.0)
            time.sleep(1.0)  # pacing: the sensor's tick

    watcher = threading.Thread(target=sensor)
    watcher.start()
    started, n = time.monotonic(), 0
    try:
        while time.monotonic() - started < SECONDS:
            _drop(inbox, rng, n, dropped, pending)
            n += 1
            if n % 4 == 0:
                _finish_uploads(pending, dropped)
            for r in [r for r in runs if r.poll() is not None]:
                outcomes.append((r.returncode, r.stdout.read()))
                runs.remove(r)
            if len(runs) < 3 and rng.random() < 0.5:  # up to three runs at once
                runs.append(
                    subprocess.Popen(
                        [str(IMPACT), "run", *args],
                        stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT,
                        text=True,
                        cwd=REPO,
                    )
                )
            time.sleep(rng.uniform(0.2, 1.5))  # pacing: users arrive at random
        _finish_uploads(pending, dropped)
    finally:
        time.sleep(2.5)  # pacing: the sensor's last ticks over the last uploads
        stop.set()
        watcher.join()
    file_inbox(data, settle_s=0)  # the sensor's last look: everything finished is filed
    last = subprocess.Popen(
        [str(IMPACT), "run", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=REPO
    )
    for r in [*runs, last]:
        out, _ = r.communicate(timeout=600)
        outcomes.append((r.returncode, out))
    report = json.loads(console.communicate(timeout=120)[0].strip().splitlines()[-1])

    # no crash
    failed = [out[-1500:] for code, out in outcomes if code != 0 or "published:" not in out]
    assert not failed, failed[:2]
    assert report["other_errors"] == 0, report["errors"]
    assert report["peak_rss_mb"] < 2048, report
    assert report["worker_peak_rss_mb"] <= 2048, report  # the worker's address space is 2 GB (issue 28)
    # nothing lost: every dropped byte string is still on disk (inbox or processed/), every figures file filed
    kept = {
        hashlib.sha256(p.read_bytes()).hexdigest()
        for p in inbox.rglob("*")
        if p.is_file() and not p.is_symlink()
    }
    lost = [name for name, content in dropped.items() if hashlib.sha256(content).hexdigest() not in kept]
    assert not lost, lost
    filed = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (data / "datasets" / "inbox").glob("*")}
    figures = [
        c
        for name, c in dropped.items()
        if name.startswith(("figures-soak", "figures-upload", "figures \udcff"))
    ]
    assert {hashlib.sha256(c).hexdigest() for c in figures} <= filed
    # the newest complete inputs are published
    expected = inputs_hash(pl.DataFrame({"content_hash": [f.content_hash for f in discover(data)]}))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        published = con.execute("select inputs_hash from build_info").fetchone()[0]
    assert published == expected
    print(
        f"\nsoak {SECONDS:.0f} s: {len(dropped)} files dropped ({len(figures)} figures files, all filed), "
        f"{len(outcomes)} runs (up to 3 at once) all published, the last with the newest inputs; console: "
        f"{report['queries']} queries, {report['refused']} refused, {report['answered']} answered, "
        f"0 other errors, peak RSS {report['peak_rss_mb']} MB (largest query worker "
        f"{report['worker_peak_rss_mb']} MB)"
    )
