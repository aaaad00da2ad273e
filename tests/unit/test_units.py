import pytest

from pipelines.normalise.units import Unit, UnitError, parse_unit


@pytest.mark.parametrize(
    ("text", "kind", "currency", "scale", "base_unit"),
    [
        ("USD bn", "money", "USD", 1e9, "USD"),
        ("bn USD", "money", "USD", 1e9, "USD"),  # scale first
        ("USD billion", "money", "USD", 1e9, "USD"),
        ("US$ bn", "money", "USD", 1e9, "USD"),
        ("$bn", "money", "USD", 1e9, "USD"),  # symbol glued to the scale
        ("USD", "money", "USD", 1.0, "USD"),
        ("EUR m", "money", "EUR", 1e6, "USD"),
        ("€ mn", "money", "EUR", 1e6, "USD"),
        ("gbp million", "money", "GBP", 1e6, "USD"),
        ("RMB bn", "money", "CNY", 1e9, "USD"),  # RMB is the yuan's common name, not an ISO code
        ("CNY tn", "money", "CNY", 1e12, "USD"),
        ("JPY k", "money", "JPY", 1e3, "USD"),
        ("%", "percent", None, 1.0, "%"),
        ("pct", "percent", None, 1.0, "%"),
        ("percent", "percent", None, 1.0, "%"),
        ("pp", "percent", None, 1.0, "%"),  # percentage points share the percent base
        ("count", "count", None, 1.0, "count"),
        ("count m", "count", None, 1e6, "count"),
        ("users m", "count", None, 1e6, "count"),
        ("orders k", "count", None, 1e3, "count"),
        ("ratio", "ratio", None, 1.0, "ratio"),
        ("x", "ratio", None, 1.0, "ratio"),
    ],
)
def test_parse_unit(text, kind, currency, scale, base_unit):
    assert parse_unit(text) == Unit(text, kind, currency, scale, base_unit)


@pytest.mark.parametrize(
    ("text", "message", "suggestion"),
    [
        ("UDS bn", "unknown currency 'UDS'", "did you mean 'USD' (US Dollar)"),  # transposed letters first
        ("EUX m", "unknown currency 'EUX'", "'EUR'"),
        ("QQQ m", "unknown currency", "ISO 4217"),
        ("¥ bn", "yen or yuan", "'JPY' or 'CNY'"),  # the symbol is ambiguous
        ("bn m USD", "more than one scale", "'USD bn'"),
        ("bn", "no currency", "'USD bn'"),
        ("USD EUR", "too many words", "'USD bn'"),
        ("% m", "scales a percentage", "without a scale"),
        ("", "missing unit", "'USD bn'"),
    ],
)
def test_bad_units_explain_themselves(text, message, suggestion):
    with pytest.raises(UnitError, match=message) as caught:
        parse_unit(text)
    assert suggestion in caught.value.suggestion


@pytest.mark.parametrize(
    ("text", "scale"),
    [
        ("min", 1.0),
        ("minutes", 1.0),
        ("s", 1 / 60),
        ("seconds", 1 / 60),
        ("hours", 60.0),
        ("h", 60.0),
        ("days", 1440.0),
    ],
)
def test_durations_are_their_own_unit_kind_in_minutes(text, scale):
    # 'min' is not the currency code MIN, 'hours' not a count of hours
    unit = parse_unit(text)
    assert (unit.kind, unit.base_unit, unit.currency, unit.growth) == ("duration", "minutes", None, None)
    assert unit.scale == pytest.approx(scale)


@pytest.mark.parametrize(
    ("text", "growth"),
    [
        ("% YoY", "yoy"),
        ("% y/y", "yoy"),
        ("%yoy", "yoy"),
        ("% QoQ", "qoq"),
        ("pct q/q", "qoq"),
        ("% YoY growth", "yoy"),
    ],
)
def test_growth_rate_units(text, growth):
    unit = parse_unit(text)
    assert (unit.kind, unit.base_unit, unit.scale, unit.growth) == ("percent", "%", 1.0, growth)
    assert parse_unit("%").growth is None
