"""Proof: a run killed with SIGKILL at any point leaves the last good warehouse published and readable, the
next run succeeds, and no half-built, WAL or lock files pile up.

Each attempt switches the inputs (A <-> B, so every build is distinguishable by inputs_hash), starts
`impact run` (pre-imported, see warm_run.py) and kills it: at a random time into the run, at a random moment
after its half-built file appears, or right after the swap. The warehouse lives in its own folder, so any
other file there is debris.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from .helpers import IMPACT, PYTHON, REPO, TODAY, consistent, make_data_dir, set_inputs, snapshot

HERE = Path(__file__).resolve().parent
KILLS = int(os.environ.get("RELIABILITY_KILLS", 20))  # at least 20 in the suite; fewer only by hand
MODES = ("time", "building", "time", "swap")


def _args(data_dir: Path, warehouse: Path) -> list[str]:
    return ["--data-dir", str(data_dir), "--warehouse", str(warehouse), "--today", TODAY]


def _spawn(data_dir: Path, warehouse: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(PYTHON), str(HERE / "warm_run.py"), *_args(data_dir, warehouse)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _start(proc: subprocess.Popen) -> float:
    assert proc.stdout.readline().strip() == "ready"
    proc.stdin.write("go\n")
    proc.stdin.flush()
    return time.monotonic()


def _published(warehouse: Path) -> dict:
    """The published warehouse must always open read-only and hold one whole, consistent build."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        snap = snapshot(con)
    assert consistent(snap), snap
    return snap


def _others(warehouse: Path) -> list[str]:
    return sorted(p.name for p in warehouse.parent.iterdir() if p.name != warehouse.name)


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_sigkill_at_random_points_never_damages_the_published_warehouse(tmp_path: Path) -> None:
    seed = int(os.environ.get("RELIABILITY_SEED", random.randrange(1_000_000)))
    rng = random.Random(seed)
    data_dir = make_data_dir(tmp_path)
    warehouse = data_dir / "published" / "warehouse.duckdb"
    warehouse.parent.mkdir()

    # One uncut run first: the first good warehouse, and how long a run takes here.
    proc = _spawn(data_dir, warehouse)
    go = _start(proc)
    assert proc.wait(timeout=300) == 0
    run_s = time.monotonic() - go
    good = _published(warehouse)
    known = {"A": good}

    outcomes: Counter = Counter()
    max_debris = 0
    kills, attempt, variant = 0, 0, "A"
    upcoming = _spawn(data_dir, warehouse)
    while kills < KILLS:
        attempt += 1
        assert attempt <= 3 * KILLS, "too many runs finished before they could be killed"
        variant = "B" if variant == "A" else "A"
        set_inputs(data_dir, variant)
        proc, upcoming = upcoming, None
        mode = MODES[attempt % len(MODES)]
        before_ino = warehouse.stat().st_ino
        go = _start(proc)
        upcoming = _spawn(data_dir, warehouse)  # imports while this run runs
        delay = (
            rng.uniform(0, run_s) if mode == "time" else rng.uniform(0, 0.4) if mode == "building" else 0.0
        )
        trigger_at = go + delay if mode == "time" else None
        while proc.poll() is None:
            now = time.monotonic()
            if trigger_at is None:
                if mode == "building" and any(".building-" in n for n in _others(warehouse)):
                    trigger_at = now + delay
                elif mode == "swap" and warehouse.stat().st_ino != before_ino:
                    trigger_at = now
            if trigger_at is not None and now >= trigger_at:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.005)  # pacing: a 5 ms tick that times the kill, not a wait for readiness
        code = proc.wait(timeout=60)
        if code != -signal.SIGKILL:
            assert code == 0, f"an uncut run failed with exit code {code}"
            outcomes["finished before the kill"] += 1
        else:
            kills += 1
        snap = _published(warehouse)
        debris = [n for n in _others(warehouse)]
        max_debris = max(max_debris, len(debris))
        assert f"{warehouse.name}.wal" not in debris, "a WAL beside the published file would be replayed"
        if warehouse.stat().st_ino == before_ino:
            assert snap == good, "the published file changed without a swap"
            state = "last good kept"
        else:
            # The killed run had already swapped in its build: it must be whole and be this input set's build.
            assert snap == known.get(variant, snap), "a swapped-in build differs from its input set's build"
            good = known[variant] = snap
            state = "new build already swapped in, whole"
        if code == -signal.SIGKILL:
            phase = "during build/checks" if any(".building-" in n for n in debris) else "outside the build"
            outcomes[f"killed ({mode}): {state}, {phase}"] += 1

        if kills == KILLS // 2 and code == -signal.SIGKILL:
            # Halfway: the next run succeeds and clears every leftover of the killed runs.
            nxt, upcoming = upcoming, _spawn(data_dir, warehouse)
            _start(nxt)
            assert nxt.wait(timeout=300) == 0, "the run after a kill failed"
            assert _others(warehouse) == [], f"leftovers after the next run: {_others(warehouse)}"
            good = _published(warehouse)
            known[variant] = good
    upcoming.kill()
    upcoming.wait()

    # Finally a cold `impact run`, exactly as a user or the schedule would start it.
    debris_before = _others(warehouse)
    started = time.monotonic()
    done = subprocess.run(
        [str(IMPACT), "run", *_args(data_dir, warehouse)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    final = _published(warehouse)
    assert final == known.get(variant, final)
    assert _others(warehouse) == [], f"leftovers after the next run: {_others(warehouse)}"
    wal_or_journal = [
        p.name for p in (data_dir / "dagster_home").rglob("*") if p.name.endswith(("-journal", ".lock"))
    ]

    print(
        f"\ncrash safety (seed {seed}): {kills} SIGKILLs in {attempt} attempts; an uncut run takes {run_s:.2f} s"
    )
    for what, n in sorted(outcomes.items()):
        print(f"  {n:3d} x {what}")
    print(
        f"  debris beside the warehouse between runs: at most {max_debris} file(s); before the final run: "
        f"{debris_before}; after it: none"
    )
    print(
        f"  final cold `impact run`: exit 0 in {time.monotonic() - started:.2f} s; dagster_home locks/journals "
        f"left: {wal_or_journal or 'none'}"
    )
