"""`impact run`, imported ahead and started on a signal, so a test can kill it at a chosen point of the run.

    python warm_run.py --data-dir D --warehouse W [--today T]

Imports the CLI and everything `impact run` imports lazily, prints "ready", waits for one line on stdin, then
runs exactly `impact run ARGS` (same code path, same exit code). Python start-up and imports take longer
than the run itself, so without this most random kill points would land before the run began.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import pipelines.defs.run  # noqa: E402,F401  (what `impact run` imports lazily)
from pipelines.cli import main as cli  # noqa: E402

if __name__ == "__main__":
    print("ready", flush=True)
    sys.stdin.readline()
    sys.argv = ["impact", "run", *sys.argv[1:]]
    cli.main()
