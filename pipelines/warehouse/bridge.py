"""The bridge from the original expectation to the actual, read from the published warehouse (view
`expectation_bridge`, sql/views/analysis/expectation_bridge.sql) for `impact bridge` and the report formats.

`read_bridge(warehouse, entity, metric, region, period, kind)` returns a dict: the series, the policy the
bridge ends on, the unit (the base unit: USD, count, %, minutes) and `steps`, a list of dicts (step_order,
step, label, region_step, step_value, running_total, as_of, source_id, publisher, figure_id), whose
step_values add up to the actual. Raises BridgeNotFound (a ValueError) naming the bridges that exist for the
entity and metric when none matches, and QueryRefused when the warehouse cannot be opened.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.warehouse.console import connect_safely

STEPS = """
select step_order, step, label, region_step, step_value, running_total, as_of, source_id, publisher, figure_id,
       policy, unit, period, period_start, period_end
from expectation_bridge
where entity = ? and metric = ? and region_code = ? and period = ? and expectation_kind = ?
order by step_order
"""
AVAILABLE = """
select distinct region_code, period, expectation_kind
from expectation_bridge
where entity = ? and metric = ?
order by region_code, period, expectation_kind
limit 20
"""


class BridgeNotFound(ValueError):
    """No bridge for that series; the message lists those that exist for the entity and metric."""


def read_bridge(warehouse: Path, entity: str, metric: str, region: str, period: str, kind: str) -> dict:
    with connect_safely(warehouse) as con:
        rel = con.sql(STEPS, params=[entity, metric, region, period, kind])
        steps = [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]
        if not steps:
            there = con.sql(AVAILABLE, params=[entity, metric]).fetchall()
            known = ", ".join(f"--region {r} --period {p} --kind {k}" for r, p, k in there)
            raise BridgeNotFound(
                f"no bridge for {entity} {metric} {region} {period} {kind}: "
                + (
                    f"there are: {known}"
                    if known
                    else f"{entity} {metric} has no expectation compared with an actual"
                )
            )
    first = steps[0]
    keep = ("step_order", "step", "label", "region_step", "step_value", "running_total", "as_of", "source_id",
            "publisher", "figure_id")  # fmt: skip
    return {
        "entity": entity,
        "metric": metric,
        "region_code": region,
        "period": first["period"],
        "period_start": str(first["period_start"]),
        "period_end": str(first["period_end"]),
        "expectation_kind": kind,
        "policy": first["policy"],
        "unit": first["unit"],
        "original": first["step_value"],
        "actual": steps[-1]["step_value"],
        "steps": [
            {k: (str(s[k]) if k == "as_of" and s[k] is not None else s[k]) for k in keep} for s in steps
        ],
    }
