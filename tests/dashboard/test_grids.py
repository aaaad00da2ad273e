"""What the grids show (issue 16, fault 5): the chart's unit, shares as %, no literal None; the raw values stay
for the CSV."""

from __future__ import annotations

import datetime as dt

import polars as pl

from dashboard.grids import EMPTY, grid_frame


def test_amounts_in_the_charts_unit_and_shares_in_percent():
    raw = pl.DataFrame(
        {
            "region_code": ["US", "GB"],
            "unit": ["USD", "USD"],
            "actual": [17_000_000_000.0, 2_500_000_000.0],
            "expectation": [20_000_000_000.0, 2_000_000_000.0],
            "spread_pct": [0.5044, 0.1],
        }
    )
    shown, formats = grid_frame(raw)
    assert shown.columns == [
        "region_code",
        "unit",
        "actual (USD bn)",
        "expectation (USD bn)",
        "spread_pct (%)",
    ]
    assert shown["actual (USD bn)"].to_list() == [17.0, 2.5]
    assert round(shown["spread_pct (%)"][0], 2) == 50.44 and formats["spread_pct (%)"] == "%.1f%%"
    assert formats["actual (USD bn)"] == "%,.2f"
    assert raw["actual"][0] == 17_000_000_000.0  # the frame the CSV is made from is untouched


def test_the_charts_own_scale_wins_and_mixed_units_stay_raw():
    raw = pl.DataFrame({"unit": ["USD", "orders"], "value": [3e9, 1e6]})
    assert grid_frame(raw)[0].columns == ["unit", "value"]  # two units: no common divisor
    shown, _ = grid_frame(raw.head(1), scale=(1e6, "USD m"))
    assert shown["value (USD m)"].to_list() == [3000.0]


def test_the_sql_consoles_numbers_stay_as_queried():
    raw = pl.DataFrame({"unit": ["USD"], "actual": [3e9], "attainment": [0.9], "note": [None]}, strict=False)
    shown, formats = grid_frame(raw, units=False)
    assert shown.columns == raw.columns and shown["actual"][0] == 3e9 and shown["attainment"][0] == 0.9
    assert shown["note"].to_list() == [EMPTY] and formats == {}


def test_no_none_anywhere():
    raw = pl.DataFrame(
        {
            "period": ["2024", "2025"],
            "unit": ["USD", "USD"],
            "actual": [1e9, None],
            "attainment": [None, 0.97],
            "note": [None, "x"],
            "date_end": [dt.date(2024, 1, 1), None],
            "figure_ids": [["a", "b"], None],
        }
    )
    shown, formats = grid_frame(raw)
    cells = [str(v) for row in shown.iter_rows() for v in row]
    assert "None" not in cells and None not in [v for row in shown.iter_rows() for v in row]
    assert shown["actual (USD bn)"].to_list() == ["1.00", EMPTY]
    assert shown["attainment (%)"].to_list() == [EMPTY, "97.0%"]
    assert shown["figure_ids"].to_list() == ["a, b", EMPTY]
    assert "actual (USD bn)" not in formats  # text now: no number format for it


def test_native_currency_amounts_are_scaled_and_labelled_like_the_usd_ones():
    """With "Show tables" on, the Scorecard's comparisons showed 11800000.0 in the native columns (issue 23)."""
    raw = pl.DataFrame(
        {
            "unit": ["USD", "USD"],
            "actual": [12_800_000.0, 3_100_000.0],
            "native_currency": ["EUR", "EUR"],
            "actual_native": [11_800_000.0, 2_900_000.0],
            "variance_native": [-200_000.0, None],
        }
    )
    shown, formats = grid_frame(raw)
    assert shown.columns == [
        "unit",
        "actual (USD m)",
        "native_currency",
        "actual_native (EUR m)",
        "variance_native (EUR m)",
    ]
    assert [round(v, 6) for v in shown["actual_native (EUR m)"]] == [11.8, 2.9]
    assert formats["actual_native (EUR m)"] == formats["actual (USD m)"] == "%,.2f"
    assert shown["variance_native (EUR m)"].to_list() == ["-0.20", EMPTY]
    mixed, _ = grid_frame(raw.with_columns(native_currency=pl.Series(["EUR", "GBP"])))
    assert "actual_native (m, in native_currency)" in mixed.columns


def test_a_share_that_rounds_to_zero_is_shown_without_a_sign():
    raw = pl.DataFrame({"performance_pct": [-0.0, -0.000004, -0.05, None]})
    shown, formats = grid_frame(raw)
    assert formats == {}  # a null: the column is text
    assert shown["performance_pct (%)"].to_list() == ["0.0%", "0.0%", "-5.0%", EMPTY]
    shown, formats = grid_frame(raw.drop_nulls())
    assert [formats["performance_pct (%)"] % v for v in shown["performance_pct (%)"]] == [
        "0.0%",
        "0.0%",
        "-5.0%",
    ]
