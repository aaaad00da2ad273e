"""The KPI formulas are written once, as macros in sql/views/base/kpi_measures.sql: each formula's text must not
appear anywhere else in sql/ (a copy would drift), and each macro gives the documented values, rates in
percentage points included."""

from __future__ import annotations

import re

import duckdb
import pytest

from pipelines.warehouse.sqlfiles import SQL_DIR

MACROS = SQL_DIR / "views" / "base" / "kpi_measures.sql"

# the text of each formula, whitespace-insensitive: a second copy of any of them is a drift waiting to happen
FORMULA_TEXTS = {
    "variance_pct": r"/\s*nullif\(\s*abs\(\s*(q\.)?expectation",
    "attainment": r"when\s+(q\.)?expectation\s*>\s*0\s+(and\s+[^)]*\)\s+)?then",
    "favourable": r"\(\s*direction\s*=\s*'above'\s*\)\s*=\s*higher_is_better",
    "is_shortfall": r"then\s+direction\s*=\s*'below'\s+else\s+direction\s*=\s*'above'",
    "direction": r"when\s+kpi_difference\(\s*\w*\.?actual\s*,\s*\w*\.?band_low\s*\)\s*<\s*0\s+then\s+'below'",
    "difference": r"<=\s*1e-12\s*\*\s*greatest",
    "range_midpoint": r"\(\s*value\s*\+\s*value_high\s*\)\s*/\s*2",
    "performance sign": r"when\s+higher_is_better\s+then\s+1\s+when\s+not\s+higher_is_better\s+then\s+-1",
}


def _sql_files():
    return [p for p in SQL_DIR.rglob("*.sql") if p != MACROS]


@pytest.mark.parametrize("name", sorted(FORMULA_TEXTS))
def test_formula_text_only_in_its_macro(name: str) -> None:
    pattern = re.compile(FORMULA_TEXTS[name], re.IGNORECASE)
    assert pattern.search(MACROS.read_text()), f"the macro file no longer holds {name}"
    copies = [str(p.relative_to(SQL_DIR)) for p in _sql_files() if pattern.search(p.read_text())]
    assert copies == [], f"{name} is written again in {copies}: call its macro in kpi_measures.sql"


@pytest.fixture(scope="module")
def con():
    with duckdb.connect() as c:
        c.execute(MACROS.read_text())
        yield c


def _one(con, sql: str):
    return con.execute(f"select {sql}").fetchall()[0][0]


def test_money_measures(con) -> None:
    assert _one(con, "kpi_variance_pct(90.0, 100.0, 'USD')") == pytest.approx(-0.1)
    assert _one(con, "kpi_attainment(90.0, 100.0, 'USD')") == pytest.approx(0.9)
    # a cost under plan is better
    assert _one(con, "kpi_performance_pct(90.0, 100.0, 'USD', false)") == pytest.approx(0.1)
    assert _one(con, "kpi_variance_bps(90.0, 100.0, 'USD')") is None


def test_negative_or_zero_plan_has_no_attainment(con) -> None:
    # -150 against a planned loss of -100 is a miss; a "150 % of plan" would read as a beat
    assert _one(con, "kpi_attainment(-150.0, -100.0, 'USD')") is None
    assert _one(con, "kpi_attainment(5.0, 0.0, 'USD')") is None
    assert _one(con, "kpi_variance_pct(-150.0, -100.0, 'USD')") == pytest.approx(-0.5)
    assert _one(con, "kpi_variance_pct(5.0, 0.0, 'USD')") is None


def test_rates_are_compared_in_points(con) -> None:
    # 73.43 % against a 95 % standard: 21.57 pp short, not 77 % of plan
    assert _one(con, "kpi_variance_pct(73.43, 95.0, '%')") is None
    assert _one(con, "kpi_attainment(73.43, 95.0, '%')") is None
    assert _one(con, "kpi_variance_bps(73.43, 95.0, '%')") == pytest.approx(-2157.0)
    assert _one(con, "kpi_performance_pct(73.43, 95.0, '%', true)") == pytest.approx(-0.2157)
    assert _one(con, "kpi_performance_pct(0.05, 0.04, 'ratio', false)") == pytest.approx(-0.01)
    assert _one(con, "kpi_is_rate('ratio')") is True
    assert _one(con, "kpi_is_rate(null)") is False


def test_direction_sense_and_midpoint(con) -> None:
    assert _one(con, "kpi_direction(5.0, 4.0, 6.0)") == "in_line"
    assert _one(con, "kpi_direction(3.0, 4.0, 6.0)") == "below"
    assert _one(con, "kpi_favourable('below', true)") is False
    assert _one(con, "kpi_favourable('above', false)") is False
    assert _one(con, "kpi_favourable('in_line', true)") is None
    assert _one(con, "kpi_is_shortfall('above', false)") is True
    assert _one(con, "range_midpoint(12.0, 13.0)") == pytest.approx(12.5)
    assert _one(con, "range_midpoint(12.0, null)") == pytest.approx(12.0)


def test_a_difference_within_rounding_is_in_line(con) -> None:
    # 10 % growth on 105 implies 115.50000000000001 in doubles: a reported 115.5 meets it, it does not miss it
    implied = 105e6 * 1.1
    assert implied != 115.5e6
    assert _one(con, f"kpi_difference(115.5e6, {implied!r})") == 0
    assert _one(con, f"kpi_direction(115.5e6, {implied!r}, {implied!r})") == "in_line"
    assert _one(con, f"kpi_is_shortfall(kpi_direction(115.5e6, {implied!r}, {implied!r}), true)") is False
    assert _one(con, f"kpi_performance_pct(115.5e6, {implied!r}, 'USD', true)") == 0
    assert _one(con, "kpi_direction(0.1 + 0.2, 0.3, 0.3)") == "in_line"  # a sum of parts against its whole
    assert _one(con, "kpi_variance_bps(10.000000000000009, 10.0, '%')") == 0
    # a cent on a billion is a real difference: 12 significant digits are kept
    assert _one(con, "kpi_direction(1234567890.12, 1234567890.13, 1234567890.13)") == "below"
    assert float(_one(con, "kpi_difference(1234567890.12, 1234567890.13)")) == pytest.approx(-0.01)
    assert str(_one(con, "kpi_performance_pct(100.0, 100.0, 'USD', false)")) == "0.0"  # not -0.0 on a cost


def test_a_zero_performance_has_no_sign(con) -> None:
    """On plan with a lower-is-better metric the sign flip made -0.0, which every printer showed as '-0.0'."""
    import math

    for args in ("100.0, 100.0, 'USD', false", "5.0, 5.0, '%', false", "5.0, 5.0, 'ratio', false"):
        value = _one(con, f"kpi_performance_pct({args})")
        assert value == 0 and math.copysign(1.0, value) == 1.0, args
        assert str(value) == "0.0" and _one(con, f"kpi_performance_pct({args})::varchar") == "0.0"
    assert _one(con, "kpi_performance_pct(90.0, 100.0, 'USD', false)") == pytest.approx(0.1)
