"""Issue 23: an own EUR sheet was shown only in USD. On a dataset entirely in EUR the Scorecard opens in EUR
(tiles, hover, axis and heatmap title say 'EUR m', the values are the sheet's), switching to USD shows the
USD values, the choice is in the URL, and the comparisons' CSV carries both."""

from __future__ import annotations

import csv
import io
import json
import shutil

import duckdb
import pytest

from dashboard.data import connection as db
from dashboard.data import scorecard as data
from dashboard.tables import with_selection
from pipelines.ingest.assemble import load_all
from pipelines.warehouse.build import build
from pipelines.warehouse.export import csv_for_spreadsheets
from tests.helpers import wait_until
from tests.pipeline.test_number_cases import CASES, TODAY

SERIES = ("Kaffeerad", "revenue", "budget", "at_period_end")


@pytest.fixture(scope="module")
def eur_warehouse(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("eur") / "eur-sheet"
    shutil.copytree(CASES / "eur-sheet", data_dir)
    return build(load_all(data_dir, TODAY), data_dir.parent / "w.duckdb", data_dir)  # the built file


def sheet_values() -> dict[tuple[str, str], tuple[float, float]]:
    """(region name, period) -> (actual, budget) as the sheet writes them (EUR m)."""
    rows = list(csv.DictReader((CASES / "eur-sheet/datasets/eu/figures.csv").open(newline="")))
    names = {"DE": "Germany", "FR": "France", "AT": "Austria"}
    out: dict[tuple[str, str], dict[str, float]] = {}
    for r in rows:
        out.setdefault((names[r["region"]], r["period"]), {})[r["kind"]] = float(r["value"])
    return {k: (v["actual"], v["budget"]) for k, v in out.items()}


def usd_values(warehouse) -> dict[tuple[str, str], tuple[float, float]]:
    """(region name, period) -> (actual, expectation) in USD m, as serve_comparisons converts them."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.sql(
            "select region_name, period, actual / 1e6, expectation / 1e6 from serve_comparisons "
            "where policy = 'at_period_end'"
        ).fetchall()
    return {(name, period): (a, e) for name, period, a, e in rows}


def heatmap_hovers(at) -> list[str]:
    heatmap = next(
        c for c in at.get("plotly_chart") if json.loads(c.proto.spec)["data"][0]["type"] == "heatmap"
    )
    return [h for row in json.loads(heatmap.proto.spec)["data"][0]["customdata"] for h in row if h]


def bars_layout(at) -> dict:
    bars = next(c for c in at.get("plotly_chart") if json.loads(c.proto.spec)["data"][0]["type"] == "bar")
    return json.loads(bars.proto.spec)["layout"]


def assert_shown_in(at, unit: str, values: dict, symbol: str) -> None:
    """Every heatmap cell's hover names `unit` and shows `values` (actual, expectation); tiles, axis and
    heatmap title name the unit too."""
    hovers = heatmap_hovers(at)
    assert len(hovers) == len(values) == 12
    for (region, period), (actual, expected) in values.items():
        hover = next(h for h in hovers if h.startswith(f"<b>{region} · {period}</b>"))
        assert f"actual {actual:,.1f} {unit} ·" in hover, hover
        assert f"expected {expected:,.1f} {unit} ·" in hover, hover
    assert at.metric[0].label == f"Actual ({unit})"
    assert at.metric[2].label == f"Variance, sum ({unit})"
    layout = bars_layout(at)
    assert layout["yaxis"]["title"]["text"] == f"Revenue ({unit})" and layout["yaxis"]["tickprefix"] == symbol
    assert any(c.value == f"cell text: variance in {unit}" for c in at.caption) or any(
        f"variance in {unit}" in c.value for c in at.caption
    )


def test_an_all_eur_dataset_opens_in_eur_with_the_sheets_values(eur_warehouse, dashboard):
    at = dashboard(eur_warehouse)
    wait_until(lambda: len(at.get("plotly_chart")) == 2, timeout=30, what="the Scorecard's charts")
    assert at.sidebar.selectbox(key="currency").value == "as reported"
    assert_shown_in(at, "EUR m", sheet_values(), "€")
    latest = sheet_values()[("Austria", "2024-Q4")]  # the tiles' region and period
    assert at.metric[0].value == f"{latest[0]:,.1f}"
    assert any("euros (EUR, €)" in c.value for c in at.caption)
    assert "currency" not in at.query_params  # the default stays out of the address


def test_switching_to_usd_shows_usd_and_keeps_it_in_the_address(eur_warehouse, dashboard):
    at = dashboard(eur_warehouse)
    at.sidebar.selectbox(key="currency").set_value("USD").run()
    wait_until(lambda: len(at.get("plotly_chart")) == 2 and at.metric[0].label == "Actual (USD m)", timeout=30,
               what="the Scorecard in USD")  # fmt: skip
    assert not at.exception
    assert_shown_in(at, "USD m", usd_values(eur_warehouse), "$")
    assert at.query_params["currency"] == "USD"
    again = dashboard(eur_warehouse, currency="USD")  # the address alone shows the same page
    assert again.sidebar.selectbox(key="currency").value == "USD"
    assert_shown_in(again, "USD m", usd_values(eur_warehouse), "$")


def test_the_comparisons_csv_carries_usd_and_eur(eur_warehouse):
    ident = db.identity(eur_warehouse)
    frame = data.comparisons_at(ident, *SERIES, "quarter", True)
    text = csv_for_spreadsheets(with_selection(frame, dict(zip(("entity", "metric"), SERIES, strict=False))))
    rows = list(csv.DictReader(io.StringIO(text.decode() if isinstance(text, bytes) else text)))
    assert len(rows) == 12
    sheet = sheet_values()
    for r in rows:
        actual_eur = sheet[(r["region_name"], r["period"])][0] * 1e6
        assert r["unit"] == "USD" and r["native_currency"] == "EUR"
        assert float(r["actual_native"]) == pytest.approx(actual_eur, abs=1e-6)
        assert float(r["actual"]) == pytest.approx(actual_eur * float(r["usd_per_unit"]), rel=1e-9)
        assert r["fx_first_month"] and r["expectation_native"] and r["variance_native"]


def test_the_default_follows_the_currencies_in_view():
    """One non-USD currency: as reported; several, or USD, or a rollup mixing them: USD. As reported swaps
    each money row's amounts for its own currency's and leaves the rest in USD; the ratios are untouched."""
    import polars as pl

    from dashboard.sections import currency as money

    def frame(currencies, unit="USD"):
        n = len(currencies)
        return pl.DataFrame(
            {
                "unit": [unit] * n,
                "native_currency": currencies,
                "actual": [110.0] * n,
                "expectation": [100.0] * n,
                "expectation_low": [None] * n,
                "expectation_high": [None] * n,
                "variance": [10.0] * n,
                "actual_native": [100.0] * n,
                "expectation_native": [90.0] * n,
                "expectation_low_native": [None] * n,
                "expectation_high_native": [None] * n,
                "variance_native": [10.0] * n,
                "performance_pct": [0.1] * n,
            },
            schema_overrides={"expectation_low": pl.Float64, "expectation_high": pl.Float64,
                              "expectation_low_native": pl.Float64, "expectation_high_native": pl.Float64},
        )  # fmt: skip

    assert money.currency_default(frame(["EUR", "EUR"])) == money.AS_REPORTED
    assert money.currency_default(frame(["EUR", "GBP"])) == money.USD
    assert money.currency_default(frame(["EUR", None])) == money.USD
    assert money.currency_default(frame(["USD"])) == money.USD
    assert money.currency_default(frame([None], unit="count")) == money.USD
    mixed = money.in_currency(frame(["EUR", None]), money.AS_REPORTED)
    assert mixed["unit"].to_list() == ["EUR", "USD"] and mixed["actual"].to_list() == [100.0, 110.0]
    assert mixed["performance_pct"].to_list() == [0.1, 0.1]
    assert money.in_currency(frame(["EUR"]), money.USD)["actual"].to_list() == [110.0]


def test_regions_in_several_currencies_are_each_labelled_in_their_own(eur_warehouse):
    """As reported with France's plan in GBP (a relabelled copy of the EUR sheet): each heatmap cell's hover
    and text are in its row's currency, the title names both."""
    import polars as pl

    from dashboard.charts import scorecard as charts
    from dashboard.sections import currency as money

    frame = data.comparisons_at(db.identity(eur_warehouse), *SERIES, "quarter", True)
    mixed = frame.with_columns(
        native_currency=pl.when(pl.col("region_code") == "FR")
        .then(pl.lit("GBP"))
        .otherwise("native_currency")
    )
    assert money.currency_default(mixed) == money.USD  # several currencies: USD unless chosen
    fig = charts.performance_heatmap(money.in_currency(mixed, money.AS_REPORTED), "Revenue")
    hovers = [h for row in fig.data[0].customdata for h in row if h]
    assert all(("GBP m" in h) == h.startswith("<b>France") for h in hovers) and len(hovers) == 12
    assert all("EUR m" in h for h in hovers if not h.startswith("<b>France"))
    assert "EUR m / GBP m" in fig.layout.title.text or "GBP m / EUR m" in fig.layout.title.text
