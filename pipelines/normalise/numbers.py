"""Numbers as spreadsheets write them, read into exactly the value written, or refused with a reason.

Pure functions, no I/O. Two steps:

1. `detect_convention(texts, delimiter, declared)` decides a file's number convention (decimal mark and
   thousands separator): a declared one (dataset settings, see docs/data-formats.md) always wins; otherwise
   it is detected only when the file's values leave no doubt (every value that shows its decimal mark shows
   the same one; a `;` file whose values use `,` as decimal mark is a decimal-comma export). Otherwise the
   convention stays unknown and each value must be unambiguous on its own.
2. `read_number(text, convention, unit)` reads one cell:

   ======================  ============================  ==========================================
   written                 convention                    read as
   ======================  ============================  ==========================================
   ``9255,25``             decimal comma                 9255.25
   ``1.234,56``            decimal comma (or unknown)    1234.56
   ``1 234,5``             decimal comma                 1234.5
   ``1,234.56``            decimal point (or unknown)    1234.56
   ``120,000``             unknown                       refused: ambiguous (120 or 120000), names
                                                         the ``decimal_mark`` setting
   ``$9,255.25``           unit USD                      9255.25 (a symbol that agrees with the unit)
   ``€5``                  unit USD                      refused: the symbol contradicts the unit
   ``(1200)``              any                           -1200 (then the metric's sign rule applies)
   ``1,234.00-``           any                           -1234 (a sign after the number, as SAP writes)
   ``1,234.00 CR``         any                           refused: a debit or credit's sign depends on
                                                         the account
   ``-`` (a dash alone)    any                           refused: zero in accounting formats, "not
                                                         available" in statistical tables
   ``15%``                 unit ``%``                    15; refused for any other unit
   ``120000 Appx``         any                           120000, approximate (``~``, ``about``,
                                                         ``approx``, ``approx.``, ``appx``, ``c.``,
                                                         ``circa``, ``around``, ``roughly``)
   ======================  ============================  ==========================================

Rule source: the issue "Numbers you can trust on real files" (a number is never read with another value);
grouping of three digits is the only thousands grouping accepted (Indian lakh grouping is refused).
Errors: `NumberError` with `reason` and `suggestion`; the suggestion never repeats the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

DECIMAL_MARKS = (".", ",")
THOUSANDS_SEPARATORS = (",", ".", " ", "'", "")
SETTING = "decimal_mark"  # the dataset setting an ambiguous value's reason names

APPROX_WORDS = ("~", "≈", "about", "approx.", "approx", "appx.", "appx", "approximately", "circa", "c.",
                "ca.", "around", "roughly", "est.")  # fmt: skip
SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": ("JPY", "CNY"), "₹": "INR", "₺": "TRY",
           "₴": "UAH", "₽": "RUB", "₩": "KRW", "₫": "VND", "₱": "PHP", "฿": "THB", "r$": "BRL",
           "c$": "CAD", "a$": "AUD", "hk$": "HKD", "s$": "SGD", "nt$": "TWD"}  # fmt: skip
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_SYMBOL = re.compile(r"^(?:[a-z]{1,2}\$|[$€£¥₹₺₴₽₩₫₱฿])|(?:[a-z]{1,2}\$|[$€£¥₹₺₴₽₩₫₱฿])$", re.IGNORECASE)
_ISO = re.compile(r"^([A-Za-z]{3})\s+(?=[\d(+\-−.,])|(?<=[\d.)])\s*([A-Za-z]{3})$")
_SCIENTIFIC = re.compile(r"\d*\.?\d+[eE][+-]?\d+")
_DASHES = ("-", "\u2013", "\u2014")  # '-', en dash, em dash: how accounting formats print 0, tables 'n/a'
_DEBIT_CREDIT = re.compile(r"^\d[\d.,' ]*\s*(?:cr|dr|db)\.?$", re.IGNORECASE)  # '1,234.00 CR' (a GL's side)
_DIGITS = re.compile(r"^\d[\d.,' ]*$|^[.,]\d+$")


def _grouped(whole: str, sep: str) -> bool:
    """'1,234,567' with sep ',': groups of three digits after a first group of one to three."""
    return re.fullmatch(r"[1-9]\d{0,2}(?:" + re.escape(sep) + r"\d{3})+", whole) is not None


class NumberError(ValueError):
    """A cell that is not read: `reason` says why, `suggestion` what to write instead."""

    def __init__(self, reason: str, suggestion: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion


@dataclass(frozen=True)
class NumberConvention:
    """How a file writes numbers: `decimal_mark` '.' or ',' (None = unknown) and its thousands separator."""

    decimal_mark: str | None = None
    thousands_separator: str | None = None  # None: the other mark, or a space, or "'"
    source: str = "unknown"  # 'declared' | 'detected' | 'unknown' | 'typed' (parquet/json/xlsx numbers)

    def describe(self) -> str:
        if self.decimal_mark is None:
            return "unknown (no decimal_mark setting and the file's values do not show it)"
        return f"decimal mark '{self.decimal_mark}' ({self.source})"


UNKNOWN = NumberConvention()
DECIMAL_POINT = NumberConvention(".", ",", "typed")


@dataclass(frozen=True)
class ReadNumber:
    """One cell read: the value, whether it was written as an approximation, and the currency its symbol
    named (None when it had none)."""

    value: float
    approx: bool = False
    currency: str | None = None
    percent: bool = False


def evidence(text: str) -> str | None:
    """Which decimal mark a bare numeric text shows by itself: '.', ',', or None (no mark or ambiguous)."""
    t = _SPACES.sub(" ", text.strip()).lstrip("+-−(").rstrip(")")
    if not _DIGITS.match(t):
        return None
    dots, commas = t.count("."), t.count(",")
    if dots and commas:
        return "." if t.rfind(".") > t.rfind(",") else ","
    for mark, count, other in ((".", dots, ","), (",", commas, ".")):
        if not count:
            continue
        if count > 1:
            return other  # '1.234.567': the mark repeats, so it groups thousands
        whole, frac = t.split(mark)
        if len(frac) != 3 or not whole or whole.replace(" ", "").replace("'", "") in ("0", ""):
            return mark  # '9255,25', '0,125': not a group of three digits
        if " " in whole or "'" in whole:
            return mark  # '1 234,567': thousands grouped by spaces, so the mark is decimal
        return None  # '120,000' / '1.234': a group of three, ambiguous alone
    return None


def detect_convention(
    texts: Iterable[str | None], delimiter: str | None = None, declared: NumberConvention | None = None
) -> NumberConvention:
    """A file's convention: the declared one, else the only decimal mark its values show, else (for a `;`
    file whose values show a decimal comma) the decimal comma, else unknown."""
    if declared is not None and declared.decimal_mark is not None:
        return declared
    seen = {mark for text in texts if text and (mark := evidence(text))}
    if len(seen) == 1:
        return NumberConvention(seen.pop(), None, "detected")
    if delimiter == ";" and "," in seen:
        return NumberConvention(",", None, "detected")
    return UNKNOWN


def read_number(text: str, convention: NumberConvention = UNKNOWN, unit: object | None = None) -> ReadNumber:
    """Read one cell as written (see the module's table). `unit` is a `pipelines.normalise.units.Unit` (or
    None): a currency symbol must agree with its currency, a `%` needs a percent unit. Raises `NumberError`."""
    t = _SPACES.sub(" ", str(text).strip()).replace("\u2212", "-")
    if not t:
        raise NumberError("value is empty")
    t, approx = _strip_approx(t)
    t, negative = _strip_sign(t)
    t, currency = _strip_currency(t, text)
    t, percent = (t[:-1].strip(), True) if t.endswith("%") else (t, False)
    t, negative_inner = _strip_sign(t)
    negative = negative != negative_inner
    value = _plain_number(t, text, convention)
    _agree(text, currency, percent, unit)
    return ReadNumber(-value if negative else value, approx, currency, percent)


def _strip_approx(t: str) -> tuple[str, bool]:
    low = t.lower()
    for word in sorted(APPROX_WORDS, key=len, reverse=True):
        if low.startswith(word) and (not word[-1].isalpha() or not low[len(word) : len(word) + 1].isalpha()):
            return t[len(word) :].strip(), True
        if low.endswith(word) and (not word[0].isalpha() or not low[: -len(word)][-1:].isalpha()):
            return t[: -len(word)].strip(), True
    return t, False


def _strip_sign(t: str) -> tuple[str, bool]:
    trailing = len(t) > 1 and t[-1] == "-" and t[:-1].rstrip()[-1:].isdigit()
    if trailing and (t[:1] in "+-(" or t[:-1].rstrip().endswith(")")):
        raise NumberError(f"value {t!r} has two signs", "write one sign: -1,234.00 or 1,234.00-")
    if trailing:  # SAP and other ERP reports write the sign after the number: 1,234.00- is -1234
        return t[:-1].strip(), True
    if len(t) > 2 and t.startswith("(") and t.endswith(")"):
        return t[1:-1].strip(), True
    if t[:1] in "+-" and len(t) > 1:
        return t[1:].strip(), t[0] == "-"
    return t, False


def _strip_currency(t: str, written: str) -> tuple[str, str | tuple | None]:
    match = _SYMBOL.search(t)
    if match:
        symbol = match.group(0).lower()
        rest = (t[: match.start()] + t[match.end() :]).strip()
        if _SYMBOL.search(rest):
            raise NumberError(
                f"value {written!r} has two currency symbols", "write one number, currency in unit"
            )
        return rest, SYMBOLS[symbol]
    iso = _ISO.search(t)
    if iso:
        code = (iso.group(1) or iso.group(2)).upper()
        return (t[: iso.start()] + t[iso.end() :]).strip(), code
    return t, None


def _plain_number(t: str, written: str, convention: NumberConvention) -> float:
    if _SCIENTIFIC.fullmatch(t) and convention.decimal_mark != ",":
        return float(t)  # '1e308', '2.5E6': how programs write large numbers
    if t in _DASHES:
        raise NumberError(
            f"value {written!r} is a dash: accounting formats show a zero so, statistical tables a figure that "
            "is not available",
            "write 0 if it is zero; leave the cell empty if there is no figure",
        )
    if _DEBIT_CREDIT.match(t):
        raise NumberError(
            f"value {written!r} marks a debit or a credit: its sign depends on the account (a credit raises "
            "revenue and lowers an expense), so it is not read as either",
            "write the signed amount the figure means (a sale positive), or negate lines with a layout's sign rule",
        )
    if not _DIGITS.match(t):
        raise NumberError(
            f"value {written!r} is not a number",
            "write a number such as 17.5 or 1,234.5; put the currency and scale in unit",
        )
    mark = convention.decimal_mark or evidence(t)
    if mark is None:
        if not re.search(r"[.,]", t):
            mark = "."  # digits and spaces only: '1 234'
        else:
            raise NumberError(
                f"value {written!r} is ambiguous: '{_other(t)}' may mark decimals or group thousands",
                f"set {SETTING} in the dataset's dataset.toml ('.' or ',')",
            )
    other = "," if mark == "." else "."
    sep = convention.thousands_separator
    seps = (other, " ", "'") if sep is None else (sep,) if sep else ()
    whole, _, frac = t.partition(mark) if mark in t else (t, "", "")
    if mark in frac or (frac and not frac.isdigit()):
        raise NumberError(
            f"value {written!r} does not follow the file's number convention, {convention.describe()}",
            "write the value with that decimal mark, or set decimal_mark for this file in dataset.toml",
        )
    if not whole.isdigit():
        if not any(_grouped(whole, s) for s in seps if s):
            raise NumberError(
                f"value {written!r} does not follow the file's number convention, {convention.describe()}",
                f"group thousands by three digits with {' or '.join(repr(s) for s in seps)}"
                if seps
                else "write the number without thousands separators (thousands_separator is '')",
            )
        whole = re.sub(r"\D", "", whole)
    return float(f"{whole or 0}.{frac or 0}")


def _other(t: str) -> str:
    return "," if "," in t else "."


def _agree(written: str, currency: str | tuple | None, percent: bool, unit: object | None) -> None:
    kind = getattr(unit, "kind", None)
    if percent and kind is not None and kind != "percent":
        raise NumberError(
            f"value {written!r} is a percentage but the unit {getattr(unit, 'raw', '')!r} is not",
            "write the number without '%', or use unit '%'",
        )
    if currency is None or unit is None:
        return
    unit_currency = getattr(unit, "currency", None)
    options = currency if isinstance(currency, tuple) else (currency,)
    if unit_currency not in options:
        raise NumberError(
            f"the currency in value {written!r} ({'/'.join(options)}) contradicts the unit "
            f"{getattr(unit, 'raw', '')!r}",
            "check which currency the figure is in; the unit decides",
        )
