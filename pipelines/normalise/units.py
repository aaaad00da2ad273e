"""Units as written in files ('USD bn', 'bn USD', 'EUR m', '%', 'users m') read into kind, currency and scale."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

import pycountry

from pipelines.normalise.errors import InputError

UNIT_FORMS = (
    "write money as '<ISO currency> <scale>' (e.g. 'USD bn', 'EUR m', 'CNY'), percentages as '%' or 'pp', "
    "counts as 'count', 'count m' or 'users m', ratios as 'ratio' or 'x'"
)

SCALES: dict[str, float] = {
    **dict.fromkeys(("k", "thousand", "thousands", "000s"), 1e3),
    **dict.fromkeys(("m", "mn", "mm", "mio", "million", "millions"), 1e6),
    **dict.fromkeys(("b", "bn", "billion", "billions"), 1e9),
    **dict.fromkeys(("t", "tn", "trillion", "trillions"), 1e12),
}
# Symbols and words that stand for one currency. '¥' is left out on purpose: it means JPY or CNY.
CURRENCY_WORDS: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "rmb": "CNY",
    "yuan": "CNY",
    "renminbi": "CNY",
    "yen": "JPY",
    "₹": "INR",
    "rupee": "INR",
    "rupees": "INR",
    "c$": "CAD",
    "ca$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "s$": "SGD",
    "hk$": "HKD",
    "r$": "BRL",
    "nt$": "TWD",
}
PERCENT_WORDS = {"%", "pct", "percent", "per cent", "pp", "ppt", "pts", "percentage points"}
RATIO_WORDS = {"ratio", "x", "times", "multiple"}
# durations (response times, waiting times, hours worked), in minutes: a unit kind of their own, so 'min' is
# never read as a currency code and 'hours' never as a count
DURATION_MINUTES = {
    "s": 1 / 60, "sec": 1 / 60, "secs": 1 / 60, "second": 1 / 60, "seconds": 1 / 60,
    "min": 1.0, "mins": 1.0, "minute": 1.0, "minutes": 1.0,
    "h": 60.0, "hr": 60.0, "hrs": 60.0, "hour": 60.0, "hours": 60.0,
    "day": 1440.0, "days": 1440.0,
}  # fmt: skip
# growth-rate units: a target "grow 10 % on last year" is '10' in '% YoY' (docs/data-formats.md, "Growth targets")
GROWTH_WORDS = {"yoy": "yoy", "qoq": "qoq", "yy": "yoy", "qq": "qoq"}
_GROWTH = re.compile(r"(?:%|pct|percent)\s*(yoy|y/y|qoq|q/q)(?:\s+growth)?")
COUNT_WORDS = {
    "count", "number", "users", "orders", "units", "people", "customers", "subscribers", "downloads",
    "items", "accounts", "sellers", "merchants", "creators", "buyers", "shops", "stores", "videos",
    "mau", "dau", "employees", "transactions", "visits",
}  # fmt: skip

_TOKEN = re.compile(r"[a-z]{1,3}\$|[$€£¥₹%]|[a-z]+|\d+s?")


class UnitError(InputError):
    """A unit that cannot be read; `suggestion` says how to write it."""

    default_suggestion = UNIT_FORMS


@dataclass(frozen=True)
class Unit:
    raw: str
    kind: str  # 'money' | 'percent' | 'count' | 'ratio' | 'duration'
    currency: str | None  # ISO 4217, money only
    scale: float  # multiply a raw value by this to get units (1e9 for 'bn')
    base_unit: str  # 'USD' | '%' | 'count' | 'ratio'
    growth: str | None = None  # 'yoy' | 'qoq': a growth rate on the prior period ('% YoY'), percent only


@cache
def iso_currencies() -> dict[str, str]:
    """ISO 4217 code -> name, from pycountry."""
    return {currency.alpha_3: currency.name for currency in pycountry.currencies}


@cache
def parse_unit(text: str) -> Unit:
    """Read a unit such as 'USD bn', 'bn USD', 'US$ billion', 'EUR m', '%', 'count m' or 'ratio'."""
    if not isinstance(text, str) or not text.strip():
        raise UnitError(f"missing unit {text!r}")
    lowered = " ".join(text.strip().lower().split())
    if lowered in PERCENT_WORDS:
        return Unit(text, "percent", None, 1.0, "%")
    growth = _GROWTH.fullmatch(lowered)
    if growth:  # '% YoY', '% y/y', '% QoQ': the metric's growth on the same period a year (a quarter) earlier
        return Unit(text, "percent", None, 1.0, "%", GROWTH_WORDS[growth.group(1).replace("/", "")])
    if lowered == "bps":
        return Unit(text, "percent", None, 0.01, "%")
    if lowered in RATIO_WORDS:
        return Unit(text, "ratio", None, 1.0, "ratio")
    if lowered in DURATION_MINUTES:
        return Unit(text, "duration", None, DURATION_MINUTES[lowered], "minutes")
    scale, words = _split_scale(_TOKEN.findall(lowered), text)
    if not words:
        raise UnitError(f"unit {text!r} has a scale but no currency or count", UNIT_FORMS)
    if len(words) > 1:
        raise UnitError(f"cannot read unit {text!r}: too many words ({', '.join(words)})")
    word = words[0]
    if word in COUNT_WORDS or (len(word) > 3 and word.endswith("s") and word not in CURRENCY_WORDS):
        return Unit(text, "count", None, scale, "count")
    if word in PERCENT_WORDS or word in RATIO_WORDS:
        raise UnitError(f"unit {text!r} scales a percentage or ratio", "write '%' or 'ratio' without a scale")
    return Unit(text, "money", _currency(word, text), scale, "USD")


def _split_scale(tokens: list[str], text: str) -> tuple[float, list[str]]:
    scales = [token for token in tokens if token in SCALES]
    if len(scales) > 1:
        raise UnitError(f"unit {text!r} has more than one scale ({', '.join(scales)})")
    words = [token for token in tokens if token not in SCALES]
    return (SCALES[scales[0]] if scales else 1.0), words


def _currency(word: str, text: str) -> str:
    if word in CURRENCY_WORDS:
        return CURRENCY_WORDS[word]
    if word == "¥":
        raise UnitError(f"'¥' in unit {text!r} can mean yen or yuan", "write 'JPY' or 'CNY'")
    code = word.upper()
    currencies = iso_currencies()
    if code in currencies:
        return code
    # transposed letters ('UDS') first: difflib scores them no better than any other near miss
    anagrams = [c for c in currencies if sorted(c) == sorted(code)]
    close = list(dict.fromkeys(anagrams + difflib.get_close_matches(code, currencies, n=3, cutoff=0.6)))[:3]
    if close:
        options = " or ".join(f"'{c}' ({currencies[c]})" for c in close)
        suggestion = f"did you mean {options}?"
    else:
        suggestion = "use an ISO 4217 currency code such as 'USD', 'EUR' or 'CNY'"
    raise UnitError(f"unknown currency {code!r} in unit {text!r}", suggestion)
