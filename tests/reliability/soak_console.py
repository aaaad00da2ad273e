"""The soak's console process: hostile and heavy queries in a loop against the published warehouse.

    python soak_console.py WAREHOUSE SECONDS

Prints one JSON line at the end: queries run, refused, answered, other errors (must be 0: an exception that is
not a refusal, or a refusal that is not one line naming its limit), the process's peak resident memory in MB
and its largest query worker's (both must stay under 2 GB)."""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pipelines.warehouse.console import QueryRefused, run_readonly  # noqa: E402

QUERIES = [
    "select count(*) from range(300000) a(i), range(300000) b(j) where (i * j) % 7 = 3",  # slow: stopped
    "select repeat('x', 100000000) as big from range(5)",  # 500 MB result: refused by size
    "select list(x) as l from (select repeat('y', 1000) || i as x from range(1500000) t(i))",  # memory
    "select * from query('select * from duckdb_' || 'settings()')",  # name built in a string
    "select current_setting('home_directory')",
    "select * from read_text('/etc/passwd')",
    "copy figures to '/tmp/soak-out.csv'",
    "select * from figures",  # ordinary
    "select region_code, count(*) from figures group by all",
    "select * from range(1000000)",  # capped at the row limit
    # issue 28: limits DuckDB's own checks did not keep
    "select length(repeat('x', 4000000000)) as n",  # a 4 GB string: the worker's 2 GB address space
    "select len(list_resize([1], 500000000)) as n",  # a long list: the same
    "select levenshtein(repeat('a', 200000), repeat('b', 200000)) as d",  # never interrupted: killed
    "select i, levenshtein(repeat('a', 300), repeat('b', 300) || i) as d from range(100000) t(i)",  # streaming
    "select json_serialize_plan('select current_setting(''temp_directory'')', optimize := true)",
    "select " + "case when 1=1 then " * 800 + "1" + " end" * 800,  # nested too deeply
]


def main(warehouse: Path, seconds: float) -> None:
    counts = {"queries": 0, "refused": 0, "answered": 0, "other_errors": 0}
    errors: list[str] = []
    rng = random.Random(13)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        query = rng.choice(QUERIES)
        counts["queries"] += 1
        try:
            run_readonly(warehouse, query, max_rows=rng.choice([1, 1000, 100_000]), timeout_s=3)
            counts["answered"] += 1
        except QueryRefused as exc:
            counts["refused"] += 1
            message = str(exc)
            if "\n" in message or "Interrupted!" in message or "Traceback" in message:
                counts["other_errors"] += 1  # a refusal is one line naming the limit (issue 28, fault 13)
                errors.append(f"unclear refusal: {message}"[:300])
        except Exception as exc:  # noqa: BLE001 - counted: the soak asserts there are none
            counts["other_errors"] += 1
            errors.append(f"{type(exc).__name__}: {exc}"[:300])
    counts["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    # each query runs in a worker process of its own (pipelines/warehouse/console_worker.py): the largest one
    counts["worker_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
    counts["errors"] = errors[:5]
    print(json.dumps(counts), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), float(sys.argv[2]))
