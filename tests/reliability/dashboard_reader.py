"""The dashboard as a reader for the concurrency proof: one Streamlit app session (AppTest) re-run in a loop.

    python dashboard_reader.py WAREHOUSE OUT.jsonl STOPFILE

Each re-run is one JSON line: timing, any exception the app raised, and whether the probe entity of input
set B is offered in the Entity picker (so a publish shows up in the same session, without a restart).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.reliability.helpers import PROBE_ENTITY  # noqa: E402


def main() -> None:
    warehouse, out, stop = sys.argv[1:4]
    os.environ["IMPACT_WAREHOUSE"] = warehouse
    at = AppTest.from_file(str(REPO / "dashboard" / "app.py"), default_timeout=60)
    with open(out, "w", buffering=1) as fh:
        while not Path(stop).exists():
            t0 = time.monotonic()
            record: dict = {"t0": t0}
            try:
                at.run()
                if at.exception:
                    record["error"] = "; ".join(str(e.message) for e in at.exception)[:2000]
                pickers = [s for s in at.sidebar.selectbox if s.label == "Entity"]
                record["entities"] = list(pickers[0].options) if pickers else []
                record["probe_shown"] = PROBE_ENTITY in record["entities"]
                record["warnings"] = [str(w.value)[:200] for w in at.sidebar.warning]
            except Exception as exc:
                record["error"] = f"{type(exc).__name__}: {exc}"
            record["t1"] = time.monotonic()
            fh.write(json.dumps(record) + "\n")
            time.sleep(1.0)  # pacing: one visitor's reload a second


if __name__ == "__main__":
    main()
