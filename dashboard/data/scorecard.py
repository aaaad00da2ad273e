"""The Scorecard's reads: comparisons of one series (reported grains or quarters), the grains it can be
shown at, and its shortfall streaks. Each function names its read (sql/reads/scorecard/*.sql, selecting from
the serve_* views), binds the page's selection and returns the frame, cached by the warehouse's identity.

Comparison frames (`comparisons`, `quarter_comparisons`), one row per region x period, sorted by region path
and period: region_code, region_name, region_level, region_depth, region_path, period, grain, period_start,
period_end, unit (the base unit), actual, actual_kind, actual_bound, actual_source_id, actual_publisher,
expectation, expectation_low, expectation_high, expectation_bound, expectation_as_of, expectation_source_id,
expectation_publisher, vintages, variance (amounts in the base unit), variance_pct, attainment, direction,
direction_certain, is_shortfall, is_approximate, is_bound, basis, favourable, performance_pct, the components
and their figure ids (rolled-up rows only), and the row in its expectation's currency: native_currency,
actual_native, expectation_native, expectation_low_native, expectation_high_native, variance_native (whole
units of it), usd_per_unit (USD per one native unit), fx_first_month, fx_last_month, fx_source -
sql/views/serve/serve_comparisons.sql (`dashboard.sections.currency.in_currency` swaps them in).
"""

from __future__ import annotations

import polars as pl

from dashboard.data.connection import Identity, read, where_given


def comparisons(
    ident: Identity,
    entity: str,
    metric: str,
    kind: str,
    policy: str,
    grain: str | None = None,
    region_code: str | None = None,
) -> pl.DataFrame:
    """Comparisons of this series at the reported grains, for one grain and one region when given (the
    filters go into the scan: only the rows shown are read)."""
    narrow = where_given(grain=grain, region_code=region_code)
    return read(ident, "scorecard/comparisons", entity, metric, kind, policy, where=narrow)


def comparison_grains(ident: Identity, entity: str, metric: str, kind: str, policy: str) -> tuple[set, bool]:
    """(grains with reported comparisons, whether the series has quarters, reported or summed from months)."""
    series = (entity, metric, kind, policy)
    grains = set(read(ident, "scorecard/comparison_grains", *series, *series)["grain"].to_list())
    return grains - {"quarter (summed)"}, "quarter (summed)" in grains


def quarter_comparisons(ident: Identity, entity: str, metric: str, kind: str, policy: str) -> pl.DataFrame:
    """Quarter grain, reported or summed from months (variance_by_region_quarter), as `comparisons`."""
    return read(ident, "scorecard/quarter_comparisons", entity, metric, kind, policy)


def streaks(
    ident: Identity, entity: str, metric: str, kind: str, policy: str, grain: str | None = None
) -> pl.DataFrame:
    """The series' shortfall streaks, longest first: region_code, region_name, grain, first_period,
    last_period, streak_start, streak_end, length, cumulative_shortfall (base unit), is_current."""
    return read(ident, "scorecard/streaks", entity, metric, kind, policy, where=where_given(grain=grain))


def comparisons_at(
    ident: Identity, entity: str, metric: str, kind: str, policy: str, grain: str, has_quarters: bool
) -> pl.DataFrame:
    """The series' comparisons at one grain: quarters (reported or summed from months) when it has them, else
    the reported comparisons at that grain."""
    if grain == "quarter" and has_quarters:
        return quarter_comparisons(ident, entity, metric, kind, policy)
    return comparisons(ident, entity, metric, kind, policy, grain=grain)
