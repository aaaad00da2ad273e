"""Prepare the Dagster instance and check the code location once, before `impact serve` starts its children.

    python -m pipelines.defs.instance DATA_DIR     # exit 0: ready; exit 1: one line saying what is wrong

Why: started at once on an empty DAGSTER_HOME, the webserver, the daemon and the code server each created
the SQLite storages; in 2 of 8 first starts the schedule storage got two alembic heads, and from then on the
schedule and the inbox sensor never ran and every later start exited at once. Created here first, by one
process, the children find the storages made and only open them. A code location that does not load (a
bad setting, a syntax error) is reported here too, so `impact serve` stops with that message instead of
serving a product whose schedule silently does nothing.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path

from pipelines.settings import dagster_home


def prepare(data_dir: Path) -> str | None:
    """Create (or migrate) the instance's storages under DATA_DIR's DAGSTER_HOME and load every definition;
    returns None when ready, else one line saying what failed."""
    home = dagster_home(data_dir)
    try:
        import dagster as dg

        with dg.DagsterInstance.get() as instance:
            instance.upgrade()  # creates or migrates run, event-log and schedule storage, one at a time
            instance.get_runs(limit=1)
            instance.all_instigator_state()
    except Exception as exc:  # noqa: BLE001 - reported as one line by `impact serve`
        return f"the Dagster instance in {home} cannot be prepared: {type(exc).__name__}: {exc}"
    try:
        from pipelines.defs.definitions import defs

        defs.get_repository_def().load_all_definitions()
    except Exception as exc:  # noqa: BLE001
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return (
            f"the code location pipelines.defs.definitions does not load: {type(exc).__name__}: {exc} "
            f"({Path(where.filename).name}:{where.lineno})"
        )
    return None


if __name__ == "__main__":
    problem = prepare(Path(sys.argv[1]))
    if problem:
        print(problem, file=sys.stderr)
    sys.exit(1 if problem else 0)
