"""The scheduled reports: after each publish, one cited report per configured selection (IMPACT_REPORTS)."""

import datetime as dt
from pathlib import Path

import dagster as dg

from pipelines.defs.resources import ImpactSettings
from pipelines.settings import report_selections


@dg.asset(group_name="warehouse")
def scheduled_reports(
    context: dg.AssetExecutionContext, settings: ImpactSettings, published_warehouse: str
) -> list[dict]:
    """The reports of the selections in IMPACT_REPORTS, written to DATA_DIR/reports/ as
    DATE-SELECTION.html after each publish (linked by the alert webhook's message). A report that cannot be
    made is logged and listed with its reason; it never fails the run."""
    selections = report_selections(settings.reports)
    if not selections:
        context.add_output_metadata({"reports": "none configured (IMPACT_REPORTS)"})
        return []
    from report.build import write_scheduled_reports  # plotly and the chart builders: only when configured

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    written = write_scheduled_reports(
        Path(published_warehouse), settings.data_path / "reports", selections, now=now
    )
    for failed in (w for w in written if "error" in w):
        context.log.warning(f"report {failed['selection']} not written: {failed['error']}")
    context.add_output_metadata(
        {
            "reports written": sum("path" in w for w in written),
            "reports failed": sum("error" in w for w in written),
            "paths": dg.MetadataValue.json([w.get("path") or w["error"] for w in written]),
        }
    )
    return written
