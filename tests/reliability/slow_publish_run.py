"""`impact run` whose swap is delayed by SLOW_PUBLISH_S seconds (a slow disk), to make two runs overlap.

    SLOW_PUBLISH_S=8 python slow_publish_run.py --data-dir D --warehouse W [--today T]

Runs exactly `impact run ARGS`; only `pipelines.warehouse.build.publish` sleeps first. Used by
test_faults_operations.py to reproduce fault 6 (the run that read older inputs swapping last).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pipelines.cli import main as cli  # noqa: E402
from pipelines.warehouse import build  # noqa: E402

_publish = build.publish


def _slow_publish(built: Path, target: Path) -> Path:
    time.sleep(float(os.environ.get("SLOW_PUBLISH_S", "0")))  # pacing: the slow swap under test
    return _publish(built, target)


if __name__ == "__main__":
    build.publish = _slow_publish
    sys.argv = ["impact", "run", *sys.argv[1:]]
    cli.main()
