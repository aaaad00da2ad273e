"""The Scorecard's currency (issue 23: an own EUR sheet was shown only in USD): 'USD' (every comparison at
its expectation's rate, what adds up across currencies) or 'as reported' (each comparison in its expectation's
currency, the numbers of the sheet). The choice is in the URL (`?currency=as reported`), like the other
filters; its default follows the comparisons in view: 'as reported' when all of them share one currency that
is not USD (a dataset entirely in EUR opens in EUR), else 'USD' (series that mix currencies, or USD ones).

Comparison frames (`dashboard.data.scorecard`) carry both: actual, expectation, expectation_low/high, variance
in USD (unit 'USD'), and native_currency with actual_native, expectation_native, expectation_low/high_native,
variance_native in it (sql/views/serve/serve_comparisons.sql). `in_currency` swaps the native values in, so
the charts and tiles, which read `unit` and the value columns, label and scale what they show ('EUR m').
Variance %, attainment and performance are the same in either currency; only amounts change.
"""

from __future__ import annotations

import polars as pl
import streamlit as st
from babel.numbers import get_currency_name, get_currency_symbol

from dashboard import widgets

USD, AS_REPORTED = "USD", "as reported"
CHOICES = [USD, AS_REPORTED]
# value column -> its column in the expectation's own currency
NATIVE_COLUMNS = {
    "actual": "actual_native",
    "expectation": "expectation_native",
    "expectation_low": "expectation_low_native",
    "expectation_high": "expectation_high_native",
    "variance": "variance_native",
}


def _convertible(frame: pl.DataFrame) -> pl.Expr:
    """Rows shown in USD that have a value in their expectation's currency (money: unit 'USD')."""
    return pl.col("native_currency").is_not_null() & (pl.col("unit") == USD)


def native_currencies(frame: pl.DataFrame) -> list[str]:
    """The expectations' currencies of the money rows in `frame`, sorted; [] for a frame without them (a
    comparison with last year, a metric that is not money). A money row without one (a rollup mixing
    currencies) counts as None, listed first."""
    if "native_currency" not in frame.columns or frame.is_empty():
        return []
    money = frame.filter(pl.col("unit") == USD)
    return sorted(set(money["native_currency"].to_list()), key=lambda c: (c is not None, c or ""))


def currency_default(frame: pl.DataFrame) -> str:
    """'as reported' when every money comparison in view shares one currency other than USD, else 'USD'."""
    currencies = native_currencies(frame)
    return AS_REPORTED if len(currencies) == 1 and currencies[0] not in (None, USD) else USD


def in_currency(frame: pl.DataFrame, choice: str) -> pl.DataFrame:
    """`frame` with its amounts in the chosen currency: for 'as reported', each money row's actual,
    expectation (and range) and variance replaced by those in its expectation's currency and `unit` set to
    that currency ('EUR'); rows without one stay in USD. 'USD' (or a frame without native columns): as is."""
    if choice != AS_REPORTED or "native_currency" not in frame.columns:
        return frame
    convertible = _convertible(frame)
    return frame.with_columns(
        *(
            pl.when(convertible).then(pl.col(n)).otherwise(pl.col(c)).alias(c)
            for c, n in NATIVE_COLUMNS.items()
        ),
        pl.when(convertible).then(pl.col("native_currency")).otherwise(pl.col("unit")).alias("unit"),
    )


def currency_words(code: str) -> str:
    """'euros (EUR, €)', 'US dollars (USD, $)': a currency as a caption names it (babel's English names)."""
    name = get_currency_name(code, count=2, locale="en")
    symbol = get_currency_symbol(code, locale="en")
    return f"{name} ({code}{', ' + symbol if symbol != code else ''})"


def shown_words(frame: pl.DataFrame, choice: str) -> str:
    """What the page's caption says of the amounts shown: 'Amounts in euros (EUR, €), as reported.' or
    'Amounts in US dollars (USD, $), each expectation at its period's rate.'; '' without money rows."""
    currencies = [c for c in native_currencies(frame) if c is not None]
    if not currencies:
        return ""
    if choice == AS_REPORTED:
        shown = ", ".join(currency_words(c) for c in currencies)
        return f"Amounts in {shown}, as the expectations were reported."
    others = [c for c in currencies if c != USD]
    if not others:
        return ""
    return (
        f"Amounts in {currency_words(USD)}: {', '.join(others)} converted at the mean ECB (or your rates "
        "file's) rate of each period; choose *as reported* for the sheet's own currency."
    )


def currency_ui(frame: pl.DataFrame) -> str:
    """The sidebar's "Currency" choice, kept in the URL (`?currency=as reported`), offered when the money
    comparisons in view have a currency other than USD; 'USD' without drawing anything otherwise (its
    amounts are USD either way). Returns 'USD' or 'as reported'."""
    currencies = [c for c in native_currencies(frame) if c not in (None, USD)]
    if not currencies:
        return USD
    reported = f"as reported ({', '.join(currencies)})" if len(currencies) <= 3 else "as reported"
    return widgets.url_choice(
        st.sidebar.selectbox, "Currency", CHOICES, "currency", currency_default(frame), prefix="",
        format_func=lambda c: reported if c == AS_REPORTED else "USD (at each period's rate)",
        help="**as reported**: each comparison in its expectation's currency (the numbers of your sheet); "
        "**USD**: converted at the period's rate, so regions in several currencies add up. Variance % and "
        "attainment are the same in either.",
    )  # fmt: skip
