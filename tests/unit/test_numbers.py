"""Numbers read as written (pipelines/normalise/numbers.py): every accepted spelling gives exactly the value
written, every doubtful one is refused with a reason and a suggestion that does not repeat it."""

from __future__ import annotations

import pytest

from pipelines.normalise.numbers import (
    DECIMAL_POINT,
    UNKNOWN,
    NumberConvention,
    NumberError,
    detect_convention,
    evidence,
    read_number,
)
from pipelines.normalise.units import parse_unit

COMMA = NumberConvention(",", None, "declared")
DOT = NumberConvention(".", None, "declared")


@pytest.mark.parametrize(
    ("text", "convention", "value"),
    [
        ("9255,25", COMMA, 9255.25),
        ("1.234,56", COMMA, 1234.56),
        ("1 234,5", COMMA, 1234.5),  # a space groups thousands in French and Ukrainian exports
        ("1\u00a0234,5", COMMA, 1234.5),  # ... often a no-break space
        ("12,5", COMMA, 12.5),
        ("120,000", COMMA, 120.0),  # declared decimal comma: the comma is the decimal mark
        ("1,234.56", DOT, 1234.56),
        ("1,234,567", DOT, 1234567.0),
        ("120,000", DOT, 120000.0),
        ("1.234.567", UNKNOWN, 1234567.0),  # the mark repeats: it groups thousands
        ("1,234.56", UNKNOWN, 1234.56),  # both marks: the last one is decimal
        ("9255,25", UNKNOWN, 9255.25),  # not a group of three: decimal
        ("0,125", UNKNOWN, 0.125),
        ("1'234.5", UNKNOWN, 1234.5),  # Swiss grouping
        ("−3", UNKNOWN, -3.0),  # a minus sign, not a hyphen
        ("1e308", UNKNOWN, 1e308),
        ("(1200)", UNKNOWN, -1200.0),
        ("(1,200.50)", DOT, -1200.5),
        ("+7", UNKNOWN, 7.0),
        ("1,234.00-", DOT, -1234.0),  # SAP writes the sign after the number
        ("1.234,00-", COMMA, -1234.0),
        ("250-", UNKNOWN, -250.0),
    ],
)
def test_numbers_read_as_written(text, convention, value):
    assert read_number(text, convention).value == value


@pytest.mark.parametrize(
    ("text", "unit", "value", "currency"),
    [
        ("$9,255.25", "USD", 9255.25, "USD"),
        ("US$ 3", "USD bn", 3.0, "USD"),
        ("€1,234.56", "EUR m", 1234.56, "EUR"),
        ("-£5", "GBP", -5.0, "GBP"),
        ("(€1,200)", "EUR", -1200.0, "EUR"),
        ("5 USD", "USD", 5.0, "USD"),
        ("EUR 12.5", "EUR m", 12.5, "EUR"),
        ("¥300", "JPY bn", 300.0, ("JPY", "CNY")),  # yen or yuan: either unit agrees
        ("¥300", "CNY", 300.0, ("JPY", "CNY")),
    ],
)
def test_currency_symbols_that_agree_with_the_unit(text, unit, value, currency):
    got = read_number(text, DOT, parse_unit(unit))
    assert (got.value, got.currency) == (value, currency)


@pytest.mark.parametrize(
    ("text", "unit"), [("€5", "USD"), ("5 EUR", "USD bn"), ("¥5", "USD"), ("$5", "EUR"), ("£(5)", "TRY m")]
)
def test_a_symbol_that_contradicts_the_unit_is_refused(text, unit):
    with pytest.raises(NumberError) as error:
        read_number(text, DOT, parse_unit(unit))
    assert "contradicts the unit" in error.value.reason


def test_percent_sign_only_with_a_percent_unit():
    assert read_number("15%", DOT, parse_unit("%")).value == 15.0
    assert read_number("12,5 %", COMMA, parse_unit("pp")).value == 12.5
    with pytest.raises(NumberError, match="percentage"):
        read_number("15%", DOT, parse_unit("EUR"))


@pytest.mark.parametrize(
    ("text", "value"),
    [("120000 Appx", 120000.0), ("~5", 5.0), ("about 12", 12.0), ("approx. 3.5", 3.5), ("c. 40", 40.0)],
)
def test_approximations_are_marked(text, value):
    got = read_number(text, DOT)
    assert (got.value, got.approx) == (value, True)


@pytest.mark.parametrize(
    ("text", "convention", "words"),
    [
        ("120,000", UNKNOWN, "ambiguous"),  # 120 or 120 000: the setting is named
        ("1.234", UNKNOWN, "ambiguous"),
        ("1,234.56", COMMA, "does not follow"),
        ("1,5", DOT, "does not follow"),
        ("0,125", DOT, "does not follow"),  # not a thousands group: a leading zero
        ("12,34,567", DOT, "does not follow"),  # lakh grouping is refused, not guessed
        ("1.2.3,4,5", UNKNOWN, "does not follow"),
        ("abc", UNKNOWN, "not a number"),
        ("12 bn", UNKNOWN, "not a number"),
        ("1e5", COMMA, "not a number"),
        ("-1,234.00-", DOT, "two signs"),
        ("1,234.00 CR", DOT, "debit or a credit"),  # a GL's side: its sign depends on the account
        ("500 Dr", DOT, "debit or a credit"),
        ("-", UNKNOWN, "a dash"),  # zero in an accounting format, 'not available' in a statistical table
        ("\u2014", UNKNOWN, "a dash"),
    ],
)
def test_doubtful_values_are_refused(text, convention, words):
    with pytest.raises(NumberError) as error:
        read_number(text, convention)
    assert words in error.value.reason
    assert error.value.suggestion and error.value.suggestion not in error.value.reason


def test_ambiguous_value_names_the_setting():
    with pytest.raises(NumberError) as error:
        read_number("120,000", UNKNOWN)
    assert "decimal_mark" in error.value.suggestion and "dataset.toml" in error.value.suggestion


@pytest.mark.parametrize(
    ("texts", "delimiter", "mark"),
    [
        (["9255,25", "1.234,56", "120,000"], ";", ","),
        (["9255,25", "1,234.56"], ";", ","),  # a ';' export with decimal commas: the odd value is refused
        (["9255,25", "1,234.56"], ",", None),  # the same values in a ',' file: no convention
        (["9255.25", "120,000", "$9,255.25"], ",", "."),
        (["120,000", "12"], ",", None),  # nothing shows the decimal mark
        ([], ",", None),
    ],
)
def test_detect_convention_only_when_unambiguous(texts, delimiter, mark):
    assert detect_convention(texts, delimiter).decimal_mark == mark


def test_a_declared_convention_wins_over_detection():
    assert detect_convention(["1,234.56"], ",", COMMA) is COMMA


def test_typed_numbers_and_evidence():
    assert read_number("1.234", DECIMAL_POINT).value == 1.234  # a Parquet/Excel float, never ambiguous
    assert evidence("120,000") is None and evidence("1 234,567") == ","


def test_declared_thousands_separator_is_the_only_one_accepted():
    apostrophe = NumberConvention(".", "'", "declared")
    assert read_number("1'234.5", apostrophe).value == 1234.5
    with pytest.raises(NumberError):
        read_number("1,234.5", apostrophe)
    with pytest.raises(NumberError):
        read_number("1,234.5", NumberConvention(".", "", "declared"))
