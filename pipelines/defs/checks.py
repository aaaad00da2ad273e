"""Asset checks on the built warehouse, before it is published: one per file of sql/checks/ (the SQL returns
the offending rows; pipelines/warehouse/quality.py reads and counts them).

Blocking checks stop the publish step: the last good warehouse stays published. Warnings are shown in the
run and the UI but do not block (they describe the data, not a broken build).
"""

from pathlib import Path

import dagster as dg

from pipelines.defs.assets import warehouse_build
from pipelines.warehouse.quality import BLOCKING, CHECKS, inspect

__all__ = ["BLOCKING", "CHECKS_SQL", "WAREHOUSE_CHECKS", "warehouse_checks"]

# check name -> its SQL (sql/checks/<name>.sql), in file-name order (the names are what the UI helpers need)
CHECKS_SQL = {check.name: check.sql for check in CHECKS}


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            check.name, asset=warehouse_build, description=check.description, blocking=check.blocking
        )
        for check in CHECKS
    ],
)
def warehouse_checks(warehouse_build: str):
    """Every check in one step: each is one SQL query over the built file; its row count is the severity, and
    the first five offending rows go in the metadata."""
    for check in CHECKS:
        n, first = inspect(Path(warehouse_build), check)
        metadata: dict = {"offending rows": n}
        if first:  # the culprits, not only their count
            metadata["first offending rows"] = dg.MetadataValue.json(first)
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey("warehouse_build"),
            check_name=check.name,
            passed=n == 0,
            severity=dg.AssetCheckSeverity.ERROR if check.blocking else dg.AssetCheckSeverity.WARN,
            metadata=metadata,
        )


WAREHOUSE_CHECKS = [warehouse_checks]
