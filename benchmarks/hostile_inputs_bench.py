"""Time and peak memory of reading each hostile input of issue 28 (faults 1, 3, 5, 8, 9), one child each.

    .venv/bin/python benchmarks/hostile_inputs_bench.py [--tree PATH] [--timeout S] [--memory-gb G]

Each file is read by `pipelines.ingest.readers.read_table` (TOML by `pipelines.ingest.limits.load_toml`,
or tomllib where that module does not exist) in a fresh child process, with PYTHONPATH=--tree (default:
this worktree), so the same script measures the code before a fix (a checkout of the old commit) and after.
The child runs under an address-space limit of --memory-gb and is killed after --timeout seconds, so a
reader that would take 24 minutes and 7 GB costs the machine neither. Prints one line per file: seconds,
peak RSS in MB (the child's ru_maxrss), and the outcome (the first line of the error, or the rows read).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from tests.reliability import hostile  # noqa: E402

CHILD = r"""
import sys, resource
from pathlib import Path
path = Path(sys.argv[1])
try:
    if path.suffix == ".toml":
        try:
            from pipelines.ingest.limits import load_toml
            load_toml(path.read_text(), path.name)
        except ImportError:
            import tomllib
            tomllib.loads(path.read_text())
        print("read")
    else:
        from pipelines.ingest.readers import read_table
        t = read_table(path)
        print(f"read: {t.frame.height} rows, {len(t.bad_rows)} rejected: "
              + "; ".join(b.reason for b in t.bad_rows[:1])[:150])
except BaseException as exc:
    print(f"{type(exc).__name__}: {str(exc).splitlines()[0][:150] if str(exc) else ''}")
"""


def _jsonl(path: Path) -> Path:
    row = '{"entity":"Shop","metric":"revenue","region":"GB","period":"2024-Q1","kind":"actual",'
    rows = [
        row + f'"value":{110 + i},"unit":"GBP m","source_id":"books","note":"a\u2028b\u0085c"}}'
        for i in range(3)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", default=str(HERE))
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--memory-gb", type=float, default=8)
    args = parser.parse_args()
    limit = int(args.memory_gb * 2**30)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {
            "fault 1: cell at XFD1048576 (.xlsx)": hostile.far_cell_xlsx(folder / "far.xlsx"),
            "fault 3: sheet inflating to 3 GB (.xlsx)": hostile.bomb_xlsx(folder / "bomb.xlsx", 3 * 10**9),
            "fault 5: TOML nested 100,000 deep": hostile.deep_toml(folder / "deep.toml"),
            "fault 8: header of 200,000 'a' (.csv)": hostile.wide_header_csv(folder / "wide.csv"),
            "fault 9: rows holding U+2028, U+0085 (.jsonl)": _jsonl(folder / "lines.jsonl"),
        }
        for name, path in files.items():
            env = {**os.environ, "PYTHONPATH": args.tree}
            started = time.perf_counter()
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(path)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
                cwd=args.tree,
            )
            timer = threading.Timer(args.timeout, child.kill)
            timer.start()
            _, status, usage = os.wait4(child.pid, 0)
            timer.cancel()
            seconds = time.perf_counter() - started
            outcome = child.stdout.read().strip() or "no output"
            if os.WIFSIGNALED(status):
                killed = seconds >= args.timeout
                outcome = (
                    f"still running after {args.timeout:.0f} s: killed"
                    if killed
                    else f"signal {os.WTERMSIG(status)}"
                )
            peak = usage.ru_maxrss
            size = path.stat().st_size
            print(
                f"{name:48} {size / 1000:8.0f} KB  {seconds:7.1f} s  peak {peak / 1024:7.0f} MB  {outcome}",
                flush=True,
            )


if __name__ == "__main__":
    main()
