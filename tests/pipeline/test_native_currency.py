"""Issue 23: an own EUR sheet was served only in USD. The serve views carry each comparison in its
expectation's currency too: the EUR values equal the sheet's cells (x the unit's scale), and USD = EUR x the
rate the row names."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.pipeline.test_number_cases import CASES, built


@pytest.fixture(scope="module")
def eur(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    data = tmp_path_factory.mktemp("eur") / "eur-sheet"
    shutil.copytree(CASES / "eur-sheet", data)
    con = built(data, data.parent)
    yield con
    con.close()


def sheet() -> dict[tuple[str, str, str], float]:
    """(kind, region, period) -> the cell's value in EUR (the file is in 'EUR m')."""
    path = Path(CASES / "eur-sheet" / "datasets" / "eu" / "figures.csv")
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["unit"] for r in rows} == {"EUR m"}
    return {(r["kind"], r["region"], r["period"]): float(r["value"]) * 1e6 for r in rows}


@pytest.mark.parametrize("view", ["serve_comparisons", "serve_quarter_comparisons"])
def test_serve_rows_carry_the_sheets_eur_values_and_the_rate(eur, view):
    cells = sheet()
    rows = eur.sql(
        f"""
        select region_code, period, native_currency, actual_native, expectation_native, variance_native,
               usd_per_unit, actual, expectation, variance, unit, fx_first_month, fx_last_month
        from {view} where policy = 'at_period_end'
        """
    ).fetchall()
    assert len(rows) == 12  # 3 regions x 4 quarters
    for region, period, currency, a_eur, e_eur, v_eur, rate, a_usd, e_usd, v_usd, unit, first, last in rows:
        assert currency == "EUR" and unit == "USD"
        assert a_eur == pytest.approx(cells[("actual", region, period)], abs=1e-6)
        assert e_eur == pytest.approx(cells[("budget", region, period)], abs=1e-6)
        assert v_eur == pytest.approx(a_eur - e_eur, abs=1e-6)
        assert 0.9 < rate < 1.3  # USD per EUR in 2024, not EUR per USD of another year
        assert a_usd == pytest.approx(a_eur * rate, rel=1e-12)
        assert e_usd == pytest.approx(e_eur * rate, rel=1e-12)
        assert v_usd == pytest.approx(v_eur * rate, rel=1e-9)
        assert first is not None and first.month % 3 == 1 and last.month == first.month + 2


def test_the_rate_is_the_ecb_mean_over_the_expectations_months(eur):
    rows = eur.sql(
        """
        select s.usd_per_unit, s.fx_source,
               (select avg(usd_per_unit) from fx_rates as r
                where r.dataset = '_reference' and r.currency = 'EUR'
                  and r.month between s.fx_first_month and s.fx_last_month) as mean_rate
        from serve_comparisons as s where policy = 'at_period_end'
        """
    ).fetchall()
    assert rows
    for rate, source, mean_rate in rows:
        assert rate == pytest.approx(mean_rate, rel=1e-9)
        assert "ECB" in source


def test_usd_comparisons_are_their_own_native_values(case_warehouse):
    """The case study reports in USD: native = USD, rate 1, no rate months."""
    with duckdb.connect(str(case_warehouse), read_only=True) as con:
        odd = con.sql(
            """
            select count(*) filter (where native_currency = 'USD' and (usd_per_unit <> 1
                       or abs(actual_native - actual) > 1e-3 or fx_source is not null)),
                   count(*) filter (where native_currency = 'USD'),
                   count(*) filter (where unit <> 'USD' and native_currency is not null)
            from serve_comparisons
            """
        ).fetchall()[0]
    assert odd[0] == 0 and odd[1] > 0 and odd[2] == 0
