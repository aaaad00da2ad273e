"""Shape `column_groups`: exports whose period headers each span a group of columns, as accounting packages
write a "Budget vs. Actuals" report (QuickBooks, Xero, Sage):

```
            | Jan 2011                                 | Feb 2011   ...  | Total
            | Actual | Budget | over Budget | % of Budget | Actual ...    | Actual ...
Income
   4200 Trade Sales | 56,105 | 53,300 | 2,805 | 105.26 | ...
Total Income ...
```

The upper header row(s) name the group (a period, forward-filled over its columns; `ignore_groups` lists
groups not read, such as the total of the report's range), the last header row what each column of a group
holds, as `[groups]` says: a kind of figure (loaded like `side_by_side`'s value columns), a measure the export
computed itself (`reconcile = "variance"`: kept in `export_values` and checked against the warehouse by the
`export_reconciliation` view, never loaded as a figure), or `ignore = true`. A column under a group whose
header is not in `[groups]`, or whose group is no period, is a rejected cell naming its header: nothing is
dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.ingest.layouts.cells import CellProblem
from pipelines.ingest.layouts.grid import Sheet, address
from pipelines.ingest.layouts.headers import Header, cell_text, period_label
from pipelines.ingest.layouts.spec import GroupColumn, Layout
from pipelines.ingest.problems import Problem

ACTUAL_SIDE = ("actual", "estimate")


@dataclass(frozen=True)
class GroupedColumn:
    """One sheet column of a group: its group (index), period and what it holds."""

    group: int
    period: str | CellProblem
    holds: GroupColumn | CellProblem


def plan_columns(sheet: Sheet, header: Header, layout: Layout, labels: set[str]) -> dict[int, GroupedColumn]:
    """Sheet column -> what it holds, for every column that is not a label column or an ignored group."""
    upper, lower = header.layers[:-1], header.layers[-1]
    top = header.row - len(upper)
    by_label = {g.label.strip().casefold(): g for g in layout.groups}
    ignored = {g.strip().casefold() for g in layout.ignore_groups}
    plan: dict[int, GroupedColumn] = {}
    group = -1
    for c in range(len(lower)):
        # a group starts where its header is written (the cells to its right are forward-filled)
        group += any(sheet.cell(top + i, c) is not None for i in range(len(upper)))
        if (header.names[c] or "").casefold() in labels or c in layout.header_names:
            continue
        head = _group_head(upper, c)
        sub = cell_text(lower[c])
        if head is not None and (cell_text(head) or "").casefold() in ignored:
            continue
        where = address(sheet.name, header.row, c)
        plan[c] = GroupedColumn(
            max(group, 0), _period(head, layout, where), _holds(sub, head, by_label, where)
        )
        if isinstance(plan[c].holds, GroupColumn) and plan[c].holds.ignore:
            del plan[c]
    return plan


def _group_head(upper: tuple[list[object], ...], c: int) -> object:
    parts = [layer[c] for layer in upper if layer[c] is not None]
    if len(parts) <= 1:
        return parts[0] if parts else None
    return " ".join(cell_text(p) or "" for p in parts).strip() or None


def _period(head: object, layout: Layout, where: str) -> str | CellProblem:
    if head is None:
        return CellProblem("", "period", None, f"no group header above {where}: the column names no period",
                           "write the period over its group, or list the column's header in [groups] with "
                           "ignore = true")  # fmt: skip
    try:
        return period_label(head, layout.fiscal_year_start_month)
    except Problem as exc:
        return CellProblem(
            "",
            "period",
            cell_text(head),
            f"{exc.reason} (the group header over {where})",
            f"list it in ignore_groups if the group is not a period (a total); {exc.suggestion}",
        )


def _holds(
    sub: str | None, head: object, by_label: dict[str, GroupColumn], where: str
) -> GroupColumn | CellProblem:
    found = by_label.get((sub or "").strip().casefold())
    if found is not None:
        return found
    known = ", ".join(f"'{g.label}'" for g in by_label.values())
    return CellProblem(
        "",
        "kind",
        sub,
        f"the column header {where} ('{sub or ''}' under '{cell_text(head) or ''}') is not in [groups]",
        f"[groups] names {known}; add this one with a kind, reconcile = ... or ignore = true",
    )


def group_cells(plan: dict[int, GroupedColumn], group: int) -> tuple[int | None, int | None]:
    """The columns of one group holding the actual-side figure and the expectation (for reconciled cells)."""
    actual = expected = None
    for c, col in plan.items():
        if col.group != group or not isinstance(col.holds, GroupColumn) or not col.holds.kind:
            continue
        if col.holds.kind.strip().casefold() in ACTUAL_SIDE:
            actual = c
        else:
            expected = c
    return actual, expected
