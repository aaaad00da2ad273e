import time
from datetime import date

import polars as pl
import pytest

from pipelines.normalise.fx import FxError, FxTable, monthly_rates


@pytest.fixture(scope="module")
def fx() -> FxTable:
    return FxTable()


def test_monthly_rates_shape_and_cache():
    rates = monthly_rates()
    assert rates.schema == pl.Schema({"currency": pl.String, "month": pl.Date, "usd_per_unit": pl.Float64})
    assert {"USD", "EUR", "CNY", "GBP", "JPY"} <= set(rates["currency"])
    assert rates.filter(pl.col("currency") == "USD")["usd_per_unit"].unique().to_list() == [1.0]
    assert rates["month"].dt.day().unique().to_list() == [1]
    assert rates.select("currency", "month").is_duplicated().sum() == 0
    started = time.perf_counter()
    monthly_rates()
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize(
    ("currency", "start", "end", "low", "high", "months"),
    [
        ("CNY", date(2024, 1, 1), date(2024, 12, 31), 0.138, 0.142, 12),
        ("EUR", date(2024, 1, 1), date(2024, 12, 31), 1.07, 1.10, 12),  # ECB's own base currency
        ("GBP", date(2024, 7, 1), date(2024, 9, 30), 1.25, 1.33, 3),
        ("JPY", date(2024, 9, 15), date(2024, 9, 15), 0.0065, 0.0074, 1),  # one day uses its month
        ("usd", date(2024, 1, 1), date(2024, 3, 31), 1.0, 1.0, 3),  # case-insensitive, USD is exactly 1
        ("USD", date(1990, 1, 1), date(1990, 12, 31), 1.0, 1.0, 12),  # USD needs no ECB data
    ],
)
def test_period_average_rates(fx, currency, start, end, low, high, months):
    rate = fx.usd_per_unit(currency, start, end)
    assert low <= rate.usd_per_unit <= high
    assert rate.months_used == months
    assert rate.note is None


def test_period_average_is_the_mean_of_monthly_averages():
    rates = pl.DataFrame(
        {
            "currency": ["XYZ", "XYZ", "XYZ"],
            "month": [date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)],
            "usd_per_unit": [1.0, 2.0, 6.0],
        }
    )
    table = FxTable(rates)
    assert table.usd_per_unit("XYZ", date(2024, 1, 10), date(2024, 3, 5)).usd_per_unit == pytest.approx(3.0)
    # April lies after the data: the available months are averaged and the note says so
    partly = table.usd_per_unit("XYZ", date(2024, 2, 1), date(2024, 4, 30))
    assert (partly.usd_per_unit, partly.months_used) == (4.0, 2)
    assert "2 of 3 months" in partly.note
    # entirely after the data: the last month's rate, with a note
    after = table.usd_per_unit("XYZ", date(2025, 1, 1), date(2025, 3, 31))
    assert (after.usd_per_unit, after.months_used) == (6.0, 1)
    assert "2024-03" in after.note


def test_future_period_uses_the_last_published_month(fx):
    last = monthly_rates()["month"].max()
    rate = fx.usd_per_unit("CNY", date(last.year + 2, 1, 1), date(last.year + 2, 12, 31))
    assert rate.months_used == 1
    assert f"{last:%Y-%m}" in rate.note


@pytest.mark.parametrize(
    ("currency", "start", "end", "message", "suggestion"),
    [
        ("EURO", date(2024, 1, 1), date(2024, 1, 31), "no exchange rate", "did you mean 'EUR'"),
        ("UAH", date(2014, 1, 1), date(2014, 12, 31), "do not cover it", "rates file"),  # names the fix
        (
            "CNY",
            date(1990, 1, 1),
            date(1990, 12, 31),
            "before 2005-04",
            "fx*.csv",
        ),  # ECB quotes CNY from 2005
        ("CYP", date(2024, 1, 1), date(2024, 12, 31), "no longer quotes", "current currency"),  # joined euro
        ("USD", date(2024, 3, 1), date(2024, 1, 1), "before it starts", None),
    ],
)
def test_missing_rates_explain_themselves(fx, currency, start, end, message, suggestion):
    with pytest.raises(FxError, match=message) as caught:
        fx.usd_per_unit(currency, start, end)
    assert suggestion is None or suggestion in caught.value.suggestion


def test_suggestions_list_only_current_currencies(fx):
    # 'TRL' (the old lira, retired 2005) is close to 'TRX' but no longer quoted: only TRY is offered
    with pytest.raises(FxError) as caught:
        fx.usd_per_unit("TRX", date(2024, 1, 1), date(2024, 1, 31))
    assert "'TRY'" in caught.value.suggestion and "TRL" not in caught.value.suggestion
