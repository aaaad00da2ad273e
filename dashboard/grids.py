"""What a grid shows (issue 16, fault 5): amounts in the chart's unit, shares as %, no literal 'None'. The CSV
download keeps the table's raw base-unit values (dashboard/tables.py); only the grid's copy changes.

`grid_frame(frame)` -> (display frame, {column: printf format}). Pure (no Streamlit), unit-tested.
- AMOUNTS (the warehouse's numeric columns in the figure's base unit, e.g. USD): divided by the chart's divisor
  (`style.value_scale` of the frame's one unit, or the `scale` given) and renamed 'actual (USD bn)'; left as
  they are when the frame mixes units;
- NATIVE AMOUNTS (`actual_native`, ...: the same amounts in each row's `native_currency`, the Scorecard's
  comparisons) likewise: divided by their own currency's divisor and renamed 'actual_native (EUR m)'; with
  several currencies in the frame, by one divisor and renamed 'actual_native (m, in native_currency)';
- SHARES (fractions: 0.5044): times 100, renamed 'spread_pct (%)', shown '50.4%';
- an empty cell is an em dash (Streamlit's grid prints None for a null), a list is 'a, b'.
"""

from __future__ import annotations

import polars as pl

from dashboard.charts.style import value_scale

AMOUNTS = frozenset(
    [
        "actual",
        "actual_at_own_rates",
        "actual_to_date",
        "change",
        "change_vs_pre",
        "cumulative_shortfall",
        "expectation",
        "expectation_high",
        "expectation_low",
        "expected_to_date",
        "fx_effect",
        "max_value",
        "min_value",
        "previous_value",
        "run_rate_projection",
        "spread",
        "value",
        "value_high",
        "value_low",
        "variance",
    ]
)
# the comparisons' amounts in each row's own currency (`native_currency`; sql/views/serve/serve_comparisons.sql)
NATIVE_AMOUNTS = frozenset(f"{name}_native" for name in AMOUNTS)
SHARES = frozenset(
    [
        "attainment",
        "change_pct",
        "change_vs_pre_pct",
        "elapsed_share",
        "pace_attainment",
        "performance_pct",
        "share_achieved",
        "spread_pct",
        "variance_pct",
    ]
)
EMPTY = "—"
AMOUNT_FORMAT = "%,.2f"
SHARE_FORMAT = "%.1f%%"


def frame_scale(frame: pl.DataFrame) -> tuple[float, str] | None:
    """(divisor, unit label) for the frame's amounts when it has one unit (its `unit` column), else None."""
    if "unit" not in frame.columns or frame["unit"].n_unique() != 1:
        return None
    values = [v for c in frame.columns if c in AMOUNTS for v in frame[c].to_list()]
    return value_scale(frame["unit"][0], values)


def native_scale(frame: pl.DataFrame) -> tuple[float, str] | None:
    """(divisor, unit label) for the frame's `*_native` amounts (`NATIVE_AMOUNTS`): 'EUR m' when every row
    with one has the same `native_currency`, 'm, in native_currency' when they differ; None without them."""
    names = [c for c in frame.columns if c in NATIVE_AMOUNTS]
    if not names or "native_currency" not in frame.columns:
        return None
    values = [v for c in names for v in frame[c].to_list()]
    currencies = set(
        frame.filter(pl.any_horizontal(pl.col(names).is_not_null()))["native_currency"].to_list()
    )
    if len(currencies) == 1:
        return value_scale(currencies.pop(), values)
    divisor, suffix = value_scale(None, values)
    return divisor, f"{suffix}, in native_currency" if suffix else "in native_currency"


def display_decimals(name: str, units: set[str]) -> int:
    """Decimals a float column is shown with in the SQL console: a share (a fraction, `SHARES`) 4; a
    percentage (`*_pct`, or the unit '%') 2; otherwise the precision of the result's units (its `unit`
    column): a currency's minor unit (babel: USD 2, JPY 0; the most of the result's currencies), and 2 for
    any other unit or none. Display only: the warehouse and the CSV keep every digit."""
    from babel.numbers import get_currency_precision, is_currency

    if name in SHARES:
        return 4
    if name.endswith("_pct") or units == {"%"}:
        return 2
    currencies = [u for u in units if u and is_currency(u)]
    if currencies and len(currencies) == len(units):
        return max(get_currency_precision(u) for u in currencies)
    return 2


def grid_frame(
    frame: pl.DataFrame, scale: tuple[float, str] | None = None, units: bool = True, rounded: bool = False
) -> tuple[pl.DataFrame, dict[str, str]]:
    """The frame as the grid shows it, and the printf format of each numeric column it rewrote.
    `units=False` (the SQL console: the numbers as the query returned them) only fills empty cells;
    `rounded=True` (with it) also rounds each float column to `display_decimals` (0.30000000000000004 is
    shown 0.3)."""
    scale = (scale or frame_scale(frame)) if units else None
    native = native_scale(frame) if units else None
    unit_values = (
        set(frame["unit"].drop_nulls().cast(pl.String).to_list()) if "unit" in frame.columns else set()
    )
    columns, formats = [], {}
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if not units:
            if rounded and dtype.is_float():
                column = column.round(display_decimals(name, unit_values))
        elif name in AMOUNTS and dtype.is_numeric() and scale:
            label = f"{name} ({scale[1]})" if scale[1] else name
            column, formats[label] = (column / scale[0]).alias(label), AMOUNT_FORMAT
        elif name in NATIVE_AMOUNTS and dtype.is_numeric() and native:
            label = f"{name} ({native[1]})" if native[1] else name
            column, formats[label] = (column / native[0]).alias(label), AMOUNT_FORMAT
        elif name in SHARES and dtype.is_numeric():
            label = f"{name} (%)"
            percent = column * 100  # a share that rounds to zero is shown 0.0%, never -0.0%
            percent = pl.when(percent.round(1) == 0).then(pl.lit(0.0)).otherwise(percent)
            column, formats[label] = percent.alias(label), SHARE_FORMAT
        columns.append(column)
    shown = frame.select(columns)
    return shown.with_columns(_no_nulls(shown, formats)), {
        k: v for k, v in formats.items() if shown[k].null_count() == 0
    }


def _no_nulls(shown: pl.DataFrame, formats: dict[str, str]) -> list[pl.Expr]:
    """Columns holding a null (or a list) as text, with an em dash for each null."""
    out = []
    for name, dtype in shown.schema.items():
        if isinstance(dtype, pl.List):
            out.append(pl.col(name).list.eval(pl.element().cast(pl.String)).list.join(", ").fill_null(EMPTY))
        elif shown[name].null_count() == 0:
            continue
        elif dtype == pl.String:
            out.append(pl.col(name).fill_null(EMPTY))
        elif dtype.is_numeric() and name in formats:
            fmt = formats[name]
            out.append(
                pl.col(name)
                .map_elements(lambda v, f=fmt: f.replace("%,", "%") % v, return_dtype=pl.String)
                .fill_null(EMPTY)
                if "," not in fmt
                else pl.col(name).map_elements(lambda v: f"{v:,.2f}", return_dtype=pl.String).fill_null(EMPTY)
            )
        else:
            out.append(pl.col(name).cast(pl.String).fill_null(EMPTY))
    return out
