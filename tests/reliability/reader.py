"""A reader process for the concurrency proof: query the warehouse in a loop until a stop file appears.

    python reader.py fresh|hold WAREHOUSE OUT.jsonl STOPFILE

fresh: a new read-only connection per read (what the dashboard and `duckdb -readonly` users do).
hold:  one read-only connection opened at start and kept open throughout (a long-lived SQL session).
Every read is one JSON line: start/end on the system-wide monotonic clock, the snapshot, or the error.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import duckdb  # noqa: E402

from tests.reliability.helpers import snapshot  # noqa: E402

CONFIG = {"threads": 1}  # a reader needs one thread; spare the CPU for the pipeline on small runners


def main() -> None:
    mode, warehouse, out, stop = sys.argv[1:5]
    stop_path = Path(stop)
    held = duckdb.connect(warehouse, read_only=True, config=CONFIG) if mode == "hold" else None
    with open(out, "w", buffering=1) as fh:
        while not stop_path.exists():
            t0 = time.monotonic()
            record: dict = {"t0": t0}
            try:
                if held is not None:
                    record["snap"] = snapshot(held)
                else:
                    con = duckdb.connect(warehouse, read_only=True, config=CONFIG)
                    try:
                        record["snap"] = snapshot(con)
                    finally:
                        con.close()
            except Exception as exc:  # every error is a finding: record it, keep reading
                record["error"] = f"{type(exc).__name__}: {exc}"
                record["trace"] = traceback.format_exc(limit=3)
            record["t1"] = time.monotonic()
            fh.write(json.dumps(record) + "\n")
            time.sleep(0.02)  # pacing: leave the pipeline some CPU on a 2-core runner
    if held is not None:
        held.close()


if __name__ == "__main__":
    main()
