"""Phase annual expectations to months: evenly, or by last year's monthly actuals (the `last_year` profile).

An annual expectation (a year or fiscal-year period) of a kind listed in `phase.kinds` becomes twelve
monthly rows with the same kind, as_of and source; their values sum to the annual value. `last_year` weights
month m by the actual of month m - 12 of the same entity, metric, region and unit found in the same file,
divided by last year's total (the seasonality the business saw). When a month of last year is missing or
the total is not positive, the annual cell is rejected with the months missing: the file must carry the
profile it asks for. The annual row itself is kept unless `keep_annual = false`.
"""

from __future__ import annotations

from pipelines.ingest.layouts.cells import CanonicalRow, CellProblem, LayoutRead, format_number, number_text
from pipelines.ingest.layouts.spec import Layout
from pipelines.normalise.dates import add_months
from pipelines.normalise.periods import PeriodError, parse_period

_KEY = ("entity", "metric", "region", "unit")


def phase_rows(out: LayoutRead, layout: Layout) -> None:
    phase = layout.phase
    kinds = {k.casefold() for k in phase.kinds}
    actuals = {
        (*(r.fields.get(k) for k in _KEY), r.fields.get("period")): r.fields.get("value")
        for r in out.rows
        if (r.fields.get("kind") or "").casefold() == "actual"
    }
    phased: list[CanonicalRow | CellProblem] = []
    for row in out.rows:
        if (row.fields.get("kind") or "").casefold() not in kinds:
            continue
        months = _months(row.fields.get("period"), layout.fiscal_year_start_month)
        number, _ = number_text(row.fields.get("value") or "")
        if months is None or number is None:
            continue  # not annual, or no number: validation reports the row itself
        key = tuple(row.fields.get(k) for k in _KEY)
        weights = _weights(phase.profile, key, months, actuals)
        if isinstance(weights, str):
            phased.append(
                CellProblem(
                    row.origin,
                    "value",
                    row.fields.get("value"),
                    weights,
                    "add last year's monthly actuals to the file, or use profile = 'even'",
                )
            )
            continue
        for month, weight in zip(months, weights, strict=True):
            fields = {**row.fields, "period": month, "value": format_number(round(number * weight, 10))}
            fields["figure_id"] = f"{row.fields['figure_id']}:{month}"
            fields["note"] = f"phased from {row.origin} ({phase.profile}, {weight:.2%} of the year)"
            phased.append(CanonicalRow(fields, row.origin))
    if not phase.keep_annual:
        annual = {
            id(r)
            for r in out.rows
            if (r.fields.get("kind") or "").casefold() in kinds
            and _months(r.fields.get("period"), layout.fiscal_year_start_month)
        }
        out.items = [i for i in out.items if id(i) not in annual]
    out.items.extend(phased)


def _months(period: str | None, fiscal_start: int) -> list[str] | None:
    try:
        p = parse_period(period or "", fiscal_start)
    except (PeriodError, ValueError):
        return None
    if p.grain != "year":
        return None
    return [add_months(p.start, i).strftime("%Y-%m") for i in range(12)]


def _weights(profile: str, key: tuple, months: list[str], actuals: dict) -> list[float] | str:
    if profile == "even":
        return [1 / 12] * 12
    previous = [f"{int(m[:4]) - 1:04d}{m[4:]}" for m in months]
    values = [number_text(actuals.get((*key, m)) or "")[0] for m in previous]
    missing = [m for m, v in zip(previous, values, strict=True) if v is None]
    if missing:
        return f"cannot phase by last year's profile: no actual for {', '.join(missing)}"
    total = sum(values)
    if total <= 0:
        return f"cannot phase by last year's profile: last year's total is {format_number(total)}"
    return [v / total for v in values]
