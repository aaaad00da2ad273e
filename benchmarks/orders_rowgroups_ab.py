"""A/B of the row-group proofs (issue 18, item 6): the pipeline with and without them against the raw DuckDB
aggregation (no checks), interleaved, at two sizes, so the marginal cost per row can be compared:
(t_big - t_small) / (rows_big - rows_small). Reports wall time and CPU time (all threads), median of N.

    python benchmarks/orders_rowgroups_ab.py DIR_SMALL DIR_BIG [REPEATS] [OUT.json]

DIR_*: folders made by `impact bench orders --rows R --bad-rows-window 0.1 --dir DIR` (reused as they are).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

from pipelines.devtools.orders_bench import measure
from pipelines.orders import layout

MODES = ("floor_unchecked", "pipeline", "pipeline_unproven")


def main(small: str, big: str, repeats: int = 5, out: str | None = None) -> dict:
    dirs = {"small": Path(small), "big": Path(big)}
    rows = {
        k: json.loads((layout.orders_dir(d) / layout.SYNTHETIC_MARKER).read_text())["rows"]
        for k, d in dirs.items()
    }
    runs = {(k, m): [] for k in dirs for m in MODES}
    for i in range(repeats):
        for k, d in dirs.items():
            for mode in MODES:
                runs[(k, mode)].append(measure({"data_dir": str(d), "mode": mode, "threads": None}))
                print(f"{k} {mode:<18} {i + 1}/{repeats}: {runs[(k, mode)][-1]['seconds']:.2f} s", flush=True)
    med = {
        f"{k}:{m}": {
            "seconds": round(statistics.median(r["seconds"] for r in v), 3),
            "cpu_s": round(statistics.median(r["cpu_s"] for r in v), 3),
            "runs_s": [round(r["seconds"], 3) for r in v],
        }
        for (k, m), v in runs.items()
    }
    extra = rows["big"] - rows["small"]
    marginal = {}
    for measure_name in ("seconds", "cpu_s"):
        per = {
            m: (med[f"big:{m}"][measure_name] - med[f"small:{m}"][measure_name]) / extra * 25e6 for m in MODES
        }
        marginal[measure_name] = {
            **{f"{m}_per_25M": round(v, 3) for m, v in per.items()},
            "pipeline_vs_raw": round(per["pipeline"] / per["floor_unchecked"], 3),
            "unproven_vs_raw": round(per["pipeline_unproven"] / per["floor_unchecked"], 3),
        }
    report = {
        "rows": rows,
        "repeats": repeats,
        "load_average_after": os.getloadavg(),
        "medians": med,
        "marginal": marginal,
    }
    print(json.dumps(report["marginal"], indent=1))
    if out:
        Path(out).write_text(json.dumps(report, indent=1) + "\n")
    return report


if __name__ == "__main__":
    main(
        sys.argv[1],
        sys.argv[2],
        int(sys.argv[3]) if len(sys.argv) > 3 else 5,
        sys.argv[4] if len(sys.argv) > 4 else None,
    )
